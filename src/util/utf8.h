// UTF-8 validation.
#pragma once

#include <cstddef>
#include <string_view>

namespace keel::util {

// True when `s` is well-formed UTF-8 (Unicode 15, table 3-7: no overlong
// forms, no surrogates, nothing above U+10FFFF).
bool is_valid_utf8(std::string_view s);

// The byte offset of the 1-based character `position` in UTF-8 text (how
// libpg_query and the server report error positions); 0 for position <= 1,
// s.size() past the end.
size_t char_to_byte_offset(std::string_view s, int position);

}  // namespace keel::util
