// Issue 16 item 7: a run's details (what it changed beyond the schema, as
// keel flag set's old and new percent) in its archived line, and back.
#include <gtest/gtest.h>

#include "keel/archive.h"

namespace keel::archive {
namespace {

ledger::RunRow flag_run() {
  ledger::RunRow row;
  row.environment = "prod";
  row.command = "flag";
  row.arguments = {"--env", "prod", "flag", "set", "new checkout", "25"};
  row.outcome = "ok";
  row.started_at = "2026-12-07T04:00:00Z";
  row.details = R"({"flag":"new checkout","new_percent":25,"old_percent":5})";
  return row;
}

TEST(RunDetails, AreWrittenInTheLineAndReadBack) {
  nlohmann::json j = run_to_json(flag_run());
  ASSERT_TRUE(j.contains("details"));
  EXPECT_EQ(j["details"]["flag"], "new checkout");
  EXPECT_EQ(j["details"]["old_percent"], 5);
  EXPECT_EQ(j["details"]["new_percent"], 25);
  auto back = run_from_json(j);
  ASSERT_TRUE(back.has_value());
  EXPECT_EQ(back->details, flag_run().details);
}

TEST(RunDetails, RunsWithoutDetailsHaveNoDetailsKey) {
  ledger::RunRow row = flag_run();
  row.details.clear();
  nlohmann::json j = run_to_json(row);
  EXPECT_FALSE(j.contains("details"));
  auto back = run_from_json(j);
  ASSERT_TRUE(back.has_value());
  EXPECT_EQ(back->details, "");
}

}  // namespace
}  // namespace keel::archive
