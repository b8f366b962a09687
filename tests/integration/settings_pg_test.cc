// Issue 14 item 2: the schema hash does not depend on the session settings
// of whoever reads it. Defaults, CHECKs, views and index predicates holding
// timestamptz, date, interval, bytea, float, numeric and money constants, and
// mixed-case names, are read back the same under every client setting
// (PGTZ, PGDATESTYLE, PGOPTIONS, PGCLIENTENCODING) and every ALTER DATABASE /
// ALTER ROLE ... SET, while the settings the manifest reports stay the
// database's own.
#include <nlohmann/json.hpp>

#include "integration/pg_fixture.h"
#include "integration/run.h"

namespace keel::test {
namespace {

constexpr const char* kConstants = R"sql(
CREATE SCHEMA "App Data";
CREATE TABLE "App Data"."Events" (
  "Id" bigint PRIMARY KEY,
  at timestamptz NOT NULL DEFAULT '2020-01-01 10:00:00+00',
  day date DEFAULT '2020-01-31',
  plain_ts timestamp DEFAULT '2020-03-04 05:06:07.25',
  span interval DEFAULT '1 day 02:03:04.5',
  long_span interval DEFAULT '-1 year 2 mons 3 days -04:05:06',
  blob bytea DEFAULT '\xdeadbeef00',
  ratio double precision DEFAULT 0.1,
  small real DEFAULT 1.1,
  huge double precision DEFAULT 1e300,
  amount numeric(12,2) DEFAULT 12.50,
  price money DEFAULT 12.34,
  note text DEFAULT E'back\\slash and ''quote''',
  "café" text DEFAULT 'crème',
  CONSTRAINT "Events_at_check" CHECK (at > '2000-01-01 00:00:00+00'::timestamptz
                                      AND span < '10 days'::interval
                                      AND day >= '1999-12-31'::date),
  CONSTRAINT blob_check CHECK (blob <> '\x00'::bytea AND ratio < 0.3 AND small > 0.5::real)
);
CREATE INDEX "Events_recent" ON "App Data"."Events" (at) WHERE at > '2021-06-01 12:00:00+00';
CREATE VIEW "App Data"."Recent Events" AS
  SELECT "Id", at, at + interval '1 day 02:00' AS later, blob || '\x01'::bytea AS more,
         ratio * 0.25::float8 AS quarter, '2020-01-01'::date AS since,
         '2020-01-01 10:00:00+00'::timestamptz AS fixed, E'a\\b' AS slash, "café"
  FROM "App Data"."Events" WHERE at > '2020-06-01 00:00:00+00';
CREATE FUNCTION "App Data".shift(t timestamptz DEFAULT '2020-01-01 00:00:00+00',
                                 i interval DEFAULT '1 hour')
  RETURNS timestamptz LANGUAGE sql IMMUTABLE AS 'SELECT t + i';
)sql";

std::string hash_of(const PgDatabase& db, const std::string& env = "") {
  RunResult r = run_keel({"--url", db.url(), "-q", "baseline", "hash"}, "", env);
  EXPECT_EQ(r.status, 0) << env << "\n" << r.out << r.err;
  std::string out = r.out;
  while (!out.empty() && (out.back() == '\n' || out.back() == ' ')) out.pop_back();
  return out;
}

class SettingsFix14 : public PgTest {
 protected:
  void SetUp() override {
    PgTest::SetUp();
    db_.sql(kConstants);
    plain_ = hash_of(db_);
    ASSERT_TRUE(plain_.starts_with("sha256:")) << plain_;
  }
  PgDatabase db_;
  std::string plain_;
};

// One client environment setting at a time, as the CLI gets it.
class ClientSetting : public SettingsFix14, public ::testing::WithParamInterface<const char*> {};

TEST_P(ClientSetting, BaselineHashAndDriftIgnoreIt) {
  const std::string env = GetParam();
  EXPECT_EQ(hash_of(db_, env), plain_) << env;
  TempDir dir;
  RunResult cap = run_keel({"--url", db_.url(), "baseline", "capture", "-o", dir.file("m.json")});
  ASSERT_EQ(cap.status, 0) << cap.err;
  RunResult drift = run_keel(
      {"--url", db_.url(), "--format", "json", "drift", "--against", dir.file("m.json")}, "", env);
  nlohmann::json j = nlohmann::json::parse(drift.out, nullptr, false);
  ASSERT_FALSE(j.is_discarded()) << drift.out << drift.err;
  for (const auto& d : j["differences"]) {
    EXPECT_NE(d["category"], "schema") << env << ": " << d.dump();
  }
}

INSTANTIATE_TEST_SUITE_P(
    Fix14, ClientSetting,
    ::testing::Values("PGTZ=Asia/Tokyo", "PGDATESTYLE=German", "PGDATESTYLE=SQL, DMY",
                      "PGDATESTYLE=Postgres", "PGOPTIONS=-c intervalstyle=sql_standard",
                      "PGOPTIONS=-c intervalstyle=iso_8601",
                      "PGOPTIONS=-c intervalstyle=postgres_verbose",
                      "PGOPTIONS=-c bytea_output=escape", "PGOPTIONS=-c quote_all_identifiers=on",
                      "PGOPTIONS=-c extra_float_digits=-15", "PGOPTIONS=-c extra_float_digits=0",
                      "PGOPTIONS=-c standard_conforming_strings=off",
                      "PGOPTIONS=-c timezone=America/St_Johns", "PGOPTIONS=-c search_path=pg_temp",
                      "PGCLIENTENCODING=LATIN1"));

// ALTER DATABASE / ALTER ROLE ... SET reach every new session, the helper
// sessions of a capture included.
TEST_F(SettingsFix14, AlterDatabaseAndRoleSettingsLeaveTheHash) {
  const std::vector<std::string> settings = {
      "timezone = 'Asia/Tokyo'",          "datestyle = 'German'",
      "intervalstyle = 'sql_standard'",   "bytea_output = 'escape'",
      "quote_all_identifiers = on",       "extra_float_digits = -15",
      "standard_conforming_strings = off"};
  for (const std::string& s : settings) {
    PgDatabase::admin("ALTER DATABASE " + db_.name() + " SET " + s);
    EXPECT_EQ(hash_of(db_), plain_) << "ALTER DATABASE SET " << s;
    PgDatabase::admin("ALTER DATABASE " + db_.name() + " RESET ALL");
    PgDatabase::admin("ALTER ROLE CURRENT_USER IN DATABASE " + db_.name() + " SET " + s);
    EXPECT_EQ(hash_of(db_), plain_) << "ALTER ROLE IN DATABASE SET " << s;
    PgDatabase::admin("ALTER ROLE CURRENT_USER IN DATABASE " + db_.name() + " RESET ALL");
  }
  // All at once, with a client setting on top.
  PgDatabase::admin("ALTER DATABASE " + db_.name() +
                    " SET timezone = 'Pacific/Chatham'; ALTER DATABASE " + db_.name() +
                    " SET datestyle = 'SQL, DMY'; ALTER DATABASE " + db_.name() +
                    " SET intervalstyle = 'iso_8601'");
  EXPECT_EQ(hash_of(db_, "PGOPTIONS=-c bytea_output=escape -c quote_all_identifiers=on"), plain_);
}

// The settings a manifest reports are read before keel pins its own: the
// database's time zone and date style, not UTC and ISO.
TEST_F(SettingsFix14, ReportedSettingsStayTheDatabases) {
  PgDatabase::admin("ALTER DATABASE " + db_.name() +
                    " SET timezone = 'Asia/Tokyo'; ALTER DATABASE " + db_.name() +
                    " SET datestyle = 'German, DMY'");
  Manifest m = db_.capture();
  EXPECT_EQ(m.settings["server"]["TimeZone"], "Asia/Tokyo");
  EXPECT_EQ(m.settings["server"]["DateStyle"], "German, DMY");
  EXPECT_EQ(m.settings["database"]["TimeZone"], "Asia/Tokyo");
  EXPECT_EQ(model::schema_hash(m.schema), plain_);
  // Drift between the same database read before and after the ALTER names
  // the settings, and nothing in the schema.
  TempDir dir;
  PgDatabase::admin("ALTER DATABASE " + db_.name() + " RESET ALL");
  RunResult cap = run_keel({"--url", db_.url(), "baseline", "capture", "-o", dir.file("m.json")});
  ASSERT_EQ(cap.status, 0) << cap.err;
  PgDatabase::admin("ALTER DATABASE " + db_.name() + " SET timezone = 'Asia/Tokyo'");
  RunResult drift = run_keel({"--url", db_.url(), "drift", "--against", dir.file("m.json")});
  EXPECT_EQ(drift.status, 3) << drift.out << drift.err;
  EXPECT_NE(drift.out.find("Asia/Tokyo"), std::string::npos) << drift.out;
  EXPECT_EQ(drift.out.find("schema:"), std::string::npos) << drift.out;
}

// keel's own schema reads inside apply (the hashes before and after each
// migration) pin the same settings, whatever the migration sets for its
// session, so the recorded hash is the one `baseline hash` prints.
TEST_F(SettingsFix14, ApplyRecordsTheSameHashUnderOtherSettings) {
  TempDir dir;
  std::filesystem::create_directories(dir.file("migrations"));
  dir.write("migrations/0001_more.up.sql",
            "SET datestyle = 'German'; SET intervalstyle = 'sql_standard';\n"
            "SET bytea_output = 'escape'; SET TimeZone = 'Asia/Tokyo';\n"
            "ALTER TABLE \"App Data\".\"Events\" ADD COLUMN later timestamptz "
            "DEFAULT '2030-01-01 00:00:00+00';\n");
  dir.write("migrations/0001_more.down.sql",
            "ALTER TABLE \"App Data\".\"Events\" DROP COLUMN later;\n");
  RunResult apply =
      run_keel({"--url", db_.url(), "apply"}, dir.path, "PGOPTIONS=-c timezone=America/Denver");
  ASSERT_EQ(apply.status, 0) << apply.out << apply.err;
  std::string after = hash_of(db_);
  EXPECT_EQ(db_.scalar("SELECT schema_hash_before || ' ' || schema_hash_after FROM "
                       "keel.schema_migrations WHERE version = '0001'"),
            plain_ + " " + after);
  RunResult back =
      run_keel({"--url", db_.url(), "rollback", "--steps", "1"}, dir.path, "PGTZ=Asia/Kolkata");
  EXPECT_EQ(back.status, 0) << back.out << back.err;
  EXPECT_EQ(hash_of(db_), plain_);
}

}  // namespace
}  // namespace keel::test
