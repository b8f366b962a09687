// Issue 14 items 10-11 on SQLite: the history table of the previous keel is
// upgraded in place, and a statement-by-statement down script (VACUUM) that
// fails part-way is recorded and resumed.
#include <gtest/gtest.h>
#include <sqlite3.h>

#include <string>

#include "integration/migrate_helpers.h"
#include "util/sha256.h"

namespace keel::test {
namespace {

using SqliteFolder = SqliteMigrationFolder;

TEST(ProgressSqlite, HistoryTableOfThePreviousKeelIsUpgradedInPlace) {
  SqliteFolder f;
  const std::string up1 = "CREATE TABLE a (id INTEGER);\n";
  f.write("0001_a.up.sql", up1);
  f.write("0002_b.up.sql", "CREATE TABLE b (id INTEGER);\n");
  sqlite_exec(f.db, R"(CREATE TABLE a (id INTEGER);
CREATE TABLE keel_schema_migrations (
  version TEXT PRIMARY KEY,
  name TEXT NOT NULL,
  checksum TEXT NOT NULL,
  applied_at TEXT NOT NULL,
  applied_by TEXT NOT NULL,
  status TEXT NOT NULL CHECK (status IN ('RUNNING', 'SUCCESS', 'FAILED', 'ROLLED_BACK')),
  execution_ms INTEGER NOT NULL DEFAULT 0,
  statements_applied INTEGER NOT NULL DEFAULT 0,
  statements_total INTEGER NOT NULL DEFAULT 0,
  error TEXT,
  keel_version TEXT NOT NULL,
  schema_hash_before TEXT,
  schema_hash_after TEXT
);
INSERT INTO keel_schema_migrations (version, name, checksum, applied_at, applied_by, status,
  statements_applied, statements_total, keel_version) VALUES ('0001', 'a', 'sha256:)" +
                        util::sha256_hex(up1) +
                        R"(', '2024-01-01T00:00:00Z', 'old@host', 'SUCCESS', 1, 1, '0.0.9');)");

  RunResult status = f.keel("status");
  ASSERT_EQ(status.status, 0) << status.err;
  EXPECT_EQ(sqlite_scalar(f.db,
                          "SELECT count(*) FROM pragma_table_info('keel_schema_migrations') WHERE "
                          "name = 'completed_statements'"),
            "0");

  RunResult apply = f.keel("apply");
  ASSERT_EQ(apply.status, 0) << apply.err;
  EXPECT_EQ(sqlite_scalar(f.db,
                          "SELECT count(*) FROM pragma_table_info('keel_schema_migrations') WHERE "
                          "name = 'completed_statements'"),
            "1");
  EXPECT_NE(
      sqlite_scalar(f.db, "SELECT sql FROM sqlite_master WHERE name = 'keel_schema_migrations'")
          .find("'ROLLING_BACK'"),
      std::string::npos);
  EXPECT_FALSE(f.has_table("keel_schema_migrations_upgrade"));
  EXPECT_EQ(f.row("0001", "applied_by"), "old@host");
  EXPECT_EQ(f.row("0001", "applied_at"), "2024-01-01T00:00:00Z");
  EXPECT_EQ(f.row("0002", "status"), "SUCCESS");
  EXPECT_TRUE(f.has_table("b"));
  EXPECT_EQ(f.keel("validate").status, 0);
}

TEST(ProgressSqlite, DownFailingPartWayIsRecordedAndResumes) {
  SqliteFolder f;
  f.write("0001_ab.up.sql", "CREATE TABLE a (id INTEGER);\nCREATE TABLE b (id INTEGER);\n");
  f.write("0001_ab.down.sql", "DROP TABLE a;\nVACUUM;\nDROP TABLE nowhere;\n");
  ASSERT_EQ(f.keel("apply").status, 0);

  RunResult failed = f.keel("rollback");
  EXPECT_EQ(failed.status, 1) << failed.out << failed.err;
  EXPECT_NE(failed.err.find("statements 1 to 2 of 3 of migrations/0001_ab.down.sql committed "
                            "before it failed and stay; the history row says ROLLING_BACK 2/3"),
            std::string::npos)
      << failed.err;
  EXPECT_EQ(f.row("0001", "status"), "ROLLING_BACK");
  EXPECT_EQ(f.row("0001", "statements_applied"), "2");
  EXPECT_FALSE(f.has_table("a"));
  RunResult status = f.keel("status");
  EXPECT_NE(status.out.find("rolling back 2/3"), std::string::npos) << status.out;
  EXPECT_EQ(f.keel("apply").status, 3);

  f.write("0001_ab.down.sql", "DROP TABLE a;\nVACUUM;\nDROP TABLE b;\n");
  RunResult fixed = f.keel("rollback");
  ASSERT_EQ(fixed.status, 0) << fixed.out << fixed.err;
  EXPECT_NE(fixed.err.find("resuming after statement 2 of 3"), std::string::npos) << fixed.err;
  EXPECT_EQ(f.row("0001", "status"), "ROLLED_BACK");
  EXPECT_FALSE(f.has_table("b"));
}

}  // namespace
}  // namespace keel::test
