#include "util/utf8.h"

#include <gtest/gtest.h>

namespace keel::util {
namespace {

TEST(Utf8Test, CharToByteOffsetCountsCharactersNotBytes) {
  // "é" is two bytes: the third character of "aéb" starts at byte 3.
  EXPECT_EQ(char_to_byte_offset("a\xc3\xa9"
                                "b",
                                3),
            3u);
  EXPECT_EQ(char_to_byte_offset("a\xc3\xa9"
                                "b",
                                2),
            1u);
  EXPECT_EQ(char_to_byte_offset("abc", 1), 0u);
  EXPECT_EQ(char_to_byte_offset("abc", 0), 0u);
  EXPECT_EQ(char_to_byte_offset("abc", 9), 3u);
}

TEST(Utf8Test, Validity) {
  EXPECT_TRUE(is_valid_utf8("a\xc3\xa9"));
  EXPECT_FALSE(is_valid_utf8("\xc3"));
  EXPECT_FALSE(is_valid_utf8("\xc0\xaf"));  // overlong "/"
}

}  // namespace
}  // namespace keel::util
