// keel apply [--to VERSION] [--dir DIR] [--lock-wait 60s] [--allow-out-of-order]
#include <fmt/format.h>

#include <iostream>

#include "cli/mark_statement.h"
#include "cli/migrate_cli.h"
#include "keel/plan.h"

namespace keel::cli {
namespace {

struct ApplyArgs {
  MigrateArgs common;
  std::string to;
  bool allow_out_of_order = false;
  bool require_validated = false;
  std::string mark_statement_done;
};

int run(const GlobalOptions& options, const ApplyArgs& args) {
  auto ctx = open_migrate(options, args.common);
  if (!ctx) return report(options, ctx.error());
  if (!args.mark_statement_done.empty()) {
    return run_mark_statement(options, *ctx, args.mark_statement_done, migrate::MarkDirection::kUp);
  }
  run::ApplyRequest request;
  if (!args.to.empty()) request.to = args.to;
  request.allow_out_of_order = args.allow_out_of_order;
  migrate::ApplyOptions apply_options = run::apply_options(ctx->config, ctx->run, request);
  const std::string& env = ctx->env.environment;
  if (args.require_validated) {
    auto plans = plan::saved_plans(kPlansDir);
    if (!plans) return report(options, plans.error());
    std::string command = options.url.empty() && !options.env.empty()
                              ? fmt::format("keel --env {} plan", options.env)
                              : "keel plan";
    apply_options.require_validated = [plans = std::move(*plans), env, command](
                                          const std::vector<const migrate::Migration*>& pending,
                                          const std::string& hash) {
      return plan::check_validated(plans, env, command, pending, hash);
    };
  }
  run::observe(apply_options, env, notifier(options, ctx->config));
  apply_options.warn = [](const std::string& line) {
    std::cerr << "keel: warning: " << line << "\n";
  };
  note(options, fmt::format("applying migrations to {} ...", ctx->url.masked));
  auto applied = migrate::apply(*ctx->target, ctx->files, apply_options);
  if (!applied) return report(options, applied.error());
  if (options.json()) {
    print_json(run::apply_json(ctx->env, *applied));
  } else if (applied->empty()) {
    std::cout << fmt::format("{} is up to date: nothing to apply\n", ctx->url.masked);
  } else {
    std::cout << fmt::format("applied {} migration{} to {}\n", applied->size(),
                             applied->size() == 1 ? "" : "s", ctx->url.masked);
  }
  return kExitOk;
}

}  // namespace

void add_apply(CLI::App& app, GlobalOptions& options, Invocation& invocation) {
  auto args = std::make_shared<ApplyArgs>();
  CLI::App* apply = app.add_subcommand(
      "apply", "Apply pending migrations, each in its own transaction, under a deploy lock");
  add_migrate_options(*apply, args->common, true);
  auto* to = apply->add_option("--to", args->to, "Apply up to and including this version");
  auto* out_of_order =
      apply->add_flag("--allow-out-of-order", args->allow_out_of_order,
                      "Apply pending migrations older than the newest applied one");
  auto* validated =
      apply->add_flag("--require-validated", args->require_validated,
                      "Refuse migrations that no VALIDATED plan under .keel/plans covered");
  add_mark_statement_option(*apply, args->mark_statement_done, "up")
      ->excludes(to)
      ->excludes(out_of_order)
      ->excludes(validated);
  apply->callback([&, args] { invocation.run = [&, args] { return run(options, *args); }; });
}

}  // namespace keel::cli
