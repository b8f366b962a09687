// The webhook events of each outcome, and their documents.
#include <utility>

#include "keel/archive.h"
#include "keel/run.h"

namespace keel::run {
namespace {

Event make(notify::EventKind kind, const std::string& environment,
           const std::vector<std::string>& versions, const std::string& schema_hash,
           nlohmann::json extra) {
  std::string name(notify::event_name(kind));
  return {kind, notify::event_body(name, environment, versions, schema_hash, std::move(extra))};
}

}  // namespace

Event migration_applied(const std::string& environment, const migrate::Migration& m,
                        const migrate::Applied& a) {
  return make(notify::EventKind::kMigrationApplied, environment, {m.version}, a.schema_hash,
              {{"name", m.name},
               {"checksum", m.checksum},
               {"execution_ms", a.execution_ms},
               {"attempts", a.attempts}});
}

Event migration_failed(const std::string& environment, const migrate::Migration& m,
                       const Error& error) {
  return make(notify::EventKind::kMigrationFailed, environment, {m.version}, "",
              {{"name", m.name},
               {"checksum", m.checksum},
               {"error", error.to_string()},
               {"sqlstate", error.sqlstate}});
}

Event rollback_failed(const std::string& environment, const Error& error) {
  return make(notify::EventKind::kRollbackAborted, environment, {}, "",
              {{"reason", error.to_string()}});
}

std::optional<Event> rollback_event(const Target& target, const migrate::RollbackReport& r) {
  if (r.aborted) {
    return make(notify::EventKind::kRollbackAborted, target.environment, {}, "",
                {{"reason", r.abort_reason}, {"findings", findings_json(r.findings)}});
  }
  if (r.rolled_back.empty()) return std::nullopt;
  std::vector<std::string> versions;
  for (const auto& a : r.rolled_back) versions.push_back(a.version);
  return make(notify::EventKind::kRollbackCompleted, target.environment, versions, r.actual_hash,
              {{"target_version", r.target_version},
               {"restored", r.restored()},
               {"expected_hash", r.expected_hash},
               {"elapsed_ms", r.elapsed_ms},
               {"rto_ms", target.rto ? target.rto->count() : 0},
               {"rto_breached", rto_verdict(r.elapsed_ms, target.rto) == RtoVerdict::kOver}});
}

Event parity_error(const std::string& environment, const std::string& reference, const Error& error,
                   const std::vector<std::string>& secrets) {
  return make(notify::EventKind::kParityError, environment, {}, "",
              {{"reference", reference},
               {"error", mask_secrets(error.to_string(), secrets)},
               {"error_code", archive::error_code_name(error.code)}});
}

Event parity_event(const verify::Verdict& v, const std::vector<std::string>& secrets) {
  if (v.error) return parity_error(v.environment, v.reference, *v.error, secrets);
  std::vector<std::string> lines;
  for (const Difference& d : v.differences) {
    if (!d.info) lines.push_back(verify::describe(d));
  }
  return make(v.locked ? notify::EventKind::kParityLocked : notify::EventKind::kParityDrifted,
              v.environment, {}, v.schema_hash,
              {{"reference", v.reference},
               {"drift_count", drift_count(v.differences)},
               {"differences", lines}});
}

Event rollout_event(const std::string& environment, const std::string& migration,
                    const rollout::Outcome& o, const std::string& journal) {
  nlohmann::json extra = {{"migration", migration},
                          {"reached_percent", o.reached_percent},
                          {"samples", o.samples},
                          {"elapsed_s", o.elapsed_s},
                          {"journal", journal}};
  if (o.trip) {
    extra["breaker"] = o.trip->breaker;
    extra["reason"] = o.trip->reason;
    if (o.restore_ms) extra["restore_ms"] = *o.restore_ms;
    return make(notify::EventKind::kRolloutTripped, environment, {}, "", extra);
  }
  return make(notify::EventKind::kRolloutHeld, environment, {}, "", extra);
}

void observe(migrate::ApplyOptions& options, const std::string& environment, Observer observer) {
  options.on_applied = [environment, observer](const migrate::Migration& m,
                                               const migrate::Applied& a) {
    observer(migration_applied(environment, m, a));
  };
  options.on_failed = [environment, observer](const migrate::Migration& m, const Error& error) {
    observer(migration_failed(environment, m, error));
  };
}

}  // namespace keel::run
