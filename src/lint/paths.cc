// Which scripts `keel lint FILE|DIR...` reads: a folder through the same
// reader apply uses (every format keel knows, ups in version order, each
// followed by its down), a file as one script (a dbmate file as its two
// sections). An operation file (.yaml, .yml, .json) is validated, and the SQL
// of its `sql` operations is linted (up, then down).
#include <fmt/format.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "lint/engine.h"
#include "migrate/dbmate.h"
#include "migrate/directives.h"
#include "ops/document.h"
#include "ops/embedded_sql.h"

namespace keel::lint {
namespace {

namespace fs = std::filesystem;

void add(std::vector<Finding>&& found, LintReport& report) {
  report.findings.insert(report.findings.end(), std::make_move_iterator(found.begin()),
                         std::make_move_iterator(found.end()));
  ++report.scripts;
}

// A Catalog error ends the lint: without the server's answers the findings
// would be guesses presented as facts.
Result<void> catalog_failed(const std::optional<Error>& error) {
  if (!error) return {};
  return std::unexpected(Error{error->code, "could not read the catalog: " + error->message,
                               error->context, error->sqlstate});
}

// An up script, recording what it made for its down script.
Result<void> lint_up(const migrate::Script& up, const LintOptions& options, Memory& memory,
                     Made& made, LintReport& report) {
  std::optional<Error> error;
  add(lint_paired(up, options, &memory, nullptr, &made, &error), report);
  return catalog_failed(error);
}

// A down script sees what its up script left, but does not pass its own
// changes on to later migrations. Dropping what its up made is what a down
// is for: drop-table and drop-column do not report it (lock hazards do).
Result<void> lint_down(const migrate::Script& down, const LintOptions& options,
                       const Memory& memory, const Made& up_made, LintReport& report) {
  Memory copy = memory;
  std::optional<Error> error;
  add(lint_paired(down, options, &copy, &up_made, nullptr, &error), report);
  return catalog_failed(error);
}

// An operation file: parse errors end the lint (path:line); each `sql` operation's up and
// down are linted as a migration's.
Result<void> lint_operations(const std::string& path, std::string_view text,
                             const LintOptions& options, Memory& memory, LintReport& report) {
  auto scripts = ops::embedded_sql(path, text);
  if (!scripts) return std::unexpected(scripts.error());
  for (const ops::EmbeddedSql& sql : *scripts) {
    Made made;
    if (auto ok = lint_up(sql.up, options, memory, made, report); !ok) return ok;
    if (sql.down) {
      if (auto ok = lint_down(*sql.down, options, memory, made, report); !ok) return ok;
    }
  }
  return {};
}

Result<void> lint_file(const std::string& path, const LintOptions& options, Memory& memory,
                       LintReport& report) {
  std::ifstream in(path, std::ios::binary);
  if (!in)
    return fail(ErrorCode::kIo, "cannot read the file: check the path and permissions", path);
  std::ostringstream text;
  text << in.rdbuf();
  if (in.bad()) return fail(ErrorCode::kIo, "cannot read the file", path);
  if (ops::syntax_of(path)) return lint_operations(path, text.str(), options, memory, report);
  std::string sql = text.str();
  if (sql.starts_with("\xEF\xBB\xBF")) sql.erase(0, 3);
  if (sql.find("-- migrate:up") != std::string::npos) {
    auto sections = migrate::dbmate_sections(path, sql);
    if (!sections) return std::unexpected(sections.error());
    Made made;
    if (auto ok = lint_up(sections->first, options, memory, made, report); !ok) return ok;
    if (sections->second) return lint_down(*sections->second, options, memory, made, report);
    return {};
  }
  auto script = migrate::make_script(path, std::move(sql), 1);
  if (!script) return std::unexpected(script.error());
  std::optional<Error> error;
  add(lint_paired(*script, options, &memory, nullptr, nullptr, &error), report);
  return catalog_failed(error);
}

}  // namespace

Result<LintReport> lint_paths(const std::vector<std::string>& paths, const LintOptions& options) {
  LintReport report;
  for (const std::string& path : paths) {
    std::error_code ec;
    MemoryPtr memory = new_memory();
    if (fs::is_directory(path, ec)) {
      auto migrations = migrate::load_migrations(path);
      if (!migrations) return std::unexpected(migrations.error());
      for (const migrate::Migration& m : *migrations) {
        if (m.format == migrate::Format::kOperations) {
          if (auto ok = lint_operations(m.up.path, m.up.sql, options, *memory, report); !ok) {
            return std::unexpected(ok.error());
          }
          continue;
        }
        Made made;
        if (auto ok = lint_up(m.up, options, *memory, made, report); !ok) {
          return std::unexpected(ok.error());
        }
        if (m.down) {
          if (auto ok = lint_down(*m.down, options, *memory, made, report); !ok) {
            return std::unexpected(ok.error());
          }
        }
      }
    } else if (fs::exists(path, ec)) {
      if (auto ok = lint_file(path, options, *memory, report); !ok) {
        return std::unexpected(ok.error());
      }
    } else {
      return fail(ErrorCode::kIo, "no such file or folder", path);
    }
  }
  return report;
}

}  // namespace keel::lint
