// keel plan's dry run on the in-memory fake of the database roles
// (tests/fake/): one transaction never committed, idempotence and
// reversibility proven with savepoints, statements refused in a transaction
// run as their in-transaction equivalent.
#include <gtest/gtest.h>

#include "fake/fake_db.h"
#include "keel/plan.h"

namespace keel::plan {
namespace {

using migrate::Migration;

Migration migration(const std::string& version, const std::string& up,
                    std::optional<std::string> down) {
  Migration m;
  m.version = version;
  m.name = "m" + version;
  m.up.path = version + ".up.sql";
  m.up.sql = up;
  m.checksum = migrate::checksum(up);
  if (down) {
    m.down = migrate::Script{};
    m.down->path = version + ".down.sql";
    m.down->sql = *down;
  }
  return m;
}

struct PlanOnFake : ::testing::Test {
  fake::FakeClock clock;
  fake::FakeDatabase db{clock};
};

TEST_F(PlanOnFake, ValidatesAnIdempotentReversibleMigrationAndCommitsNothing) {
  std::vector<Migration> files = {
      migration("0001", "CREATE TABLE IF NOT EXISTS a;\nINSERT INTO a VALUES (1);",
                "DROP TABLE IF EXISTS a;")};
  auto report = run(db, files, Options{});
  ASSERT_TRUE(report) << report.error().to_string();
  ASSERT_EQ(report->migrations.size(), 1u);
  const MigrationReport& m = report->migrations[0];
  EXPECT_EQ(verdict(m), "VALIDATED") << (m.reasons.empty() ? "" : m.reasons[0]);
  EXPECT_EQ(m.idempotent, std::optional<bool>(true));
  EXPECT_EQ(m.reversible, std::optional<bool>(true));
  ASSERT_EQ(m.statements.size(), 2u);
  EXPECT_EQ(m.statements[1].rows, 1);  // the INSERT's last_rows()
  EXPECT_NE(m.hash_before, m.hash_after);
  EXPECT_EQ(verdict(*report), "VALIDATED");
  EXPECT_EQ(report->hash_before, report->hash_after);
  // Everything rolled back: no table, no history row, no commit.
  EXPECT_TRUE(db.tables().empty());
  EXPECT_TRUE(db.committed_history().empty());
  EXPECT_EQ(db.commits(), 0);
  EXPECT_FALSE(db.in_transaction());
}

TEST_F(PlanOnFake, RejectsWhatFailsTwiceOrCannotBeUndone) {
  std::vector<Migration> files = {migration("0001", "CREATE TABLE b;", "DROP TABLE c;")};
  auto report = run(db, files, Options{});
  ASSERT_TRUE(report) << report.error().to_string();
  const MigrationReport& m = report->migrations[0];
  EXPECT_EQ(verdict(m), "REJECTED");
  EXPECT_EQ(m.idempotent, std::optional<bool>(false));
  EXPECT_EQ(m.reversible, std::optional<bool>(false));
  ASSERT_EQ(m.reasons.size(), 2u);
  EXPECT_NE(m.reasons[0].find("not idempotent: applied a second time it fails"), std::string::npos);
  EXPECT_NE(m.reasons[1].find("not reversible: the down script fails"), std::string::npos);

  // The gates can let both pass.
  Options lenient;
  lenient.gates.require_idempotent = false;
  lenient.gates.require_reversible = false;
  report = run(db, files, lenient);
  ASSERT_TRUE(report);
  EXPECT_TRUE(report->migrations[0].reasons.empty());
}

TEST_F(PlanOnFake, RunsTheInTransactionEquivalentOfAConcurrentStatement) {
  std::vector<Migration> files = {
      migration("0001", "CREATE TABLE IF NOT EXISTS a;", "DROP TABLE IF EXISTS a;"),
      migration("0002", "CREATE INDEX CONCURRENTLY a_i ON a;", "DROP INDEX CONCURRENTLY a_i;")};
  auto report = run(db, files, Options{});
  ASSERT_TRUE(report) << report.error().to_string();
  ASSERT_EQ(report->migrations.size(), 2u);
  const StatementReport& st = report->migrations[1].statements.at(0);
  EXPECT_EQ(st.ran, "CREATE INDEX a_i ON a");
  EXPECT_TRUE(st.error.empty()) << st.error;
  EXPECT_FALSE(report->migrations[1].changed.empty());
}

TEST_F(PlanOnFake, OnlyPendingMigrationsAreDryRun) {
  std::vector<Migration> files = {migration("0001", "CREATE TABLE a;", "DROP TABLE a;"),
                                  migration("0002", "CREATE TABLE b;", "DROP TABLE b;")};
  migrate::ApplyOptions apply;
  apply.run.clock = clock.clock();
  apply.to = "0001";
  ASSERT_TRUE(migrate::apply(db, files, apply));
  auto report = run(db, files, Options{});
  ASSERT_TRUE(report) << report.error().to_string();
  ASSERT_EQ(report->migrations.size(), 1u);
  EXPECT_EQ(report->migrations[0].version, "0002");
  EXPECT_EQ(db.tables(), (std::set<std::string>{"a"}));
}

}  // namespace
}  // namespace keel::plan
