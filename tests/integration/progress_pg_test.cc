// Issue 14 items 10-12 on PostgreSQL: no-transaction scripts (up and down)
// that stop part-way, the statements they completed, and resuming them.
#include <gtest/gtest.h>

#include <chrono>
#include <nlohmann/json.hpp>
#include <thread>

#include "integration/migrate_helpers.h"
#include "integration/pg_fixture.h"
#include "util/sha256.h"

namespace keel::test {
namespace {

using namespace std::chrono_literals;

// The history table as keel made it before it recorded completed statements.
constexpr const char* kOldHistoryDdl = R"(CREATE SCHEMA keel;
CREATE TABLE keel.schema_migrations (
  version text PRIMARY KEY,
  name text NOT NULL,
  checksum text NOT NULL,
  applied_at timestamptz NOT NULL DEFAULT now(),
  applied_by text NOT NULL,
  status text NOT NULL CHECK (status IN ('RUNNING', 'SUCCESS', 'FAILED', 'ROLLED_BACK')),
  execution_ms bigint NOT NULL DEFAULT 0,
  statements_applied integer NOT NULL DEFAULT 0,
  statements_total integer NOT NULL DEFAULT 0,
  error text,
  keel_version text NOT NULL,
  schema_hash_before text,
  schema_hash_after text
))";

class ProgressPg : public PgTest {
 protected:
  static std::string row(const PgDatabase& db, const std::string& version,
                         const std::string& column) {
    return db.scalar("SELECT " + column + " FROM keel.schema_migrations WHERE version = '" +
                     version + "'");
  }

  // keel started with `args` in the background, killed (SIGKILL) at the
  // latest when the test ends.
  class Spawned {
   public:
    Spawned(const MigrationFolder& folder, const std::vector<std::string>& args) {
      std::vector<std::string> all = {KEEL_BINARY, "--url", folder.url};
      all.insert(all.end(), args.begin(), args.end());
      pid_ = fork();
      if (pid_ == 0) {
        if (chdir(folder.dir.path.c_str()) != 0) _exit(127);
        FILE* null = freopen("/dev/null", "w", stdout);
        null = freopen("/dev/null", "w", stderr);
        (void)null;
        std::vector<char*> argv;
        for (std::string& a : all) argv.push_back(a.data());
        argv.push_back(nullptr);
        execv(KEEL_BINARY, argv.data());
        _exit(127);
      }
    }
    ~Spawned() { kill9(); }
    Spawned(const Spawned&) = delete;
    Spawned& operator=(const Spawned&) = delete;

    void kill9() {
      if (pid_ <= 0) return;
      kill(pid_, SIGKILL);
      int raw = 0;
      waitpid(pid_, &raw, 0);
      pid_ = 0;
    }

   private:
    pid_t pid_ = 0;
  };

  // Polls `query` until it returns "1" (about 20 s at most).
  static bool wait_for(const PgDatabase& db, const std::string& query) {
    for (int i = 0; i < 200; ++i) {
      if (db.scalar(query) == "1") return true;
      std::this_thread::sleep_for(100ms);
    }
    return false;
  }

  // True once keel's session waits on a lock while running `prefix`.
  static std::string waiting_on_lock(const std::string& prefix) {
    return "SELECT count(*) FROM pg_stat_activity WHERE application_name = 'keel' AND "
           "wait_event_type = 'Lock' AND query LIKE '" +
           prefix + "%'";
  }

  static std::string keel_gone() {
    return "SELECT (count(*) = 0)::int FROM pg_stat_activity WHERE application_name = 'keel'";
  }
};

// Item 10: the file of a FAILED no-transaction migration is edited. apply
// resumes only when the statements that committed are still there as they
// ran; otherwise it refuses, saying what ran and what to do.
TEST_F(ProgressPg, EditedFailedNoTransactionMigrationResumesOnlyOverUnchangedStatements) {
  PgDatabase db;
  MigrationFolder folder(db.url());
  folder.write(
      "0001_two.up.sql",
      "-- keel:no-transaction\nCREATE TABLE a (id int);\nINSERT INTO nowhere VALUES (1);\n");
  RunResult failed = folder.keel("apply");
  ASSERT_EQ(failed.status, 1) << failed.err;
  EXPECT_NE(failed.err.find("statement 1 of 2 of migrations/0001_two.up.sql committed before it "
                            "failed and stays; the history row says FAILED 1/2"),
            std::string::npos)
      << failed.err;
  EXPECT_EQ(row(db, "0001", "status"), "FAILED");
  EXPECT_EQ(row(db, "0001", "statements_applied"), "1");
  const std::string ran_checksum = row(db, "0001", "checksum");

  // Statement 1 edited after it ran: refused, nothing run, the row kept.
  folder.write("0001_two.up.sql",
               "-- keel:no-transaction\nCREATE TABLE b (id int);\nCREATE TABLE c (id int);\n");
  RunResult edited = folder.keel("apply");
  EXPECT_EQ(edited.status, 3) << edited.err;
  EXPECT_EQ(edited.err.find("resuming"), std::string::npos) << edited.err;
  EXPECT_NE(edited.err.find("migrations/0001_two.up.sql: 1 statement of this script committed in "
                            "an earlier run, and the file no longer holds statement 1 as it ran; "
                            "nothing was run."),
            std::string::npos)
      << edited.err;
  EXPECT_NE(edited.err.find("ran: statement 1, line 2: CREATE TABLE a (id int)"), std::string::npos)
      << edited.err;
  EXPECT_NE(edited.err.find("now: line 2: CREATE TABLE b (id int)"), std::string::npos)
      << edited.err;
  EXPECT_NE(edited.err.find("keel apply --mark-statement-done 0001:1"), std::string::npos)
      << edited.err;
  EXPECT_EQ(db.scalar("SELECT to_regclass('b')"), "");
  EXPECT_EQ(db.scalar("SELECT to_regclass('c')"), "");
  EXPECT_EQ(row(db, "0001", "status"), "FAILED");
  EXPECT_EQ(row(db, "0001", "checksum"), ran_checksum);

  // A statement inserted before the one that ran moves it: refused too.
  folder.write("0001_two.up.sql",
               "-- keel:no-transaction\nCREATE TABLE z (id int);\nCREATE TABLE a (id int);\n"
               "CREATE TABLE c (id int);\n");
  EXPECT_EQ(folder.keel("apply").status, 3);
  EXPECT_EQ(db.scalar("SELECT to_regclass('z')"), "");

  // Statement 1 as it ran, statement 2 fixed (and reformatted): resumes.
  folder.write("0001_two.up.sql",
               "-- keel:no-transaction\nCREATE TABLE a (id int);\n\n  CREATE TABLE c (id int);\n");
  RunResult fixed = folder.keel("apply");
  ASSERT_EQ(fixed.status, 0) << fixed.err;
  EXPECT_NE(fixed.err.find("resuming after statement 1 of 2"), std::string::npos) << fixed.err;
  EXPECT_EQ(row(db, "0001", "status"), "SUCCESS");
  EXPECT_EQ(row(db, "0001", "statements_applied"), "2");
  EXPECT_EQ(row(db, "0001", "completed_statements"), "");
  EXPECT_NE(row(db, "0001", "checksum"), ran_checksum);
  EXPECT_EQ(db.scalar("SELECT to_regclass('c')"), "c");
  RunResult validate = folder.keel("validate");
  EXPECT_EQ(validate.status, 0) << validate.out << validate.err;
}

// Item 10: a history table made by the previous keel is upgraded in place
// (column and CHECK), its rows kept; a stopped run it recorded without
// statement hashes resumes when the file is unchanged, and is refused when
// the file changed, until marked explicitly.
TEST_F(ProgressPg, HistoryTableOfThePreviousKeelIsUpgradedInPlace) {
  PgDatabase db;
  db.sql(kOldHistoryDdl);
  db.sql("CREATE TABLE a (id int); CREATE TABLE b (id int)");
  MigrationFolder folder(db.url());
  const std::string up1 = "CREATE TABLE a (id int);\n";
  const std::string up2 =
      "-- keel:no-transaction\nCREATE TABLE b (id int);\nCREATE TABLE c (id int);\n";
  const std::string up3 =
      "-- keel:no-transaction\nCREATE TABLE d (id int);\nCREATE TABLE e (id int);\n";
  folder.write("0001_a.up.sql", up1);
  folder.write("0002_bc.up.sql", up2);
  // 0003 ran as another text: "d" was "dd" when statement 1 ran.
  db.sql("CREATE TABLE dd (id int)");
  folder.write("0003_de.up.sql", up3);
  db.sql(
      "INSERT INTO keel.schema_migrations (version, name, checksum, applied_by, status, "
      "statements_applied, statements_total, keel_version) VALUES "
      "('0001', 'a', 'sha256:" +
      util::sha256_hex(up1) +
      "', 'old@host', 'SUCCESS', 1, 1, '0.0.9'),"
      "('0002', 'bc', 'sha256:" +
      util::sha256_hex(up2) +
      "', 'old@host', 'RUNNING', 1, 2, '0.0.9'),"
      "('0003', 'de', 'sha256:0000', 'old@host', 'FAILED', 1, 2, '0.0.9')");

  // status reads the old table as it is, without upgrading it.
  RunResult status = folder.keel("status");
  ASSERT_EQ(status.status, 0) << status.err;
  EXPECT_NE(status.out.find("partial 1/2"), std::string::npos) << status.out;
  EXPECT_EQ(db.scalar("SELECT count(*) FROM pg_attribute WHERE attrelid = "
                      "'keel.schema_migrations'::regclass AND attname = 'completed_statements'"),
            "0");

  RunResult apply = folder.keel("apply");
  EXPECT_EQ(apply.status, 3) << apply.err;
  // Upgraded: the column, one CHECK on status that allows ROLLING_BACK, the rows.
  EXPECT_EQ(db.scalar("SELECT format_type(atttypid, atttypmod) FROM pg_attribute WHERE attrelid "
                      "= 'keel.schema_migrations'::regclass AND attname = "
                      "'completed_statements'"),
            "text");
  EXPECT_EQ(db.scalar("SELECT count(*) FROM pg_constraint WHERE conrelid = "
                      "'keel.schema_migrations'::regclass AND contype = 'c'"),
            "1");
  EXPECT_NE(db.scalar("SELECT pg_get_constraintdef(oid) FROM pg_constraint WHERE conrelid = "
                      "'keel.schema_migrations'::regclass AND contype = 'c'")
                .find("ROLLING_BACK"),
            std::string::npos);
  EXPECT_EQ(row(db, "0001", "applied_by"), "old@host");
  // 0002 resumed over the unchanged file; 0003 changed since its statement
  // 1 ran, and the old keel did not record what it was: refused.
  EXPECT_NE(apply.err.find("0002_bc: resuming after statement 1 of 2"), std::string::npos)
      << apply.err;
  EXPECT_EQ(row(db, "0002", "status"), "SUCCESS");
  EXPECT_EQ(db.scalar("SELECT to_regclass('c')"), "c");
  EXPECT_NE(apply.err.find("migrations/0003_de.up.sql: 1 statement of this script committed in "
                           "an earlier run (keel 0.0.9 did not record which), and the file "
                           "changed since"),
            std::string::npos)
      << apply.err;
  EXPECT_EQ(db.scalar("SELECT to_regclass('e')"), "");
  EXPECT_EQ(row(db, "0003", "status"), "FAILED");

  // The user checked: "dd" is what statement 1 should have made; renamed
  // by hand, then marked.
  db.sql("ALTER TABLE dd RENAME TO d");
  RunResult marked = folder.keel("apply", {"--mark-statement-done", "0003:1"});
  ASSERT_EQ(marked.status, 0) << marked.err;
  EXPECT_NE(marked.out.find("statements 1 to 1 of 2 recorded as done"), std::string::npos)
      << marked.out;
  EXPECT_NE(marked.out.find("continues with statement 2 (line 3: CREATE TABLE e (id int))"),
            std::string::npos)
      << marked.out;
  EXPECT_EQ(db.scalar("SELECT to_regclass('e')"), "");
  RunResult resumed = folder.keel("apply");
  ASSERT_EQ(resumed.status, 0) << resumed.err;
  EXPECT_NE(resumed.err.find("resuming after statement 1 of 2"), std::string::npos) << resumed.err;
  EXPECT_EQ(db.scalar("SELECT to_regclass('e')"), "e");
  EXPECT_EQ(row(db, "0003", "status"), "SUCCESS");
  EXPECT_EQ(folder.keel("validate").status, 0);
  // Upgrading once: a later run leaves the table alone.
  EXPECT_EQ(folder.keel("apply").status, 0);
  EXPECT_EQ(db.scalar("SELECT count(*) FROM keel.schema_migrations"), "3");
}

// Item 11: kill -9 of keel between two statements of a no-transaction down
// script: the row says ROLLING_BACK 1/3 (status, JSON), apply refuses, and
// the next rollback resumes after statement 1 and finishes.
TEST_F(ProgressPg, KilledNoTransactionRollbackIsRecordedAndResumes) {
  PgDatabase db;
  db.sql("CREATE TABLE pause (seconds float); INSERT INTO pause VALUES (60)");
  MigrationFolder folder(db.url());
  folder.write("0001_ab.up.sql", "CREATE TABLE a (id int);\nCREATE TABLE b (id int);\n");
  folder.write("0001_ab.down.sql",
               "-- keel:no-transaction\nDROP TABLE a;\nSELECT pg_sleep(seconds) FROM pause;\n"
               "DROP TABLE b;\n");
  ASSERT_EQ(folder.keel("apply").status, 0);
  const std::string applied_hash = row(db, "0001", "schema_hash_before");

  Spawned running(folder, {"rollback", "--no-drain"});
  ASSERT_TRUE(wait_for(db,
                       "SELECT count(*) FROM pg_stat_activity WHERE application_name = 'keel' "
                       "AND query LIKE 'SELECT pg_sleep(seconds)%'"))
      << "keel never reached the pg_sleep statement";
  EXPECT_EQ(row(db, "0001", "status"), "ROLLING_BACK");
  EXPECT_EQ(row(db, "0001", "statements_applied"), "1");
  running.kill9();
  ASSERT_TRUE(wait_for(db, keel_gone()));
  EXPECT_EQ(db.scalar("SELECT to_regclass('a')"), "");
  EXPECT_EQ(db.scalar("SELECT to_regclass('b')"), "b");

  RunResult status = folder.keel("status");
  ASSERT_EQ(status.status, 0) << status.err;
  EXPECT_NE(status.out.find("rolling back 1/3"), std::string::npos) << status.out;
  RunResult json = folder.keel("status", {"--format", "json"});
  ASSERT_EQ(json.status, 0) << json.err;
  auto j = nlohmann::json::parse(json.out);
  ASSERT_EQ(j["migrations"].size(), 1u) << json.out;
  EXPECT_EQ(j["migrations"][0]["state"], "rolling back");
  EXPECT_EQ(j["migrations"][0]["statements_applied"], 1);
  EXPECT_EQ(j["migrations"][0]["statements_total"], 3);
  EXPECT_EQ(j["migrations"][0]["completed_statements"][0]["statement"], "DROP TABLE a");
  EXPECT_EQ(j["migrations"][0]["completed_statements"][0]["line"], 2);

  RunResult apply = folder.keel("apply");
  EXPECT_EQ(apply.status, 3) << apply.err;
  EXPECT_NE(apply.err.find("partly rolled back: 1 of 3 statements of its down script committed"),
            std::string::npos)
      << apply.err;

  db.sql("UPDATE pause SET seconds = 0");
  RunResult rollback = folder.keel("rollback", {"--no-drain"});
  ASSERT_EQ(rollback.status, 0) << rollback.out << rollback.err;
  EXPECT_NE(rollback.err.find("resuming after statement 1 of 3"), std::string::npos)
      << rollback.err;
  EXPECT_NE(rollback.out.find("restored: schema hash " + applied_hash), std::string::npos)
      << rollback.out;
  EXPECT_EQ(row(db, "0001", "status"), "ROLLED_BACK");
  EXPECT_EQ(db.scalar("SELECT to_regclass('b')"), "");
  // Applied again from the start.
  ASSERT_EQ(folder.keel("apply").status, 0);
  EXPECT_EQ(db.scalar("SELECT to_regclass('a')"), "a");
}

// Item 11: a down failing at statement 2 says statement 1 committed, the
// row says so, and a fixed file resumes (an edited statement 1 is refused).
TEST_F(ProgressPg, DownFailingAtStatementTwoSaysWhatCommittedAndResumes) {
  PgDatabase db;
  MigrationFolder folder(db.url());
  folder.write("0001_ab.up.sql", "CREATE TABLE a (id int);\nCREATE TABLE b (id int);\n");
  folder.write("0001_ab.down.sql",
               "-- keel:no-transaction\nDROP TABLE a;\nDROP TABLE nowhere;\nDROP TABLE b;\n");
  ASSERT_EQ(folder.keel("apply").status, 0);

  RunResult failed = folder.keel("rollback", {"--no-drain"});
  EXPECT_EQ(failed.status, 1) << failed.out << failed.err;
  EXPECT_NE(failed.err.find("migrations/0001_ab.down.sql:3: table \"nowhere\" does not exist"),
            std::string::npos)
      << failed.err;
  EXPECT_NE(failed.err.find("statement 1 of 3 of migrations/0001_ab.down.sql committed before it "
                            "failed and stays; the history row says ROLLING_BACK 1/3: `keel "
                            "rollback` resumes after statement 1"),
            std::string::npos)
      << failed.err;
  EXPECT_EQ(row(db, "0001", "status"), "ROLLING_BACK");
  EXPECT_NE(row(db, "0001", "error").find("42P01"), std::string::npos);
  RunResult status = folder.keel("status");
  EXPECT_NE(status.out.find("rolling back 1/3"), std::string::npos) << status.out;
  EXPECT_NE(status.out.find("error: migrations/0001_ab.down.sql:3"), std::string::npos)
      << status.out;

  folder.write("0001_ab.down.sql",
               "-- keel:no-transaction\nDROP TABLE IF EXISTS a;\nDROP TABLE b;\n");
  RunResult edited = folder.keel("rollback", {"--no-drain"});
  EXPECT_EQ(edited.status, 3) << edited.err;
  EXPECT_NE(edited.err.find("ran: statement 1, line 2: DROP TABLE a"), std::string::npos)
      << edited.err;
  EXPECT_NE(edited.err.find("keel rollback --mark-statement-done 0001:1"), std::string::npos)
      << edited.err;
  EXPECT_EQ(db.scalar("SELECT to_regclass('b')"), "b");

  folder.write("0001_ab.down.sql", "-- keel:no-transaction\nDROP TABLE a;\nDROP TABLE b;\n");
  RunResult fixed = folder.keel("rollback", {"--no-drain"});
  ASSERT_EQ(fixed.status, 0) << fixed.out << fixed.err;
  EXPECT_NE(fixed.err.find("resuming after statement 1 of 2"), std::string::npos) << fixed.err;
  EXPECT_EQ(row(db, "0001", "status"), "ROLLED_BACK");
  EXPECT_EQ(db.scalar("SELECT to_regclass('b')"), "");
}

// Item 12: keel killed after the server finished CREATE INDEX CONCURRENTLY
// but before the progress was recorded (the history row is held locked, so
// that the kill lands exactly there): the next apply finds the VALID index
// with the same definition and records the statement as done.
TEST_F(ProgressPg, IndexTheServerFinishedAfterAKillIsRecognised) {
  PgDatabase db;
  db.sql("CREATE TABLE t (a int, b int)");
  MigrationFolder folder(db.url());
  folder.write("0001_idx.up.sql",
               "-- keel:lock-timeout 60s\n"
               "CREATE INDEX CONCURRENTLY t_a_idx ON t (a) WHERE b IS NULL;\n"
               "CREATE INDEX CONCURRENTLY t_b_idx ON t (b);\n");
  // A snapshot older than the build: CREATE INDEX CONCURRENTLY waits for it.
  pqxx::connection snapshot_conn(db.url());
  pqxx::transaction<pqxx::repeatable_read> snapshot(snapshot_conn, "snapshot");
  snapshot.exec("SELECT 1");
  Spawned running(folder, {"apply"});
  ASSERT_TRUE(wait_for(db, waiting_on_lock("CREATE INDEX CONCURRENTLY t_a_idx")));
  EXPECT_EQ(row(db, "0001", "status"), "RUNNING");
  // Hold the history row, let the build finish: keel waits to record it.
  pqxx::connection row_conn(db.url());
  pqxx::work row_lock(row_conn);
  row_lock.exec("SELECT 1 FROM keel.schema_migrations WHERE version = '0001' FOR UPDATE");
  snapshot.commit();
  ASSERT_TRUE(wait_for(db, waiting_on_lock("INSERT INTO \"keel\".\"schema_migrations\"")));
  running.kill9();
  ASSERT_TRUE(wait_for(db, keel_gone()));
  row_lock.abort();
  EXPECT_EQ(row(db, "0001", "status"), "RUNNING");
  EXPECT_EQ(row(db, "0001", "statements_applied"), "0");
  EXPECT_EQ(db.scalar("SELECT i.indisvalid::text FROM pg_index i JOIN pg_class c ON c.oid = "
                      "i.indexrelid WHERE c.relname = 't_a_idx'"),
            "true");

  RunResult r = folder.keel("apply");
  ASSERT_EQ(r.status, 0) << r.err;
  EXPECT_NE(r.err.find("statement 1 (line 2) took effect before the previous run stopped (index "
                       "public.t_a_idx is VALID with the same definition); recorded as done"),
            std::string::npos)
      << r.err;
  EXPECT_EQ(row(db, "0001", "status"), "SUCCESS");
  EXPECT_EQ(db.scalar("SELECT count(*) FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid "
                      "WHERE c.relname IN ('t_a_idx', 't_b_idx') AND i.indisvalid"),
            "2");
}

// Item 12: the same for CREATE TABLE AS, which keel cannot verify: the next
// apply fails on "already exists" and says what to check and how to mark
// it; --mark-statement-done refuses anything ambiguous, then marks it.
TEST_F(ProgressPg, StatementTheServerFinishedIsMarkedDoneExplicitly) {
  PgDatabase db;
  db.sql("CREATE TABLE src (x int); INSERT INTO src VALUES (1), (2)");
  MigrationFolder folder(db.url());
  folder.write("0001_copy.up.sql",
               "-- keel:no-transaction\n-- keel:lock-timeout 60s\n"
               "CREATE TABLE copy AS SELECT x FROM src;\nALTER TABLE copy ADD PRIMARY KEY (x);\n");
  folder.write("0001_copy.down.sql", "DROP TABLE copy;\n");
  {
    // Hold the history row once RUNNING is written: the copy commits, its
    // progress cannot be recorded; then kill -9.
    pqxx::connection row_conn(db.url());
    pqxx::work block(row_conn);
    block.exec("LOCK TABLE src IN ACCESS EXCLUSIVE MODE");
    Spawned running(folder, {"apply"});
    ASSERT_TRUE(wait_for(db, waiting_on_lock("CREATE TABLE copy")));
    pqxx::connection lock_conn(db.url());
    pqxx::work row_lock(lock_conn);
    row_lock.exec("SELECT 1 FROM keel.schema_migrations WHERE version = '0001' FOR UPDATE");
    block.abort();
    ASSERT_TRUE(wait_for(db, waiting_on_lock("INSERT INTO \"keel\".\"schema_migrations\"")));
    running.kill9();
    ASSERT_TRUE(wait_for(db, keel_gone()));
  }
  EXPECT_EQ(row(db, "0001", "status"), "RUNNING");
  EXPECT_EQ(row(db, "0001", "statements_applied"), "0");
  EXPECT_EQ(db.scalar("SELECT count(*) FROM copy"), "2");

  RunResult stuck = folder.keel("apply");
  EXPECT_EQ(stuck.status, 1) << stuck.err;
  EXPECT_NE(stuck.err.find("relation \"copy\" already exists"), std::string::npos) << stuck.err;
  EXPECT_NE(stuck.err.find("check whether what migrations/0001_copy.up.sql:3 does is already in "
                           "place (CREATE TABLE copy AS SELECT x FROM src). If it is, record it "
                           "with `keel apply --mark-statement-done 0001:1`"),
            std::string::npos)
      << stuck.err;

  for (const char* bad :
       {"0001", "0001:", ":1", "0001:x", "0001:-1", "0001:3", "0001:2", "0009:1", "0001:1:"}) {
    RunResult refused = folder.keel("apply", {"--mark-statement-done", bad});
    EXPECT_EQ(refused.status, 2) << bad << ": " << refused.err;
  }
  RunResult down = folder.keel("rollback", {"--mark-statement-done", "0001:1"});
  EXPECT_EQ(down.status, 2) << down.err;
  EXPECT_NE(down.err.find("use `keel apply --mark-statement-done`"), std::string::npos) << down.err;
  RunResult both = folder.keel("apply", {"--mark-statement-done", "0001:1", "--to", "0001"});
  EXPECT_EQ(both.status, 2) << both.err;
  EXPECT_EQ(row(db, "0001", "statements_applied"), "0");

  RunResult marked = folder.keel("apply", {"--mark-statement-done", "0001:1"});
  ASSERT_EQ(marked.status, 0) << marked.err;
  EXPECT_EQ(row(db, "0001", "status"), "FAILED");  // the re-run's "already exists"
  EXPECT_EQ(row(db, "0001", "statements_applied"), "1");
  EXPECT_EQ(row(db, "0001", "error"), "");
  RunResult r = folder.keel("apply");
  ASSERT_EQ(r.status, 0) << r.err;
  EXPECT_NE(r.err.find("resuming after statement 1 of 2"), std::string::npos) << r.err;
  EXPECT_EQ(row(db, "0001", "status"), "SUCCESS");
  EXPECT_EQ(db.scalar("SELECT count(*) FROM pg_constraint WHERE conname = 'copy_pkey'"), "1");
  RunResult again = folder.keel("apply", {"--mark-statement-done", "0001:1"});
  EXPECT_EQ(again.status, 2) << again.err;
}

// Item 12 with a real kill -9 while CREATE INDEX CONCURRENTLY runs (waiting
// for an older snapshot): whether the server finished the index or gave up
// on the lost client, the next apply ends with the index VALID and the
// migration applied — never stuck on "already exists".
TEST_F(ProgressPg, KillDuringCreateIndexConcurrentlyNeverLeavesApplyStuck) {
  PgDatabase db;
  db.sql("CREATE TABLE t (a int); INSERT INTO t SELECT g FROM generate_series(1, 1000) g");
  MigrationFolder folder(db.url());
  folder.write("0001_idx.up.sql",
               "-- keel:lock-timeout 60s\n"
               "CREATE INDEX CONCURRENTLY t_a_idx ON t USING btree (a ASC);\n");
  pqxx::connection snapshot_conn(db.url());
  pqxx::transaction<pqxx::repeatable_read> snapshot(snapshot_conn, "snapshot");
  snapshot.exec("SELECT 1");
  Spawned running(folder, {"apply"});
  ASSERT_TRUE(wait_for(db, waiting_on_lock("CREATE INDEX CONCURRENTLY t_a_idx")));
  running.kill9();
  snapshot.commit();
  ASSERT_TRUE(wait_for(db, keel_gone()));
  EXPECT_EQ(row(db, "0001", "status"), "RUNNING");
  EXPECT_EQ(row(db, "0001", "statements_applied"), "0");
  const std::string valid = db.scalar(
      "SELECT i.indisvalid::text FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid WHERE "
      "c.relname = 't_a_idx'");

  RunResult r = folder.keel("apply");
  ASSERT_EQ(r.status, 0) << r.err;
  if (valid == "true") {
    EXPECT_NE(r.err.find("took effect before the previous run stopped"), std::string::npos)
        << r.err;
  } else if (valid == "false") {
    EXPECT_NE(r.err.find("dropped INVALID index"), std::string::npos) << r.err;
  }
  EXPECT_EQ(row(db, "0001", "status"), "SUCCESS");
  EXPECT_EQ(db.scalar("SELECT count(*) FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid "
                      "WHERE c.relname = 't_a_idx' AND i.indisvalid"),
            "1");
}

// Item 12: an index of that name with another definition is not taken for
// the statement's: apply fails and names what it found.
TEST_F(ProgressPg, IndexWithAnotherDefinitionIsNotTakenAsDone) {
  PgDatabase db;
  db.sql("CREATE TABLE t (a int, b int); CREATE INDEX t_a_idx ON t (b)");
  MigrationFolder folder(db.url());
  folder.write("0001_idx.up.sql", "CREATE INDEX CONCURRENTLY t_a_idx ON t (a);\n");
  // As a killed run of an older keel leaves it.
  db.sql(kOldHistoryDdl);
  db.sql(
      "INSERT INTO keel.schema_migrations (version, name, checksum, applied_by, status, "
      "statements_applied, statements_total, keel_version) VALUES ('0001', 'idx', 'sha256:" +
      util::sha256_hex("CREATE INDEX CONCURRENTLY t_a_idx ON t (a);\n") +
      "', 'x@y', 'RUNNING', 0, 1, '0.0.9')");
  RunResult r = folder.keel("apply");
  EXPECT_EQ(r.status, 1) << r.err;
  EXPECT_NE(r.err.find("found: index public.t_a_idx exists with another definition: CREATE INDEX "
                       "t_a_idx ON public.t USING btree (b)"),
            std::string::npos)
      << r.err;
  EXPECT_EQ(row(db, "0001", "status"), "FAILED");
}

}  // namespace
}  // namespace keel::test
