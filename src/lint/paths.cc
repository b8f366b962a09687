// Which scripts `keel lint FILE|DIR...` reads: a folder through the same
// reader apply uses (every format keel knows, ups in version order, each
// followed by its down), a file as one script (a dbmate file as its two
// sections).
#include <fmt/format.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "lint/engine.h"
#include "migrate/dbmate.h"
#include "migrate/directives.h"

namespace keel::lint {
namespace {

namespace fs = std::filesystem;

void add(std::vector<Finding>&& found, LintReport& report) {
  report.findings.insert(report.findings.end(), std::make_move_iterator(found.begin()),
                         std::make_move_iterator(found.end()));
  ++report.scripts;
}

// A down script sees what its up script left, but does not pass its own
// changes on to later migrations.
void lint_down(const migrate::Script& down, const LintOptions& options, const Memory& memory,
               LintReport& report) {
  Memory copy = memory;
  add(lint_script(down, options, &copy), report);
}

Result<void> lint_file(const std::string& path, const LintOptions& options, Memory& memory,
                       LintReport& report) {
  std::ifstream in(path, std::ios::binary);
  if (!in)
    return fail(ErrorCode::kIo, "cannot read the file: check the path and permissions", path);
  std::ostringstream text;
  text << in.rdbuf();
  if (in.bad()) return fail(ErrorCode::kIo, "cannot read the file", path);
  std::string sql = text.str();
  if (sql.starts_with("\xEF\xBB\xBF")) sql.erase(0, 3);
  if (sql.find("-- migrate:up") != std::string::npos) {
    auto sections = migrate::dbmate_sections(path, sql);
    if (!sections) return std::unexpected(sections.error());
    add(lint_script(sections->first, options, &memory), report);
    if (sections->second) lint_down(*sections->second, options, memory, report);
    return {};
  }
  auto script = migrate::make_script(path, std::move(sql), 1);
  if (!script) return std::unexpected(script.error());
  add(lint_script(*script, options, &memory), report);
  return {};
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
        add(lint_script(m.up, options, memory.get()), report);
        if (m.down) lint_down(*m.down, options, *memory, report);
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
