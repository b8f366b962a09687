#include "util/quote.h"

#include <gtest/gtest.h>

namespace keel {
namespace {

TEST(QuoteTest, IdentifiersDoubleTheirQuotes) {
  EXPECT_EQ(quote_identifier("users"), "\"users\"");
  EXPECT_EQ(quote_identifier("we\"ird"), "\"we\"\"ird\"");
  EXPECT_EQ(quote_qualified("keel", "schema_migrations"), "\"keel\".\"schema_migrations\"");
  EXPECT_EQ(quote_qualified("", "t"), "\"t\"");
}

}  // namespace
}  // namespace keel
