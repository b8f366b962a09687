// keel plan's lint gate on the in-memory fakes (tests/fake/): a lint error
// rejects the migration; a Catalog that cannot answer (the server refused,
// or the connection was lost) fails the plan with the Catalog's error, as
// keel lint does, never "unknown", and leaves nothing behind.
#include <gtest/gtest.h>

#include "fake/fake_catalog.h"
#include "fake/fake_db.h"
#include "keel/plan.h"

namespace keel::plan {
namespace {

migrate::Migration migration(const std::string& version, const std::string& up,
                             const std::string& down) {
  migrate::Migration m;
  m.version = version;
  m.name = "m" + version;
  m.up.path = version + ".up.sql";
  m.up.sql = up;
  m.checksum = migrate::checksum(up);
  m.down = migrate::Script{};
  m.down->path = version + ".down.sql";
  m.down->sql = down;
  return m;
}

struct PlanLintGate : ::testing::Test {
  fake::FakeClock clock;
  fake::FakeDatabase db{clock};
  fake::FakeCatalog catalog;

  Options options() {
    Options o;
    lint::LintOptions lint;
    lint.catalog = &catalog;
    o.lint = lint;
    return o;
  }
};

// Shrinking a column's type: lint asks the catalog for its current type.
const char* kShrink = "ALTER TABLE users ALTER COLUMN name TYPE varchar(20);";
const char* kGrow = "ALTER TABLE users ALTER COLUMN name TYPE varchar(200);";

TEST_F(PlanLintGate, ARefusedCatalogQuestionFailsThePlanWithItsErrorAndExitStatus1) {
  catalog.refuse_with = Error{ErrorCode::kSql, "permission denied for table pg_attribute",
                              "postgresql://u:***@h/db", "42501"};
  auto report = run(db, {migration("0001", kShrink, kGrow)}, options());
  ASSERT_FALSE(report);
  EXPECT_EQ(report.error().code, ErrorCode::kSql);
  EXPECT_EQ(report.error().message,
            "could not read the catalog: permission denied for table pg_attribute");
  EXPECT_EQ(report.error().context, "postgresql://u:***@h/db");
  EXPECT_EQ(report.error().sqlstate, "42501");
  EXPECT_EQ(exit_status(report.error().code), kExitOperational);
  EXPECT_GT(catalog.asked, 0);
  // Nothing ran, nothing stays: the dry run's transaction is rolled back.
  EXPECT_TRUE(db.executed().empty());
  EXPECT_FALSE(db.in_transaction());
  EXPECT_EQ(db.commits(), 0);
}

TEST_F(PlanLintGate, ALostConnectionKeepsItsCode) {
  catalog.refuse_with =
      Error{ErrorCode::kConnection, "server closed the connection unexpectedly", "", "08006"};
  auto report = run(db, {migration("0001", kShrink, kGrow)}, options());
  ASSERT_FALSE(report);
  EXPECT_EQ(report.error().code, ErrorCode::kConnection);
  EXPECT_EQ(report.error().message,
            "could not read the catalog: server closed the connection unexpectedly");
  EXPECT_EQ(exit_status(report.error().code), kExitOperational);
}

TEST_F(PlanLintGate, AnAnsweredCatalogGatesOnTheLintErrors) {
  catalog.columns["public.users.name"] = lint::ColumnType{"varchar", {100}};
  auto report = run(db, {migration("0001", kShrink, kGrow)}, options());
  ASSERT_TRUE(report) << report.error().to_string();
  ASSERT_EQ(report->migrations.size(), 1u);
  EXPECT_EQ(verdict(report->migrations[0]), "REJECTED");
  ASSERT_FALSE(report->migrations[0].reasons.empty());
  EXPECT_NE(report->migrations[0].reasons[0].find("lint "), std::string::npos)
      << report->migrations[0].reasons[0];
}

}  // namespace
}  // namespace keel::plan
