// Saved plans (.keel/plans/*.json): what `apply --require-validated` trusts.
#include <fmt/chrono.h>
#include <fmt/format.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>
#include <system_error>

#include "keel/plan.h"

namespace keel::plan {

namespace fs = std::filesystem;

Result<std::string> save_validated(const Report& report, const std::string& dir,
                                   const std::string& url) {
  if (!report.validated) {
    return fail(ErrorCode::kInternal, "only a VALIDATED plan is saved");
  }
  auto now = std::chrono::floor<std::chrono::milliseconds>(std::chrono::system_clock::now());
  nlohmann::json migrations = nlohmann::json::array();
  for (const MigrationReport& m : report.migrations) {
    migrations.push_back({{"version", m.version},
                          {"name", m.name},
                          {"path", m.path},
                          {"checksum", m.checksum},
                          {"idempotent", m.idempotent.value_or(false)},
                          {"reversible", m.reversible.value_or(false)}});
  }
  nlohmann::json doc = {{"verdict", "VALIDATED"},
                        {"validated_at", fmt::format("{:%Y-%m-%dT%H:%M:%S}Z", now)},
                        {"url", url},
                        {"schema_hash", report.hash_before},
                        {"migrations", migrations}};
  std::error_code ec;
  fs::create_directories(dir, ec);
  if (ec) {
    return fail(ErrorCode::kIo, fmt::format("cannot create the plans folder: {}", ec.message()),
                dir);
  }
  std::string stem = (fs::path(dir) / fmt::format("{:%Y%m%dT%H%M%S}Z", now)).string();
  std::string path = stem + ".json";
  // Two plans in one second: never replace the other's checksums.
  for (int n = 2; fs::exists(path, ec); ++n) path = fmt::format("{}-{}.json", stem, n);
  // Written next to its final name, then renamed: a reader never sees half a plan.
  std::string tmp = path + ".tmp";
  {
    std::ofstream out(tmp, std::ios::trunc);
    out << doc.dump(2) << '\n';
    if (!out) return fail(ErrorCode::kIo, "cannot write the plan", tmp);
  }
  fs::rename(tmp, path, ec);
  if (ec) return fail(ErrorCode::kIo, fmt::format("cannot save the plan: {}", ec.message()), path);
  return path;
}

Result<std::set<std::string>> validated_checksums(const std::string& dir) {
  std::set<std::string> out;
  std::error_code ec;
  if (!fs::is_directory(dir, ec)) return out;
  for (const auto& entry : fs::directory_iterator(dir, ec)) {
    if (entry.path().extension() != ".json") continue;
    std::ifstream in(entry.path());
    std::stringstream text;
    text << in.rdbuf();
    auto doc = nlohmann::json::parse(text.str(), nullptr, false);
    if (!in || doc.is_discarded() || !doc.is_object() || !doc.contains("migrations")) {
      return fail(ErrorCode::kIo, "not a keel plan file; delete it or run `keel plan` again",
                  entry.path().string());
    }
    if (doc.value("verdict", "") != "VALIDATED") continue;
    for (const auto& m : doc["migrations"]) {
      if (m.is_object() && m.contains("checksum") && m["checksum"].is_string()) {
        out.insert(m["checksum"].get<std::string>());
      }
    }
  }
  if (ec) return fail(ErrorCode::kIo, fmt::format("cannot read: {}", ec.message()), dir);
  return out;
}

}  // namespace keel::plan
