// keel: the policy of a run, shared by every caller that runs commands
// against environments — the CLI today, a rollout controller or a fleet
// runner later. Given keel.toml (Config) and what the caller named, this is
// where keel decides: which environment, tier and URL a run acts on; the
// options of apply, rollback and plan built from [migrations], [rollback]
// and [plan]; the verdicts (a rollback's RTO, the tier's default gates);
// the webhook events each outcome sends; and the run archive (a line per
// run in <[log] dir>/<env>.jsonl, a row in keel.runs for the runs that
// change the target). Callers parse their input, call these, and print.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "keel/config.h"
#include "keel/connection.h"
#include "keel/drift.h"
#include "keel/error.h"
#include "keel/expand.h"
#include "keel/ledger.h"
#include "keel/migrate.h"
#include "keel/notify.h"
#include "keel/plan.h"
#include "keel/rollout.h"
#include "keel/verify.h"

namespace keel::run {

// ---- The target -----------------------------------------------------------

// The environment a run acts on.
struct Target {
  // The keel.toml environment named (--env); empty when there was none.
  std::string env;
  // The URL is environment `env`'s own (no URL given to override it).
  bool from_env = false;
  // The name in run records and webhooks: `env` when the URL came from it,
  // else the masked URL (a --url target, which wins over --env).
  std::string environment;
  ConnectionUrl url;
  // The tier of the environment `env` names (even when a URL overrides its
  // url: the gates of keel plan follow the tier the caller named); kUnset
  // without one.
  Tier tier = Tier::kUnset;
  // The environment's rto, only when the URL is the environment's own.
  std::optional<std::chrono::milliseconds> rto;
};

// The target of `url` (wins) or else of environment `env` (resolve_target's
// errors: no such environment, an unset ${VAR}, several urls, a bad URL).
Result<Target> resolve(const Config& config, const std::string& env, const std::string& url);

// ---- Verdicts -------------------------------------------------------------

// A rollback's elapsed time against its environment's RTO: kUnknown when
// the environment has no rto (or the target came from a URL).
enum class RtoVerdict { kWithin, kOver, kUnknown };

RtoVerdict rto_verdict(int64_t elapsed_ms, std::optional<std::chrono::milliseconds> rto);

// The gates of keel plan: [plan]'s values; require_idempotent when
// [plan] does not say is true on every tier but dev (kUnset counts as not
// dev: unknown environments get the strict gate).
plan::Gates tier_gates(const PlanConfig& config, Tier tier);

// [migrations] schema_hash as the executor's setting.
migrate::SchemaHashes schema_hashes(SchemaHashMode mode);

// ---- Options from the configuration ---------------------------------------

// [migrations]: timeouts, retries, applied_by; plus the deploy lock wait
// and the progress sink of the caller.
migrate::RunOptions run_options(const Config& config, std::chrono::milliseconds lock_wait,
                                migrate::Progress progress);

// What the caller says about an apply (apply's flags).
struct ApplyRequest {
  std::optional<std::string> to;
  bool allow_out_of_order = false;
};

// What the caller says about a rollback (rollback's flags).
struct RollbackRequest {
  std::optional<int> steps;
  std::optional<std::string> to;
  bool drain = true;         // false: --no-drain
  bool force_drain = false;  // --force-drain
};

migrate::ApplyOptions apply_options(const Config& config, const migrate::RunOptions& run,
                                    const ApplyRequest& request);
migrate::RollbackOptions rollback_options(const Config& config, const migrate::RunOptions& run,
                                          const RollbackRequest& request);
// [drift]: a flag given by the caller, or keel.toml's setting.
DriftOptions drift_options(const Config& config, bool strict_server_version,
                           bool include_index_stats);
// keel verify: [drift], [parity] baseline_path (none when `write_baseline`
// is false), [migrations] applied_by as verified_by.
verify::Options verify_options(const Config& config, bool write_baseline,
                               std::function<void(const std::string&)> progress);
// The lint gate is the caller's: it needs a server catalog (plan.cc).
plan::Options plan_options(const Config& config, Tier tier, const migrate::RunOptions& run);

// ---- Webhook events -------------------------------------------------------

// One event to send: its kind and its document (notify::event_body).
struct Event {
  notify::EventKind kind;
  nlohmann::json body;
};

// Receives the events of a run (the CLI delivers them to [notify]).
using Observer = std::function<void(const Event&)>;

Event migration_applied(const std::string& environment, const migrate::Migration& m,
                        const migrate::Applied& a);
Event migration_failed(const std::string& environment, const migrate::Migration& m,
                       const Error& error);
// A rollback that failed with an error before it could report.
Event rollback_failed(const std::string& environment, const Error& error);
// What a finished rollback announces: rollback.aborted (with its findings),
// rollback.completed (with the RTO verdict), or nothing when there was
// nothing to roll back.
std::optional<Event> rollback_event(const Target& target, const migrate::RollbackReport& report);
// parity.locked / parity.drifted for a verdict without error, parity.error
// for one with (its error masked with `secrets`).
Event parity_event(const verify::Verdict& verdict, const std::vector<std::string>& secrets);
// parity.error for an environment that could not be verified at all.
Event parity_error(const std::string& environment, const std::string& reference, const Error& error,
                   const std::vector<std::string>& secrets);

// rollout.tripped (breaker, reason, the time to route back) or rollout.held (the steps) for
// a rollout's outcome; `journal` is the run archive file.
Event rollout_event(const std::string& environment, const std::string& migration,
                    const rollout::Outcome& outcome, const std::string& journal);

// Sets apply_options' on_applied / on_failed to send those events.
void observe(migrate::ApplyOptions& options, const std::string& environment, Observer observer);

// ---- The run archive ------------------------------------------------------

// Whether a run's record also goes to the target's keel.runs / keel_runs:
// runs that change the target always, read-only ones when [log]
// record_read_only_in_target says so.
bool records_in_target(const Config& config, bool changes_target);

// The run archive of one run over its targets: start() writes a "running"
// line to <[log] dir>/<log name>.jsonl per target (and, in_target, inserts
// the run's row after reading the newest applied version); finish() writes
// the closing line (and closes the row). Recording never fails the run:
// each failure goes to `warn` as one line.
class Recorder {
 public:
  using Warn = std::function<void(const std::string&)>;
  // The error a run ended with on an environment (nullptr: none known).
  using ErrorOf = std::function<const Error*(const std::string& environment)>;

  Recorder(const Config& config, std::string command, std::vector<std::string> arguments,
           std::vector<Target> targets, bool in_target, Warn warn);
  ~Recorder();
  Recorder(const Recorder&) = delete;
  Recorder& operator=(const Recorder&) = delete;

  void start();
  // What the run changed beyond the schema (RunRow::details), written in
  // the closing line; call before finish().
  void set_details(std::string details) { row_.details = std::move(details); }
  void finish(int exit_code, int64_t duration_ms, const ErrorOf& error_of);

 private:
  struct Recorded;
  const Config& config_;
  std::string command_;
  bool in_target_;
  Warn warn_;
  std::vector<std::string> secrets_;
  ledger::RunRow row_;
  std::vector<std::unique_ptr<Recorded>> targets_;
};

// ---- Reports as JSON (what --format json prints) --------------------------

nlohmann::json applied_json(const std::vector<migrate::Applied>& applied);
nlohmann::json apply_json(const Target& target, const std::vector<migrate::Applied>& applied);
// An expand/contract action (start, complete, finalize, abort, revert) and what it did per
// operation; apply --format json lists the starts it ran under "expand".
nlohmann::json expand_json(const Target& target, const expand::Report& report);
// Each integrity check a rollback ran: kind, name, detail, count, expect, ok.
nlohmann::json findings_json(const std::vector<migrate::IntegrityFinding>& findings);
nlohmann::json rollback_json(const Target& target, const migrate::RollbackReport& report);
nlohmann::json plan_json(const plan::Report& report, const std::string& url,
                         const std::optional<std::string>& saved);
nlohmann::json status_json(const std::string& url, const std::string& schema_hash,
                           const std::vector<migrate::VersionStatus>& versions);
nlohmann::json validate_json(const std::string& url, size_t migrations,
                             const std::vector<migrate::Problem>& problems);
nlohmann::json marked_json(const std::string& url, const migrate::Marked& marked);
nlohmann::json log_json(const std::vector<ledger::RunRow>& runs);

// How the two sides of differences are named. kDrift: `expected` is the
// reference and `actual` the checked environment (drift, verify). kDiff:
// `expected` is --from and `actual` is --to (keel diff).
enum class Sides { kDrift, kDiff };

// kDrift: {"expected", "actual"}; kDiff: {"from", "to"}.
nlohmann::json differences_json(const std::vector<Difference>& differences,
                                Sides sides = Sides::kDrift);
nlohmann::json drift_json(const std::string& expected, const std::string& actual,
                          const std::vector<Difference>& differences);
nlohmann::json verify_json(const std::vector<verify::Verdict>& verdicts, bool locked);

}  // namespace keel::run
