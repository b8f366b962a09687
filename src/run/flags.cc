// Feature flags, the parts that need no database: the percent and name
// rules of `keel flag set`, and bucket(), the hash every client can
// recompute (docs/flags.md). The store is the dialect's
// (src/dialects/<dialect>/flags.cc), opened through src/dialects/open.cc.
#include "keel/flags.h"

#include <fmt/format.h>

#include <algorithm>

#include "util/sha256.h"
#include "util/utf8.h"

namespace keel::flags {

constexpr size_t kMaxNameBytes = 200;

Result<int> parse_percent(std::string_view text) {
  bool digits = !text.empty() && text.size() <= 3 &&
                std::all_of(text.begin(), text.end(), [](char c) { return c >= '0' && c <= '9'; });
  int value = 0;
  if (digits) {
    for (char c : text) value = value * 10 + (c - '0');
  }
  if (!digits || value > 100) {
    return fail(ErrorCode::kUsage,
                fmt::format("the percent '{}' is not a whole number from 0 to 100; give the share "
                            "of keys the flag is on for, as in: keel flag set NAME 25",
                            text));
  }
  return value;
}

Result<void> check_name(std::string_view name) {
  if (name.empty()) {
    return fail(ErrorCode::kUsage,
                "the flag name is empty; give one, as in: keel flag set "
                "new_checkout 25");
  }
  if (name.size() > kMaxNameBytes) {
    return fail(ErrorCode::kUsage, fmt::format("the flag name is {} bytes long; keep it to {}",
                                               name.size(), kMaxNameBytes));
  }
  if (!util::is_valid_utf8(name)) {
    return fail(ErrorCode::kUsage, "the flag name is not valid UTF-8; give it in UTF-8");
  }
  if (std::any_of(name.begin(), name.end(),
                  [](char c) { return static_cast<unsigned char>(c) < 0x20 || c == 0x7f; })) {
    return fail(ErrorCode::kUsage,
                "the flag name holds a control character (a newline, a tab, ...); name flags "
                "with printable characters");
  }
  return {};
}

int bucket(std::string_view name, std::string_view key) {
  std::string data;
  data.reserve(name.size() + 1 + key.size());
  data.append(name).append(":").append(key);
  std::string digest = util::sha256_hex(data);
  uint32_t first = static_cast<uint32_t>(std::stoul(digest.substr(0, 8), nullptr, 16));
  return static_cast<int>(first % 100);
}

}  // namespace keel::flags
