// Pieces of connection-string handling that the dialects' URL readers share
// (defined in util/url.cc).
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace keel {

// `s` with each %XX escape decoded; a '%' not followed by two hex digits
// stays as is.
std::string percent_decode(std::string_view s);

// `text` with each [begin, end) span (merged where they overlap) replaced by
// ***.
std::string replace_spans(const std::string& text, std::vector<std::pair<size_t, size_t>> spans);

}  // namespace keel
