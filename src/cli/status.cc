// keel status [--dir DIR]: each version's state and the schema hash.
#include <fmt/format.h>

#include <iostream>

#include "cli/migrate_cli.h"
#include "keel/canonical.h"
#include "keel/environment.h"

namespace keel::cli {
namespace {

int run(const GlobalOptions& options, const MigrateArgs& args) {
  auto ctx = open_migrate(options, args);
  if (!ctx) return report(options, ctx.error());
  auto history = ctx->target->history();
  if (!history) return report(options, history.error());
  auto versions = migrate::status(ctx->files, *history);
  auto manifest = capture_manifest(ctx->url, ctx->config);
  if (!manifest) return report(options, manifest.error());
  std::string hash = model::schema_hash(manifest->schema);

  if (options.json()) {
    nlohmann::json list = nlohmann::json::array();
    for (const auto& v : versions) {
      nlohmann::json j = {{"version", v.version},
                          {"name", v.name},
                          {"state", migrate::state_name(v.state)},
                          {"out_of_order", v.out_of_order},
                          {"path", v.path}};
      if (v.row) {
        j["applied_at"] = v.row->applied_at;
        j["applied_by"] = v.row->applied_by;
        j["checksum"] = v.row->checksum;
        j["execution_ms"] = v.row->execution_ms;
        j["statements_applied"] = v.row->statements_applied;
        j["statements_total"] = v.row->statements_total;
        j["error"] = v.row->error;
        if (v.row->completed &&
            (v.state == migrate::State::kPartial || v.state == migrate::State::kFailed ||
             v.state == migrate::State::kRollingBack)) {
          nlohmann::json done = nlohmann::json::array();
          for (const auto& c : *v.row->completed) {
            done.push_back({{"line", c.line}, {"statement", c.text}});
          }
          j["completed_statements"] = std::move(done);
        }
      }
      list.push_back(std::move(j));
    }
    print_json({{"url", ctx->url.masked}, {"schema_hash", hash}, {"migrations", std::move(list)}});
    return kExitOk;
  }
  std::cout << fmt::format("{}\nschema hash {}\n\n", ctx->url.masked, hash);
  std::cout << fmt::format("{:<16} {:<32} {:<12} {:<21} {}\n", "VERSION", "NAME", "STATE",
                           "APPLIED AT", "APPLIED BY");
  for (const auto& v : versions) {
    std::string state = migrate::state_name(v.state);
    if (v.out_of_order) state += " (out of order)";
    if ((v.state == migrate::State::kPartial || v.state == migrate::State::kRollingBack) && v.row) {
      state += fmt::format(" {}/{}", v.row->statements_applied, v.row->statements_total);
    }
    std::cout << fmt::format("{:<16} {:<32} {:<12} {:<21} {}\n", v.version, v.name, state,
                             v.row ? v.row->applied_at : "-", v.row ? v.row->applied_by : "-");
    if ((v.state == migrate::State::kFailed || v.state == migrate::State::kRollingBack) && v.row &&
        !v.row->error.empty()) {
      std::cout << fmt::format("{:<16} error: {}\n", "", v.row->error);
    }
  }
  return kExitOk;
}

}  // namespace

void add_status(CLI::App& app, GlobalOptions& options, Runner& runner) {
  auto args = std::make_shared<MigrateArgs>();
  CLI::App* status = app.add_subcommand(
      "status", "Show each migration's state (applied, pending, failed ...) and the schema hash");
  add_migrate_options(*status, *args, false);
  status->callback([&, args] { runner = [&, args] { return run(options, *args); }; });
}

}  // namespace keel::cli
