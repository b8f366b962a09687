// keel generate: a DDL plan written as the next migration(s).
#include <fmt/format.h>

#include <filesystem>
#include <fstream>

#include "keel/migrations.h"

namespace keel::migrate {
namespace {

namespace fs = std::filesystem;

std::string script(const std::vector<std::string>& statements, bool no_transaction,
                   const std::string& header, const std::string& what) {
  std::string out;
  if (no_transaction) out += "-- keel:no-transaction\n";
  out += header;
  out += "-- " + what + "\n\n";
  for (const std::string& s : statements) out += s + ";\n\n";
  return out;
}

Result<void> overwrite(const std::string& path, const std::string& text) {
  std::ofstream file(path, std::ios::binary | std::ios::trunc);
  file << text;
  file.close();
  if (!file) return fail(ErrorCode::kIo, "cannot write the file: check free disk space", path);
  return {};
}

}  // namespace

Result<std::vector<GeneratedMigration>> write_generated(const std::string& dir,
                                                        const std::string& name,
                                                        const DdlPlan& plan,
                                                        const std::string& header) {
  std::vector<GeneratedMigration> written;
  auto undo = [&] {
    std::error_code ec;
    for (const GeneratedMigration& m : written) {
      fs::remove(m.up_path, ec);
      fs::remove(m.down_path, ec);
    }
  };
  for (DdlPart part : {DdlPart::kBefore, DdlPart::kTransaction, DdlPart::kAfter}) {
    std::vector<std::string> up = plan.up_statements(part);
    std::vector<std::string> down = plan.down_statements(part);
    if (up.empty() && down.empty()) continue;
    bool no_transaction = part != DdlPart::kTransaction;
    std::string suffix = part == DdlPart::kBefore  ? "_enum_values"
                         : part == DdlPart::kAfter ? "_online"
                                                   : "";
    auto paths = new_migration(dir, name + suffix);
    if (!paths) {
      undo();
      return std::unexpected(paths.error());
    }
    written.push_back({paths->first, paths->second, no_transaction, up.size()});
    std::string kind = part == DdlPart::kAfter ? "statements that cannot run in a transaction block"
                       : part == DdlPart::kBefore ? "enum values, committed before the next "
                                                    "migration uses them; the next migration's "
                                                    "down removes them"
                                                  : "";
    auto wrote = overwrite(paths->first, script(up, no_transaction, header,
                                                fmt::format("up: {} statement(s){}", up.size(),
                                                            kind.empty() ? "" : ", " + kind)));
    if (wrote) {
      wrote = overwrite(
          paths->second,
          script(down, no_transaction, header,
                 fmt::format("down: undoes the up migration ({} statement(s))", down.size())));
    }
    if (!wrote) {
      undo();
      return std::unexpected(wrote.error());
    }
  }
  return written;
}

}  // namespace keel::migrate
