// keel: reading an operation file's text into a JSON tree that remembers, for every value, the
// line it was written on (no database code).
//
// YAML (yaml-cpp, YAML 1.2 core schema: true/false, null/~, numbers; a quoted scalar is always a
// string) and JSON (nlohmann's SAX parser) give the same tree, so the schema check and the
// typed model do not care which one the user wrote.
#pragma once

#include <nlohmann/json.hpp>

#include <map>
#include <string>
#include <string_view>

#include "keel/error.h"

namespace keel::ops {

enum class Syntax { kYaml, kJson };

// Limits that keep hostile input from exhausting memory or the stack.
inline constexpr size_t kMaxFileBytes = 16 * 1024 * 1024;
inline constexpr int kMaxDepth = 64;
inline constexpr size_t kMaxValues = 50'000;  // also caps YAML alias expansion

struct Document {
  nlohmann::ordered_json root;  // keys in the order written
  // JSON pointer ("" for the root, "/operations/0/add_column") -> 1-based line. A member's line
  // is its key's line; an array item's is the item's.
  std::map<std::string, int> lines;

  // The line of `pointer`, or of its nearest ancestor that has one (1 at worst).
  int line_of(const std::string& pointer) const;
};

// The syntax a file name announces (.yaml, .yml -> YAML; .json -> JSON; case-insensitive), or
// nullopt for anything else.
std::optional<Syntax> syntax_of(std::string_view path);

// Parses `text` (a UTF-8 BOM is skipped). Errors (ErrorCode::kConfig) have context "path:line":
// invalid UTF-8, a syntax error, a duplicate key, nesting deeper than kMaxDepth, more than
// kMaxValues values, a file over kMaxFileBytes, several YAML documents, an unknown YAML tag.
Result<Document> read_document(const std::string& path, std::string_view text, Syntax syntax);

// "/operations/0/alter_column/type" -> "operations[0].alter_column.type" (the root: "the file").
std::string field_path(const std::string& pointer);

// What a plain (unquoted) YAML scalar `text` reads as under the core schema: a bool, null, a
// number or the string itself. A writer quotes a string whose plain form reads otherwise.
nlohmann::ordered_json yaml_plain_scalar(const std::string& text);

// Appends `key` to `pointer`, escaping '~' and '/' as JSON pointers do.
std::string child_pointer(const std::string& pointer, std::string_view key);

}  // namespace keel::ops
