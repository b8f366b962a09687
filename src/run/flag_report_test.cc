// keel flag's reports and archived details, without a database.
#include "keel/flag_report.h"

#include <gtest/gtest.h>

#include "keel/migrate.h"

namespace keel::run {
namespace {

TEST(FlagReport, SetJsonNamesOldAndNewPercent) {
  flags::Change raised{.name = "it's \"new\"", .old_percent = 5, .new_percent = 25};
  EXPECT_EQ(flag_set_json("postgresql://u:***@h/db", raised).dump(),
            R"({"database":"postgresql://u:***@h/db","flag":"it's \"new\"","new_percent":25,)"
            R"("old_percent":5})");
  flags::Change created{.name = "x", .new_percent = 0};
  EXPECT_EQ(flag_details(created), R"({"flag":"x","new_percent":0,"old_percent":null})");
  EXPECT_EQ(flag_details(raised), R"({"flag":"it's \"new\"","new_percent":25,"old_percent":5})");
}

TEST(FlagReport, ListJsonHasEveryField) {
  std::vector<flags::Flag> list = {{.name = "a",
                                    .percent = 10,
                                    .description = "",
                                    .updated_at = "2026-12-07T04:00:00Z",
                                    .updated_by = "ana@ci"},
                                   {.name = "b",
                                    .percent = 100,
                                    .description = "checkout v2",
                                    .updated_at = "2026-12-07T04:01:00Z",
                                    .updated_by = "bot"}};
  nlohmann::json j = flags_json("postgresql://h/db", list);
  EXPECT_EQ(j["database"], "postgresql://h/db");
  ASSERT_EQ(j["flags"].size(), 2u);
  EXPECT_EQ(j["flags"][0]["description"], nullptr);
  EXPECT_EQ(j["flags"][1]["description"], "checkout v2");
  EXPECT_EQ(j["flags"][1]["percent"], 100);
  EXPECT_EQ(j["flags"][1]["updated_by"], "bot");
  EXPECT_EQ(flags_json("x", {})["flags"], nlohmann::json::array());
}

TEST(FlagReport, SetterIsAppliedByElseUserAtHost) {
  Config config;
  EXPECT_EQ(flag_setter(config), migrate::default_applied_by());
  config.migrations.applied_by = "deploy-bot";
  EXPECT_EQ(flag_setter(config), "deploy-bot");
}

}  // namespace
}  // namespace keel::run
