// keel: a PostgreSQL script as parsed statements (libpg_query's JSON parse trees), for code
// outside src/lint/ that reads SQL without including libpg_query (keel convert,
// src/ops/convert.cc).
#pragma once

#include <nlohmann/json.hpp>

#include <string>
#include <string_view>
#include <vector>

#include "keel/error.h"

namespace keel::lint {

struct ParsedStatement {
  std::string kind;     // the parse node's name: "AlterTableStmt"
  nlohmann::json body;  // the node under `kind`; its "location" fields are offsets in the script
  size_t begin = 0;     // offset in the script of its first token (after comments)
  size_t end = 0;       // one past its last byte (before the ';')
  int line = 1;         // line of its first token, counted from `first_line`
};

// Parses the whole script with libpg_query. A syntax error is ErrorCode::kConfig with context
// "path:line" and PostgreSQL's message. Empty statements and comments yield nothing.
Result<std::vector<ParsedStatement>> parse_statements(const std::string& path, std::string_view sql,
                                                      int first_line = 1);

}  // namespace keel::lint
