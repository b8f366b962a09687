#include "migrate/directives.h"

#include <gtest/gtest.h>

namespace keel::migrate {
namespace {

using std::chrono::milliseconds;

TEST(DirectivesTest, ReadsEveryDirectiveFromTheTopComments) {
  auto d = parse_directives(
      "-- add an index\n"
      "-- keel:no-transaction\n"
      "--keel:lock-timeout 2s\n"
      "\n"
      "   -- keel:statement-timeout   1m  \n"
      "-- keel:retries 5\r\n"
      "CREATE INDEX CONCURRENTLY i ON t (a);\n",
      "m.sql", 1);
  ASSERT_TRUE(d) << d.error().to_string();
  EXPECT_TRUE(d->no_transaction);
  EXPECT_EQ(d->lock_timeout, milliseconds(2000));
  EXPECT_EQ(d->statement_timeout, milliseconds(60000));
  EXPECT_EQ(d->retries, 5);
}

TEST(DirectivesTest, NoneGivenLeavesDefaults) {
  auto d = parse_directives("SELECT 1; -- keel is great\n", "m.sql", 1);
  ASSERT_TRUE(d);
  EXPECT_FALSE(d->no_transaction);
  EXPECT_FALSE(d->lock_timeout);
  EXPECT_FALSE(d->statement_timeout);
  EXPECT_FALSE(d->retries);
}

Error error_of(std::string_view sql, int first_line = 1) {
  auto d = parse_directives(sql, "dir/0001_x.up.sql", first_line);
  EXPECT_FALSE(d);
  return d ? Error{} : d.error();
}

TEST(DirectivesTest, UnknownDirectiveNamesLineAndAcceptedOnes) {
  Error e = error_of("-- header\n-- keel:no-transactions\nSELECT 1;");
  EXPECT_EQ(e.code, ErrorCode::kConfig);
  EXPECT_EQ(e.context, "dir/0001_x.up.sql:2");
  EXPECT_NE(e.message.find("unknown directive 'keel:no-transactions'"), std::string::npos);
  EXPECT_NE(e.message.find("keel:lock-timeout"), std::string::npos);
  EXPECT_NE(e.message.find("keel:retries"), std::string::npos);
}

TEST(DirectivesTest, LineNumbersStartAtFirstLine) {
  EXPECT_EQ(error_of("\n-- keel:bogus\n", 10).context, "dir/0001_x.up.sql:11");
}

TEST(DirectivesTest, BadValuesAreErrors) {
  EXPECT_NE(error_of("-- keel:lock-timeout soon").message.find("not a duration"),
            std::string::npos);
  EXPECT_NE(error_of("-- keel:lock-timeout").message.find("needs a value"), std::string::npos);
  EXPECT_NE(error_of("-- keel:retries -1").message.find("whole number"), std::string::npos);
  EXPECT_NE(error_of("-- keel:retries 2x").message.find("whole number"), std::string::npos);
  EXPECT_NE(error_of("-- keel:no-transaction yes").message.find("takes no value"),
            std::string::npos);
  EXPECT_NE(error_of("-- keel:retries 1\n-- keel:retries 2").message.find("twice"),
            std::string::npos);
}

TEST(DirectivesTest, DirectiveAfterSqlIsAnError) {
  Error e = error_of("SELECT 1;\n-- keel:no-transaction\n");
  EXPECT_EQ(e.context, "dir/0001_x.up.sql:2");
  EXPECT_NE(e.message.find("move it to the comment lines at the top"), std::string::npos);
}

TEST(DurationTest, ParsesUnits) {
  EXPECT_EQ(parse_duration("500ms"), milliseconds(500));
  EXPECT_EQ(parse_duration("250"), milliseconds(250));
  EXPECT_EQ(parse_duration("2s"), milliseconds(2000));
  EXPECT_EQ(parse_duration("1m"), milliseconds(60000));
  EXPECT_EQ(parse_duration("1h"), milliseconds(3600000));
  EXPECT_EQ(parse_duration("0"), milliseconds(0));
  for (auto bad : {"", "s", "2 s", "-1s", "1.5s", "2d", "99999999999999h"}) {
    EXPECT_FALSE(parse_duration(bad)) << bad;
  }
}

}  // namespace
}  // namespace keel::migrate
