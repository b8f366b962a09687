// keel complete | finalize | abort | revert: the expand/contract lifecycle of the current
// operation migration (keel/expand.h). keel apply starts operation migrations.
#include <fmt/format.h>

#include <iostream>

#include "cli/migrate_cli.h"
#include "keel/expand.h"

namespace keel::cli {
namespace {

void print(const GlobalOptions& options, const MigrateContext& ctx, const expand::Report& r) {
  if (options.json()) {
    print_json(run::expand_json(ctx.env, r));
    return;
  }
  std::cout << fmt::format("{} {}_{}: {} -> {} ({} ms)\n", expand::action_name(r.action), r.version,
                           r.name, r.phase_before.empty() ? "pending" : r.phase_before,
                           r.phase_after, r.elapsed_ms);
  for (const auto& o : r.operations) {
    std::cout << fmt::format("  {}. {} {}{}\n", o.index + 1, o.name, o.what,
                             o.rows > 0 ? fmt::format(" ({} rows backfilled)", o.rows) : "");
  }
  if (r.phase_after == expand::kActive || r.phase_after == expand::kCompleted) {
    std::cout << fmt::format("  old version: schema {}; new version: schema {}\n",
                             r.schemas.previous, r.schemas.next);
  }
}

int run(const GlobalOptions& options, const MigrateArgs& args, expand::Action action) {
  auto ctx = open_migrate(options, args);
  if (!ctx) return report(options, ctx.error());
  auto done = act_on(options, *ctx, action);
  if (!done) return report(options, done.error());
  print(options, *ctx, *done);
  return kExitOk;
}

int pause(const GlobalOptions& options, const MigrateArgs& args, bool paused) {
  auto ctx = open_migrate(options, args);
  if (!ctx) return report(options, ctx.error());
  auto dialect = expand::open_expand_contract(ctx->url);
  if (!dialect) return report(options, dialect.error());
  const std::string by =
      ctx->run.applied_by.empty() ? migrate::default_applied_by() : ctx->run.applied_by;
  if (auto ok = (*dialect)->set_paused(paused, by); !ok) return report(options, ok.error());
  if (options.json()) {
    print_json({{"url", ctx->url.masked}, {"backfill_paused", paused}});
  } else {
    std::cout << fmt::format(
        "{}: {}\n", ctx->url.masked,
        paused ? "backfills paused (each running one waits after its current batch; keel resume "
                 "lets them go on)"
               : "backfills resumed");
  }
  return kExitOk;
}

void add(CLI::App& app, GlobalOptions& options, Invocation& invocation, expand::Action action,
         const char* help) {
  auto args = std::make_shared<MigrateArgs>();
  CLI::App* command = app.add_subcommand(expand::action_name(action), help);
  add_migrate_options(*command, *args, true);
  command->callback([&, args, action] {
    invocation.run = [&, args, action] { return run(options, *args, action); };
  });
}

}  // namespace

void add_complete(CLI::App& app, GlobalOptions& options, Invocation& invocation) {
  add(app, options, invocation, expand::Action::kComplete,
      "Make the active operation migration's new version primary (the old one stays in sync)");
}
void add_finalize(CLI::App& app, GlobalOptions& options, Invocation& invocation) {
  add(app, options, invocation, expand::Action::kFinalize,
      "Remove the old version's shape of the completed operation migration (contract)");
}
void add_abort(CLI::App& app, GlobalOptions& options, Invocation& invocation) {
  add(app, options, invocation, expand::Action::kAbort,
      "Undo the start of the active operation migration completely");
}
void add_revert(CLI::App& app, GlobalOptions& options, Invocation& invocation) {
  add(app, options, invocation, expand::Action::kRevert,
      "Make the old version primary again after complete, losing no write");
}

static void add_pause_command(CLI::App& app, GlobalOptions& options, Invocation& invocation,
                              bool paused) {
  auto args = std::make_shared<MigrateArgs>();
  CLI::App* command = app.add_subcommand(
      paused ? "pause" : "resume",
      paused ? "Hold every expand/contract backfill of the database after its current batch"
             : "Let the backfills held by keel pause go on");
  add_migrate_options(*command, *args, true);
  command->callback([&, args, paused] {
    invocation.run = [&, args, paused] { return pause(options, *args, paused); };
  });
}
void add_pause(CLI::App& app, GlobalOptions& options, Invocation& invocation) {
  add_pause_command(app, options, invocation, true);
}
void add_resume(CLI::App& app, GlobalOptions& options, Invocation& invocation) {
  add_pause_command(app, options, invocation, false);
}

}  // namespace keel::cli
