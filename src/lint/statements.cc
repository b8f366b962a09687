// A script as libpg_query parse trees, statement by statement.
#include "lint/statements.h"

#include <fmt/format.h>
#include <pg_query.h>

#include <algorithm>

#include "dialects/split.h"
#include "util/utf8.h"

namespace keel::lint {
namespace {

int line_of(std::string_view sql, size_t offset, int first_line) {
  offset = std::min(offset, sql.size());
  return first_line + static_cast<int>(std::count(sql.begin(), sql.begin() + offset, '\n'));
}

}  // namespace

Result<std::vector<ParsedStatement>> parse_statements(const std::string& path, std::string_view sql,
                                                      int first_line) {
  std::string text(sql);
  PgQueryParseResult result = pg_query_parse(text.c_str());
  if (result.error != nullptr) {
    size_t at = util::char_to_byte_offset(text, result.error->cursorpos);
    std::string message = result.error->message != nullptr ? result.error->message : "";
    pg_query_free_parse_result(result);
    return fail(ErrorCode::kConfig,
                fmt::format("PostgreSQL syntax error: {}; fix the statement", message),
                fmt::format("{}:{}", path, line_of(text, at, first_line)));
  }
  nlohmann::json tree = nlohmann::json::parse(result.parse_tree, nullptr, false);
  pg_query_free_parse_result(result);
  if (tree.is_discarded()) {
    return fail(ErrorCode::kInternal, "cannot read libpg_query's parse tree", path);
  }
  std::vector<ParsedStatement> out;
  if (!tree.contains("stmts")) return out;
  for (const auto& raw : tree["stmts"]) {
    if (!raw.contains("stmt") || raw["stmt"].empty()) continue;
    size_t location = raw.value("stmt_location", 0);
    size_t length = raw.value("stmt_len", 0);
    size_t end = length == 0 ? text.size() : std::min(text.size(), location + length);
    ParsedStatement s;
    auto it = raw["stmt"].begin();
    s.kind = it.key();
    s.body = it.value();
    s.begin =
        dialects::skip_space_and_comments(std::string_view(text).substr(0, end), location, true);
    s.end = end;
    s.line = line_of(text, s.begin, first_line);
    out.push_back(std::move(s));
  }
  return out;
}

}  // namespace keel::lint
