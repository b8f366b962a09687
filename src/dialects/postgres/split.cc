// Splitting a PostgreSQL script with libpg_query's parser-based splitter:
// the server's own grammar decides where statements end (dollar quotes,
// nested comments, BEGIN ATOMIC bodies).
#include <fmt/format.h>
#include <pg_query.h>

#include <cctype>
#include <nlohmann/json.hpp>
#include <optional>

#include "dialects/split.h"
#include "util/utf8.h"

namespace keel::pg {
namespace {

constexpr const char* kCopyFromStdin =
    "COPY ... FROM STDIN is not supported in a migration: its rows are psql's data stream, "
    "which keel does not send (it runs SQL statements); write the rows as INSERT ... VALUES, or "
    "load them outside the migration with psql's \\copy";

// True when `text` is COPY ... FROM STDIN.
bool copy_from_stdin(std::string_view text) {
  size_t start = dialects::skip_space_and_comments(text, 0, true);
  std::string head(text.substr(start, 4));
  for (char& c : head) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  if (head != "copy") return false;
  std::string sql(text);
  PgQueryParseResult result = pg_query_parse(sql.c_str());
  bool found = false;
  if (result.error == nullptr) {
    auto tree = nlohmann::json::parse(result.parse_tree, nullptr, false);
    if (tree.is_object() && tree.contains("stmts") && tree["stmts"].is_array() &&
        !tree["stmts"].empty()) {
      const auto& copy = tree["stmts"][0].value("stmt", nlohmann::json::object());
      if (copy.contains("CopyStmt")) {
        const auto& c = copy["CopyStmt"];
        found =
            c.value("is_from", false) && !c.contains("filename") && !c.value("is_program", false);
      }
    }
  }
  pg_query_free_parse_result(result);
  return found;
}

// The first COPY ... FROM STDIN starting before byte `limit`, as the error
// to report instead of what its rows do to the splitter.
std::optional<Error> copy_from_stdin_before(const migrate::Script& script, size_t limit) {
  PgQuerySplitResult result = pg_query_split_with_scanner(script.sql.c_str());
  std::optional<Error> out;
  for (int i = 0; result.error == nullptr && i < result.n_stmts && !out; ++i) {
    size_t begin = static_cast<size_t>(result.stmts[i]->stmt_location);
    if (begin >= limit) break;
    size_t length = static_cast<size_t>(result.stmts[i]->stmt_len);
    if (length == 0) length = script.sql.size() - begin;
    if (!copy_from_stdin(std::string_view(script.sql).substr(begin, length))) continue;
    size_t first = dialects::skip_space_and_comments(script.sql, begin, true);
    out = Error{ErrorCode::kUnsupported, kCopyFromStdin,
                fmt::format("{}:{}", script.path, dialects::line_at(script, first)), ""};
  }
  pg_query_free_split_result(result);
  return out;
}

}  // namespace

Result<std::vector<migrate::Statement>> split_statements(const migrate::Script& script) {
  PgQuerySplitResult result = pg_query_split_with_parser(script.sql.c_str());
  if (result.error != nullptr) {
    // libpg_query reports a 1-based character (not byte) position.
    size_t offset = util::char_to_byte_offset(script.sql, result.error->cursorpos);
    // The rows after a COPY ... FROM STDIN are not SQL: say that instead.
    if (auto copy = copy_from_stdin_before(script, offset)) {
      pg_query_free_split_result(result);
      return std::unexpected(*copy);
    }
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
  for (const migrate::Statement& st : out) {
    if (copy_from_stdin(st.sql)) {
      return fail(ErrorCode::kUnsupported, kCopyFromStdin,
                  fmt::format("{}:{}", script.path, st.line));
    }
  }
  return out;
}

}  // namespace keel::pg
