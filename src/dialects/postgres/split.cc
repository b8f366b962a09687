// Splitting a PostgreSQL script with libpg_query's parser-based splitter:
// the server's own grammar decides where statements end (dollar quotes,
// nested comments, BEGIN ATOMIC bodies).
#include <fmt/format.h>
#include <pg_query.h>

#include "dialects/split.h"
#include "util/utf8.h"

namespace keel::pg {

Result<std::vector<migrate::Statement>> split_statements(const migrate::Script& script) {
  PgQuerySplitResult result = pg_query_split_with_parser(script.sql.c_str());
  if (result.error != nullptr) {
    // libpg_query reports a 1-based character (not byte) position.
    size_t offset = util::char_to_byte_offset(script.sql, result.error->cursorpos);
    std::string message = result.error->message != nullptr ? result.error->message : "syntax error";
    // libpg_query does not report the SQLSTATE; the scanner's and grammar's
    // "syntax error ..." and "unterminated ..." errors are syntax_error, as
    // the server would report them.
    bool syntax = message.starts_with("syntax error") || message.starts_with("unterminated");
    Error error{ErrorCode::kSql, std::move(message),
                fmt::format("{}:{}", script.path, dialects::line_at(script, offset)),
                syntax ? "42601" : ""};
    pg_query_free_split_result(result);
    return std::unexpected(error);
  }
  std::vector<migrate::Statement> out;
  for (int i = 0; i < result.n_stmts; ++i) {
    size_t begin = static_cast<size_t>(result.stmts[i]->stmt_location);
    size_t length = static_cast<size_t>(result.stmts[i]->stmt_len);
    // A zero length means "to the end of the input".
    size_t end = length == 0 ? script.sql.size() : begin + length;
    dialects::add_statement(script, begin, end, /*nested_comments=*/true, out);
  }
  pg_query_free_split_result(result);
  return out;
}

}  // namespace keel::pg
