#include "dialects/split.h"

#include <algorithm>
#include <cctype>

#include "keel/dialect.h"

namespace keel {
namespace dialects {

size_t skip_space_and_comments(std::string_view sql, size_t pos, bool nested_comments) {
  while (pos < sql.size()) {
    if (std::isspace(static_cast<unsigned char>(sql[pos]))) {
      ++pos;
    } else if (sql.substr(pos).starts_with("--")) {
      pos = std::min(sql.find('\n', pos), sql.size());
    } else if (sql.substr(pos).starts_with("/*")) {
      int depth = 1;
      pos += 2;
      while (pos < sql.size() && depth > 0) {
        if (sql.substr(pos).starts_with("*/")) {
          --depth;
          pos += 2;
        } else if (nested_comments && sql.substr(pos).starts_with("/*")) {
          ++depth;
          pos += 2;
        } else {
          ++pos;
        }
      }
    } else {
      break;
    }
  }
  return std::min(pos, sql.size());
}

int line_at(const migrate::Script& script, size_t offset) {
  offset = std::min(offset, script.sql.size());
  return script.first_line +
         static_cast<int>(std::count(script.sql.begin(), script.sql.begin() + offset, '\n'));
}

void add_statement(const migrate::Script& script, size_t begin, size_t end, bool nested_comments,
                   std::vector<migrate::Statement>& out) {
  std::string_view sql(script.sql);
  end = std::min(end, sql.size());
  begin = skip_space_and_comments(sql.substr(0, end), begin, nested_comments);
  while (end > begin && std::isspace(static_cast<unsigned char>(sql[end - 1]))) --end;
  if (begin >= end) return;
  out.push_back({std::string(sql.substr(begin, end - begin)), line_at(script, begin)});
}

}  // namespace dialects

namespace migrate {

Result<std::vector<Statement>> split_statements(Dialect dialect, const Script& script) {
  if (!dialect) return fail(ErrorCode::kInternal, "no dialect to split statements with");
  return dialect->split_statements(script);
}

}  // namespace migrate
}  // namespace keel
