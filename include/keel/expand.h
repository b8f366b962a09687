// keel: the expand/contract lifecycle of operation migrations (keel/operations.h).
//
//   keel apply     runs plain SQL migrations as before; on reaching an operation migration it
//                  STARTS it (expand: new columns, dual-write triggers, backfill, the new
//                  version's schema of views) and stops: the migration is `active`; nothing
//                  after it applies until it is completed (or aborted).
//   keel complete  the new version becomes primary (physical names take the new shape); the old
//                  shape stays in place and in sync, still served by the old version's schema
//                  (`completed`: the observation window).
//   keel finalize  removes the old shape (contract): the old version's schema, the triggers, the
//                  old columns (`finalized`).
//   keel abort     (active only) undoes the start completely: the schema hash is the one before.
//   keel revert    (completed, not finalized) makes the old version primary again without losing
//                  a write made in either version (`active` again).
//
// The lifecycle (which action is allowed when, the history row) is dialect-neutral (src/ops/);
// what each action does in the database is the dialect's ExpandContract role
// (src/dialects/postgres/ops/, one file per operation). docs/expand_contract.md explains the
// phases, the version schemas and the dual-write rules.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "keel/backfill.h"
#include "keel/connection.h"
#include "keel/error.h"
#include "keel/migrate.h"

namespace keel::expand {

enum class Action { kStart, kComplete, kFinalize, kAbort, kRevert };
// "start", "complete", "finalize", "abort", "revert".
const char* action_name(Action action);

// The history row's `phase` of an operation migration.
inline constexpr const char* kStarting = "starting";    // start under way (or killed part-way)
inline constexpr const char* kActive = "active";        // started: both versions live
inline constexpr const char* kCompleted = "completed";  // new version primary, old in sync
inline constexpr const char* kFinalized = "finalized";  // old shape removed
inline constexpr const char* kAborted = "aborted";      // start undone (row ROLLED_BACK)

// The two schemas of views an operation migration serves while it is active or completed.
struct VersionSchemas {
  std::string schema;    // the physical tables' schema ("public")
  std::string previous;  // the old version's schema ("public_0012_add_users")
  // The previous migration was plain SQL (or there was none), so start creates `previous` and
  // abort drops it; otherwise it is the previous operation migration's and stays.
  bool owns_previous = false;
  std::string next;  // the new version's ("public_0013_rename_column", or version_schema)
};

// The version schema of a migration: version_schema when the file sets one, else
// "<schema>_<version>_<name>" (cut to PostgreSQL's 63 bytes with a hash when longer).
std::string version_schema_name(const std::string& schema, const migrate::Migration& migration);

// What one action did to one operation.
struct OperationReport {
  int index = 0;     // in the migration, from 0
  std::string name;  // pgroll's operation name ("rename_column")
  std::string
      what;  // one line: "users.name -> users.full_name (view column; physical at complete)"
  int64_t rows = 0;  // rows backfilled (start)
};

// What a dry run of a start did (keel plan): the statements of start's transaction in order,
// each with the line of its operation (0: keel's own, the version schemas, views and
// triggers), the relation locks that transaction held at its end, and what start would do
// after it (the backfill, CONCURRENTLY and VALIDATE steps), listed, not run. The transaction is
// rolled back: nothing is kept.
struct DryRun {
  std::vector<std::pair<int, std::string>> statements;
  std::vector<std::pair<std::string, std::string>> locks;  // (relation, mode)
  std::vector<std::string> after;
};

struct PhaseRequest {
  const migrate::Migration* migration = nullptr;
  VersionSchemas schemas;
  // Every DDL statement waits at most this long for its lock, then retries with jitter.
  std::chrono::milliseconds lock_timeout{20};
  int lock_retries = 30;
  BackfillSettings backfill;
  migrate::Progress progress;
  // Progress after each backfill batch, or (a call with `saved` set, nothing else) what an
  // operation keeps for a later phase; recorded in the history row at once.
  std::function<void(const migrate::OperationProgress&)> on_progress;
  // A backfill's figures, every progress_interval and once when it ends (backfill_done): for a
  // terminal's bar or JSON lines. Unset: they are said through `progress` as text lines.
  std::function<void(const migrate::OperationProgress&)> on_backfill;
  // What the history row holds for each operation (its progress and what it kept with
  // on_progress's `saved` at an earlier phase).
  std::vector<migrate::OperationProgress> recorded;
  // Set for a start: dry-run it into this instead (nothing is kept).
  DryRun* dry_run = nullptr;
  // A start whose row is `starting` already (a run stopped part-way): when its transaction had
  // committed, it goes on from there (each backfill after the last key `recorded` holds, then
  // the steps after the transaction, an index left invalid built again); when not, it starts
  // afresh.
  bool resume = false;
  // Called by start once its transaction has committed: from then on a stopped start is
  // resumed (keel apply) or aborted (keel abort), never silently undone.
  std::function<void()> on_expanded;
};

// The dialect's part: what an action does in the database. Each action is either done
// completely or, when it fails, leaves what `abort` can undo (start) or what the same action
// run again finishes (complete, revert, finalize); `abort` works from any state start left,
// including a start killed part-way.
class ExpandContract {
 public:
  virtual ~ExpandContract() = default;
  virtual Result<std::vector<OperationReport>> run(Action action, const PhaseRequest& request) = 0;
  // keel pause / keel resume: holds every backfill of this database (between two batches)
  // until resumed; recorded in the database, so it reaches a backfill run from anywhere.
  // `by` names who paused (applied_by).
  virtual Result<void> set_paused(bool paused, const std::string& by) = 0;
};

// Opens the dialect's ExpandContract for `url` (kUsage when the dialect has no
// expand_contract capability, naming the dialects that have it).
Result<std::unique_ptr<ExpandContract>> open_expand_contract(const ConnectionUrl& url);

// --- the lifecycle (dialect-neutral) -----------------------------------------

struct Options {
  migrate::RunOptions run;
  std::string schema = "public";
  std::chrono::milliseconds lock_timeout{20};
  int lock_retries = 30;
  BackfillSettings backfill;
  // PhaseRequest::on_backfill of every phase.
  std::function<void(const migrate::OperationProgress&)> on_backfill;
};

struct Report {
  std::string version;
  std::string name;
  std::string path;
  Action action = Action::kStart;
  std::string phase_before;  // "" for a start
  std::string phase_after;
  VersionSchemas schemas;
  std::vector<OperationReport> operations;
  int64_t elapsed_ms = 0;
};

// The operation migration an action applies to: the one whose row is active or completed
// (starting, for abort), with its file. kGateFailed when there is none or the action does not
// fit its phase (the message says which command fits).
struct Current {
  const migrate::Migration* migration = nullptr;
  migrate::HistoryRow row;
};
Result<Current> current(const std::vector<migrate::Migration>& files,
                        const std::vector<migrate::HistoryRow>& history);

// Starts `migration` (an operation migration whose turn it is; apply calls it under the deploy
// lock it holds), or resumes it when its row is `starting` (a run stopped part-way). The row
// goes `starting` then `active`. A start stopped after its transaction committed by a transient
// failure (a lost connection, a server restart, a lock not granted after every retry) stays
// `starting` (status FAILED) with its backfill progress: the next call resumes it. Any other
// failed start is aborted at once (the error names the operation and the statement) and the
// row is FAILED with phase `aborted`.
Result<Report> start(const migrate::Roles& db, ExpandContract& dialect,
                     const std::vector<migrate::Migration>& files,
                     const migrate::Migration& migration, const Options& options);

// A dry run of `migration`'s start (keel plan): its transaction inside BEGIN ... ROLLBACK. No
// history row, no deploy lock. Exact when the migration is the first pending one (a dry run
// does not see other pending migrations).
Result<DryRun> dry_run_start(ExpandContract& dialect, const std::vector<migrate::Migration>& files,
                             const migrate::Migration& migration, const Options& options);

// complete / finalize / abort / revert of the current operation migration, under the deploy
// lock. REQUIRES: action is not kStart.
Result<Report> act(const migrate::Roles& db, ExpandContract& dialect,
                   const std::vector<migrate::Migration>& files, Action action,
                   const Options& options);
// The same, the caller holding the deploy lock, with the history it read (apply --complete).
Result<Report> act_locked(const migrate::Roles& db, ExpandContract& dialect,
                          const std::vector<migrate::Migration>& files, Action action,
                          const Options& options, std::vector<migrate::HistoryRow> history);

}  // namespace keel::expand
