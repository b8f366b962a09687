// The `sql` operations of an operation file as scripts with file lines (for keel lint).
#include "ops/embedded_sql.h"

#include "keel/operations.h"
#include "ops/document.h"

namespace keel::ops {
namespace {

std::string_view line_text(std::string_view text, int line) {
  size_t start = 0;
  for (int i = 1; i < line && start != std::string_view::npos; ++i) {
    start = text.find('\n', start);
    if (start != std::string_view::npos) ++start;
  }
  if (start == std::string_view::npos || start > text.size()) return {};
  size_t end = text.find('\n', start);
  return text.substr(start, end == std::string_view::npos ? end : end - start);
}

// The line the field's text starts on: after "key: |" or "key: >" it is the next one.
int first_line(std::string_view text, int key_line, std::string_view key) {
  std::string_view line = line_text(text, key_line);
  size_t at = line.find(std::string(key) + ":");
  if (at == std::string_view::npos) return key_line;
  std::string_view rest = line.substr(at + key.size() + 1);
  size_t first = rest.find_first_not_of(" \t");
  if (first != std::string_view::npos && (rest[first] == '|' || rest[first] == '>')) {
    return key_line + 1;
  }
  return key_line;
}

}  // namespace

Result<std::vector<EmbeddedSql>> embedded_sql(const std::string& path, std::string_view text) {
  auto migration = parse_operations(path, text);
  if (!migration) return std::unexpected(migration.error());
  auto syntax = syntax_of(path);
  auto doc = read_document(path, text, *syntax);  // parsed above: cannot fail now
  if (!doc) return std::unexpected(doc.error());
  std::string_view body = text.starts_with("\xEF\xBB\xBF") ? text.substr(3) : text;
  std::vector<EmbeddedSql> out;
  for (size_t i = 0; i < migration->operations.size(); ++i) {
    const auto* sql = std::get_if<RawSql>(&migration->operations[i].op);
    if (!sql) continue;
    std::string at = "/operations/" + std::to_string(i) + "/sql";
    auto script = [&](const std::string& key, const std::string& sql_text) {
      int line = doc->line_of(at + "/" + key);
      return migrate::Script{
          path, sql_text, *syntax == Syntax::kYaml ? first_line(body, line, key) : line, {}};
    };
    EmbeddedSql entry{script("up", sql->up), std::nullopt};
    if (sql->down) entry.down = script("down", *sql->down);
    out.push_back(std::move(entry));
  }
  return out;
}

}  // namespace keel::ops
