// keel rollback [--steps N | --to VERSION] [--dir DIR] [--lock-wait 60s] [--force-drain]
#include <fmt/format.h>

#include <iostream>

#include "cli/mark_statement.h"
#include "cli/migrate_cli.h"

namespace keel::cli {
namespace {

struct RollbackArgs {
  MigrateArgs common;
  int steps = 0;
  bool steps_given = false;  // --steps 0 is refused, not taken as "not given"
  std::string to;
  bool force_drain = false;
  bool no_drain = false;
  std::string mark_statement_done;
};

std::string seconds(int64_t ms) { return fmt::format("{:.1f} s", static_cast<double>(ms) / 1000); }

int run(const GlobalOptions& options, const RollbackArgs& args) {
  auto ctx = open_migrate(options, args.common);
  if (!ctx) return report(options, ctx.error());
  if (!args.mark_statement_done.empty()) {
    return run_mark_statement(options, *ctx, args.mark_statement_done,
                              migrate::MarkDirection::kDown);
  }
  run::RollbackRequest request;
  if (args.steps_given) request.steps = args.steps;
  if (!args.to.empty()) request.to = args.to;
  request.drain = !args.no_drain;
  request.force_drain = args.force_drain;
  migrate::RollbackOptions rollback_options = run::rollback_options(ctx->config, ctx->run, request);
  const std::optional<std::chrono::milliseconds>& rto = ctx->env.rto;
  run::Observer observer = notifier(options, ctx->config);

  note(options, fmt::format("rolling back {} ...", ctx->url.masked));
  auto done = migrate::rollback(*ctx->target, ctx->files, rollback_options);
  if (!done) {
    observer(run::rollback_failed(ctx->env.environment, done.error()));
    return report(options, done.error());
  }
  const migrate::RollbackReport& r = *done;
  const bool rto_breached = run::rto_verdict(r.elapsed_ms, rto) == run::RtoVerdict::kOver;
  if (auto event = run::rollback_event(ctx->env, r)) observer(*event);

  if (options.json()) {
    print_json(run::rollback_json(ctx->env, r));
  } else if (r.aborted) {
    std::cout << fmt::format(
        "ROLLBACK ABORTED on {}: {}\n", ctx->url.masked,
        r.partial ? "NOT everything is as before (see below)" : "nothing was changed");
    if (r.findings.empty() || r.partial) std::cout << "  " << r.abort_reason << "\n";
    if (!r.findings.empty()) {
      std::cout << "  integrity scope: " << r.integrity_scope.to_string() << "\n";
    }
    for (const auto& f : r.findings) {
      std::cout << fmt::format("  {:<6} {}\n", f.ok() ? "ok" : "FAILED", f.to_string());
    }
  } else if (r.rolled_back.empty()) {
    std::cout << fmt::format("nothing to roll back on {}\n", ctx->url.masked);
  } else {
    std::cout << fmt::format("integrity: {} check{} passed before commit; scope: {}\n",
                             r.findings.size(), r.findings.size() == 1 ? "" : "s",
                             r.integrity_scope.to_string());
    if (!r.unchecked_reason.empty()) {
      std::cout << "restoration: not checked (" << r.unchecked_reason << ")\n";
    } else if (r.expected_hash.empty()) {
      std::cout << "restoration: not checked (no schema hash was recorded for the version rolled "
                   "back to: [migrations] schema_hash is \"run\" or \"off\", or it was applied "
                   "before keel recorded hashes)\n";
    } else if (r.restored()) {
      std::cout << fmt::format(
          "restored: schema hash {} equals the hash recorded {}\n", r.actual_hash,
          r.target_version.empty() ? "before the first migration"
                                   : fmt::format("after {}", r.target_version));
    } else {
      std::cout << fmt::format(
          "ROLLBACK INCOMPLETE: schema hash {} differs from {} recorded {}; the down scripts do "
          "not undo their up scripts exactly{}\n",
          r.actual_hash, r.expected_hash,
          r.target_version.empty() ? "before the first migration"
                                   : fmt::format("after {}", r.target_version),
          r.restoration_differences.empty()
              ? " (no snapshot of that schema is kept to name the differences)"
              : ":");
      for (const std::string& d : r.restoration_differences) std::cout << "  " << d << "\n";
    }
    std::cout << fmt::format("rolled back {} migration{} on {} in {}{}\n", r.rolled_back.size(),
                             r.rolled_back.size() == 1 ? "" : "s", ctx->url.masked,
                             seconds(r.elapsed_ms),
                             rto ? fmt::format(" (RTO {})", seconds(rto->count())) : "");
    if (rto_breached) {
      std::cout << fmt::format("RTO BREACHED: the rollback took {}, over the RTO of {}\n",
                               seconds(r.elapsed_ms), seconds(rto->count()));
    }
  }
  if (r.aborted || !r.restored() || rto_breached) return kExitGate;
  return kExitOk;
}

}  // namespace

void add_rollback(CLI::App& app, GlobalOptions& options, Invocation& invocation) {
  auto args = std::make_shared<RollbackArgs>();
  CLI::App* rollback = app.add_subcommand(
      "rollback",
      "Run down migrations, newest first, in one transaction: drained, integrity-checked before "
      "commit, compared with the recorded schema hash");
  add_migrate_options(*rollback, args->common, true);
  auto* steps = rollback->add_option("--steps", args->steps, "How many migrations (default 1)");
  auto* to = rollback
                 ->add_option("--to", args->to,
                              "Roll back every migration above this version (0: every migration)")
                 ->excludes(steps);
  auto* force = rollback->add_flag(
      "--force-drain", args->force_drain,
      "End sessions (active ones too) still holding locks when drain_timeout runs out");
  rollback->add_flag("--no-drain", args->no_drain, "Do not wait for other sessions' locks")
      ->excludes(force);
  add_mark_statement_option(*rollback, args->mark_statement_done, "down")
      ->excludes(steps)
      ->excludes(to);
  rollback->callback([&, args, steps] {
    args->steps_given = steps->count() > 0;
    invocation.run = [&, args] { return run(options, *args); };
  });
}

}  // namespace keel::cli
