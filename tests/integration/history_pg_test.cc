// Issue 14 (items 6, 8, 9, 13, 18) on PostgreSQL: rollback's refusals and
// order, one history row per version, session state reset before every
// migration (apply, rollback, plan), statements that cannot run in a
// transaction, and the sessions named when a lock timeout gives up.
#include <gtest/gtest.h>

#include <chrono>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <thread>

#include "integration/migrate_helpers.h"
#include "integration/pg_fixture.h"
#include "keel/migrate.h"

namespace keel::test {
namespace {

using namespace std::chrono_literals;

class HistoryFix14Pg : public PgTest {
 protected:
  static std::string status_of(const PgDatabase& db, const std::string& version) {
    return db.scalar("SELECT status FROM keel.schema_migrations WHERE version = '" + version + "'");
  }
  static void migration(const MigrationFolder& f, const std::string& version,
                        const std::string& tag) {
    f.write(version + "_" + tag + ".up.sql", "CREATE TABLE t_" + tag +
                                                 " (id int);\nINSERT INTO ran (what) VALUES ('up " +
                                                 tag + "');\n");
    f.write(version + "_" + tag + ".down.sql",
            "DROP TABLE t_" + tag + ";\nINSERT INTO ran (what) VALUES ('down " + tag + "');\n");
  }
};

TEST_F(HistoryFix14Pg, RollbackStepsZeroAndUnknownToAreUsageErrors) {
  PgDatabase db;
  db.sql("CREATE TABLE ran (n serial, what text)");
  MigrationFolder f(db.url());
  migration(f, "0001", "a");
  ASSERT_EQ(f.keel("apply").status, 0);
  RunResult zero = f.keel("rollback", {"--steps", "0"});
  EXPECT_EQ(zero.status, 2) << zero.out << zero.err;
  RunResult unknown = f.keel("rollback", {"--to", "0009"});
  EXPECT_EQ(unknown.status, 2) << unknown.out << unknown.err;
  EXPECT_NE(unknown.err.find("--to 0009: no migration has this version"), std::string::npos)
      << unknown.err;
  EXPECT_EQ(status_of(db, "0001"), "SUCCESS");
}

// The reproduction: 1 and 3 applied, then 2 out of order;
// rollback --steps 1 undoes 2 and finds the hash recorded after 3.
TEST_F(HistoryFix14Pg, RollbackAfterOutOfOrderUndoesTheLastAppliedAndRestoresItsHash) {
  PgDatabase db;
  db.sql("CREATE TABLE ran (n serial, what text)");
  MigrationFolder f(db.url());
  migration(f, "0001", "a");
  migration(f, "0003", "c");
  ASSERT_EQ(f.keel("apply").status, 0);
  const std::string after_three = db.hash();
  migration(f, "0002", "b");
  ASSERT_EQ(f.keel("apply", {"--allow-out-of-order"}).status, 0);

  RunResult r = f.keel("rollback", {"--steps", "1"});
  EXPECT_EQ(r.status, 0) << r.out << r.err;
  EXPECT_EQ(status_of(db, "0002"), "ROLLED_BACK");
  EXPECT_EQ(status_of(db, "0003"), "SUCCESS");
  EXPECT_EQ(db.hash(), after_three);
  EXPECT_NE(r.out.find("restored: schema hash " + after_three), std::string::npos) << r.out;
  EXPECT_EQ(r.out.find("INCOMPLETE"), std::string::npos) << r.out;
  // change_seq orders the applied rows as they ran.
  EXPECT_EQ(db.scalar("SELECT string_agg(version, ',' ORDER BY change_seq) FROM "
                      "keel.schema_migrations WHERE status = 'SUCCESS'"),
            "0001,0003");
}

TEST_F(HistoryFix14Pg, RenamedVersionKeepsOneHistoryRowAndRunsItsDownOnce) {
  PgDatabase db;
  db.sql("CREATE TABLE ran (n serial, what text)");
  MigrationFolder f(db.url());
  migration(f, "2", "b");
  migration(f, "3", "h3");
  ASSERT_EQ(f.keel("apply").status, 0);
  for (const char* ext : {".up.sql", ".down.sql"}) {
    std::filesystem::rename(f.dir.file(std::string("migrations/3_h3") + ext),
                            f.dir.file(std::string("migrations/0003_h3") + ext));
  }
  ASSERT_EQ(f.keel("validate").status, 0);
  ASSERT_EQ(f.keel("rollback").status, 0);
  EXPECT_EQ(status_of(db, "3"), "ROLLED_BACK");
  EXPECT_EQ(db.scalar("SELECT count(*) FROM keel.schema_migrations"), "2");
  RunResult two = f.keel("rollback", {"--steps", "2"});
  EXPECT_EQ(two.status, 0) << two.out << two.err;
  EXPECT_EQ(db.scalar("SELECT count(*) FROM ran WHERE what = 'down h3'"), "1");
  ASSERT_EQ(f.keel("apply").status, 0);
  EXPECT_EQ(status_of(db, "3"), "SUCCESS");
  EXPECT_EQ(db.scalar("SELECT count(*) FROM keel.schema_migrations"), "2");
}

// 0003 sets search_path for itself; 0004 must not create its table in app.
// A pg_dump-style set_config('search_path', '', false) must not break 0006.
// Rolled back in one transaction, 0003's down must not make 0002's down
// drop app.orders instead of public.orders.
TEST_F(HistoryFix14Pg, SessionStateDoesNotLeakFromOneMigrationIntoTheNext) {
  PgDatabase db;
  MigrationFolder f(db.url());
  f.write("0001_app.up.sql", "CREATE SCHEMA app;\nCREATE TABLE app.orders (id int);\n");
  f.write("0001_app.down.sql", "DROP SCHEMA app CASCADE;\n");
  f.write("0002_orders.up.sql", "CREATE TABLE orders (id int, note text);\n");
  f.write("0002_orders.down.sql", "DROP TABLE orders;\n");
  f.write("0003_app_only.up.sql",
          "SET search_path = app, public;\nCREATE TABLE app_only (id int);\n"
          "SET ROLE NONE;\nCREATE TEMP TABLE scratch (id int);\n");
  f.write("0003_app_only.down.sql", "SET search_path = app, public;\nDROP TABLE app_only;\n");
  f.write("0004_later.up.sql",
          "CREATE TABLE later (id int);\nCREATE TEMP TABLE scratch (x int);\n");
  f.write("0004_later.down.sql", "DROP TABLE later;\n");
  f.write("0005_dump.up.sql",
          "SELECT pg_catalog.set_config('search_path', '', false);\n"
          "CREATE TABLE public.dumped (id int);\n");
  f.write("0005_dump.down.sql", "DROP TABLE public.dumped;\n");
  f.write("0006_after_dump.up.sql", "CREATE TABLE after_dump (id int);\n");
  f.write("0006_after_dump.down.sql", "DROP TABLE after_dump;\n");

  // plan first: the dry run runs them in one transaction, the same way.
  RunResult plan = run_keel({"--url", db.url(), "--format", "json", "plan"}, f.dir.path);
  auto j = nlohmann::json::parse(plan.out, nullptr, false);
  ASSERT_TRUE(j.is_object()) << plan.out << plan.err;
  ASSERT_EQ(j["migrations"].size(), 6u);
  for (const auto& m : j["migrations"]) {
    // Not idempotent is fine here; an up that fails (or is not planned) is not.
    for (const auto& reason : m["reasons"]) {
      const std::string text = reason.get<std::string>();
      EXPECT_NE(text.rfind("fails: ", 0), 0u) << m.dump();
      EXPECT_NE(text.rfind("not planned", 0), 0u) << m.dump();
      EXPECT_EQ(text.find("not reversible"), std::string::npos) << m.dump();
    }
  }
  EXPECT_NE(j["migrations"][3]["changed"].dump().find("public.later"), std::string::npos)
      << j["migrations"][3].dump();

  RunResult apply = f.keel("apply");
  ASSERT_EQ(apply.status, 0) << apply.err;
  EXPECT_EQ(db.scalar("SELECT to_regclass('public.later') IS NOT NULL"), "t");
  EXPECT_EQ(db.scalar("SELECT to_regclass('app.later') IS NULL"), "t");
  EXPECT_EQ(db.scalar("SELECT to_regclass('public.after_dump') IS NOT NULL"), "t");

  RunResult rollback = f.keel("rollback", {"--to", "0001"});
  EXPECT_EQ(rollback.status, 0) << rollback.out << rollback.err;
  EXPECT_EQ(db.scalar("SELECT to_regclass('public.orders') IS NULL"), "t");
  EXPECT_EQ(db.scalar("SELECT to_regclass('app.orders') IS NOT NULL"), "t");
}

TEST_F(HistoryFix14Pg, DetachPartitionConcurrentlyRunsOutsideATransaction) {
  PgDatabase db;
  MigrationFolder f(db.url());
  f.write("0001_p.up.sql",
          "CREATE TABLE p (id int) PARTITION BY RANGE (id);\n"
          "CREATE TABLE p1 PARTITION OF p FOR VALUES FROM (0) TO (10);\n"
          "CREATE TABLE p2 PARTITION OF p FOR VALUES FROM (10) TO (20);\n");
  f.write("0002_detach.up.sql",
          "ALTER TABLE p DETACH PARTITION p1 CONCURRENTLY;\n"
          "ALTER TABLE p DETACH PARTITION p2;\n");
  RunResult r = f.keel("apply");
  EXPECT_EQ(r.status, 0) << r.err;
  EXPECT_NE(r.err.find("cannot run inside a transaction"), std::string::npos) << r.err;
  EXPECT_EQ(db.scalar("SELECT count(*) FROM pg_inherits WHERE inhparent = 'p'::regclass"), "0");
}

TEST_F(HistoryFix14Pg, EveryStatementPostgresRefusesInATransactionIsRecognised) {
  PgDatabase db;
  auto url = parse_connection_url(db.url());
  ASSERT_TRUE(url);
  auto target = migrate::open_migration_target(*url);
  ASSERT_TRUE(target) << target.error().to_string();
  const std::vector<std::pair<std::string, bool>> cases = {
      {"CREATE INDEX CONCURRENTLY i ON t (a)", true},
      {"CREATE UNIQUE INDEX CONCURRENTLY IF NOT EXISTS i ON t (a)", true},
      {"DROP INDEX CONCURRENTLY i", true},
      {"REINDEX INDEX CONCURRENTLY i", true},
      {"REINDEX (CONCURRENTLY) TABLE t", true},
      {"REINDEX (CONCURRENTLY false) TABLE t", false},
      {"REINDEX TABLE t", false},
      {"REINDEX SCHEMA public", true},
      {"REINDEX DATABASE d", true},
      {"REINDEX SYSTEM d", true},
      {"VACUUM", true},
      {"VACUUM (ANALYZE) t", true},
      {"ANALYZE t", false},
      {"CLUSTER", true},
      {"CLUSTER t USING i", false},
      {"CREATE DATABASE d", true},
      {"DROP DATABASE IF EXISTS d", true},
      {"ALTER DATABASE d SET TABLESPACE ts", true},
      {"ALTER DATABASE d SET work_mem = '1MB'", false},
      {"CREATE TABLESPACE ts LOCATION '/tmp/ts'", true},
      {"DROP TABLESPACE ts", true},
      {"ALTER TABLESPACE ts RENAME TO ts2", false},
      {"ALTER SYSTEM SET work_mem = '1MB'", true},
      {"ALTER TABLE p DETACH PARTITION p1 CONCURRENTLY", true},
      {"alter table \"P\" detach partition s.p1 concurrently", true},
      {"ALTER TABLE p DETACH PARTITION p1", false},
      {"ALTER TABLE p DETACH PARTITION p1 FINALIZE", false},
      {"ALTER TABLE p ATTACH PARTITION p1 FOR VALUES FROM (1) TO (2)", false},
      {"ALTER TYPE mood ADD VALUE 'meh'", false},
      {"CREATE SUBSCRIPTION s CONNECTION 'host=x' PUBLICATION p", true},
      {"CREATE SUBSCRIPTION s CONNECTION 'host=x' PUBLICATION p WITH (create_slot = false)", false},
      {"CREATE SUBSCRIPTION s CONNECTION 'host=x' PUBLICATION p WITH (connect = false)", false},
      {"ALTER SUBSCRIPTION s REFRESH PUBLICATION", true},
      {"ALTER SUBSCRIPTION s SET PUBLICATION p", true},
      {"ALTER SUBSCRIPTION s SET PUBLICATION p WITH (refresh = false)", false},
      {"ALTER SUBSCRIPTION s DISABLE", false},
      {"DROP SUBSCRIPTION s", true},
      {"DISCARD ALL", true},
      {"DISCARD TEMP", false},
      {"COMMIT PREPARED 'x'", true},
      {"ROLLBACK PREPARED 'x'", true},
      {"SELECT 'CONCURRENTLY VACUUM DATABASE'", false},
      {"CREATE TABLE concurrently (id int)", false},
  };
  for (const auto& [sql, refuses] : cases) {
    EXPECT_EQ((*target)->refuses_transaction(migrate::Statement{sql, 1}), refuses) << sql;
  }
}

// The final lock timeout names who is in the way, as drain and plan do.
TEST_F(HistoryFix14Pg, LockTimeoutThatGivesUpNamesTheBlockingSession) {
  PgDatabase db;
  db.sql("CREATE TABLE accounts (id int)");
  MigrationFolder f(db.url());
  f.write("0001_col.up.sql",
          "-- keel:lock-timeout 300ms\n-- keel:retries 1\n"
          "ALTER TABLE accounts ADD COLUMN note text;\n");
  pqxx::connection holder(db.url());
  pqxx::nontransaction tx(holder);
  tx.exec("SET application_name = 'blocker-app'");
  tx.exec("BEGIN");
  tx.exec("LOCK TABLE accounts IN ACCESS SHARE MODE");
  const int pid = holder.backendpid();
  std::this_thread::sleep_for(600ms);
  RunResult r = f.keel("apply");
  tx.exec("ROLLBACK");
  EXPECT_EQ(r.status, 1) << r.err;
  EXPECT_NE(r.err.find("lock timeout"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("pid " + std::to_string(pid) + " ("), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("blocker-app, idle in transaction for"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("holds a lock on public.accounts: LOCK TABLE accounts"), std::string::npos)
      << r.err;
  // The FAILED row keeps it too.
  EXPECT_NE(db.scalar("SELECT error FROM keel.schema_migrations WHERE version = '0001'")
                .find("blocker-app"),
            std::string::npos);
}

// A history table an older keel made (no change_seq): status reads it, the
// next apply adds the column.
TEST_F(HistoryFix14Pg, HistoryTableWithoutChangeSeqIsReadAndUpgraded) {
  PgDatabase db;
  db.sql("CREATE TABLE ran (n serial, what text)");
  MigrationFolder f(db.url());
  migration(f, "0001", "a");
  ASSERT_EQ(f.keel("apply").status, 0);
  db.sql("ALTER TABLE keel.schema_migrations DROP COLUMN change_seq");
  RunResult status = f.keel("status");
  EXPECT_EQ(status.status, 0) << status.err;
  migration(f, "0002", "b");
  RunResult apply = f.keel("apply");
  EXPECT_EQ(apply.status, 0) << apply.err;
  EXPECT_EQ(db.scalar("SELECT change_seq FROM keel.schema_migrations WHERE version = '0002'"), "1");
  RunResult r = f.keel("rollback");
  EXPECT_EQ(r.status, 0) << r.out << r.err;
  EXPECT_EQ(status_of(db, "0002"), "ROLLED_BACK");
}

}  // namespace
}  // namespace keel::test
