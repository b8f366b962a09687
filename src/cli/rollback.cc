// keel rollback [--steps N | --to VERSION] [--dir DIR] [--lock-wait 60s]
#include <fmt/format.h>

#include <iostream>

#include "cli/migrate_cli.h"

namespace keel::cli {
namespace {

struct RollbackArgs {
  MigrateArgs common;
  int steps = 0;
  std::string to;
};

int run(const GlobalOptions& options, const RollbackArgs& args) {
  auto ctx = open_migrate(options, args.common);
  if (!ctx) return report(options, ctx.error());
  migrate::RollbackOptions rollback_options;
  rollback_options.run = ctx->run;
  if (args.steps != 0) rollback_options.steps = args.steps;
  if (!args.to.empty()) rollback_options.to = args.to;
  note(options, fmt::format("rolling back {} ...", ctx->url.masked));
  auto done = migrate::rollback(*ctx->target, ctx->files, rollback_options);
  if (!done) return report(options, done.error());
  if (options.json()) {
    print_json({{"url", ctx->url.masked}, {"rolled_back", applied_json(*done)}});
  } else if (done->empty()) {
    std::cout << fmt::format("nothing to roll back on {}\n", ctx->url.masked);
  } else {
    std::cout << fmt::format("rolled back {} migration{} on {}\n", done->size(),
                             done->size() == 1 ? "" : "s", ctx->url.masked);
  }
  return kExitOk;
}

}  // namespace

void add_rollback(CLI::App& app, GlobalOptions& options, Runner& runner) {
  auto args = std::make_shared<RollbackArgs>();
  CLI::App* rollback = app.add_subcommand(
      "rollback", "Run down migrations, newest first, each in its own transaction");
  add_migrate_options(*rollback, args->common, true);
  auto* steps = rollback->add_option("--steps", args->steps, "How many migrations (default 1)");
  rollback->add_option("--to", args->to, "Roll back every migration above this version")
      ->excludes(steps);
  rollback->callback([&, args] { runner = [&, args] { return run(options, *args); }; });
}

}  // namespace keel::cli
