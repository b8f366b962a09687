// Issue 15 item 2 on PostgreSQL: the history store keeps an expand/contract
// migration's phase and progress per operation (phase, operation_progress),
// and a history table an older keel made gains both columns.
#include <gtest/gtest.h>

#include "integration/migrate_helpers.h"
#include "integration/pg_fixture.h"
#include "keel/migrate.h"

namespace keel::test {
namespace {

class HistoryPhasePg : public PgTest {};

std::unique_ptr<migrate::MigrationTarget> open_target(const PgDatabase& db) {
  auto url = parse_connection_url(db.url());
  EXPECT_TRUE(url.has_value());
  auto target = migrate::open_migration_target(*url);
  EXPECT_TRUE(target.has_value()) << target.error().to_string();
  return target ? std::move(*target) : nullptr;
}

std::string columns(const PgDatabase& db) {
  return db.scalar(
      "SELECT string_agg(attname, ',' ORDER BY attname) FROM pg_attribute WHERE attrelid = "
      "'keel.schema_migrations'::regclass AND attname IN ('phase', 'operation_progress') AND NOT "
      "attisdropped");
}

TEST_F(HistoryPhasePg, PhaseAndProgressRoundTrip) {
  PgDatabase db;
  auto target = open_target(db);
  ASSERT_TRUE(target);
  ASSERT_TRUE(target->lock(std::chrono::seconds(5)));
  ASSERT_TRUE(target->ensure_history());
  migrate::HistoryRow row;
  row.version = "0001";
  row.name = "backfill";
  row.checksum = "sha256:00";
  row.applied_by = "test@host";
  row.status = migrate::RowStatus::kRunning;
  row.keel_version = "test";
  row.phase = "started";
  row.operations = {{0, 1200, "id=1200"}, {1, 0, ""}};
  ASSERT_TRUE(target->record(row));
  EXPECT_EQ(db.scalar("SELECT phase FROM keel.schema_migrations"), "started");
  EXPECT_EQ(db.scalar("SELECT operation_progress FROM keel.schema_migrations"),
            R"([{"last_key":"id=1200","operation":0,"rows_done":1200},)"
            R"({"last_key":"","operation":1,"rows_done":0}])");
  auto history = target->history();
  ASSERT_TRUE(history) << history.error().to_string();
  ASSERT_EQ(history->size(), 1u);
  EXPECT_EQ((*history)[0].phase, std::optional<std::string>("started"));
  EXPECT_EQ((*history)[0].operations, row.operations);

  // A plain SQL migration's row: both NULL.
  row.phase.reset();
  row.operations.clear();
  row.status = migrate::RowStatus::kSuccess;
  ASSERT_TRUE(target->record(row));
  EXPECT_EQ(db.scalar("SELECT (phase IS NULL AND operation_progress IS NULL)::text FROM "
                      "keel.schema_migrations"),
            "true");
  history = target->history();
  ASSERT_TRUE(history);
  EXPECT_FALSE((*history)[0].phase);
  EXPECT_TRUE((*history)[0].operations.empty());
  target->unlock();
}

// A table an older keel made (no phase, no operation_progress): status reads
// it as it is, the next apply adds both columns and keeps every row.
TEST_F(HistoryPhasePg, OldHistoryTableGainsPhaseColumns) {
  PgDatabase db;
  MigrationFolder f(db.url());
  f.write("0001_a.up.sql", "CREATE TABLE a (id int);\n");
  ASSERT_EQ(f.keel("apply").status, 0);
  db.sql("ALTER TABLE keel.schema_migrations DROP COLUMN phase, DROP COLUMN operation_progress");
  ASSERT_EQ(columns(db), "");
  RunResult status = f.keel("status");
  EXPECT_EQ(status.status, 0) << status.err;
  EXPECT_NE(status.out.find("0001"), std::string::npos) << status.out;
  EXPECT_EQ(columns(db), "");  // reading does not upgrade
  f.write("0002_b.up.sql", "CREATE TABLE b (id int);\n");
  RunResult apply = f.keel("apply");
  EXPECT_EQ(apply.status, 0) << apply.err;
  EXPECT_EQ(columns(db), "operation_progress,phase");
  EXPECT_EQ(db.scalar("SELECT string_agg(version || ':' || status || ':' || coalesce(phase, "
                      "'null'), ',' ORDER BY version) FROM keel.schema_migrations"),
            "0001:SUCCESS:null,0002:SUCCESS:null");
}

}  // namespace
}  // namespace keel::test
