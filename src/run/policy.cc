// The target of a run, its verdicts, and the options built from keel.toml.
#include <utility>

#include "keel/environment.h"
#include "keel/run.h"

namespace keel::run {

Result<Target> resolve(const Config& config, const std::string& env, const std::string& url) {
  auto resolved = resolve_target(config, env, url);
  if (!resolved) return std::unexpected(resolved.error());
  Target target;
  target.env = env;
  target.url = std::move(*resolved);
  // --url wins over --env (resolve_target): name the run after what was used.
  target.from_env = url.empty() && !env.empty();
  target.environment = target.from_env ? env : target.url.masked;
  if (auto it = config.environments.find(env); it != config.environments.end()) {
    target.tier = it->second.tier;
    if (target.from_env) target.rto = it->second.rto;
  }
  return target;
}

RtoVerdict rto_verdict(int64_t elapsed_ms, std::optional<std::chrono::milliseconds> rto) {
  if (!rto) return RtoVerdict::kUnknown;
  return elapsed_ms > rto->count() ? RtoVerdict::kOver : RtoVerdict::kWithin;
}

plan::Gates tier_gates(const PlanConfig& config, Tier tier) {
  plan::Gates gates;
  gates.max_lock = std::chrono::milliseconds(config.max_lock_ms);
  gates.max_rewrite_rows = config.max_rewrite_rows;
  gates.require_reversible = config.require_reversible;
  // Idempotency is required but on dev environments, unless keel.toml says.
  gates.require_idempotent = config.require_idempotent.value_or(tier != Tier::kDev);
  return gates;
}

migrate::SchemaHashes schema_hashes(SchemaHashMode mode) {
  switch (mode) {
    case SchemaHashMode::kEach:
      return migrate::SchemaHashes::kEach;
    case SchemaHashMode::kRun:
      return migrate::SchemaHashes::kRun;
    case SchemaHashMode::kOff:
      return migrate::SchemaHashes::kOff;
  }
  return migrate::SchemaHashes::kEach;
}

migrate::RunOptions run_options(const Config& config, std::chrono::milliseconds lock_wait,
                                migrate::Progress progress) {
  const MigrationsConfig& m = config.migrations;
  migrate::RunOptions run;
  run.timeouts = {m.lock_timeout, m.statement_timeout};
  run.retry.retries = m.retries;
  run.retry.base = m.retry_base;
  run.retry.cap = m.retry_cap;
  run.applied_by = m.applied_by;
  run.lock_wait = lock_wait;
  run.progress = std::move(progress);
  run.ignore_column_order = config.ignore_column_order;
  return run;
}

migrate::ApplyOptions apply_options(const Config& config, const migrate::RunOptions& run,
                                    const ApplyRequest& request) {
  migrate::ApplyOptions options;
  options.run = run;
  options.to = request.to;
  options.allow_out_of_order = request.allow_out_of_order;
  options.schema_hashes = schema_hashes(config.migrations.schema_hash);
  return options;
}

migrate::RollbackOptions rollback_options(const Config& config, const migrate::RunOptions& run,
                                          const RollbackRequest& request) {
  migrate::RollbackOptions options;
  options.run = run;
  options.steps = request.steps;
  options.to = request.to;
  options.integrity = config.integrity;
  if (request.drain) {
    const RollbackConfig& r = config.rollback;
    options.drain = migrate::DrainOptions{r.drain_timeout, r.terminate_idle_in_transaction,
                                          r.idle_in_transaction_timeout, request.force_drain};
  }
  return options;
}

DriftOptions drift_options(const Config& config, bool strict_server_version,
                           bool include_index_stats) {
  DriftOptions options;
  options.strict_server_version = strict_server_version || config.strict_server_version;
  options.include_index_stats = include_index_stats || config.include_index_stats;
  options.ignore_column_order = config.ignore_column_order;
  return options;
}

verify::Options verify_options(const Config& config, bool write_baseline,
                               std::function<void(const std::string&)> progress) {
  verify::Options options;
  options.drift = drift_options(config, false, false);
  options.baseline_path = write_baseline ? config.parity.baseline_path : "";
  options.verified_by = config.migrations.applied_by;
  options.progress = std::move(progress);
  return options;
}

plan::Options plan_options(const Config& config, Tier tier, const migrate::RunOptions& run) {
  plan::Options options;
  options.timeouts = run.timeouts;
  options.gates = tier_gates(config.plan, tier);
  options.progress = run.progress;
  options.verify_queries = config.plan.verify_queries;
  options.ignore_column_order = config.ignore_column_order;
  return options;
}

bool records_in_target(const Config& config, bool changes_target) {
  return changes_target || config.log.record_read_only_in_target;
}

}  // namespace keel::run
