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
    print_json(run::status_json(ctx->url.masked, hash, versions));
    return kExitOk;
  }
  std::cout << fmt::format("{}\nschema hash {}\n\n", ctx->url.masked, hash);
  std::cout << fmt::format("{:<16} {:<32} {:<20} {:<21} {}\n", "VERSION", "NAME", "STATE",
                           "APPLIED AT", "APPLIED BY");
  for (const auto& v : versions) {
    std::string state = migrate::state_name(v.state);
    if (v.out_of_order) state += " (out of order)";
    // Operation migrations: the expand/contract phase ("applied: active").
    if (v.row && v.row->phase) state += ": " + *v.row->phase;
    if ((v.state == migrate::State::kPartial || v.state == migrate::State::kRollingBack) && v.row) {
      state += fmt::format(" {}/{}", v.row->statements_applied, v.row->statements_total);
    }
    std::cout << fmt::format("{:<16} {:<32} {:<20} {:<21} {}\n", v.version, v.name, state,
                             v.row ? v.row->applied_at : "-", v.row ? v.row->applied_by : "-");
    // A backfill's figures as last recorded (by the run doing it, or the one that stopped).
    if (v.row && v.row->phase) {
      for (const auto& p : v.row->operations) {
        if (p.table.empty()) continue;
        std::cout << fmt::format("{:<16} {}{}\n", "", migrate::describe_backfill(p),
                                 p.updated_at.empty() ? "" : " (as of " + p.updated_at + ")");
      }
    }
    if ((v.state == migrate::State::kFailed || v.state == migrate::State::kRollingBack) && v.row &&
        !v.row->error.empty()) {
      std::cout << fmt::format("{:<16} error: {}\n", "", v.row->error);
    }
  }
  return kExitOk;
}

}  // namespace

void add_status(CLI::App& app, GlobalOptions& options, Invocation& invocation) {
  auto args = std::make_shared<MigrateArgs>();
  CLI::App* status = app.add_subcommand(
      "status", "Show each migration's state (applied, pending, failed ...) and the schema hash");
  add_migrate_options(*status, *args, false);
  status->callback([&, args] { invocation.run = [&, args] { return run(options, *args); }; });
}

}  // namespace keel::cli
