// keel: checking an operation file's tree against docs/operations.schema.json, which is compiled
// into the binary (CMake embeds the file: one source of truth for the docs and the check).
#pragma once

#include <nlohmann/json.hpp>

#include <optional>
#include <string>
#include <string_view>

#include "ops/document.h"

namespace keel::ops {

// The text of docs/operations.schema.json as built (generated operations_schema.cc).
extern const std::string_view kOperationsSchemaText;

// A problem found at a JSON pointer: `message` says what is wrong and what to do.
struct SchemaFinding {
  std::string pointer;
  std::string message;
};

// The first structural problem, explained from the schema itself: a wrong type (expected and
// got), an unknown field (with the known ones), an unknown operation (with the known ones), a
// missing required field, a value outside its enum, an empty list or name. Conditional rules
// (alter_column's up/down, if/then) are left to the typed reader and to `validate_schema`.
std::optional<SchemaFinding> explain_schema(const nlohmann::ordered_json& document);

// Full JSON Schema validation (valijson, draft 7) of `document`; the deepest error if any.
std::optional<SchemaFinding> validate_schema(const nlohmann::ordered_json& document);

// The operation names the schema knows, in the schema's order.
std::vector<std::string> known_operations();

}  // namespace keel::ops
