// What archive_test.cc leaves out: both forms of a percent-encoded password,
// a --url=... value, and started_at's shape.
#include <gtest/gtest.h>

#include "keel/archive.h"

namespace keel::archive {
namespace {

TEST(RunRowTest, PercentEncodedPasswordsAndUrlValuesAreMasked) {
  auto masked = mask_arguments(
      {"--url=postgres://u:p%40ss@h/db", "drift", "--against", "postgresql://a:b1b2b3@h/x"}, {});
  EXPECT_EQ(masked, (std::vector<std::string>{"--url=postgres://u:***@h/db", "drift", "--against",
                                              "postgresql://a:***@h/x"}));
}

TEST(RunRowTest, MakeRunRowFillsWhoWhereAndWhen) {
  ledger::RunRow row =
      make_run_row("prod", "apply", {"--url", "postgresql://u:s3cr3t@h/db", "apply"}, {});
  EXPECT_EQ(row.environment, "prod");
  EXPECT_EQ(row.command, "apply");
  EXPECT_EQ(row.arguments[1], "postgresql://u:***@h/db");
  EXPECT_FALSE(row.host.empty());
  EXPECT_EQ(row.user.find('@'), std::string::npos);
  EXPECT_EQ(row.keel_version, KEEL_VERSION);
  ASSERT_EQ(row.started_at.size(), 20u) << row.started_at;
  EXPECT_EQ(row.started_at[10], 'T');
  EXPECT_EQ(row.started_at.back(), 'Z');
}

}  // namespace
}  // namespace keel::archive
