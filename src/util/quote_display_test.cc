#include <gtest/gtest.h>

#include "util/quote.h"

namespace keel {
namespace {

TEST(QuoteFix14, DisplayIdentifierQuotesOnlyWhatNeedsIt) {
  EXPECT_EQ(display_identifier("users"), "users");
  EXPECT_EQ(display_identifier("_x1$"), "_x1$");
  EXPECT_EQ(display_identifier("café"), "café");
  EXPECT_EQ(display_identifier("Users"), "\"Users\"");
  EXPECT_EQ(display_identifier("a.b"), "\"a.b\"");
  EXPECT_EQ(display_identifier("a b"), "\"a b\"");
  EXPECT_EQ(display_identifier("1st"), "\"1st\"");
  EXPECT_EQ(display_identifier("$x"), "\"$x\"");
  EXPECT_EQ(display_identifier("we\"ird"), "\"we\"\"ird\"");
  EXPECT_EQ(display_identifier(""), "\"\"");
}

}  // namespace
}  // namespace keel
