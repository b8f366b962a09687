// keel apply / status / rollback / validate on SQLite files in temp dirs.
#include <gtest/gtest.h>
#include <sqlite3.h>

#include <chrono>
#include <nlohmann/json.hpp>

#include "integration/migrate_helpers.h"

namespace keel::test {
namespace {

using SqliteFolder = SqliteMigrationFolder;

TEST(MigrateSqlite, ApplyStatusRollback) {
  SqliteFolder f;
  f.write("0001_users.up.sql", "CREATE TABLE users (id INTEGER PRIMARY KEY);\n");
  f.write("0001_users.down.sql", "DROP TABLE users;\n");
  f.write("0002_email.up.sql",
          "ALTER TABLE users ADD COLUMN email TEXT;\n"
          "CREATE INDEX users_email ON users (email);\n");
  f.write("0002_email.down.sql", "DROP INDEX users_email;\nALTER TABLE users DROP COLUMN email;\n");

  RunResult apply = f.keel("apply");
  ASSERT_EQ(apply.status, 0) << apply.err;
  EXPECT_EQ(f.status_of("0001"), "SUCCESS");
  EXPECT_EQ(f.status_of("0002"), "SUCCESS");
  EXPECT_EQ(sqlite_scalar(f.db,
                          "SELECT count(*) FROM keel_schema_migrations WHERE checksum LIKE "
                          "'sha256:%' AND applied_at <> '' AND applied_by <> ''"),
            "2");
  RunResult again = f.keel("apply");
  ASSERT_EQ(again.status, 0) << again.err;
  EXPECT_NE(again.out.find("nothing to apply"), std::string::npos);

  RunResult status = run_keel({"--url", f.url, "--format", "json", "status"}, f.dir.path);
  ASSERT_EQ(status.status, 0) << status.err;
  auto j = nlohmann::json::parse(status.out);
  EXPECT_EQ(j["migrations"].size(), 2u);
  EXPECT_EQ(j["migrations"][1]["state"], "applied");
  EXPECT_TRUE(j["schema_hash"].get<std::string>().starts_with("sha256:"));

  RunResult rollback = f.keel("rollback");
  ASSERT_EQ(rollback.status, 0) << rollback.err;
  EXPECT_EQ(f.status_of("0002"), "ROLLED_BACK");
  EXPECT_EQ(
      sqlite_scalar(f.db, "SELECT count(*) FROM pragma_table_info('users') WHERE name = 'email'"),
      "0");

  f.remove("0001_users.down.sql");
  RunResult refused = f.keel("rollback");
  EXPECT_EQ(refused.status, 1);
  EXPECT_TRUE(f.has_table("users"));

  RunResult reapply = f.keel("apply");
  ASSERT_EQ(reapply.status, 0) << reapply.err;
  EXPECT_EQ(f.status_of("0002"), "SUCCESS");
}

TEST(MigrateSqlite, FailureIsAtomicAndTamperingFailsTheGate) {
  SqliteFolder f;
  f.write("0001_a.up.sql", "CREATE TABLE a (id INTEGER);\n");
  f.write("0002_b.up.sql", "CREATE TABLE b (id INTEGER);\nINSERT INTO nowhere VALUES (1);\n");
  RunResult failed = f.keel("apply");
  EXPECT_EQ(failed.status, 1);
  EXPECT_NE(failed.err.find("migrations/0002_b.up.sql:2: no such table: nowhere"),
            std::string::npos)
      << failed.err;
  EXPECT_FALSE(f.has_table("b"));
  EXPECT_EQ(f.status_of("0002"), "FAILED");

  f.write("0001_a.up.sql", "CREATE TABLE a (id TEXT);\n");
  RunResult validate = f.keel("validate");
  EXPECT_EQ(validate.status, 3);
  EXPECT_NE(validate.out.find("0001_a.up.sql"), std::string::npos) << validate.out;
  EXPECT_EQ(f.keel("apply").status, 3);
}

// SQLite has no statement timeout of its own; keel interrupts a statement
// that runs past "-- keel:statement-timeout" and rolls the migration back.
TEST(MigrateSqlite, StatementTimeoutInterruptsARunawayStatement) {
  SqliteFolder f;
  f.write("0001_slow.up.sql",
          "-- keel:statement-timeout 1s\n"
          "CREATE TABLE before_slow (id INTEGER);\n"
          "CREATE TABLE slow AS WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c)\n"
          "  SELECT x FROM c WHERE x < 1000000000000;\n");
  auto start = std::chrono::steady_clock::now();
  RunResult r = f.keel("apply");
  auto took = std::chrono::steady_clock::now() - start;
  EXPECT_EQ(r.status, 1) << r.err;
  EXPECT_NE(r.err.find("migrations/0001_slow.up.sql:3: canceling statement due to statement "
                       "timeout (1s)"),
            std::string::npos)
      << r.err;
  EXPECT_LT(took, std::chrono::seconds(20));
  EXPECT_FALSE(f.has_table("before_slow"));
  EXPECT_EQ(f.status_of("0001"), "FAILED");
}

// keel plan on SQLite: BEGIN ... ROLLBACK, idempotency and reversibility
// proven with savepoints, the schema left as it was; no lock report.
TEST(MigrateSqlite, PlanProvesAndRollsBack) {
  SqliteFolder f;
  sqlite3* handle = nullptr;
  sqlite3_open(f.db.c_str(), &handle);
  sqlite3_exec(handle,
               "CREATE TABLE users (id INTEGER PRIMARY KEY); INSERT INTO users VALUES (1), (2);",
               nullptr, nullptr, nullptr);
  sqlite3_close(handle);
  f.write("0001_flag.up.sql",
          "ALTER TABLE users ADD COLUMN flag INTEGER;\nUPDATE users SET flag = 1;\n");
  f.write("0001_flag.down.sql", "ALTER TABLE users DROP COLUMN flag;\n");
  std::string hash = run_keel({"--url", f.url, "--quiet", "baseline", "hash"}).out;

  RunResult rejected = run_keel({"--url", f.url, "--format", "json", "plan"}, f.dir.path);
  EXPECT_EQ(rejected.status, 3) << rejected.err;
  auto j = nlohmann::json::parse(rejected.out, nullptr, false);
  ASSERT_TRUE(j.is_object()) << rejected.out;
  EXPECT_EQ(j["verdict"], "REJECTED");
  EXPECT_EQ(j["migrations"][0]["idempotent"], false);
  EXPECT_EQ(j["migrations"][0]["reversible"], true);
  EXPECT_EQ(j["migrations"][0]["statements"][1]["rows"], 2);
  EXPECT_TRUE(j["migrations"][0]["statements"][0]["locks"].empty());

  // SQLite has no ADD COLUMN IF NOT EXISTS: an idempotent migration with a
  // down that restores the schema creates a table instead.
  f.write("0001_flag.up.sql", "CREATE TABLE IF NOT EXISTS flags (user_id INTEGER);\n");
  f.write("0001_flag.down.sql", "DROP TABLE IF EXISTS flags;\n");
  RunResult validated = run_keel({"--url", f.url, "plan"}, f.dir.path);
  EXPECT_EQ(validated.status, 0) << validated.err << validated.out;
  EXPECT_NE(validated.out.find("VALIDATED"), std::string::npos) << validated.out;
  EXPECT_FALSE(f.has_table("flags"));
  EXPECT_EQ(run_keel({"--url", f.url, "--quiet", "baseline", "hash"}).out, hash);
}

TEST(MigrateSqlite, RollbackIntegrityChecksAbortWithNothingChangedThenRestoreTheRecordedHash) {
  SqliteFolder f;
  f.write("0001_users.up.sql",
          "CREATE TABLE users (id INTEGER UNIQUE, name TEXT);\n"
          "CREATE TABLE orders (id INTEGER PRIMARY KEY, user_id INTEGER REFERENCES users (id));\n"
          "CREATE TABLE prefs (user_id INTEGER, theme TEXT);\n");
  f.write("0001_users.down.sql", "DROP TABLE prefs;\nDROP TABLE orders;\nDROP TABLE users;\n");
  f.write("0002_guest.up.sql", "INSERT INTO users VALUES (3, 'guest');\n");
  f.write("0002_guest.down.sql", "DELETE FROM users WHERE id = 3;\n");
  f.dir.write("keel.toml",
              "[[integrity.relations]]\nchild = \"prefs.user_id\"\nparent = \"users.id\"\n"
              "[[integrity.checks]]\nname = \"two users at least\"\n"
              "sql = \"SELECT count(*) >= 2 FROM users\"\nexpect = 1\n");
  ASSERT_EQ(f.keel("apply").status, 0);
  const std::string after_0001 = sqlite_scalar(
      f.db, "SELECT schema_hash_after FROM keel_schema_migrations WHERE version = '0001'");
  EXPECT_EQ(after_0001.substr(0, 7), "sha256:");
  // A NULL id among the users, an order and preferences of the guest.
  sqlite3* db = nullptr;
  sqlite3_open(f.db.c_str(), &db);
  sqlite3_exec(db,
               "INSERT INTO users VALUES (NULL, 'ghost'), (1, 'a');"
               "INSERT INTO orders VALUES (10, 3); INSERT INTO prefs VALUES (3, 'dark');",
               nullptr, nullptr, nullptr);
  sqlite3_close(db);

  RunResult aborted = f.keel("rollback");
  EXPECT_EQ(aborted.status, 3) << aborted.out << aborted.err;
  EXPECT_NE(aborted.out.find("FAILED foreign key main.orders.user_id -> main.users.id: 1 orphaned "
                             "row"),
            std::string::npos)
      << aborted.out;
  EXPECT_NE(aborted.out.find("FAILED relation prefs.user_id -> users.id: 1 orphaned row"),
            std::string::npos)
      << aborted.out;
  EXPECT_NE(aborted.out.find("ok     check two users at least"), std::string::npos) << aborted.out;
  EXPECT_EQ(sqlite_scalar(f.db, "SELECT count(*) FROM users WHERE id = 3"), "1");
  EXPECT_EQ(f.status_of("0002"), "SUCCESS");

  sqlite3_open(f.db.c_str(), &db);
  sqlite3_exec(db, "DELETE FROM orders; DELETE FROM prefs;", nullptr, nullptr, nullptr);
  sqlite3_close(db);
  RunResult clean = run_keel({"--url", f.url, "--format", "json", "rollback"}, f.dir.path);
  ASSERT_EQ(clean.status, 0) << clean.out << clean.err;
  auto j = nlohmann::json::parse(clean.out);
  EXPECT_EQ(j["expected_hash"], after_0001);
  EXPECT_EQ(j["schema_hash"], after_0001);
  EXPECT_TRUE(j["restored"].get<bool>());
  EXPECT_EQ(j["integrity"].size(), 3u);
  EXPECT_EQ(f.status_of("0002"), "ROLLED_BACK");
}

}  // namespace
}  // namespace keel::test
