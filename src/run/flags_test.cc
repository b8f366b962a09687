// Feature flags without a database: the percent and name rules, and the
// bucket every client recomputes (the values below are Python's
// int.from_bytes(sha256((name + ":" + key).encode()).digest()[:4], "big") % 100).
#include "keel/flags.h"

#include <gtest/gtest.h>

namespace keel::flags {
namespace {

TEST(Flags, PercentIsAWholeNumberFrom0To100) {
  for (auto [text, value] : {std::pair{"0", 0}, {"5", 5}, {"25", 25}, {"100", 100}, {"007", 7}}) {
    auto parsed = parse_percent(text);
    ASSERT_TRUE(parsed.has_value()) << text;
    EXPECT_EQ(*parsed, value);
  }
  for (const char* bad : {"-1", "101", "5.5", "abc", "", " 5", "+5", "1000", "5%", "0x10"}) {
    auto parsed = parse_percent(bad);
    ASSERT_FALSE(parsed.has_value()) << bad;
    EXPECT_EQ(parsed.error().code, ErrorCode::kUsage);
    EXPECT_EQ(parsed.error().message,
              std::string("the percent '") + bad +
                  "' is not a whole number from 0 to 100; give the share of keys the flag is on "
                  "for, as in: keel flag set NAME 25");
  }
}

TEST(Flags, NamesAreDataButNotEmptyNorControlCharacters) {
  for (const char* good : {"new_checkout", "it's a flag", "ü-rollout", "a\"b c;DROP"}) {
    EXPECT_TRUE(check_name(good).has_value()) << good;
  }
  auto empty = check_name("");
  ASSERT_FALSE(empty);
  EXPECT_EQ(empty.error().code, ErrorCode::kUsage);
  EXPECT_NE(empty.error().message.find("empty"), std::string::npos);
  auto newline = check_name("a\nb");
  ASSERT_FALSE(newline);
  EXPECT_NE(newline.error().message.find("control character"), std::string::npos);
  auto latin1 = check_name("caf\xe9");
  ASSERT_FALSE(latin1);
  EXPECT_NE(latin1.error().message.find("UTF-8"), std::string::npos);
  auto long_name = check_name(std::string(201, 'x'));
  ASSERT_FALSE(long_name);
  EXPECT_NE(long_name.error().message.find("201 bytes"), std::string::npos);
  EXPECT_TRUE(check_name(std::string(200, 'x')));
}

TEST(Flags, BucketIsTheFirst32BitsOfSha256Mod100) {
  EXPECT_EQ(bucket("new_checkout", "user-42"), 83);  // 0x0989bb87 % 100
  EXPECT_EQ(bucket("new_checkout", "user-43"), 42);  // 0x2ef49ac6 % 100
  EXPECT_EQ(bucket("it's a flag", "\xc3\xbc"), 84);  // "ü"
  EXPECT_EQ(bucket("x", ""), 52);
  // Different flags spread the same keys differently.
  int same = 0;
  for (int i = 0; i < 1000; ++i) {
    std::string key = "user-" + std::to_string(i);
    same += bucket("a", key) == bucket("b", key);
  }
  EXPECT_LT(same, 40);  // ~10 expected by chance
}

}  // namespace
}  // namespace keel::flags
