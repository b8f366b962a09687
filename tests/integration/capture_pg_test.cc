// PostgreSQL: the manifest beyond the schema (server, encoding, collations,
// settings, extensions, index statistics) and what capture leaves out.
#include "integration/pg_fixture.h"

namespace keel::test {
namespace {

bool has_difference(const std::vector<Difference>& diffs, const std::string& category,
                    const std::string& object_part) {
  for (const Difference& d : diffs) {
    if (d.category == category && d.object.find(object_part) != std::string::npos) return true;
  }
  return false;
}

std::string describe(const std::vector<Difference>& diffs) {
  std::string out;
  for (const Difference& d : diffs) out += "\n  " + d.category + " " + d.object + " " + d.property;
  return out;
}

TEST_F(PgTest, PgManifestRecordsServerAndEncoding) {
  PgDatabase db;
  db.sql("CREATE TABLE t (a text COLLATE \"C\", b text)");
  Manifest m = db.capture();
  EXPECT_EQ(m.dialect, "postgresql");
  EXPECT_EQ(m.server.product, "postgresql");
  EXPECT_EQ(m.server.major, 15);
  EXPECT_EQ(m.server.version, "15." + std::to_string(m.server.minor));
  EXPECT_EQ(m.encoding.encoding, "UTF8");
  EXPECT_FALSE(m.encoding.collate.empty());
  EXPECT_FALSE(m.encoding.locale_provider.empty());
  ASSERT_TRUE(m.encoding.collations.contains("default"));
  EXPECT_EQ(m.encoding.collations.at("default").collate, m.encoding.collate);
  EXPECT_TRUE(m.encoding.collations.contains("pg_catalog.\"C\""));
  EXPECT_EQ(m.schema.schemas.at("public").tables.at("t").columns.at("a").collation,
            "pg_catalog.\"C\"");
  EXPECT_EQ(m.schema.schemas.at("public").tables.at("t").columns.at("b").collation, "");
}

TEST_F(PgTest, PgManifestRecordsServerSettingsByGivenName) {
  PgDatabase db;
  CaptureOptions options;
  options.settings = {"TimeZone", "statement_timeout", "no_such_setting"};
  Manifest m = db.capture(options);
  ASSERT_TRUE(m.settings.contains("server"));
  EXPECT_TRUE(m.settings.at("server").contains("TimeZone"));
  EXPECT_EQ(m.settings.at("server").at("statement_timeout"), "0");
  EXPECT_FALSE(m.settings.at("server").contains("no_such_setting"));
}

TEST_F(PgTest, PgDatabaseSettingDifferenceIsDrift) {
  PgDatabase a, b;
  b.sql("ALTER DATABASE " + b.name() + " SET statement_timeout = '5s'");
  Manifest ma = a.capture(), mb = b.capture();
  EXPECT_EQ(mb.settings.at("database").at("statement_timeout"), "5s");
  std::vector<Difference> diffs = compare_manifests(ma, mb, {});
  EXPECT_TRUE(has_difference(diffs, "settings", "statement_timeout")) << describe(diffs);
  EXPECT_GT(drift_count(diffs), 0u);
  EXPECT_EQ(model::schema_hash(ma.schema), model::schema_hash(mb.schema));
}

TEST_F(PgTest, PgRoleSettingsAreScopedToThisDatabase) {
  PgDatabase a, b;
  PgDatabase::admin(
      "DO $$ BEGIN IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'keel_settings_role') "
      "THEN CREATE ROLE keel_settings_role; END IF; END $$");
  PgDatabase::admin("ALTER ROLE keel_settings_role IN DATABASE " + b.name() +
                    " SET work_mem = '8MB'");
  Manifest ma = a.capture(), mb = b.capture();
  EXPECT_FALSE(ma.settings.contains("role keel_settings_role in database"));
  ASSERT_TRUE(mb.settings.contains("role keel_settings_role in database"));
  EXPECT_EQ(mb.settings.at("role keel_settings_role in database").at("work_mem"), "8MB");
  std::vector<Difference> diffs = compare_manifests(ma, mb, {});
  EXPECT_TRUE(has_difference(diffs, "settings", "work_mem")) << describe(diffs);
}

TEST_F(PgTest, PgExtensionVersionDifferenceIsDrift) {
  PgDatabase a, b;
  a.sql("CREATE EXTENSION citext VERSION '1.4'");
  b.sql("CREATE EXTENSION citext");
  Manifest ma = a.capture(), mb = b.capture();
  ASSERT_TRUE(ma.schema.extensions.contains("citext"));
  EXPECT_EQ(ma.schema.extensions.at("citext").version, "1.4");
  EXPECT_EQ(ma.schema.extensions.at("citext").schema, "public");
  EXPECT_NE(mb.schema.extensions.at("citext").version, "1.4");
  std::vector<Difference> diffs = compare_manifests(ma, mb, {});
  bool named = false;
  for (const Difference& d : diffs) named = named || d.object.find("citext") != std::string::npos;
  EXPECT_TRUE(named) << describe(diffs);
  EXPECT_NE(model::schema_hash(ma.schema), model::schema_hash(mb.schema));
}

TEST_F(PgTest, PgExtensionMembersAndKeelSchemaAreLeftOut) {
  PgDatabase a, b;
  a.sql("CREATE EXTENSION citext; CREATE TABLE t (e citext)");
  b.sql(
      "CREATE EXTENSION citext; CREATE TABLE t (e citext);"
      "CREATE SCHEMA keel; CREATE TABLE keel.history (id int PRIMARY KEY);"
      "CREATE TEMP TABLE scratch (x int)");
  Manifest ma = a.capture(), mb = b.capture();
  EXPECT_EQ(model::schema_hash(ma.schema), model::schema_hash(mb.schema));
  EXPECT_FALSE(mb.schema.schemas.contains("keel"));
  const model::Schema& pub = ma.schema.schemas.at("public");
  EXPECT_TRUE(pub.functions.empty()) << "citext's functions leaked: " << pub.functions.size();
  EXPECT_TRUE(pub.types.empty());
  EXPECT_EQ(pub.tables.at("t").columns.at("e").type, "public.citext");
  EXPECT_FALSE(ma.schema.schemas.contains("pg_catalog"));
  EXPECT_FALSE(ma.schema.schemas.contains("information_schema"));
}

TEST_F(PgTest, PgIdentityAndSerialSequences) {
  PgDatabase db;
  db.sql(
      "CREATE TABLE t (id int GENERATED ALWAYS AS IDENTITY (START WITH 10 INCREMENT BY 5), "
      "s serial)");
  Manifest m = db.capture();
  const model::Schema& pub = m.schema.schemas.at("public");
  const model::Column& id = pub.tables.at("t").columns.at("id");
  EXPECT_EQ(id.identity, "always");
  EXPECT_NE(id.identity_sequence.find("start 10"), std::string::npos) << id.identity_sequence;
  EXPECT_NE(id.identity_sequence.find("increment 5"), std::string::npos);
  EXPECT_FALSE(pub.sequences.contains("t_id_seq"));
  ASSERT_TRUE(pub.sequences.contains("t_s_seq"));
  EXPECT_EQ(pub.sequences.at("t_s_seq").owned_by, "public.t.s");
  EXPECT_EQ(pub.sequences.at("t_s_seq").type, "integer");
  EXPECT_EQ(pub.tables.at("t").columns.at("s").default_expr, "nextval('public.t_s_seq'::regclass)");
}

TEST_F(PgTest, PgDefinitionsAreRenderedLikeTheServer) {
  // Keys, foreign keys, plain indexes and CHECKs are rendered by keel (or
  // deparsed against a stand-in); they must read as the server's own.
  PgDatabase db;
  db.sql(
      "CREATE TABLE p (id int PRIMARY KEY, code text UNIQUE);"
      "CREATE TABLE \"Child\" (id int, \"Parent\" int REFERENCES p(id) ON DELETE SET NULL "
      "DEFERRABLE, qty int CHECK (qty BETWEEN 0 AND 10), \"select\" text, "
      "CONSTRAINT odd CHECK (\"select\" LIKE '%relname%' OR \"Parent\" > 0), "
      "CONSTRAINT pk PRIMARY KEY (id) INCLUDE (qty));"
      "CREATE INDEX ix ON \"Child\" (\"Parent\" DESC NULLS LAST, \"select\" text_pattern_ops) "
      "WITH (fillfactor = 80);"
      "CREATE TABLE wide (" +
      [] {
        std::string cols;
        for (int i = 1; i <= 40; ++i) cols += "c" + std::to_string(i) + " int, ";
        return cols;
      }() +
      "CONSTRAINT far CHECK (c40 > c1))");
  std::string expected = db.scalar(
      "SET search_path = pg_catalog; SELECT string_agg(conname || '=' || "
      "pg_get_constraintdef(oid), ' | ' ORDER BY conname) "
      "FROM pg_constraint WHERE conrelid IN ('public.p'::regclass, 'public.\"Child\"'::regclass, "
      "'public.wide'::regclass)");
  Manifest m = db.capture();
  const model::Schema& pub = m.schema.schemas.at("public");
  std::map<std::string, std::string> ours;
  for (const char* table : {"p", "Child", "wide"}) {
    for (const auto& [name, c] : pub.tables.at(table).constraints) ours[name] = c.definition;
  }
  std::string got;
  for (const auto& [name, def] : ours) got += (got.empty() ? "" : " | ") + name + "=" + def;
  EXPECT_EQ(got, expected);

  const model::Index& ix = pub.tables.at("Child").indexes.at("ix");
  EXPECT_EQ(ix.definition, db.scalar("SET search_path = pg_catalog; "
                                     "SELECT pg_get_indexdef('public.ix'::regclass)"));
  EXPECT_EQ(pub.tables.at("Child").indexes.at("pk").definition,
            db.scalar("SET search_path = pg_catalog; "
                      "SELECT pg_get_indexdef('public.pk'::regclass)"));
  EXPECT_EQ(ix.columns, (std::vector<std::string>{"Parent", "select"}));
  EXPECT_EQ(pub.tables.at("Child").indexes.at("pk").include, (std::vector<std::string>{"qty"}));
}

TEST_F(PgTest, PgIndexStatisticsAreRecordedNotHashed) {
  PgDatabase a, b;
  const std::string schema = "CREATE TABLE t (id int PRIMARY KEY, v text)";
  a.sql(schema);
  b.sql(schema + "; INSERT INTO t SELECT g, 'x' FROM generate_series(1, 5000) g; ANALYZE t");
  Manifest ma = a.capture(), mb = b.capture();
  ASSERT_TRUE(mb.index_statistics.contains("public.t_pkey"));
  EXPECT_GT(mb.index_statistics.at("public.t_pkey").reltuples, 1000);
  EXPECT_GT(mb.index_statistics.at("public.t_pkey").size_bytes, 8192);
  EXPECT_EQ(model::schema_hash(ma.schema), model::schema_hash(mb.schema));
  EXPECT_EQ(drift_count(compare_manifests(ma, mb, {})), 0u);
  DriftOptions with_stats;
  with_stats.include_index_stats = true;
  EXPECT_GT(compare_manifests(ma, mb, with_stats).size(), 0u);
}

}  // namespace
}  // namespace keel::test
