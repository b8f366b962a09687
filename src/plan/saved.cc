// Saved plans (.keel/plans/*.json): what `apply --require-validated` trusts.
#include <fmt/chrono.h>
#include <fmt/format.h>

#include <algorithm>
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
                                   const std::string& url, const std::string& environment) {
  // A plan NOT PROVEN past some migration still vouches for the VALIDATED
  // ones before it (each saved with the schema it ran on).
  if (verdict(report) == "REJECTED") {
    return fail(ErrorCode::kInternal, "a REJECTED plan is not saved");
  }
  auto now = std::chrono::floor<std::chrono::milliseconds>(std::chrono::system_clock::now());
  nlohmann::json migrations = nlohmann::json::array();
  for (const MigrationReport& m : report.migrations) {
    if (!m.validated) continue;
    migrations.push_back({{"version", m.version},
                          {"name", m.name},
                          {"path", m.path},
                          {"checksum", m.checksum},
                          {"schema_hash_before", m.hash_before},
                          {"schema_hash_after", m.hash_after},
                          {"idempotent", m.idempotent.value_or(false)},
                          {"reversible", m.reversible.value_or(false)}});
  }
  nlohmann::json doc = {{"verdict", "VALIDATED"},
                        {"validated_at", fmt::format("{:%Y-%m-%dT%H:%M:%S}Z", now)},
                        {"url", url},
                        {"environment", environment},
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

Result<std::vector<SavedPlan>> saved_plans(const std::string& dir) {
  std::vector<SavedPlan> out;
  std::error_code ec;
  if (!fs::is_directory(dir, ec)) return out;
  for (const auto& entry : fs::directory_iterator(dir, ec)) {
    if (entry.path().extension() != ".json") continue;
    std::ifstream in(entry.path());
    std::stringstream text;
    text << in.rdbuf();
    auto doc = nlohmann::json::parse(text.str(), nullptr, false);
    if (!in || doc.is_discarded() || !doc.is_object() || !doc.contains("migrations") ||
        !doc["migrations"].is_array()) {
      return fail(ErrorCode::kIo, "not a keel plan file; delete it or run `keel plan` again",
                  entry.path().string());
    }
    if (doc.value("verdict", "") != "VALIDATED") continue;
    SavedPlan plan;
    plan.path = entry.path().string();
    if (doc.contains("environment") && doc["environment"].is_string()) {
      plan.environment = doc["environment"].get<std::string>();
    }
    auto text_of = [](const nlohmann::json& m, const char* key) {
      return m.contains(key) && m[key].is_string() ? m[key].get<std::string>() : std::string();
    };
    for (const auto& m : doc["migrations"]) {
      if (!m.is_object()) continue;
      plan.migrations.push_back({text_of(m, "version"), text_of(m, "checksum"),
                                 text_of(m, "schema_hash_before"),
                                 text_of(m, "schema_hash_after")});
    }
    out.push_back(std::move(plan));
  }
  if (ec) return fail(ErrorCode::kIo, fmt::format("cannot read: {}", ec.message()), dir);
  // Oldest first (the names are UTC times): the newest explanation wins.
  std::sort(out.begin(), out.end(),
            [](const SavedPlan& a, const SavedPlan& b) { return a.path < b.path; });
  return out;
}

Result<void> check_validated(const std::vector<SavedPlan>& plans, const std::string& environment,
                             const std::string& plan_command,
                             const std::vector<const migrate::Migration*>& pending,
                             const std::string& schema_hash) {
  std::string problems;
  std::string expected = schema_hash;
  for (const migrate::Migration* m : pending) {
    const SavedMigration* covered = nullptr;
    std::string why = "no VALIDATED plan covers it as it is now (an edited file needs a new plan)";
    for (const SavedPlan& plan : plans) {
      for (const SavedMigration& s : plan.migrations) {
        if (s.checksum != m->checksum) continue;
        if (plan.environment != environment) {
          why = plan.environment.empty()
                    ? fmt::format(
                          "{} does not say which environment it was validated for (made "
                          "by an older keel)",
                          plan.path)
                    : fmt::format(
                          "validated for environment {} ({}), not for {}: a plan covers "
                          "only the environment it ran on",
                          plan.environment, plan.path, environment);
        } else if (s.hash_before != expected) {
          why = fmt::format(
              "validated for {} on schema hash {} ({}), but it would run on schema hash {}: the "
              "schema changed since the plan",
              environment, s.hash_before.empty() ? "(not recorded)" : s.hash_before, plan.path,
              expected);
        } else {
          covered = &s;
        }
      }
    }
    if (covered == nullptr) {
      problems += fmt::format("\n  {}: {}", m->up.path, why);
      // The migrations after it cannot be checked against a known schema.
      expected = "(unknown: an earlier migration is not covered)";
      continue;
    }
    expected = covered->hash_after;
  }
  if (problems.empty()) return {};
  return fail(ErrorCode::kGateFailed,
              fmt::format("--require-validated: no VALIDATED plan of {} covers these migrations "
                          "on its current schema; nothing was applied (run `{}` on it first, "
                          "then apply again):{}",
                          environment, plan_command, problems));
}

}  // namespace keel::plan
