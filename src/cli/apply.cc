// keel apply [--to VERSION] [--dir DIR] [--lock-wait 60s] [--allow-out-of-order]
#include <fmt/format.h>

#include <iostream>

#include "cli/mark_statement.h"
#include "cli/migrate_cli.h"
#include "cli/progress.h"
#include "keel/expand.h"
#include "keel/plan.h"

namespace keel::cli {
namespace {

struct ApplyArgs {
  MigrateArgs common;
  std::string to;
  bool allow_out_of_order = false;
  bool require_validated = false;
  std::string mark_statement_done;
  bool complete = false;  // operation migrations: start, complete and finalize each
};

int run(const GlobalOptions& options, ApplyArgs args) {
  args.common.create_missing = args.mark_statement_done.empty();
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
    clear_bar();
    std::cerr << "keel: warning: " << line << "\n";
  };
  // Operation migrations: started (and with --complete run to the end) by the expand/contract
  // engine, opened only when one is pending.
  std::unique_ptr<expand::ExpandContract> dialect;
  std::vector<expand::Report> expanded;
  expand::Options expand_options;
  expand_options.run = ctx->run;
  expand_options.backfill = ctx->config.backfill;
  expand_options.on_backfill = backfill_view(options);
  apply_options.run_operations = [&](const migrate::Migration& m,
                                     const std::vector<migrate::HistoryRow>&) -> Result<bool> {
    if (!dialect) {
      auto opened = expand::open_expand_contract(ctx->url);
      if (!opened) return std::unexpected(opened.error());
      dialect = std::move(*opened);
    }
    auto started = expand::start(*ctx->target, *dialect, ctx->files, m, expand_options);
    if (!started) return std::unexpected(started.error());
    expanded.push_back(*started);
    if (!args.complete) return false;
    for (auto action : {expand::Action::kComplete, expand::Action::kFinalize}) {
      auto history = ctx->target->history();
      if (!history) return std::unexpected(history.error());
      auto done = expand::act_locked(*ctx->target, *dialect, ctx->files, action, expand_options,
                                     std::move(*history));
      if (!done) return std::unexpected(done.error());
      expanded.push_back(*done);
    }
    return true;
  };
  note(options, fmt::format("applying migrations to {} ...", ctx->url.masked));
  auto applied = migrate::apply(*ctx->target, ctx->files, apply_options);
  if (!applied) return report(options, applied.error());
  if (options.json()) {
    nlohmann::json out = run::apply_json(ctx->env, *applied);
    out["expand"] = nlohmann::json::array();
    for (const auto& r : expanded) out["expand"].push_back(run::expand_json(ctx->env, r));
    print_json(out);
  } else if (applied->empty()) {
    std::cout << fmt::format("{} is up to date: nothing to apply\n", ctx->url.masked);
  } else {
    std::cout << fmt::format("applied {} migration{} to {}\n", applied->size(),
                             applied->size() == 1 ? "" : "s", ctx->url.masked);
    for (const auto& r : expanded) {
      std::cout << fmt::format("  {} {}_{}: {}\n", expand::action_name(r.action), r.version, r.name,
                               r.phase_after);
    }
    if (!expanded.empty() && expanded.back().phase_after == expand::kActive) {
      const auto& r = expanded.back();
      std::cout << fmt::format(
          "  {}_{} is active: the old version is served by schema {}, the new one by {}; run "
          "`keel complete` when the new application version is out (or `keel abort`)\n",
          r.version, r.name, r.schemas.previous, r.schemas.next);
    }
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
  auto* complete = apply->add_flag(
      "--complete", args->complete,
      "Run each operation migration to its end: start, complete and finalize (development)");
  add_mark_statement_option(*apply, args->mark_statement_done, "up")
      ->excludes(complete)
      ->excludes(to)
      ->excludes(out_of_order)
      ->excludes(validated);
  apply->callback([&, args] { invocation.run = [&, args] { return run(options, *args); }; });
}

}  // namespace keel::cli
