// keel apply / validate / status / rollback against a real PostgreSQL: each
// test gets a fresh database and runs the keel binary end to end.
#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <future>
#include <thread>

#include "integration/migrate_helpers.h"
#include "integration/pg_fixture.h"

namespace keel::test {
namespace {

using namespace std::chrono_literals;

class MigratePg : public PgTest {
 protected:
  std::string row(const PgDatabase& db, const std::string& version, const std::string& column) {
    return db.scalar("SELECT " + column + " FROM keel.schema_migrations WHERE version = '" +
                     version + "'");
  }
};

TEST_F(MigratePg, ApplyTwiceRecordsOneSuccessRowPerVersion) {
  PgDatabase db;
  MigrationFolder folder(db.url());
  folder.write("0001_users.up.sql", "CREATE TABLE users (id bigint PRIMARY KEY);\n");
  folder.write("0002_email.up.sql", "ALTER TABLE users ADD COLUMN email text;\n");
  folder.write("0003_index.up.sql", "CREATE INDEX users_email_idx ON users (email);\n");

  RunResult first = folder.keel("apply");
  ASSERT_EQ(first.status, 0) << first.err;
  EXPECT_NE(first.err.find("0002_email"), std::string::npos) << first.err;
  std::string hash = db.hash();

  RunResult second = folder.keel("apply");
  ASSERT_EQ(second.status, 0) << second.err;
  EXPECT_NE(second.out.find("nothing to apply"), std::string::npos) << second.out;
  EXPECT_EQ(db.hash(), hash);
  EXPECT_EQ(db.scalar("SELECT count(*) FROM keel.schema_migrations"), "3");
  EXPECT_EQ(db.scalar("SELECT count(*) FROM keel.schema_migrations WHERE status = 'SUCCESS' "
                      "AND checksum LIKE 'sha256:%' AND applied_at IS NOT NULL AND "
                      "applied_by LIKE '%@%' AND statements_applied = statements_total"),
            "3");
}

TEST_F(MigratePg, SixConcurrentAppliesRunEachMigrationOnce) {
  PgDatabase db;
  db.sql("CREATE TABLE ran (version text)");
  MigrationFolder folder(db.url());
  for (int i = 1; i <= 5; ++i) {
    std::string v = "000" + std::to_string(i);
    folder.write(v + "_step.up.sql", "INSERT INTO ran VALUES ('" + v +
                                         "');\nSELECT pg_sleep(0.2);\nCREATE TABLE t" + v +
                                         " (id int);\n");
  }
  std::vector<std::future<RunResult>> runs;
  for (int i = 0; i < 6; ++i) {
    runs.push_back(std::async(std::launch::async, [&] { return folder.keel("apply"); }));
  }
  for (auto& run : runs) {
    RunResult r = run.get();
    EXPECT_EQ(r.status, 0) << r.err;
  }
  EXPECT_EQ(db.scalar("SELECT count(*) FROM ran"), "5");
  EXPECT_EQ(db.scalar("SELECT count(DISTINCT version) FROM ran"), "5");
  EXPECT_EQ(db.scalar("SELECT count(*) FROM keel.schema_migrations WHERE status = 'SUCCESS'"), "5");
}

TEST_F(MigratePg, LockWaitRunsOutWithAClearMessage) {
  PgDatabase db;
  MigrationFolder folder(db.url());
  folder.write("0001_t.up.sql", "CREATE TABLE t (id int);\n");
  pqxx::connection holder(db.url());
  pqxx::nontransaction tx(holder);
  tx.exec("SELECT pg_advisory_lock(x'6b65656c00000001'::bigint)");
  RunResult r = folder.keel("apply", {"--lock-wait", "1s"});
  EXPECT_EQ(r.status, 1) << r.err;
  EXPECT_NE(r.err.find("another keel apply holds the deploy lock"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("waited 1s"), std::string::npos) << r.err;
  EXPECT_EQ(db.scalar("SELECT to_regclass('t')"), "");
}

TEST_F(MigratePg, BusyTableIsRetriedThenSucceeds) {
  PgDatabase db;
  db.sql("CREATE TABLE busy (id int)");
  MigrationFolder folder(db.url());
  folder.write("0001_add.up.sql",
               "-- keel:lock-timeout 300ms\n-- keel:retries 10\n"
               "ALTER TABLE busy ADD COLUMN note text;\n");
  std::promise<void> locked;
  std::thread holder([&] {
    pqxx::connection conn(db.url());
    pqxx::work tx(conn);
    tx.exec("LOCK TABLE busy IN ACCESS EXCLUSIVE MODE");
    locked.set_value();
    // Held until keel's ALTER has queued behind it, then for more than its
    // 300 ms lock_timeout, so at least one attempt times out whatever the
    // machine's load (a fixed sleep raced keel's start-up).
    pqxx::connection watch(db.url());
    for (int i = 0; i < 600; ++i) {
      pqxx::nontransaction w(watch);
      if (w.exec1("SELECT count(*) FROM pg_locks WHERE NOT granted AND relation = "
                  "'busy'::regclass")[0]
              .as<int>() > 0) {
        break;
      }
      std::this_thread::sleep_for(50ms);
    }
    std::this_thread::sleep_for(1s);
    tx.commit();
  });
  locked.get_future().wait();
  RunResult r = folder.keel("apply");
  holder.join();
  EXPECT_EQ(r.status, 0) << r.err;
  EXPECT_NE(r.err.find("retry 1 of 10"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("55P03"), std::string::npos) << r.err;
  EXPECT_EQ(db.scalar("SELECT count(*) FROM information_schema.columns WHERE table_name = 'busy' "
                      "AND column_name = 'note'"),
            "1");
  EXPECT_EQ(row(db, "0001", "status"), "SUCCESS");
}

TEST_F(MigratePg, KilledNoTransactionMigrationResumes) {
  PgDatabase db;
  db.sql(
      "CREATE TABLE t (a int, b int); CREATE TABLE pause (seconds float);"
      "INSERT INTO pause VALUES (30)");
  MigrationFolder folder(db.url());
  folder.write("0001_indexes.up.sql",
               "CREATE INDEX CONCURRENTLY t_a_idx ON t (a);\n"
               "SELECT pg_sleep(seconds) FROM pause;\n"
               "CREATE INDEX CONCURRENTLY t_b_idx ON t (b);\n");
  pid_t pid = folder.spawn("apply");
  bool sleeping = false;
  for (int i = 0; i < 200 && !sleeping; ++i) {
    std::this_thread::sleep_for(100ms);
    sleeping = db.scalar(
                   "SELECT count(*) FROM pg_stat_activity WHERE query LIKE 'SELECT "
                   "pg_sleep(seconds)%'") == "1";
  }
  ASSERT_TRUE(sleeping) << "keel never reached the pg_sleep statement";
  EXPECT_EQ(row(db, "0001", "status"), "RUNNING");
  EXPECT_EQ(row(db, "0001", "statements_applied"), "1");
  kill(pid, SIGKILL);
  int raw = 0;
  waitpid(pid, &raw, 0);
  db.sql("UPDATE pause SET seconds = 0");

  RunResult r = folder.keel("apply");
  ASSERT_EQ(r.status, 0) << r.err;
  EXPECT_NE(r.err.find("resuming after statement 1 of 3"), std::string::npos) << r.err;
  EXPECT_EQ(row(db, "0001", "status"), "SUCCESS");
  EXPECT_EQ(row(db, "0001", "statements_applied"), "3");
  EXPECT_EQ(db.scalar("SELECT count(*) FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid "
                      "WHERE c.relname IN ('t_a_idx', 't_b_idx') AND i.indisvalid"),
            "2");
}

TEST_F(MigratePg, InvalidIndexFromAFailedConcurrentBuildIsDroppedBeforeTheRetry) {
  PgDatabase db;
  db.sql("CREATE TABLE t (a int); INSERT INTO t VALUES (1), (1)");
  MigrationFolder folder(db.url());
  folder.write("0001_unique.up.sql", "CREATE UNIQUE INDEX CONCURRENTLY t_a_key ON t (a);\n");
  RunResult failed = folder.keel("apply");
  EXPECT_EQ(failed.status, 1);
  EXPECT_NE(failed.err.find("0001_unique.up.sql:1:"), std::string::npos) << failed.err;
  EXPECT_NE(failed.err.find("23505"), std::string::npos) << failed.err;
  EXPECT_EQ(row(db, "0001", "status"), "FAILED");
  EXPECT_EQ(db.scalar("SELECT count(*) FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid "
                      "WHERE c.relname = 't_a_key' AND NOT i.indisvalid"),
            "1");

  db.sql("DELETE FROM t WHERE ctid = (SELECT max(ctid) FROM t)");
  RunResult fixed = folder.keel("apply");
  ASSERT_EQ(fixed.status, 0) << fixed.err;
  EXPECT_NE(fixed.err.find("dropped INVALID index"), std::string::npos) << fixed.err;
  EXPECT_EQ(db.scalar("SELECT count(*) FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid "
                      "WHERE c.relname = 't_a_key' AND i.indisvalid"),
            "1");
}

TEST_F(MigratePg, FailingStatementLeavesNoTraceAndNamesFileAndLine) {
  PgDatabase db;
  MigrationFolder folder(db.url());
  folder.write("0001_ok.up.sql", "CREATE TABLE ok (id int);\n");
  folder.write("0002_bad.up.sql",
               "CREATE TABLE half (id int);\nINSERT INTO half VALUES (1);\n\n"
               "INSERT INTO nowhere VALUES (1);\nCREATE TABLE after (id int);\n");
  RunResult r = folder.keel("apply");
  EXPECT_EQ(r.status, 1) << r.err;
  EXPECT_NE(r.err.find("migrations/0002_bad.up.sql:4: relation \"nowhere\" does not exist "
                       "(SQLSTATE 42P01)"),
            std::string::npos)
      << r.err;
  EXPECT_EQ(db.scalar("SELECT to_regclass('half')"), "");
  EXPECT_EQ(db.scalar("SELECT to_regclass('ok')"), "ok");
  EXPECT_EQ(row(db, "0002", "status"), "FAILED");
  EXPECT_NE(row(db, "0002", "error").find("42P01"), std::string::npos);

  folder.write("0002_bad.up.sql", "CREATE TABLE half (id int);\nINSERT INTO half VALUES (1);\n");
  RunResult again = folder.keel("apply");
  ASSERT_EQ(again.status, 0) << again.err;
  EXPECT_EQ(row(db, "0002", "status"), "SUCCESS");
  EXPECT_EQ(row(db, "0002", "error"), "");
  EXPECT_EQ(db.scalar("SELECT count(*) FROM half"), "1");
}

// ANALYZE parses as a VacuumStmt but may run in a transaction: a migration
// holding one stays atomic (VACUUM itself would not).
TEST_F(MigratePg, AnalyzeKeepsTheMigrationTransactional) {
  PgDatabase db;
  MigrationFolder folder(db.url());
  folder.write("0001_a.up.sql",
               "CREATE TABLE a (id int);\nANALYZE a;\nINSERT INTO nowhere VALUES (1);\n");
  RunResult r = folder.keel("apply");
  EXPECT_EQ(r.status, 1) << r.err;
  EXPECT_EQ(r.err.find("statement by statement"), std::string::npos) << r.err;
  EXPECT_EQ(db.scalar("SELECT to_regclass('a')"), "");
}

TEST_F(MigratePg, SyntaxErrorRunsNothingAndNamesTheLine) {
  PgDatabase db;
  MigrationFolder folder(db.url());
  folder.write("0001_bad.up.sql",
               "CREATE TABLE half (id int);\nINSERT INTO half VALUES (1);\n\n"
               "SELEC 1;\nCREATE TABLE after (id int);\n");
  RunResult r = folder.keel("apply");
  EXPECT_EQ(r.status, 1) << r.err;
  EXPECT_NE(r.err.find("migrations/0001_bad.up.sql:4: syntax error at or near \"SELEC\" "
                       "(SQLSTATE 42601)"),
            std::string::npos)
      << r.err;
  EXPECT_EQ(db.scalar("SELECT to_regclass('half')"), "");
  EXPECT_EQ(row(db, "0001", "status"), "FAILED");
}

TEST_F(MigratePg, EditedMissingAndOutOfOrderFilesFailTheGate) {
  PgDatabase db;
  MigrationFolder folder(db.url());
  folder.write("0001_a.up.sql", "CREATE TABLE a (id int);\n");
  folder.write("0002_b.up.sql", "CREATE TABLE b (id int);\n");
  folder.write("0005_e.up.sql", "CREATE TABLE e (id int);\n");
  ASSERT_EQ(folder.keel("apply").status, 0);
  EXPECT_EQ(folder.keel("validate").status, 0);

  folder.write("0001_a.up.sql", "CREATE TABLE a (id bigint);\n");
  RunResult validate = folder.keel("validate");
  EXPECT_EQ(validate.status, 3) << validate.err;
  EXPECT_NE(validate.out.find("0001_a.up.sql: changed since it was applied"), std::string::npos)
      << validate.out;
  RunResult apply = folder.keel("apply");
  EXPECT_EQ(apply.status, 3);
  EXPECT_NE(apply.err.find("0001_a.up.sql"), std::string::npos) << apply.err;
  folder.write("0001_a.up.sql", "CREATE TABLE a (id int);\n");

  folder.remove("0002_b.up.sql");
  folder.write("0003_c.up.sql", "CREATE TABLE c (id int);\n");
  RunResult both = folder.keel("validate", {});
  EXPECT_EQ(both.status, 3);
  EXPECT_NE(both.out.find("version 0002 (b): applied"), std::string::npos) << both.out;
  EXPECT_NE(both.out.find("0003_c.up.sql: pending but older"), std::string::npos) << both.out;
  EXPECT_EQ(db.scalar("SELECT to_regclass('c')"), "");

  folder.write("0002_b.up.sql", "CREATE TABLE b (id int);\n");
  RunResult allowed = folder.keel("apply", {"--allow-out-of-order"});
  EXPECT_EQ(allowed.status, 0) << allowed.err;
  EXPECT_EQ(db.scalar("SELECT to_regclass('c')"), "c");
}

TEST_F(MigratePg, RollbackBySteps_ToVersion_AndRefusesWithoutDown) {
  PgDatabase db;
  MigrationFolder folder(db.url());
  for (std::string v : {"0001", "0002", "0003", "0004"}) {
    folder.write(v + "_t.up.sql", "CREATE TABLE t" + v + " (id int);\n");
    folder.write(v + "_t.down.sql", "DROP TABLE t" + v + ";\n");
  }
  ASSERT_EQ(folder.keel("apply").status, 0);

  RunResult one = folder.keel("rollback");
  ASSERT_EQ(one.status, 0) << one.err;
  EXPECT_EQ(db.scalar("SELECT to_regclass('t0004')"), "");
  EXPECT_EQ(db.scalar("SELECT to_regclass('t0003')"), "t0003");
  EXPECT_EQ(row(db, "0004", "status"), "ROLLED_BACK");

  folder.remove("0002_t.down.sql");
  RunResult refused = folder.keel("rollback", {"--steps", "2"});
  EXPECT_EQ(refused.status, 1);
  EXPECT_NE(refused.err.find("0002_t.up.sql: has no down script"), std::string::npos)
      << refused.err;
  EXPECT_EQ(db.scalar("SELECT to_regclass('t0003')"), "t0003");

  RunResult to = folder.keel("rollback", {"--to", "0002"});
  ASSERT_EQ(to.status, 0) << to.err;
  EXPECT_EQ(db.scalar("SELECT to_regclass('t0003')"), "");
  EXPECT_EQ(db.scalar("SELECT to_regclass('t0002')"), "t0002");

  RunResult status = folder.keel("status");
  ASSERT_EQ(status.status, 0) << status.err;
  EXPECT_NE(status.out.find("rolled back"), std::string::npos) << status.out;
  EXPECT_NE(status.out.find(db.hash()), std::string::npos) << status.out;
  RunResult json = run_keel({"--url", db.url(), "--format", "json", "status"}, folder.dir.path);
  ASSERT_EQ(json.status, 0) << json.err;
  auto j = nlohmann::json::parse(json.out);
  EXPECT_EQ(j["schema_hash"], db.hash());
  ASSERT_EQ(j["migrations"].size(), 4u);
  EXPECT_EQ(j["migrations"][1]["state"], "applied");
  EXPECT_EQ(j["migrations"][2]["state"], "rolled back");
  EXPECT_EQ(j["migrations"][3]["state"], "rolled back");

  RunResult reapply = folder.keel("apply");
  ASSERT_EQ(reapply.status, 0) << reapply.err;
  EXPECT_EQ(db.scalar("SELECT count(*) FROM keel.schema_migrations WHERE status = 'SUCCESS'"), "4");
}

// One folder mixing every format keel reads, applied and rolled back through
// the executor: Flyway V/U files, golang-migrate up/down pairs, and a dbmate
// single file whose up runs outside a transaction (transaction:false).
TEST_F(MigratePg, EveryFileFormatAppliesAndRollsBack) {
  PgDatabase db;
  MigrationFolder folder(db.url());
  folder.write("V1__flyway.sql", "CREATE TABLE flyway_t (id int);\n");
  folder.write("U1__flyway.sql", "DROP TABLE flyway_t;\n");
  folder.write("000002_golang.up.sql", "CREATE TABLE golang_t (id int);\n");
  folder.write("000002_golang.down.sql", "DROP TABLE golang_t;\n");
  folder.write("20240101000003_dbmate.sql",
               "-- migrate:up transaction:false\n"
               "CREATE TABLE dbmate_t (id int, v text);\n"
               "CREATE INDEX CONCURRENTLY dbmate_t_v ON dbmate_t (v);\n"
               "\n"
               "-- migrate:down\n"
               "DROP TABLE dbmate_t;\n");

  RunResult applied = folder.keel("apply");
  ASSERT_EQ(applied.status, 0) << applied.err;
  EXPECT_EQ(db.scalar("SELECT string_agg(version || ':' || name || ':' || status || ':' || "
                      "statements_applied, ',' ORDER BY version::numeric) "
                      "FROM keel.schema_migrations"),
            "1:flyway:SUCCESS:1,000002:golang:SUCCESS:1,20240101000003:dbmate:SUCCESS:2");
  EXPECT_EQ(db.scalar("SELECT indisvalid FROM pg_index WHERE indexrelid = 'dbmate_t_v'::regclass"),
            "t");

  RunResult back = folder.keel("rollback", {"--steps", "3"});
  ASSERT_EQ(back.status, 0) << back.err;
  for (std::string table : {"flyway_t", "golang_t", "dbmate_t"}) {
    EXPECT_EQ(db.scalar("SELECT to_regclass('" + table + "')"), "") << table;
  }
  EXPECT_EQ(db.scalar("SELECT count(*) FROM keel.schema_migrations WHERE status = 'ROLLED_BACK'"),
            "3");
}

}  // namespace
}  // namespace keel::test
