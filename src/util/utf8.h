// UTF-8 validation.
#pragma once

#include <string_view>

namespace keel::util {

// True when `s` is well-formed UTF-8 (Unicode 15, table 3-7: no overlong
// forms, no surrogates, nothing above U+10FFFF).
bool is_valid_utf8(std::string_view s);

}  // namespace keel::util
