// keel validate [--dir DIR] [--allow-out-of-order]: exit 3 on changed,
// missing or out-of-order migration files.
#include <fmt/format.h>

#include <iostream>

#include "cli/migrate_cli.h"

namespace keel::cli {
namespace {

struct ValidateArgs {
  MigrateArgs common;
  bool allow_out_of_order = false;
};

int run(const GlobalOptions& options, const ValidateArgs& args) {
  auto ctx = open_migrate(options, args.common);
  if (!ctx) return report(options, ctx.error());
  auto history = ctx->target->history();
  if (!history) return report(options, history.error());
  auto problems = migrate::validate(ctx->files, *history, args.allow_out_of_order);
  if (options.json()) {
    print_json(run::validate_json(ctx->url.masked, ctx->files.size(), problems));
  } else if (problems.empty()) {
    std::cout << fmt::format("{} migration files match the history of {}\n", ctx->files.size(),
                             ctx->url.masked);
  } else {
    for (const auto& p : problems) std::cout << p.to_string() << "\n";
    std::cout << fmt::format("INVALID: {} problem{}\n", problems.size(),
                             problems.size() == 1 ? "" : "s");
  }
  return problems.empty() ? kExitOk : kExitGate;
}

}  // namespace

void add_validate(CLI::App& app, GlobalOptions& options, Invocation& invocation) {
  auto args = std::make_shared<ValidateArgs>();
  CLI::App* validate = app.add_subcommand(
      "validate", "Check migration files against the history (exit 3 on changed/missing files)");
  add_migrate_options(*validate, args->common, false);
  validate->add_flag("--allow-out-of-order", args->allow_out_of_order,
                     "Accept pending migrations older than the newest applied one");
  validate->callback([&, args] { invocation.run = [&, args] { return run(options, *args); }; });
}

}  // namespace keel::cli
