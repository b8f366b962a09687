// Issue 15 item 2 on SQLite: the history store keeps an expand/contract
// migration's phase and progress per operation (phase, operation_progress),
// and a history table an older keel made gains both columns.
#include <gtest/gtest.h>
#include <sqlite3.h>

#include "integration/migrate_helpers.h"
#include "keel/migrate.h"

namespace keel::test {
namespace {

struct Folder : SqliteMigrationFolder {
  Folder() : SqliteMigrationFolder("CREATE TABLE ran (what TEXT)") {}
  std::string columns() const {
    return scalar(
        "SELECT group_concat(name, ',') FROM (SELECT name FROM "
        "pragma_table_info('keel_schema_migrations') WHERE name IN ('phase', "
        "'operation_progress') ORDER BY name)");
  }
};

TEST(HistoryPhaseSqlite, PhaseAndProgressRoundTrip) {
  Folder f;
  auto url = parse_connection_url(f.url);
  ASSERT_TRUE(url);
  auto target = migrate::open_migration_target(*url);
  ASSERT_TRUE(target) << target.error().to_string();
  ASSERT_TRUE((*target)->lock(std::chrono::seconds(5)));
  ASSERT_TRUE((*target)->ensure_history());
  migrate::HistoryRow row;
  row.version = "0001";
  row.name = "backfill";
  row.checksum = "sha256:00";
  row.applied_by = "test@host";
  row.status = migrate::RowStatus::kRunning;
  row.keel_version = "test";
  row.phase = "started";
  row.operations = {{0, 1200, "id=1200"}, {1, 0, ""}};
  ASSERT_TRUE((*target)->record(row));
  EXPECT_EQ(sqlite_scalar(f.db, "SELECT phase FROM keel_schema_migrations"), "started");
  EXPECT_EQ(sqlite_scalar(f.db, "SELECT operation_progress FROM keel_schema_migrations"),
            R"([{"last_key":"id=1200","operation":0,"rows_done":1200},)"
            R"({"last_key":"","operation":1,"rows_done":0}])");
  auto history = (*target)->history();
  ASSERT_TRUE(history) << history.error().to_string();
  ASSERT_EQ(history->size(), 1u);
  EXPECT_EQ((*history)[0].phase, std::optional<std::string>("started"));
  EXPECT_EQ((*history)[0].operations, row.operations);

  row.phase.reset();
  row.operations.clear();
  row.status = migrate::RowStatus::kSuccess;
  ASSERT_TRUE((*target)->record(row));
  EXPECT_EQ(sqlite_scalar(f.db,
                          "SELECT phase IS NULL AND operation_progress IS NULL FROM "
                          "keel_schema_migrations"),
            "1");
  (*target)->unlock();
}

TEST(HistoryPhaseSqlite, OldHistoryTableGainsPhaseColumns) {
  Folder f;
  f.write("0001_a.up.sql", "CREATE TABLE a (id INTEGER);\n");
  ASSERT_EQ(f.keel("apply").status, 0);
  sqlite_exec(f.db, "ALTER TABLE keel_schema_migrations DROP COLUMN phase");
  sqlite_exec(f.db, "ALTER TABLE keel_schema_migrations DROP COLUMN operation_progress");
  ASSERT_EQ(f.columns(), "");
  RunResult status = f.keel("status");
  EXPECT_EQ(status.status, 0) << status.err;
  EXPECT_EQ(f.columns(), "");  // reading does not upgrade
  f.write("0002_b.up.sql", "CREATE TABLE b (id INTEGER);\n");
  RunResult apply = f.keel("apply");
  EXPECT_EQ(apply.status, 0) << apply.err;
  EXPECT_EQ(f.columns(), "operation_progress,phase");
  EXPECT_EQ(
      sqlite_scalar(f.db,
                    "SELECT group_concat(version || ':' || status || ':' || coalesce(phase, "
                    "'null'), ',') FROM (SELECT * FROM keel_schema_migrations ORDER BY version)"),
      "0001:SUCCESS:null,0002:SUCCESS:null");
}

}  // namespace
}  // namespace keel::test
