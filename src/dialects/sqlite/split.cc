// Splitting a SQLite script: a statement ends at the first ';' where
// sqlite3_complete() says the text so far is complete, which accounts for
// strings, comments and the ';'s inside a trigger's BEGIN ... END.
#include <fmt/format.h>
#include <sqlite3.h>

#include "dialects/split.h"

namespace keel::sqlite {

Result<std::vector<migrate::Statement>> split_statements(const migrate::Script& script) {
  const std::string& sql = script.sql;
  std::vector<migrate::Statement> out;
  size_t start = 0;
  for (size_t i = sql.find(';'); i != std::string::npos; i = sql.find(';', i + 1)) {
    if (sqlite3_complete(sql.substr(start, i + 1 - start).c_str()) == 0) continue;
    dialects::add_statement(script, start, i, /*nested_comments=*/false, out);
    start = i + 1;
  }
  size_t tail = dialects::skip_space_and_comments(sql, start, /*nested_comments=*/false);
  if (tail < sql.size()) {
    // A last statement may go without its ';' unless it is unfinished.
    if (sqlite3_complete((sql.substr(start) + "\n;").c_str()) == 0) {
      return fail(ErrorCode::kSql,
                  "incomplete statement: an unterminated string, quoted name or comment, or a "
                  "CREATE TRIGGER without END; finish it and run again",
                  fmt::format("{}:{}", script.path, dialects::line_at(script, tail)));
    }
    dialects::add_statement(script, start, sql.size(), /*nested_comments=*/false, out);
  }
  return out;
}

}  // namespace keel::sqlite
