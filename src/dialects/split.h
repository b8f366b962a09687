// Statement splitting: split_statements (split.cc) calls the dialect's
// splitter through its driver (postgres/split.cc with libpg_query,
// sqlite/split.cc with sqlite3_complete); both share the helpers below.
#pragma once

#include <string_view>
#include <vector>

#include "keel/migrations.h"

namespace keel::dialects {

// Offset of the first character at or after `pos` that is neither white
// space nor inside a "--" or "/* */" comment (nested when `nested_comments`,
// as in PostgreSQL).
size_t skip_space_and_comments(std::string_view sql, size_t pos, bool nested_comments);

// The line of the script's file that holds byte `offset` of script.sql.
int line_at(const migrate::Script& script, size_t offset);

// Appends sql[begin, end) without leading comments and surrounding white
// space, unless nothing is left.
void add_statement(const migrate::Script& script, size_t begin, size_t end, bool nested_comments,
                   std::vector<migrate::Statement>& out);

}  // namespace keel::dialects

namespace keel::pg {
Result<std::vector<migrate::Statement>> split_statements(const migrate::Script& script);
}  // namespace keel::pg

namespace keel::sqlite {
Result<std::vector<migrate::Statement>> split_statements(const migrate::Script& script);
}  // namespace keel::sqlite
