#include "keel/error.h"

#include <fmt/format.h>

namespace keel {

std::string Error::to_string() const {
  std::string out = context.empty() ? message : fmt::format("{}: {}", context, message);
  if (!sqlstate.empty()) out += fmt::format(" (SQLSTATE {})", sqlstate);
  return out;
}

}  // namespace keel
