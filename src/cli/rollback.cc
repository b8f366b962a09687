// keel rollback [--steps N | --to VERSION] [--dir DIR] [--lock-wait 60s] [--force-drain]
#include <fmt/format.h>

#include <iostream>
#include <map>

#include "cli/mark_statement.h"
#include "cli/migrate_cli.h"
#include "keel/notify.h"

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

nlohmann::json findings_json(const std::vector<migrate::IntegrityFinding>& findings) {
  nlohmann::json list = nlohmann::json::array();
  for (const auto& f : findings) {
    nlohmann::json j = {{"kind", f.kind},   {"name", f.name},     {"detail", f.detail},
                        {"count", f.count}, {"expect", f.expect}, {"ok", f.ok()}};
    if (!f.error.empty()) j["error"] = f.error;
    list.push_back(j);
  }
  return list;
}

// What the checks covered: every key of the database or the relations the
// down scripts name, and how many checks of each kind ran.
nlohmann::json scope_json(const migrate::IntegrityScope& scope,
                          const std::vector<migrate::IntegrityFinding>& findings) {
  std::map<std::string, int> by_kind;
  for (const auto& f : findings) ++by_kind[f.kind];
  nlohmann::json j = {{"whole", scope.whole},
                      {"relations", scope.relations},
                      {"checks", findings.size()},
                      {"by_kind", by_kind},
                      {"text", scope.to_string()}};
  if (!scope.why.empty()) j["reason"] = scope.why;
  return j;
}

int run(const GlobalOptions& options, const RollbackArgs& args) {
  auto ctx = open_migrate(options, args.common);
  if (!ctx) return report(options, ctx.error());
  if (!args.mark_statement_done.empty()) {
    return run_mark_statement(options, *ctx, args.mark_statement_done,
                              migrate::MarkDirection::kDown);
  }
  migrate::RollbackOptions rollback_options;
  rollback_options.run = ctx->run;
  if (args.steps_given) rollback_options.steps = args.steps;
  if (!args.to.empty()) rollback_options.to = args.to;
  rollback_options.integrity = ctx->config.integrity;
  if (!args.no_drain) {
    const RollbackConfig& r = ctx->config.rollback;
    rollback_options.drain = migrate::DrainOptions{r.drain_timeout, r.terminate_idle_in_transaction,
                                                   r.idle_in_transaction_timeout, args.force_drain};
  }
  const std::string env = environment_name(options, ctx->url);
  std::optional<std::chrono::milliseconds> rto;
  if (auto it = ctx->config.environments.find(options.env);
      options.url.empty() && it != ctx->config.environments.end()) {
    rto = it->second.rto;
  }

  note(options, fmt::format("rolling back {} ...", ctx->url.masked));
  auto done = migrate::rollback(*ctx->target, ctx->files, rollback_options);
  if (!done) {
    notify_event(options, ctx->config, "rollback.aborted",
                 notify::event_body("rollback.aborted", env, {}, "",
                                    {{"reason", done.error().to_string()}}));
    return report(options, done.error());
  }
  const migrate::RollbackReport& r = *done;
  std::vector<std::string> versions;
  for (const auto& a : r.rolled_back) versions.push_back(a.version);
  const bool rto_breached = rto && r.elapsed_ms > rto->count();
  size_t failed_checks = 0;
  for (const auto& f : r.findings) failed_checks += !f.ok();

  if (r.aborted) {
    notify_event(
        options, ctx->config, "rollback.aborted",
        notify::event_body("rollback.aborted", env, {}, "",
                           {{"reason", r.abort_reason}, {"findings", findings_json(r.findings)}}));
  } else if (!r.rolled_back.empty()) {
    notify_event(options, ctx->config, "rollback.completed",
                 notify::event_body("rollback.completed", env, versions, r.actual_hash,
                                    {{"target_version", r.target_version},
                                     {"restored", r.restored()},
                                     {"expected_hash", r.expected_hash},
                                     {"elapsed_ms", r.elapsed_ms},
                                     {"rto_ms", rto ? rto->count() : 0},
                                     {"rto_breached", rto_breached}}));
  }

  if (options.json()) {
    nlohmann::json j = {{"url", ctx->url.masked},
                        {"environment", env},
                        {"aborted", r.aborted},
                        {"rolled_back", applied_json(r.rolled_back)},
                        {"one_transaction", r.one_transaction},
                        {"integrity", findings_json(r.findings)},
                        {"integrity_scope", scope_json(r.integrity_scope, r.findings)},
                        {"target_version", r.target_version},
                        {"expected_hash", r.expected_hash},
                        {"schema_hash", r.actual_hash},
                        {"restored", r.restored()},
                        {"restoration_differences", r.restoration_differences},
                        {"elapsed_ms", r.elapsed_ms},
                        {"rto_breached", rto_breached}};
    if (!r.unchecked_reason.empty()) j["restoration_unchecked"] = r.unchecked_reason;
    if (r.aborted) j["reason"] = r.abort_reason;
    if (r.aborted) j["partial"] = r.partial;
    if (rto) j["rto_ms"] = rto->count();
    if (r.drained) {
      nlohmann::json ended = nlohmann::json::array();
      for (const auto& s : r.drained->terminated) ended.push_back(s.to_string());
      j["drain"] = {{"relations", r.drained->relations},
                    {"waited_ms", r.drained->waited_ms},
                    {"terminated", ended}};
    }
    print_json(j);
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

void add_rollback(CLI::App& app, GlobalOptions& options, Runner& runner) {
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
    runner = [&, args] { return run(options, *args); };
  });
}

}  // namespace keel::cli
