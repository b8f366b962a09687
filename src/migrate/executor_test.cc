// The executor (apply, rollback, mark, drain, status) on the in-memory fake
// of the database roles (tests/fake/): retries and their backoff, resume of
// a no-transaction migration, a rollback refused by an integrity check,
// draining, and every status state. No server, and no real time: the fake's
// clock is simulated.
#include <gtest/gtest.h>

#include <algorithm>

#include "fake/fake_db.h"
#include "keel/migrate.h"

namespace keel::migrate {
namespace {

using fake::FakeBlocker;
using fake::FakeClock;
using fake::FakeDatabase;
using std::chrono::milliseconds;

Script script(const std::string& path, const std::string& sql, bool no_transaction = false) {
  Script s;
  s.path = path;
  s.sql = sql;
  s.directives.no_transaction = no_transaction;
  return s;
}

Migration migration(const std::string& version, const std::string& name, const std::string& up,
                    std::optional<std::string> down = std::nullopt, bool no_transaction = false,
                    bool down_no_transaction = false) {
  Migration m;
  m.version = version;
  m.name = name;
  m.up = script(version + "_" + name + ".up.sql", up, no_transaction);
  m.checksum = checksum(up);
  if (down) m.down = script(version + "_" + name + ".down.sql", *down, down_no_transaction);
  return m;
}

struct Fixture : ::testing::Test {
  FakeClock clock;
  FakeDatabase db{clock};
  std::vector<std::string> progress;

  RunOptions run() {
    RunOptions r;
    r.applied_by = "test@host";
    r.clock = clock.clock();
    r.progress = [this](const std::string& line) { progress.push_back(line); };
    return r;
  }
  ApplyOptions apply_options() {
    ApplyOptions o;
    o.run = run();
    return o;
  }
  RollbackOptions rollback_options() {
    RollbackOptions o;
    o.run = run();
    return o;
  }
  bool said(const std::string& part) const {
    return std::any_of(progress.begin(), progress.end(), [&](const std::string& line) {
      return line.find(part) != std::string::npos;
    });
  }
};

using ExecutorTest = Fixture;

TEST_F(ExecutorTest, AppliesPendingMigrationsInOrderAndRecordsThem) {
  std::vector<Migration> files = {
      migration("0001", "a", "CREATE TABLE a;", "DROP TABLE a;"),
      migration("0002", "b", "CREATE TABLE b; INSERT INTO b VALUES (1);", "DROP TABLE b;")};
  auto applied = apply(db, files, apply_options());
  ASSERT_TRUE(applied) << applied.error().to_string();
  ASSERT_EQ(applied->size(), 2u);
  EXPECT_EQ((*applied)[0].version, "0001");
  EXPECT_EQ((*applied)[1].statements, 2);
  EXPECT_EQ(db.tables(), (std::set<std::string>{"a", "b"}));
  EXPECT_EQ(db.rows("b"), 1);
  EXPECT_FALSE(db.locked());  // the deploy lock is released
  auto one = db.committed_row("0001");
  auto two = db.committed_row("0002");
  ASSERT_TRUE(one && two);
  EXPECT_EQ(one->status, RowStatus::kSuccess);
  EXPECT_EQ(one->applied_by, "test@host");
  EXPECT_EQ(two->statements_applied, 2);
  // Each migration's hash before is the one before's hash after.
  ASSERT_TRUE(one->schema_hash_after && two->schema_hash_before);
  EXPECT_EQ(*one->schema_hash_after, *two->schema_hash_before);
  EXPECT_NE(*two->schema_hash_before, *two->schema_hash_after);
  EXPECT_EQ((*applied)[1].schema_hash, *two->schema_hash_after);

  auto again = apply(db, files, apply_options());
  ASSERT_TRUE(again);
  EXPECT_TRUE(again->empty());
}

TEST_F(ExecutorTest, LockTimeoutIsRetriedWithGrowingBackoff) {
  std::vector<Migration> files = {migration("0001", "a", "CREATE TABLE a;")};
  db.lock_timeout_on("CREATE TABLE a;", 2);
  db.lock_timeout_on("CREATE TABLE a", 2);  // the splitter may drop the ';'
  ApplyOptions o = apply_options();
  o.run.retry = RetryPolicy{3, milliseconds(200), milliseconds(10000)};
  auto applied = apply(db, files, o);
  ASSERT_TRUE(applied) << applied.error().to_string();
  ASSERT_EQ(applied->size(), 1u);
  EXPECT_EQ((*applied)[0].attempts, 3);
  EXPECT_EQ(db.execute_calls(), 3);
  EXPECT_EQ(db.begun_with().size(), 3u);  // each attempt a transaction of its own
  // Equal jitter: attempt k waits between half and all of base * 2^k.
  ASSERT_EQ(clock.sleeps().size(), 2u);
  EXPECT_GE(clock.sleeps()[0], milliseconds(100));
  EXPECT_LE(clock.sleeps()[0], milliseconds(200));
  EXPECT_GE(clock.sleeps()[1], milliseconds(200));
  EXPECT_LE(clock.sleeps()[1], milliseconds(400));
  EXPECT_TRUE(said("retry 1 of 3"));
  EXPECT_TRUE(said("retry 2 of 3"));
  EXPECT_EQ(db.committed_row("0001")->status, RowStatus::kSuccess);
}

TEST_F(ExecutorTest, RetriesStopAtTheLimitAndTheBackoffAtTheCap) {
  std::vector<Migration> files = {migration("0001", "a", "CREATE TABLE a")};
  db.lock_timeout_on("CREATE TABLE a", 100);
  ApplyOptions o = apply_options();
  o.run.retry = RetryPolicy{4, milliseconds(1000), milliseconds(1500)};
  auto applied = apply(db, files, o);
  ASSERT_FALSE(applied);
  EXPECT_EQ(applied.error().sqlstate, "55P03");
  EXPECT_EQ(db.execute_calls(), 5);  // the first attempt and 4 retries
  ASSERT_EQ(clock.sleeps().size(), 4u);
  for (milliseconds d : clock.sleeps()) {
    EXPECT_GE(d, milliseconds(500));
    EXPECT_LE(d, milliseconds(1500));  // the cap
  }
  EXPECT_GE(clock.sleeps()[3], milliseconds(750));  // capped at 1500: at least half of it
  auto row = db.committed_row("0001");
  ASSERT_TRUE(row);
  EXPECT_EQ(row->status, RowStatus::kFailed);
  EXPECT_NE(row->error.find("lock timeout"), std::string::npos);
  EXPECT_TRUE(db.tables().empty());
}

TEST_F(ExecutorTest, RetriesDirectiveOverridesThePolicy) {
  Migration m = migration("0001", "a", "CREATE TABLE a");
  m.up.directives.retries = 0;
  db.lock_timeout_on("CREATE TABLE a", 1);
  auto applied = apply(db, {m}, apply_options());
  ASSERT_FALSE(applied);
  EXPECT_EQ(db.execute_calls(), 1);
  EXPECT_TRUE(clock.sleeps().empty());
}

TEST_F(ExecutorTest, OtherErrorsAreNotRetried) {
  std::vector<Migration> files = {migration("0001", "a", "CREATE TABLE a; ERROR here")};
  auto applied = apply(db, files, apply_options());
  ASSERT_FALSE(applied);
  EXPECT_EQ(applied.error().sqlstate, "42601");
  EXPECT_EQ(applied.error().context, "0001_a.up.sql:1");
  EXPECT_TRUE(clock.sleeps().empty());
  EXPECT_TRUE(db.tables().empty());  // one transaction: CREATE TABLE a rolled back
  EXPECT_EQ(db.committed_row("0001")->status, RowStatus::kFailed);
}

TEST_F(ExecutorTest, NoTransactionMigrationResumesAtTheStatementThatFailed) {
  const std::string up =
      "CREATE TABLE a;\nCREATE TABLE b;\nCREATE INDEX CONCURRENTLY b_i ON b;\nCREATE TABLE d;";
  std::vector<Migration> files = {migration("0001", "x", up, std::nullopt, true)};
  db.lock_timeout_on("CREATE INDEX CONCURRENTLY b_i ON b", 1);
  ApplyOptions o = apply_options();
  o.run.retry.retries = 0;
  auto first = apply(db, files, o);
  ASSERT_FALSE(first);
  EXPECT_NE(first.error().message.find("statements 1 to 2 of 4"), std::string::npos)
      << first.error().message;
  auto row = db.committed_row("0001");
  ASSERT_TRUE(row);
  EXPECT_EQ(row->status, RowStatus::kFailed);
  EXPECT_EQ(row->statements_applied, 2);
  EXPECT_EQ(row->statements_total, 4);
  ASSERT_TRUE(row->completed);
  ASSERT_EQ(row->completed->size(), 2u);
  EXPECT_EQ((*row->completed)[1].line, 2);
  EXPECT_EQ(db.tables(), (std::set<std::string>{"a", "b"}));  // they stay committed

  const std::vector<std::string> before = db.executed();
  auto second = apply(db, files, o);
  ASSERT_TRUE(second) << second.error().to_string();
  ASSERT_EQ(second->size(), 1u);
  EXPECT_EQ((*second)[0].statements, 2);  // statements 3 and 4 only
  std::vector<std::string> rerun(db.executed().begin() + static_cast<long>(before.size()),
                                 db.executed().end());
  EXPECT_EQ(rerun,
            (std::vector<std::string>{"CREATE INDEX CONCURRENTLY b_i ON b", "CREATE TABLE d"}));
  EXPECT_TRUE(said("resuming after statement 2 of 4"));
  row = db.committed_row("0001");
  EXPECT_EQ(row->status, RowStatus::kSuccess);
  EXPECT_EQ(row->statements_applied, 4);
  EXPECT_FALSE(row->completed);
}

TEST_F(ExecutorTest, ResumeRefusesWhenTheCompletedPartChanged) {
  std::vector<Migration> files = {
      migration("0001", "x", "CREATE TABLE a;\nERROR x;", std::nullopt, true)};
  ASSERT_FALSE(apply(db, files, apply_options()));
  files[0] = migration("0001", "x", "CREATE TABLE z;\nCREATE TABLE b;", std::nullopt, true);
  const size_t ran = db.executed().size();
  auto second = apply(db, files, apply_options());
  ASSERT_FALSE(second);
  EXPECT_EQ(second.error().code, ErrorCode::kGateFailed);
  EXPECT_NE(second.error().message.find("no longer holds statement 1 as it ran"),
            std::string::npos);
  EXPECT_EQ(db.executed().size(), ran);  // nothing run
  EXPECT_EQ(db.committed_row("0001")->statements_applied, 1);
}

TEST_F(ExecutorTest, ConnectionLostMidScriptResumesAndRecognisesWhatTookEffect) {
  const std::string up =
      "CREATE TABLE a;\nCREATE INDEX CONCURRENTLY a_i ON a;\nCREATE INDEX CONCURRENTLY a_j ON a;";
  std::vector<Migration> files = {migration("0001", "x", up)};
  db.lose_connection_after(2);  // a_i is built, then the connection drops
  auto first = apply(db, files, apply_options());
  ASSERT_FALSE(first);
  EXPECT_EQ(first.error().code, ErrorCode::kConnection);
  auto row = db.committed_row("0001");
  ASSERT_TRUE(row);
  EXPECT_EQ(row->status, RowStatus::kRunning);  // its failure could not be recorded
  EXPECT_EQ(row->statements_applied, 1);

  db.reconnect();
  const size_t ran = db.executed().size();
  auto second = apply(db, files, apply_options());
  ASSERT_TRUE(second) << second.error().to_string();
  EXPECT_TRUE(said("statement 2 (line 2) took effect before the previous run stopped"));
  std::vector<std::string> rerun(db.executed().begin() + static_cast<long>(ran),
                                 db.executed().end());
  EXPECT_EQ(rerun, (std::vector<std::string>{"CREATE INDEX CONCURRENTLY a_j ON a"}));
  EXPECT_EQ(db.committed_row("0001")->status, RowStatus::kSuccess);
}

TEST_F(ExecutorTest, ConnectionLostInATransactionLeavesNothing) {
  std::vector<Migration> files = {migration("0001", "x", "CREATE TABLE a; CREATE TABLE b;")};
  db.lose_connection_after(1);
  auto first = apply(db, files, apply_options());
  ASSERT_FALSE(first);
  EXPECT_EQ(first.error().sqlstate, "08006");
  EXPECT_NE(first.error().message.find("recording the failure failed too"), std::string::npos);
  EXPECT_TRUE(db.tables().empty());
  EXPECT_FALSE(db.committed_row("0001"));
  db.reconnect();
  ASSERT_TRUE(apply(db, files, apply_options()));
  EXPECT_EQ(db.tables(), (std::set<std::string>{"a", "b"}));
}

TEST_F(ExecutorTest, SlowStatementTakesSimulatedTimeOrTimesOut) {
  std::vector<Migration> files = {migration("0001", "slow", "CREATE TABLE a"),
                                  migration("0002", "slower", "CREATE TABLE b")};
  db.slow_statement("CREATE TABLE a", milliseconds(20000));
  db.slow_statement("CREATE TABLE b", milliseconds(40000));
  ApplyOptions o = apply_options();
  o.run.timeouts.statement_timeout = milliseconds(30000);
  auto applied = apply(db, files, o);
  ASSERT_FALSE(applied);
  EXPECT_EQ(applied.error().sqlstate, "57014");
  EXPECT_EQ(db.committed_row("0001")->execution_ms, 20000);
  EXPECT_EQ(db.committed_row("0002")->status, RowStatus::kFailed);
  EXPECT_TRUE(clock.sleeps().empty());  // a statement timeout is not retried
  EXPECT_EQ(clock.elapsed_ms(), 50000);

  // A statement-timeout directive lets it finish.
  files[1].up.directives.statement_timeout = milliseconds(60000);
  auto again = apply(db, files, o);
  ASSERT_TRUE(again) << again.error().to_string();
  EXPECT_EQ(db.begun_with().back().statement_timeout, milliseconds(60000));
  EXPECT_EQ((*again)[0].execution_ms, 40000);
}

TEST_F(ExecutorTest, DeployLockHeldElsewhereRunsNothing) {
  db.hold_deploy_lock_elsewhere(true);
  auto applied = apply(db, {migration("0001", "a", "CREATE TABLE a")}, apply_options());
  ASSERT_FALSE(applied);
  EXPECT_EQ(db.execute_calls(), 0);
  EXPECT_FALSE(db.committed_row("0001"));
}

TEST_F(ExecutorTest, RollbackUndoesTheLastAndRestoresTheHash) {
  std::vector<Migration> files = {migration("0001", "a", "CREATE TABLE a", "DROP TABLE a"),
                                  migration("0002", "b", "CREATE TABLE b", "DROP TABLE b")};
  ASSERT_TRUE(apply(db, files, apply_options()));
  auto report = rollback(db, files, rollback_options());
  ASSERT_TRUE(report) << report.error().to_string();
  EXPECT_FALSE(report->aborted);
  ASSERT_EQ(report->rolled_back.size(), 1u);
  EXPECT_EQ(report->rolled_back[0].version, "0002");
  EXPECT_TRUE(report->one_transaction);
  EXPECT_EQ(report->target_version, "0001");
  EXPECT_FALSE(report->expected_hash.empty());
  EXPECT_TRUE(report->restored());
  EXPECT_EQ(db.tables(), (std::set<std::string>{"a"}));
  EXPECT_EQ(db.committed_row("0002")->status, RowStatus::kRolledBack);
  EXPECT_EQ(db.committed_row("0001")->status, RowStatus::kSuccess);
  EXPECT_TRUE(said("integrity checks before commit: foreign keys on or referencing"));
}

TEST_F(ExecutorTest, RollbackRefusedByAnIntegrityCheckChangesNothing) {
  std::vector<Migration> files = {migration("0001", "a", "CREATE TABLE a", "DROP TABLE a"),
                                  migration("0002", "b", "CREATE TABLE b; INSERT INTO a VALUES (1)",
                                            "DELETE FROM a; DROP TABLE b")};
  ASSERT_TRUE(apply(db, files, apply_options()));
  const std::vector<HistoryRow> history = db.committed_history();
  const int commits = db.commits();
  db.integrity_finding("foreign key", "public.c.c_a_fkey", 2);
  auto report = rollback(db, files, rollback_options());
  ASSERT_TRUE(report) << report.error().to_string();
  EXPECT_TRUE(report->aborted);
  EXPECT_FALSE(report->partial);
  EXPECT_NE(report->abort_reason.find("integrity checks failed; the rollback was not committed"),
            std::string::npos);
  EXPECT_NE(report->abort_reason.find("foreign key public.c.c_a_fkey: 2 orphaned rows"),
            std::string::npos);
  ASSERT_EQ(report->findings.size(), 1u);
  EXPECT_FALSE(report->findings[0].ok());
  EXPECT_TRUE(report->rolled_back.empty());
  // Nothing changed: schema, rows and history as before, nothing committed.
  EXPECT_EQ(db.tables(), (std::set<std::string>{"a", "b"}));
  EXPECT_EQ(db.rows("a"), 1);
  EXPECT_EQ(db.commits(), commits);
  const std::vector<HistoryRow> after = db.committed_history();
  ASSERT_EQ(after.size(), history.size());
  for (size_t i = 0; i < after.size(); ++i) {
    EXPECT_EQ(after[i].status, history[i].status);
    EXPECT_EQ(after[i].change_seq, history[i].change_seq);
    EXPECT_EQ(after[i].statements_applied, history[i].statements_applied);
  }
}

TEST_F(ExecutorTest, NoTransactionDownRefusedByAnIntegrityCheckIsPartial) {
  std::vector<Migration> files = {migration("0001", "a", "CREATE TABLE a", "DROP TABLE a"),
                                  migration("0002", "b", "CREATE TABLE b; CREATE INDEX b_i ON b",
                                            "DROP INDEX CONCURRENTLY b_i; DROP TABLE b")};
  ASSERT_TRUE(apply(db, files, apply_options()));
  db.integrity_finding("check", "no_orphans", 1);
  auto report = rollback(db, files, rollback_options());
  ASSERT_TRUE(report) << report.error().to_string();
  EXPECT_TRUE(report->aborted);
  EXPECT_TRUE(report->partial);
  EXPECT_FALSE(report->one_transaction);
  EXPECT_NE(report->abort_reason.find("its history row says ROLLING_BACK"), std::string::npos);
  EXPECT_EQ(db.committed_row("0002")->status, RowStatus::kRollingBack);
  EXPECT_FALSE(db.tables().contains("b"));  // committed statement by statement
}

TEST_F(ExecutorTest, RollbackRefusesWhenADownScriptIsMissing) {
  std::vector<Migration> files = {migration("0001", "a", "CREATE TABLE a")};
  ASSERT_TRUE(apply(db, files, apply_options()));
  auto report = rollback(db, files, rollback_options());
  ASSERT_FALSE(report);
  EXPECT_NE(report.error().message.find("0001_a.up.sql: has no down script"), std::string::npos);
  EXPECT_EQ(db.tables(), (std::set<std::string>{"a"}));
}

TEST_F(ExecutorTest, RollbackLockTimeoutRetriesTheWholeTransaction) {
  std::vector<Migration> files = {migration("0001", "a", "CREATE TABLE a", "DROP TABLE a"),
                                  migration("0002", "b", "CREATE TABLE b", "DROP TABLE b")};
  ASSERT_TRUE(apply(db, files, apply_options()));
  db.lock_timeout_on("DROP TABLE a", 1);
  RollbackOptions o = rollback_options();
  o.steps = 2;
  auto report = rollback(db, files, o);
  ASSERT_TRUE(report) << report.error().to_string();
  ASSERT_EQ(report->rolled_back.size(), 2u);
  EXPECT_EQ(report->rolled_back[0].attempts, 2);
  EXPECT_EQ(clock.sleeps().size(), 1u);
  EXPECT_TRUE(db.tables().empty());
}

TEST_F(ExecutorTest, DrainEndsASessionIdleInTransaction) {
  db.add_blocker(FakeBlocker{
      {4242, "app", "psql", "idle in transaction", "SELECT 1", 20000, false, {"public.users"}},
      std::nullopt});
  DrainOptions o{milliseconds(5000), true, milliseconds(10000), false};
  auto report = drain(db, {"public.users"}, o, {}, clock.clock());
  ASSERT_TRUE(report) << report.error().to_string();
  EXPECT_EQ(db.terminated(), (std::vector<int>{4242}));
  ASSERT_EQ(report->terminated.size(), 1u);
  EXPECT_EQ(report->terminated[0].pid, 4242);
}

TEST_F(ExecutorTest, DrainWaitsForAnActiveSessionWithoutEndingIt) {
  db.add_blocker(FakeBlocker{
      {7, "app", "worker", "active", "UPDATE users SET x = 1", 600, false, {"public.users"}},
      milliseconds(350)});
  db.add_blocker(FakeBlocker{{8,
                              "app",
                              "other",
                              "idle in transaction",
                              "SELECT 1",
                              60000,
                              false,
                              {"public.orders"}},  // not in the way
                             std::nullopt});
  DrainOptions o{milliseconds(5000), true, milliseconds(10000), false};
  std::vector<std::string> lines;
  auto report = drain(
      db, {"public.users"}, o, [&](const std::string& l) { lines.push_back(l); }, clock.clock());
  ASSERT_TRUE(report) << report.error().to_string();
  EXPECT_TRUE(db.terminated().empty());
  EXPECT_EQ(report->waited_ms, 400);  // polled every 100 ms
  EXPECT_EQ(clock.sleeps(), std::vector<milliseconds>(4, milliseconds(100)));
  EXPECT_EQ(lines.back(), "drained after 0.4 s");
}

TEST_F(ExecutorTest, DrainWithNothingInTheWayNeitherWaitsNorEnds) {
  auto report = drain(db, {"public.users"}, DrainOptions{}, {}, clock.clock());
  ASSERT_TRUE(report);
  EXPECT_EQ(report->waited_ms, 0);
  EXPECT_TRUE(db.terminated().empty());
  EXPECT_TRUE(clock.sleeps().empty());
}

TEST_F(ExecutorTest, DrainTimesOutOrForces) {
  db.add_blocker(FakeBlocker{
      {9, "app", "worker", "active", "SELECT pg_sleep(60)", 1000, false, {"public.users"}},
      std::nullopt});
  DrainOptions o{milliseconds(1000), false, milliseconds(10000), false};
  auto timed_out = drain(db, {"public.users"}, o, {}, clock.clock());
  ASSERT_FALSE(timed_out);
  EXPECT_EQ(timed_out.error().code, ErrorCode::kGateFailed);
  EXPECT_NE(timed_out.error().message.find("draining timed out after 1.0 s"), std::string::npos);
  EXPECT_NE(timed_out.error().message.find("pid 9"), std::string::npos);
  EXPECT_TRUE(db.terminated().empty());
  EXPECT_EQ(clock.elapsed_ms(), 1000);

  o.force = true;
  auto forced = drain(db, {"public.users"}, o, {}, clock.clock());
  ASSERT_TRUE(forced);
  EXPECT_EQ(db.terminated(), (std::vector<int>{9}));
}

TEST_F(ExecutorTest, RollbackDrainsTheRelationsItsDownScriptsTouch) {
  std::vector<Migration> files = {migration("0001", "a", "CREATE TABLE a", "DROP TABLE a")};
  ASSERT_TRUE(apply(db, files, apply_options()));
  db.add_blocker(FakeBlocker{
      {31, "app", "psql", "idle in transaction", "SELECT * FROM a", 30000, false, {"public.a"}},
      std::nullopt});
  RollbackOptions o = rollback_options();
  o.drain = DrainOptions{milliseconds(5000), true, milliseconds(10000), false};
  auto report = rollback(db, files, o);
  ASSERT_TRUE(report) << report.error().to_string();
  ASSERT_TRUE(report->drained);
  EXPECT_EQ(report->drained->relations, (std::vector<std::string>{"public.a"}));
  EXPECT_EQ(db.terminated(), (std::vector<int>{31}));
  EXPECT_TRUE(db.tables().empty());

  // A drain that runs out of time aborts the rollback before anything runs.
  ASSERT_TRUE(apply(db, files, apply_options()));
  db.add_blocker(FakeBlocker{
      {32, "app", "w", "active", "SELECT * FROM a", 1000, false, {"public.a"}}, std::nullopt});
  o.drain = DrainOptions{milliseconds(300), false, milliseconds(10000), false};
  const size_t ran = db.executed().size();
  report = rollback(db, files, o);
  ASSERT_TRUE(report);
  EXPECT_TRUE(report->aborted);
  EXPECT_EQ(db.executed().size(), ran);
  EXPECT_EQ(db.committed_row("0001")->status, RowStatus::kSuccess);
}

TEST_F(ExecutorTest, MarkStatementDoneLetsAStoppedRunContinue) {
  std::vector<Migration> files = {migration(
      "0001", "x", "CREATE TABLE a;\nCREATE TABLE b;\nCREATE TABLE c;", std::nullopt, true)};
  db.lose_connection_after(2);
  ASSERT_FALSE(apply(db, files, apply_options()));
  db.reconnect();
  // Statement 2 ran but its progress was lost: re-running it fails.
  auto second = apply(db, files, apply_options());
  ASSERT_FALSE(second);
  EXPECT_NE(second.error().message.find("keel apply --mark-statement-done 0001:2"),
            std::string::npos)
      << second.error().message;
  EXPECT_FALSE(mark_statements_done(db, files, "0001:3", MarkDirection::kUp, run()));
  auto marked = mark_statements_done(db, files, "0001:2", MarkDirection::kUp, run());
  ASSERT_TRUE(marked) << marked.error().to_string();
  EXPECT_EQ(marked->done, 2);
  EXPECT_EQ(marked->total, 3);
  auto third = apply(db, files, apply_options());
  ASSERT_TRUE(third) << third.error().to_string();
  EXPECT_EQ(db.tables(), (std::set<std::string>{"a", "b", "c"}));
  EXPECT_EQ(db.committed_row("0001")->status, RowStatus::kSuccess);
}

// Every state, each reached through the executor on the fake.
TEST_F(ExecutorTest, StatusReportsEveryState) {
  std::vector<Migration> files = {
      migration("0001", "applied", "CREATE TABLE a", "DROP TABLE a"),
      migration("0002", "changed", "CREATE TABLE b", "DROP TABLE b"),
      migration("0003", "missing", "CREATE TABLE c", "DROP TABLE c"),
      migration("0004", "rolling", "CREATE TABLE d; CREATE INDEX d_i ON d",
                "DROP INDEX CONCURRENTLY d_i; ERROR stop"),
      migration("0005", "rolled", "CREATE TABLE e", "DROP TABLE e")};
  files.push_back(
      migration("0007", "partial", "CREATE TABLE g;\nCREATE TABLE g2;", std::nullopt, true));
  // 0001-0005 applied (6 statements); 0007 is killed after its first
  // statement (no transaction: RUNNING).
  db.lose_connection_after(7);
  ASSERT_FALSE(apply(db, files, apply_options()));
  db.reconnect();
  // 0006 fails (FAILED).
  files.insert(files.begin() + 5, migration("0006", "failed", "ERROR x"));
  ApplyOptions o = apply_options();
  o.allow_out_of_order = true;
  ASSERT_FALSE(apply(db, files, o));
  // 0005 rolled back; then 0004's no-transaction down stops part-way.
  ASSERT_TRUE(rollback(db, files, rollback_options()));
  ASSERT_FALSE(rollback(db, files, rollback_options()));
  files.push_back(migration("0008", "pending", "CREATE TABLE h"));
  // 0002's file changed since it ran; 0003's is gone.
  files[1] = migration("0002", "changed", "CREATE TABLE b2", "DROP TABLE b2");
  files.erase(files.begin() + 2);

  auto history = db.history();
  ASSERT_TRUE(history);
  std::map<std::string, State> states;
  for (const VersionStatus& v : status(files, *history)) states[v.version] = v.state;
  EXPECT_EQ(states, (std::map<std::string, State>{{"0001", State::kApplied},
                                                  {"0002", State::kChanged},
                                                  {"0003", State::kMissing},
                                                  {"0004", State::kRollingBack},
                                                  {"0005", State::kRolledBack},
                                                  {"0006", State::kFailed},
                                                  {"0007", State::kPartial},
                                                  {"0008", State::kPending}}));
  std::map<std::string, std::string> names;
  for (const auto& [version, state] : states) names[version] = state_name(state);
  EXPECT_EQ(names["0004"], "rolling back");
  EXPECT_EQ(names["0007"], "partial");

  // validate names what is wrong: 0002 changed, 0003 missing, 0004 rolling back.
  std::set<std::pair<std::string, ProblemKind>> problems;
  for (const Problem& p : validate(files, *history, true)) problems.insert({p.version, p.kind});
  EXPECT_EQ(problems,
            (std::set<std::pair<std::string, ProblemKind>>{{"0002", ProblemKind::kChanged},
                                                           {"0003", ProblemKind::kMissing},
                                                           {"0004", ProblemKind::kRollingBack}}));
}

}  // namespace
}  // namespace keel::migrate
