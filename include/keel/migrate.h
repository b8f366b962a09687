// keel: running migrations against an environment — the history table, the
// deploy lock, apply, validate, status and rollback.
//
// The executor (src/migrate/) is dialect-neutral; it talks to the database
// only through MigrationTarget, which each dialect implements next to its
// inspector (src/dialects/<dialect>/migrator.cc). MigrationTarget runs the
// statements of migration files and a fixed set of history/lock statements:
// it is not a general query API.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "keel/connection.h"
#include "keel/error.h"
#include "keel/migrations.h"

namespace keel::migrate {

// The status column of the history table.
enum class RowStatus { kRunning, kSuccess, kFailed, kRolledBack };

// "RUNNING", "SUCCESS", "FAILED", "ROLLED_BACK".
const char* row_status_name(RowStatus status);
std::optional<RowStatus> parse_row_status(const std::string& text);

// One row of keel.schema_migrations (PostgreSQL) / keel_schema_migrations
// (SQLite). The format is specified in docs/history_format.md.
struct HistoryRow {
  std::string version;
  std::string name;
  std::string checksum;    // "sha256:<hex>" of the up file when it ran
  std::string applied_at;  // UTC, "2024-10-15T12:00:00Z"; set by the server on record()
  std::string applied_by;
  RowStatus status = RowStatus::kRunning;
  int64_t execution_ms = 0;
  int statements_applied = 0;  // no-transaction migrations resume after this many
  int statements_total = 0;
  std::string error;  // empty when none
  std::string keel_version;
  std::optional<std::string> schema_hash_before;  // filled by a later phase
  std::optional<std::string> schema_hash_after;
};

struct Timeouts {
  std::chrono::milliseconds lock_timeout{5000};
  std::chrono::milliseconds statement_timeout{30000};
};

// One session with the environment, used by one apply/rollback run. Each
// dialect implements it; every statement it builds quotes identifiers through
// util/quote.h and passes values as bind parameters.
class MigrationTarget {
 public:
  virtual ~MigrationTarget() = default;

  virtual Dialect dialect() const = 0;
  // The masked URL, for messages.
  virtual const std::string& label() const = 0;

  // Takes the deploy lock (PostgreSQL: a session-level advisory lock; SQLite:
  // an exclusive flock on "<db>.keel-lock"), polling for up to `wait`. A
  // lock still held after `wait` is an Error naming the environment.
  virtual Result<void> lock(std::chrono::milliseconds wait) = 0;
  virtual void unlock() = 0;

  // Creates the history table when missing. REQUIRES: lock() held.
  virtual Result<void> ensure_history() = 0;
  // Every history row (any order); empty when the table does not exist yet.
  virtual Result<std::vector<HistoryRow>> history() = 0;

  // Opens a transaction whose lock and statement timeouts are `timeouts`.
  virtual Result<void> begin(const Timeouts& timeouts) = 0;
  virtual Result<void> commit() = 0;
  // Ends the open transaction, if any; never fails.
  virtual void rollback() = 0;
  // Session-level timeouts, for statements run outside a transaction.
  virtual Result<void> set_session_timeouts(const Timeouts& timeouts) = 0;

  // Runs one statement of `path`. Errors carry the server's message, its
  // SQLSTATE and the context "path:line".
  virtual Result<void> execute(const Statement& statement, const std::string& path) = 0;
  // Inserts or replaces the row of row.version (applied_at = now). Inside the
  // open transaction if there is one, else committed at once.
  virtual Result<void> record(const HistoryRow& row) = 0;

  // True when the dialect refuses to run `statement` inside a transaction
  // block (CREATE INDEX CONCURRENTLY, VACUUM ...).
  virtual bool refuses_transaction(const Statement& statement) const = 0;
  // True when `error` (from execute/begin/commit) means a lock was not
  // granted in time, so running the migration again later may succeed.
  virtual bool is_lock_timeout(const Error& error) const = 0;
  // Before re-running `statement`: when it builds a named index concurrently
  // and an earlier failed run left that index INVALID, drops it. Returns the
  // dropped index's name, empty when there was nothing to drop.
  virtual Result<std::string> drop_invalid_index(const Statement& statement) = 0;
};

// Opens a read-write session for migrations. SQLite: the file must exist.
Result<std::unique_ptr<MigrationTarget>> open_migration_target(const ConnectionUrl& url);

// Progress lines for people ("0004_add_email ... 12 ms").
using Progress = std::function<void(const std::string& line)>;

// Runs inside a migration's (or a down script's) transaction after its
// statements and history row, just before COMMIT; an error rolls the
// migration back. Phase 5 plugs its integrity checks in here.
using BeforeCommitCheck =
    std::function<Result<void>(MigrationTarget& target, const Migration& migration)>;

// How hard to try a migration that meets a lock_timeout.
struct RetryPolicy {
  int retries = 3;  // attempts after the first; a "-- keel:retries N" directive overrides
  std::chrono::milliseconds base{200};
  std::chrono::milliseconds cap{10000};
};

struct RunOptions {
  Timeouts timeouts;  // directives override per migration
  RetryPolicy retry;
  std::string applied_by;  // empty: default_applied_by()
  BeforeCommitCheck before_commit;
  Progress progress;
  std::chrono::milliseconds lock_wait{60000};
};

// "user@host" of this process.
std::string default_applied_by();

// --- validate -------------------------------------------------------------

enum class ProblemKind { kChanged, kMissing, kOutOfOrder };

struct Problem {
  ProblemKind kind;
  std::string version;
  std::string path;  // the file (the expected name when it is missing)
  std::string detail;

  // "migrations/0002_x.up.sql: changed since it was applied (...)"
  std::string to_string() const;
};

// Compares the files with the history: applied migrations whose file changed
// or is missing, and (unless allowed) pending migrations older than the
// newest applied one. A FAILED or ROLLED_BACK row's checksum may differ.
std::vector<Problem> validate(const std::vector<Migration>& files,
                              const std::vector<HistoryRow>& history, bool allow_out_of_order);

// The problems as one kGateFailed error naming each file.
Error problems_error(const std::vector<Problem>& problems);

// --- status ---------------------------------------------------------------

enum class State { kApplied, kPending, kFailed, kChanged, kMissing, kRolledBack, kPartial };

// "applied", "pending", "failed", "changed", "missing", "rolled back", "partial".
const char* state_name(State state);

struct VersionStatus {
  std::string version;
  std::string name;
  std::string path;      // empty when the file is missing
  std::string checksum;  // the file's; empty when it is missing
  State state = State::kPending;
  bool out_of_order = false;  // pending, older than the newest applied
  std::optional<HistoryRow> row;
};

// One entry per version in the files or the history, by version.
std::vector<VersionStatus> status(const std::vector<Migration>& files,
                                  const std::vector<HistoryRow>& history);

// --- apply / rollback -----------------------------------------------------

struct Applied {
  std::string version;
  std::string name;
  int64_t execution_ms = 0;
  int statements = 0;
  int attempts = 1;
};

struct ApplyOptions {
  RunOptions run;
  std::optional<std::string> to;  // apply up to and including this version
  bool allow_out_of_order = false;
  // When set, a pending migration whose checksum is not in it is refused
  // (kGateFailed, nothing run): apply --require-validated.
  std::optional<std::set<std::string>> validated;
};

// Takes the deploy lock, validates (a problem is a kGateFailed error), then
// runs each pending migration in version order, each in its own transaction
// (or statement by statement for no-transaction migrations). Returns what
// ran; an empty list when everything was applied already.
Result<std::vector<Applied>> apply(MigrationTarget& target, const std::vector<Migration>& files,
                                   const ApplyOptions& options);

struct RollbackOptions {
  RunOptions run;
  std::optional<int> steps;       // default 1
  std::optional<std::string> to;  // roll back every applied version above this one
};

// Runs down scripts of applied migrations, newest first, each in its own
// transaction, marking rows ROLLED_BACK. Refuses, running nothing, when a
// needed down script is missing.
Result<std::vector<Applied>> rollback(MigrationTarget& target, const std::vector<Migration>& files,
                                      const RollbackOptions& options);

}  // namespace keel::migrate
