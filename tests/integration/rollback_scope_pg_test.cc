// Issue 14 item 15: the integrity checks before a rollback commits cover
// what the down scripts can affect (the relations they name and the foreign
// keys on or to them), not every key of the database, whose locks would fill
// the server's lock table on a large schema; everything when a down script's
// effects cannot be read from it.
#include <fmt/format.h>
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <set>

#include "dialects/postgres/driver.h"
#include "integration/migrate_helpers.h"
#include "integration/pg_fixture.h"
#include "keel/migrate.h"

namespace keel::test {
namespace {

struct Session {
  std::unique_ptr<migrate::MigrationTarget> target;
  std::vector<migrate::Migration> files;
};

Session open(const PgDatabase& db, const MigrationFolder& folder) {
  auto url = parse_connection_url(db.url());
  EXPECT_TRUE(url.has_value());
  auto target = migrate::open_migration_target(*url);
  EXPECT_TRUE(target.has_value()) << target.error().to_string();
  auto files = migrate::load_migrations(folder.dir.file("migrations"));
  EXPECT_TRUE(files.has_value()) << files.error().to_string();
  return {std::move(*target), std::move(*files)};
}

std::set<std::string> names(const std::vector<migrate::IntegrityFinding>& findings) {
  std::set<std::string> out;
  for (const auto& f : findings) out.insert(f.kind + ":" + f.name);
  return out;
}

constexpr int kChain = 40;  // untouched tables, each with a foreign key

// a <- b <- c, where 0002 adds a column to b; and an untouched chain
// u01 <- u02 <- ... with an orphan behind a NOT VALID key, and an untouched
// table whose NOT VALID CHECK is violated.
void write_schema(const MigrationFolder& folder, const std::string& down) {
  std::string up =
      "CREATE TABLE a (id int PRIMARY KEY);\n"
      "CREATE TABLE b (id int PRIMARY KEY, a_id int REFERENCES a);\n"
      "CREATE TABLE c (id int PRIMARY KEY, b_id int);\n"
      "INSERT INTO a VALUES (1);\nINSERT INTO b VALUES (1, 1);\nINSERT INTO c VALUES (1, 1);\n"
      "ALTER TABLE c ADD CONSTRAINT c_b_fk FOREIGN KEY (b_id) REFERENCES b NOT VALID;\n"
      "CREATE TABLE u01 (id int PRIMARY KEY);\n";
  for (int i = 2; i <= kChain; ++i) {
    up += fmt::format("CREATE TABLE u{:02d} (id int PRIMARY KEY, up int REFERENCES u{:02d});\n", i,
                      i - 1);
  }
  up +=
      "CREATE TABLE lonely (id int PRIMARY KEY, parent int);\n"
      "INSERT INTO lonely VALUES (1, 99);\n"
      "ALTER TABLE lonely ADD CONSTRAINT lonely_fk FOREIGN KEY (parent) REFERENCES u01 NOT VALID;\n"
      "CREATE TABLE odd (n int);\nINSERT INTO odd VALUES (-1);\n"
      "ALTER TABLE odd ADD CONSTRAINT odd_positive CHECK (n > 0) NOT VALID;\n";
  folder.write("0001_schema.up.sql", up);
  folder.write("0001_schema.down.sql", "SELECT 1;\n");
  folder.write("0002_extra.up.sql", "ALTER TABLE b ADD COLUMN extra int;\n");
  folder.write("0002_extra.down.sql", down);
}

class RollbackScopePg : public PgTest {};

TEST_F(RollbackScopePg, OnlyKeysOnOrToTheTouchedRelationsAreChecked) {
  PgDatabase db;
  MigrationFolder folder(db.url());
  write_schema(folder, "ALTER TABLE b DROP COLUMN extra;\n");
  ASSERT_EQ(folder.keel("apply").status, 0);

  // Untouched orphans (lonely -> u01, odd's CHECK) are not the rollback's
  // business: it goes through, checking b's own key, c's key to b, and
  // keel.toml's check (always).
  Session s = open(db, folder);
  migrate::RollbackOptions options;
  options.integrity.checks.push_back({"a has rows", "SELECT count(*) FROM a", 1});
  auto report = migrate::rollback(*s.target, s.files, options);
  ASSERT_TRUE(report.has_value()) << report.error().to_string();
  EXPECT_FALSE(report->aborted) << report->abort_reason;
  EXPECT_EQ(names(report->findings),
            (std::set<std::string>{"foreign key:public.b.b_a_id_fkey",
                                   "foreign key:public.c.c_b_fk", "check:a has rows"}));
  EXPECT_FALSE(report->integrity_scope.whole);
  EXPECT_EQ(report->integrity_scope.relations, std::vector<std::string>{"\"b\""});
  s.target.reset();
  EXPECT_EQ(db.scalar("SELECT status FROM keel.schema_migrations WHERE version = '0002'"),
            "ROLLED_BACK");

  // The CLI names the scope and the count, in text and JSON.
  ASSERT_EQ(folder.keel("apply").status, 0);
  RunResult text = folder.keel("rollback");
  EXPECT_EQ(text.status, 0) << text.out << text.err;
  EXPECT_NE(text.out.find("integrity: 2 checks passed before commit; scope: foreign keys on or "
                          "referencing, and NOT VALID CHECKs on, the 1 relation the down scripts "
                          "name: \"b\""),
            std::string::npos)
      << text.out;
  ASSERT_EQ(folder.keel("apply").status, 0);
  RunResult json = run_keel({"--format", "json", "--url", folder.url, "rollback"}, folder.dir.path);
  ASSERT_EQ(json.status, 0) << json.out << json.err;
  auto j = nlohmann::json::parse(json.out, nullptr, false);
  ASSERT_FALSE(j.is_discarded()) << json.out;
  EXPECT_EQ(j["integrity_scope"]["whole"], false);
  EXPECT_EQ(j["integrity_scope"]["checks"], 2);
  EXPECT_EQ(j["integrity_scope"]["by_kind"]["foreign key"], 2);
  EXPECT_EQ(j["integrity_scope"]["relations"], nlohmann::json::array({"\"b\""}));
}

TEST_F(RollbackScopePg, AnOrphanTheDownScriptMakesInATouchedRelationsKeyAbortsIt) {
  PgDatabase db;
  MigrationFolder folder(db.url());
  // The down deletes b's row with the keys' triggers off: c's row is
  // orphaned (c holds a key to b).
  write_schema(folder,
               "SET LOCAL session_replication_role = replica;\n"
               "DELETE FROM b WHERE id = 1;\n"
               "ALTER TABLE b DROP COLUMN extra;\n");
  ASSERT_EQ(folder.keel("apply").status, 0);
  const std::string hash = db.hash();
  Session s = open(db, folder);
  auto report = migrate::rollback(*s.target, s.files, migrate::RollbackOptions{});
  ASSERT_TRUE(report.has_value()) << report.error().to_string();
  EXPECT_TRUE(report->aborted);
  EXPECT_EQ(names(report->findings), (std::set<std::string>{"foreign key:public.b.b_a_id_fkey",
                                                            "foreign key:public.c.c_b_fk"}));
  for (const auto& f : report->findings) {
    EXPECT_EQ(f.count, f.name == "public.c.c_b_fk" ? 1 : 0) << f.to_string();
  }
  s.target.reset();
  EXPECT_EQ(db.hash(), hash);
  EXPECT_EQ(db.scalar("SELECT count(*) FROM b"), "1");
}

TEST_F(RollbackScopePg, ADownScriptWhoseEffectsCannotBeReadChecksEverythingAndSaysWhy) {
  PgDatabase db;
  MigrationFolder folder(db.url());
  write_schema(folder,
               "-- done in a block\nDO $$ BEGIN ALTER TABLE b DROP COLUMN extra; END $$;\n");
  ASSERT_EQ(folder.keel("apply").status, 0);
  Session s = open(db, folder);
  auto report = migrate::rollback(*s.target, s.files, migrate::RollbackOptions{});
  ASSERT_TRUE(report.has_value()) << report.error().to_string();
  EXPECT_TRUE(report->integrity_scope.whole);
  EXPECT_NE(report->integrity_scope.why.find("0002_extra.down.sql:2: a DO block"),
            std::string::npos)
      << report->integrity_scope.why;
  // Every key: the untouched orphans are found too, and stop the rollback.
  EXPECT_TRUE(report->aborted);
  auto found = names(report->findings);
  EXPECT_TRUE(found.contains("foreign key:public.lonely.lonely_fk"));
  EXPECT_TRUE(found.contains("check constraint:public.odd.odd_positive"));
  EXPECT_TRUE(found.contains("foreign key:public.u40.u40_up_fkey"));
  EXPECT_EQ(found.size(), static_cast<size_t>(kChain - 1 + 4));  // chain, b, c, lonely, odd
  s.target.reset();

  RunResult cli = folder.keel("rollback");
  EXPECT_EQ(cli.status, 3) << cli.out << cli.err;
  EXPECT_NE(cli.out.find("integrity scope: every foreign key and NOT VALID CHECK of the database "
                         "("),
            std::string::npos)
      << cli.out;
  EXPECT_NE(cli.out.find("0002_extra.down.sql:2: a DO block, whose effects cannot be read"),
            std::string::npos)
      << cli.out;
}

// What each kind of statement brings into the scope.
TEST_F(RollbackScopePg, TheScopeOfStatements) {
  PgDatabase db;
  db.sql(
      "CREATE SCHEMA app; CREATE TABLE app.t (id int PRIMARY KEY); CREATE TABLE w (x int);"
      "CREATE FUNCTION app.touch() RETURNS int LANGUAGE sql AS $$ SELECT 1 $$;"
      "CREATE FUNCTION lower(x int) RETURNS int LANGUAGE sql AS $$ SELECT x $$;"
      "CREATE PROCEDURE p() LANGUAGE sql AS $$ SELECT 1 $$;");
  MigrationFolder folder(db.url());
  Session s = open(db, folder);
  auto scope = [&](const std::string& sql) {
    migrate::Script script;
    script.path = "down.sql";
    script.sql = sql;
    auto statements = migrate::split_statements(pg::driver(), script);
    EXPECT_TRUE(statements.has_value());
    auto got = s.target->integrity_scope(*statements);
    EXPECT_TRUE(got.has_value()) << got.error().to_string();
    return *got;
  };
  auto relations = [&](const std::string& sql) {
    migrate::IntegrityScope got = scope(sql);
    EXPECT_FALSE(got.whole) << sql << ": " << got.why;
    return got.relations;
  };
  using V = std::vector<std::string>;
  EXPECT_EQ(relations("DELETE FROM app.t WHERE id = 1;\nSELECT now(), count(*) FROM w"),
            (V{R"("app"."t")", R"("w")"}));
  EXPECT_EQ(relations("SELECT pg_catalog.upper('x'), coalesce(1, 2), nextval('s')"), V{});
  EXPECT_EQ(relations("ALTER TABLE app.t RENAME TO t2"), (V{R"("app"."t")", R"("app"."t2")"}));
  EXPECT_EQ(relations("ALTER TABLE app.t SET SCHEMA public"),
            (V{R"("app"."t")", R"("public"."t")"}));
  EXPECT_EQ(relations("DROP TABLE w, app.t"), (V{R"("app"."t")", R"("w")"}));
  // Stored, not run: a function called by a DEFAULT is not a reason.
  EXPECT_EQ(relations("ALTER TABLE w ADD COLUMN y int DEFAULT app.touch()"), V{R"("w")"});
  struct Case {
    std::string sql, why;
  };
  for (const Case& c : std::vector<Case>{
           {"SELECT 1;\nDO $$ BEGIN NULL; END $$", "line 2: a DO block"},
           {"CALL p()", "line 1: CALL"},
           {"EXECUTE q", "line 1: EXECUTE"},
           {"SELECT app.touch()", R"(line 1: a call of "app"."touch"())"},
           {"UPDATE w SET x = app.touch()", R"(line 1: a call of "app"."touch"())"},
           {"INSERT INTO w SELECT lower(1)",
            R"(line 1: a call of "lower"())"},  // one is the database's
           {"SELECT made_by_the_script()", R"(line 1: a call of "made_by_the_script"())"}}) {
    migrate::IntegrityScope got = scope(c.sql);
    EXPECT_TRUE(got.whole) << c.sql;
    EXPECT_TRUE(got.why.starts_with(c.why)) << c.sql << ": " << got.why;
    EXPECT_TRUE(got.relations.empty()) << c.sql;
  }
}

// Writing through a view writes its table; a partition's rows are its
// parent's: the keys on those are in scope.
TEST_F(RollbackScopePg, ViewsAndPartitionsBringTheirTablesIntoScope) {
  PgDatabase db;
  MigrationFolder folder(db.url());
  folder.write("0001_schema.up.sql",
               "CREATE TABLE base (id int PRIMARY KEY, n int);\n"
               "CREATE VIEW base_v AS SELECT id, n FROM base;\n"
               "CREATE TABLE ref_base (id int REFERENCES base);\n"
               "CREATE TABLE parted (id int PRIMARY KEY) PARTITION BY RANGE (id);\n"
               "CREATE TABLE parted_1 PARTITION OF parted FOR VALUES FROM (0) TO (100);\n"
               "CREATE TABLE ref_parted (id int REFERENCES parted);\n"
               "CREATE TABLE other (id int PRIMARY KEY);\n"
               "CREATE TABLE ref_other (id int REFERENCES other);\n"
               "INSERT INTO base VALUES (1, 1);\nINSERT INTO ref_base VALUES (1);\n"
               "INSERT INTO parted VALUES (5);\nINSERT INTO ref_parted VALUES (5);\n");
  folder.write("0001_schema.down.sql", "SELECT 1;\n");
  folder.write("0002_rows.up.sql", "UPDATE base_v SET n = 2;\nUPDATE parted_1 SET id = id;\n");
  folder.write("0002_rows.down.sql",
               "SET LOCAL session_replication_role = replica;\n"
               "DELETE FROM base_v;\nDELETE FROM parted_1;\n");
  ASSERT_EQ(folder.keel("apply").status, 0);
  Session s = open(db, folder);
  auto report = migrate::rollback(*s.target, s.files, migrate::RollbackOptions{});
  ASSERT_TRUE(report.has_value()) << report.error().to_string();
  EXPECT_TRUE(report->aborted);
  std::map<std::string, int64_t> counts;
  for (const auto& f : report->findings) counts[f.name] = f.count;
  EXPECT_EQ(counts, (std::map<std::string, int64_t>{{"public.ref_base.ref_base_id_fkey", 1},
                                                    {"public.ref_parted.ref_parted_id_fkey", 1}}));
}

}  // namespace
}  // namespace keel::test
