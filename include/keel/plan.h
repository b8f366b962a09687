// keel plan: a dry run of the pending migrations on a live environment,
// inside one transaction that is always rolled back. Each statement's locks,
// rewrites, time and rows are observed; savepoints prove each migration
// idempotent (applied twice, same schema) and reversible (up then down
// restores the schema); gates turn what was seen into a verdict.
//
// The orchestration (src/plan/) is dialect-neutral; it reaches the database
// only through PlanRoles (migrate's Session, HistoryStore and StatementRules
// plus PlanObserver), which a dialect implements as its PlanTarget next to
// its MigrationTarget.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "keel/expand.h"
#include "keel/lint.h"
#include "keel/manifest.h"
#include "keel/migrate.h"

namespace keel::plan {

// One relation lock this session holds: "public.users", "AccessExclusiveLock".
struct RelationLock {
  std::string relation;
  std::string mode;
  bool operator==(const RelationLock&) const = default;
};

// A session that blocked one of ours (from pg_blocking_pids).
struct Blocker {
  int pid = 0;
  std::string state;  // "idle in transaction", "active", ...
  std::string query;  // its last statement
  std::string application;
  int64_t transaction_ms = 0;  // how long its transaction has been open
};

// A relation's storage, to tell rewrites: relfilenode and estimated rows.
struct Storage {
  std::string id;
  int64_t rows = 0;  // -1 when unknown
};

// What the dry run observes of a database besides running statements:
// locks, storage (to tell rewrites), blockers, plans, temporary files and
// sequences. The role the plan adds to migrate's (see migrate.h).
class PlanObserver {
 public:
  virtual ~PlanObserver() = default;
  // False when the dialect has no lock or storage report (SQLite).
  virtual bool observes_locks() const = 0;
  // Relation locks this session holds now, sorted.
  virtual Result<std::vector<RelationLock>> relation_locks() = 0;
  // Storage of every user table, index and materialized view, by
  // schema-qualified name.
  virtual Result<std::map<std::string, Storage>> storage() = 0;
  // Exact row count of a table (for rewrites of tables never analyzed).
  virtual Result<int64_t> count_rows(const std::string& relation) = 0;
  // The sessions that blocked the last failed execute(), if the dialect can
  // tell; empty otherwise.
  virtual std::vector<Blocker> last_blockers() const = 0;
  // The plan of `query` run in the open transaction (PostgreSQL: EXPLAIN
  // (ANALYZE, BUFFERS) inside a savepoint that is rolled back, so a DML
  // query changes nothing; SQLite: EXPLAIN QUERY PLAN), one line per row.
  virtual Result<std::string> explain(const std::string& query) = 0;
  // Temporary files this database has written so far (pg_stat_database,
  // after flushing this session's pending statistics): {files, bytes}.
  // Call outside a transaction. SQLite: {0, 0}.
  virtual Result<std::pair<int64_t, int64_t>> temp_usage() = 0;
  // The position of every sequence, by schema-qualified name ("41"; "unused"
  // before its first nextval() or when it cannot be read). Sequences are not
  // transactional: a ROLLBACK does not undo nextval(), so the dry run reads
  // them before and after. Call outside a transaction. Default: none
  // (SQLite's sequences are rows, rolled back with the rest).
  virtual Result<std::map<std::string, std::string>> sequence_positions() {
    return std::map<std::string, std::string>{};
  }
};

class PlanTarget;

// The roles a dry run uses. It runs migration statements through the
// session, inside one transaction it never commits. Converts implicitly from
// a PlanTarget.
struct PlanRoles {
  migrate::Session& session;
  migrate::HistoryStore& history;
  const migrate::StatementRules& rules;
  PlanObserver& observer;

  PlanRoles(migrate::Session& s, migrate::HistoryStore& h, const migrate::StatementRules& r,
            PlanObserver& o)
      : session(s), history(h), rules(r), observer(o) {}
  PlanRoles(PlanTarget& target);  // NOLINT(google-explicit-constructor): every role of it

  bool ignore_column_order = false;  // as migrate::Roles
  Result<Manifest> schema() const;
};

// What a dialect opens for a dry run: its MigrationTarget plus PlanObserver.
class PlanTarget : public migrate::MigrationTarget, public PlanObserver {
 public:
  PlanRoles plan_roles() { return PlanRoles(*this, *this, *this, *this); }
};

inline PlanRoles::PlanRoles(PlanTarget& target) : PlanRoles(target.plan_roles()) {}

// Opens a session for a dry run. SQLite: the file must exist.
Result<std::unique_ptr<PlanTarget>> open_plan_target(const ConnectionUrl& url);

struct Gates {
  std::chrono::milliseconds max_lock{2000};  // ACCESS EXCLUSIVE on an existing relation
  int64_t max_rewrite_rows = 100000;
  bool require_idempotent = true;
  bool require_reversible = true;
};

struct Options {
  migrate::Timeouts timeouts;
  Gates gates;
  migrate::Progress progress;
  // PostgreSQL: each up script is linted first; a finding of severity error
  // rejects the migration. nullopt: no lint gate (SQLite).
  std::optional<lint::LintOptions> lint;
  // Run with explain() after each migration: [plan] verify_queries.
  std::vector<std::string> verify_queries;
  // Dry-runs an operation migration's start (expand::dry_run_start on the dialect's
  // ExpandContract; the CLI sets it where the dialect has expand_contract). Used only when the
  // operation migration is the first pending one; without it such a migration is unproven.
  std::function<Result<expand::DryRun>(const migrate::Migration&)> dry_run_start;
  bool ignore_column_order = false;  // [baseline] column_order = "ignore"
};

struct StatementReport {
  int line = 0;
  std::string sql;
  std::string ran;   // the SQL actually run when it differs (CONCURRENTLY dropped); else empty
  std::string note;  // e.g. "not run: VACUUM cannot run inside a transaction"
  int64_t elapsed_ms = 0;
  int64_t rows = 0;
  std::vector<RelationLock> locks;
  std::vector<std::string> rewrites;
  std::string error;  // the statement failed: the plan of this migration stops here
  std::vector<Blocker> blockers;
};

struct MigrationReport {
  std::string version;
  std::string name;
  std::string path;
  std::string checksum;
  bool validated = false;
  std::vector<std::string> reasons;  // why it was rejected, one line each
  // What the dry run could not prove (it is then not validated, but not
  // rejected either: "NOT PROVEN"), one line each, with what to do.
  std::vector<std::string> unproven;
  // What a reader should know that is not a reason to reject (an empty up
  // script, an enum-only migration's empty down), one line each.
  std::vector<std::string> notes;
  std::optional<bool> idempotent;  // nullopt: not proven (the up failed)
  std::optional<bool> reversible;
  std::string hash_before;
  std::string hash_after;
  std::vector<std::string> changed;  // objects the up changed, as drift names them:
                                     // "column public.users.email"
  std::string expect_path;           // "<dir>/<version>_<name>.expect.json" when it exists
  std::vector<StatementReport> statements;
  std::vector<std::pair<std::string, std::string>> explains;  // {query, plan}
};

struct Report {
  bool validated = false;
  std::string hash_before;  // the environment before and after the dry run
  std::string hash_after;
  std::vector<MigrationReport> migrations;
  // Temporary files written during the dry run (the whole run: PostgreSQL
  // reports a session's statistics only once its transaction ends).
  int64_t temp_files = 0;
  int64_t temp_bytes = 0;
  // Sequences the dry run advanced (nextval() is not rolled back), as
  // "public.users_id_seq (41 -> 44)".
  std::vector<std::string> sequences_advanced;
};

// "VALIDATED", "REJECTED" (a reason), or "NOT PROVEN" (no reason, but
// something the dry run could not prove).
std::string verdict(const MigrationReport& migration);
std::string verdict(const Report& report);

// Dry-runs every pending migration (per the history) in version order, each
// seeing the ones before it, inside one transaction that is rolled back; then
// checks the environment's schema hash is unchanged. Errors are operational
// (cannot connect, a broken session); a rejected migration is a Report.
Result<Report> run(const PlanRoles& db, const std::vector<migrate::Migration>& files,
                   const Options& options);

// Saved plans: a VALIDATED report (or the VALIDATED migrations of one NOT
// PROVEN past them) is written to `dir` (".keel/plans") as
// "<UTC time>.json" with the environment it ran on and, per migration, its
// checksum and the schema hashes before and after it, so that `apply
// --require-validated` can refuse migrations no plan validated for that
// environment and schema. `environment`: the keel.toml environment name, or
// the masked URL when none was given. Returns the file written.
Result<std::string> save_validated(const Report& report, const std::string& dir,
                                   const std::string& url, const std::string& environment);

// One migration of a saved plan.
struct SavedMigration {
  std::string version;
  std::string checksum;
  std::string hash_before;  // the schema the plan ran it on
  std::string hash_after;
};

struct SavedPlan {
  std::string path;
  std::string environment;  // empty: saved by a keel that did not record it
  std::vector<SavedMigration> migrations;
};

// Every VALIDATED plan under `dir`; empty when the folder does not exist. An
// unreadable plan file is an error.
Result<std::vector<SavedPlan>> saved_plans(const std::string& dir);

// apply --require-validated: each of `pending` (in the order apply runs
// them) must be covered by a saved plan of `environment` that ran that
// checksum on the schema it will meet: `schema_hash` for the first, then
// the hash the plan saw after the one before. Otherwise a kGateFailed error
// names each migration, why (no plan; a plan of another environment, named;
// a plan made on another schema) and `plan_command`, what to run.
Result<void> check_validated(const std::vector<SavedPlan>& plans, const std::string& environment,
                             const std::string& plan_command,
                             const std::vector<const migrate::Migration*>& pending,
                             const std::string& schema_hash);

}  // namespace keel::plan
