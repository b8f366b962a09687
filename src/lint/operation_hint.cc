// The operation that replaces a breaking statement, as lint fixes name it.
#include "lint/operation_hint.h"

#include <fmt/format.h>

namespace keel::lint {

std::string operation_hint(std::string_view operation, std::string_view fields) {
  return fmt::format(
      "; or keep every running version working with an operation migration: `{}: {{{}}}` "
      "(keel convert FILE.sql writes it)",
      operation, fields);
}

std::string operation_table(std::string_view qualified) {
  if (qualified.starts_with("public.")) qualified.remove_prefix(7);
  return std::string(qualified);
}

}  // namespace keel::lint
