// keel: running migrations against an environment — the history table, the
// deploy lock, apply, validate, status and rollback.
//
// The executor (src/migrate/) is dialect-neutral; it talks to the database
// only through the small roles below (Session, DeployLock, HistoryStore,
// StatementRules, Recovery, IntegrityChecks, LockObserver), which each
// dialect implements together as its MigrationTarget next to its inspector
// (src/dialects/<dialect>/migrator.cc), and tests fake in memory
// (tests/fake/). They run the statements of migration files and a fixed set
// of history/lock statements: none is a general query API.
#pragma once

#include <nlohmann/json_fwd.hpp>

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "keel/config.h"
#include "keel/connection.h"
#include "keel/error.h"
#include "keel/manifest.h"
#include "keel/migrations.h"

namespace keel::migrate {

// The status column of the history table. kRollingBack: a no-transaction
// down script stopped part-way (killed, or a statement failed: then `error`
// is set); the next rollback resumes it.
enum class RowStatus { kRunning, kSuccess, kFailed, kRolledBack, kRollingBack };

// "RUNNING", "SUCCESS", "FAILED", "ROLLED_BACK", "ROLLING_BACK".
const char* row_status_name(RowStatus status);
std::optional<RowStatus> parse_row_status(const std::string& text);

// One statement of a no-transaction script that committed, as recorded in
// the history row, so that a resume can check that the file still holds it.
struct CompletedStatement {
  int line = 0;      // its line in the file when it ran
  std::string hash;  // statement_hash() of its text
  std::string text;  // abbreviated (abbreviate_statement), for messages
};

// "sha256:<hex>" of a statement's text, leading and trailing white space and
// a trailing ';' left out.
std::string statement_hash(const Statement& statement);
// The statement on one line, white space collapsed, cut to about 60 chars.
std::string abbreviate_statement(const std::string& sql);
// The completed_statements column: a JSON array of {"line", "hash", "text"};
// parse_completed returns nullopt for text that is not such an array.
std::string completed_to_json(const std::vector<CompletedStatement>& completed);
std::optional<std::vector<CompletedStatement>> parse_completed(const std::string& json);

// Progress of one operation of an expand/contract migration (a backfill),
// kept in its history row so that a resumed run continues after last_key.
struct OperationProgress {
  int operation = 0;  // its index in the migration, from 0
  int64_t rows_done = 0;
  std::string last_key;  // the last key processed, as text; empty before the first batch
  // What the operation kept at an earlier phase for a later one (the replica identity start
  // replaced, for abort); empty when nothing.
  std::string saved;
  // A backfill's figures when they were recorded: the table, its estimated rows (0: unknown),
  // the rate of the run that recorded them, why it was slowed then ("" when it was not), when
  // (UTC, "2026-12-07T14:20:00Z"), and whether the backfill had finished.
  std::string table;
  int64_t rows_total = 0;
  double rows_per_second = 0;
  std::string throttle;
  std::string updated_at;
  bool backfill_done = false;
  bool operator==(const OperationProgress&) const = default;
};

// The operation_progress column: a JSON array of {"operation", "rows_done",
// "last_key"[, "saved"][, "table", "rows_total", "rows_per_second", "throttle",
// "updated_at", "backfill_done"]}; parse_progress returns nullopt for text that is not one.
std::string progress_to_json(const std::vector<OperationProgress>& progress);
std::optional<std::vector<OperationProgress>> parse_progress(const std::string& json);
// One operation's progress as a JSON object, as the column holds it (the backfill's fields only
// with a table).
nlohmann::json progress_json(const OperationProgress& progress);
// Seconds left at the recorded rate; nullopt when unknown (no estimate, no rate, or done).
std::optional<int64_t> eta_seconds(const OperationProgress& progress);
// "backfill users: 120000 rows of ~5000000 (2%), 41200 rows/s, ETA 1m57s[, throttled: ...]",
// "backfill users: done, 5000000 rows".
std::string describe_backfill(const OperationProgress& progress);

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
  // RUNNING, FAILED and ROLLING_BACK rows of no-transaction scripts: each
  // statement that committed (statements_applied of them). nullopt when the
  // row was written by a keel that did not record them (NULL column).
  std::optional<std::vector<CompletedStatement>> completed;
  std::string error;  // empty when none
  std::string keel_version;
  std::optional<std::string> schema_hash_before;  // filled by a later phase
  std::optional<std::string> schema_hash_after;
  // Advances (one more than the table's highest) each time the row's status
  // changes, so SUCCESS rows ordered by it are in the order they were
  // applied (out-of-order ones included). 0: written before keel kept it.
  int64_t change_seq = 0;
  // Expand/contract migrations: the phase reached ("started", "completed",
  // ...); nullopt for plain SQL migrations (NULL column). Rows of plain
  // migrations never set it; a down run keeps what the row held.
  std::optional<std::string> phase;
  // Their progress per operation; empty for plain SQL (NULL column).
  std::vector<OperationProgress> operations;
};

// True when `a` reached its status before `b`: by change_seq, then (rows
// from before change_seq: 0) by applied_at, then by version.
bool written_before(const HistoryRow& a, const HistoryRow& b);

// One row per version. Versions are compared as numbers, so "3" and "0003"
// are one version; a history written by an older keel may hold a row for
// each spelling: the one written last counts (on a tie, the spelling the
// files use). Every reader of the history (apply, rollback, status,
// validate, plan) goes through it, and a row is always written back under
// the spelling it already has.
std::vector<HistoryRow> current_rows(std::vector<HistoryRow> history,
                                     const std::vector<Migration>& files);

// One integrity check run before a rollback commits.
struct IntegrityFinding {
  std::string kind;    // "foreign key", "relation", "check constraint", "check"
  std::string name;    // "public.user_preferences.user_preferences_user_id_fkey", a check's name
  std::string detail;  // what was counted: "user_preferences.user_id -> users.id"
  int64_t count = 0;   // rows found (orphans, violating rows, the check's value)
  int64_t expect = 0;
  std::string error;  // the check itself failed to run; empty when it ran

  bool ok() const { return error.empty() && count == expect; }
  // "relation public.user_preferences.user_id -> public.users.id: 1 orphaned row (expected 0)"
  std::string to_string() const;
};

// What the integrity checks before a rollback's COMMIT cover.
struct IntegrityScope {
  // Every foreign key and NOT VALID CHECK of the database: what a down
  // script does could not be determined (`why` says which statement), or
  // the dialect checks everything anyway.
  bool whole = true;
  std::string why;  // "0005_x.down.sql:3: a DO block (what it changes cannot be read from it)"
  // Otherwise the relations the down scripts name (as written, resolved when
  // the checks run, after the scripts): the foreign keys they hold or that
  // reference them, and their NOT VALID CHECKs. keel.toml's relations and
  // checks are always run.
  std::vector<std::string> relations;

  // "every foreign key and NOT VALID CHECK (...)" / "foreign keys on or
  // referencing, and NOT VALID CHECKs on, 1 relation: public.t00001"
  std::string to_string() const;
};

// Another session holding or waiting for a lock on a relation a rollback
// is about to change.
struct SessionInLock {
  int pid = 0;
  std::string user;
  std::string application;
  std::string state;                   // "active", "idle in transaction", ...
  std::string query;                   // its current or last statement
  int64_t state_ms = 0;                // how long it has been in `state`
  bool waiting = false;                // waits for the lock rather than holding it
  std::vector<std::string> relations;  // the relations concerned, "public.users"

  // "pid 4242 (psql, idle in transaction for 12 s) holds public.users: SELECT ..."
  std::string to_string() const;
};

struct Timeouts {
  std::chrono::milliseconds lock_timeout{5000};
  std::chrono::milliseconds statement_timeout{30000};
};

// --- the database roles ------------------------------------------------------
//
// The executor (apply, rollback, mark, drain; plan in plan.h) reaches the
// database only through these small roles, each taken by the functions that
// need it. A dialect provides all of them from one opened connection: its
// MigrationTarget (below) implements every role and hands them out as Roles.
// Tests give the executor an in-memory fake of each (tests/fake/). Every
// statement a dialect builds for them quotes identifiers through util/quote.h
// and passes values as bind parameters; none is a general query API.

// What a dialect knows of a statement without a session: pure functions of
// the statement's text (or an error's SQLSTATE), safe to call any time.
class StatementRules {
 public:
  virtual ~StatementRules() = default;
  virtual Dialect dialect() const = 0;
  // True when the dialect refuses to run `statement` inside a transaction
  // block (CREATE INDEX CONCURRENTLY, VACUUM ...).
  virtual bool refuses_transaction(const Statement& statement) const = 0;
  // False when `statement` only changes rows (INSERT, UPDATE, DELETE,
  // MERGE), so the schema hash after it is the hash before: apply skips the
  // schema read for a migration made only of such statements. (A trigger
  // that runs DDL would be missed; keel plan still sees it.)
  virtual bool changes_schema(const Statement& statement) const = 0;
  // True when `error` (from execute/begin/commit) means a lock was not
  // granted in time, so running the migration again later may succeed.
  virtual bool is_lock_timeout(const Error& error) const = 0;
  // A statement the dialect refuses inside a transaction (CREATE INDEX
  // CONCURRENTLY) rewritten as its in-transaction equivalent, for the dry
  // run; nullopt when there is none (VACUUM).
  virtual std::optional<std::string> in_transaction_equivalent(
      const Statement& statement) const = 0;
  // True when `statement` adds an enum value (ALTER TYPE ... ADD VALUE),
  // which PostgreSQL lets the session use only after the transaction that
  // added it commits. Default: never (SQLite has no enums).
  virtual bool adds_enum_value(const Statement& /*statement*/) const { return false; }
};

// One session with the environment: transactions, savepoints, timeouts and
// the statements of migration files.
class Session {
 public:
  virtual ~Session() = default;
  // The masked URL, for messages.
  virtual const std::string& label() const = 0;

  // Opens a transaction whose lock and statement timeouts are `timeouts`.
  virtual Result<void> begin(const Timeouts& timeouts) = 0;
  virtual Result<void> commit() = 0;
  // Ends the open transaction, if any; never fails.
  virtual void rollback() = 0;
  // Savepoints inside the open transaction; names are plain identifiers.
  virtual Result<void> savepoint(const std::string& name) = 0;
  // Undoes everything since savepoint(name), which stays defined.
  virtual Result<void> rollback_to(const std::string& name) = 0;
  virtual Result<void> release(const std::string& name) = 0;
  // Session-level timeouts, for statements run outside a transaction.
  virtual Result<void> set_session_timeouts(const Timeouts& timeouts) = 0;
  // Before each migration's script (up or down; apply, rollback and plan):
  // puts the session back in the state keel set it up in, so what one
  // migration sets (search_path, a role, a PRAGMA) does not carry over into
  // the next, which then runs as it would alone. PostgreSQL: RESET ALL,
  // RESET SESSION AUTHORIZATION, RESET ROLE and DISCARD TEMP, then keel's
  // own session settings; session advisory locks (the deploy lock) stay.
  // SQLite: the per-connection PRAGMAs (foreign_keys, recursive_triggers,
  // ...) back to their values when keel opened the file. Inside an open
  // transaction it happens in it (its timeouts are set again); outside one,
  // it may be deferred to the next begin(), set_session_timeouts() or
  // execute().
  virtual Result<void> reset_session() = 0;

  // Runs one statement of `path`. Errors carry the server's message, its
  // SQLSTATE and the context "path:line".
  virtual Result<void> execute(const Statement& statement, const std::string& path) = 0;
  // Rows the last successful execute() affected (0 when not a DML).
  virtual int64_t last_rows() const = 0;

  // The schema as this session sees it, inside the open transaction if any
  // (its own uncommitted changes included).
  virtual Result<Manifest> schema() = 0;
};

// The deploy lock: one apply/rollback at a time per environment.
class DeployLock {
 public:
  virtual ~DeployLock() = default;
  // Takes the deploy lock (PostgreSQL: a session-level advisory lock; SQLite:
  // an exclusive flock on "<db>.keel-lock"), polling for up to `wait`. A
  // lock still held after `wait` is an Error naming the environment.
  virtual Result<void> lock(std::chrono::milliseconds wait) = 0;
  virtual void unlock() = 0;
};

// The history table (keel.schema_migrations / keel_schema_migrations) and
// the schema snapshots beside it, in keel's own schema (see HistoryTables).
// Writes happen inside the session's open transaction if there is one.
class HistoryStore {
 public:
  virtual ~HistoryStore() = default;
  // Creates the history table when missing, and upgrades one an older keel
  // created (docs/history_format.md). REQUIRES: the deploy lock held.
  virtual Result<void> ensure_history() = 0;
  // Every history row (any order); empty when the table does not exist yet.
  virtual Result<std::vector<HistoryRow>> history() = 0;
  // Inserts or replaces the row of row.version (applied_at = now). Inside the
  // open transaction if there is one, else committed at once.
  virtual Result<void> record(const HistoryRow& row) = 0;
  // Keeps a schema's canonical JSON under its hash (keel.schema_snapshots,
  // created by ensure_history; inside the open transaction if any), so that
  // a rollback that does not restore a recorded hash can name the
  // differences. Snapshots no recent history row refers to are dropped.
  virtual Result<void> save_snapshot(const std::string& hash, const std::string& canonical) = 0;
  // The canonical JSON kept for `hash`, if any.
  virtual Result<std::optional<std::string>> load_snapshot(const std::string& hash) = 0;
};

// Repairs before re-running a statement a stopped no-transaction run was in.
class Recovery {
 public:
  virtual ~Recovery() = default;
  // When `statement` builds a named index concurrently and an earlier failed
  // run left that index INVALID, drops it. Returns the dropped index's name,
  // empty when there was nothing to drop.
  virtual Result<std::string> drop_invalid_index(const Statement& statement) = 0;
  // `done` when the statement's effect is verifiably in place (PostgreSQL:
  // CREATE INDEX of a name that exists on that table, VALID, with the same
  // definition); `detail` says what was found ("index public.t_a_idx is
  // VALID with the same definition", or "... exists with another
  // definition: ..."); both empty when it cannot tell.
  struct DoneCheck {
    bool done = false;
    std::string detail;
  };
  virtual Result<DoneCheck> already_done(const Statement& statement) = 0;
};

// --- integrity checks as data ------------------------------------------------
//
// The checks a rollback runs before its COMMIT are a list of IntegrityCheckSpec
// built once, dialect-neutrally (src/migrate/integrity.cc: which checks apply
// for a scope and keel.toml's [integrity]); the dialect lists its
// constraints, writes the SQL of each kind of check and counts.

// A foreign key the catalog holds, or a keel.toml relation (no constraint).
// Names are as the catalog writes them (unquoted).
struct ForeignKeyRef {
  std::string schema;  // "public"; SQLite: "main"
  std::string table;
  std::string constraint;  // empty when the dialect does not name keys (SQLite), or a relation
  std::vector<std::string> columns;
  std::string parent_schema;
  std::string parent_table;
  std::vector<std::string> parent_columns;  // empty: the parent's primary key (SQLite)
  bool validated = true;                    // false: NOT VALID
  int64_t id = 0;                           // the dialect's own number for it (SQLite's fkid)
  bool operator==(const ForeignKeyRef&) const = default;
};

// A NOT VALID CHECK constraint: rows may violate it.
struct CheckConstraintRef {
  std::string schema;
  std::string table;
  std::string constraint;
  std::string expression;  // in the server's form: "(qty > 0)"
  bool operator==(const CheckConstraintRef&) const = default;
};

// The constraints a scope's checks cover, in the catalog's order.
struct IntegrityCatalog {
  std::vector<ForeignKeyRef> foreign_keys;
  std::vector<CheckConstraintRef> unvalidated_checks;
};

enum class IntegrityKind { kForeignKey, kRelation, kCheckConstraint, kCheck };

// IntegrityFinding::kind: "foreign key", "relation", "check constraint", "check".
const char* integrity_kind_name(IntegrityKind kind);

// One check to run: what it counts (`sql`, the dialect's: one row, one
// integer) and the count that passes. Empty `sql`: nothing to count (a
// keel.toml relation whose table the rollback dropped; `detail` says so).
struct IntegrityCheckSpec {
  IntegrityKind kind = IntegrityKind::kCheck;
  std::string name;    // the constraint ("public.t.t_fkey"), relation or check
  std::string detail;  // what is counted: "public.t.a_id -> public.a.id"
  std::string sql;
  int64_t expect = 0;
  bool operator==(const IntegrityCheckSpec&) const = default;
};

// The integrity checks a rollback runs before its COMMIT: the dialect's part.
class IntegrityChecks {
 public:
  virtual ~IntegrityChecks() = default;
  // What the checks after `statements` (down scripts) must cover: the
  // relations they name, or everything when their effects cannot be read
  // from them (PostgreSQL: a DO block, CALL, EXECUTE, a call of a function
  // outside pg_catalog). Called before they run.
  virtual Result<IntegrityScope> integrity_scope(const std::vector<Statement>& statements) = 0;

  // Inside the open transaction, after the down scripts ran: the foreign
  // keys (NOT VALID ones included; a partitioned table's once, not per
  // partition) on or referencing the scope's relations, and the NOT VALID
  // CHECKs on them; every one of the database's when scope.whole. keel's
  // own tables and the system's are left out.
  virtual Result<IntegrityCatalog> integrity_catalog(const IntegrityScope& scope) = 0;
  // The schema of a keel.toml column path that names none ("public").
  virtual std::string default_schema() const = 0;
  // Whether the table (or view) exists now.
  virtual Result<bool> table_exists(const std::string& schema, const std::string& table) = 0;

  // The dialect's SQL, each through the quoting helper: a table's name, and
  // the count of each kind of check. A keel.toml relation counts child rows
  // whose (non-NULL) key has no parent row with a NULL-safe NOT EXISTS; a
  // NOT VALID CHECK the rows for which its expression is false.
  virtual std::string table_sql(const std::string& schema, const std::string& table) const = 0;
  virtual std::string foreign_key_sql(const ForeignKeyRef& key) const = 0;
  virtual std::string relation_sql(const ForeignKeyRef& relation) const = 0;
  virtual std::string check_constraint_sql(const CheckConstraintRef& check) const = 0;

  // Runs one check's `sql` inside the open transaction and returns its one
  // integer. A kSql error means the check could not run (the server's
  // message, the URL's password masked; the transaction stays usable:
  // PostgreSQL runs it in a savepoint); any other error (a lost connection)
  // ends the checks.
  virtual Result<int64_t> count(const std::string& sql) = 0;
};

// Other sessions: who holds or waits for locks a migration needs.
class LockObserver {
 public:
  virtual ~LockObserver() = default;
  // Schema-qualified relations the statements change or read (PostgreSQL:
  // from libpg_query's parse tree, resolved with the session's search_path;
  // relations that do not exist are left out). Empty for SQLite.
  virtual Result<std::vector<std::string>> relations_of(
      const std::vector<Statement>& statements) = 0;
  // Other sessions holding or waiting for a lock on any of `relations`,
  // whose transaction has been open for 500 ms or more (short ones are
  // left to the lock_timeout and its retries).
  virtual Result<std::vector<SessionInLock>> sessions_in_lock(
      const std::vector<std::string>& relations) = 0;
  // Ends another session (pg_terminate_backend); false when it was gone.
  virtual Result<bool> terminate(int pid) = 0;
};

class MigrationTarget;

// The roles one run uses, all from one opened connection (or a fake).
// Converts implicitly from a MigrationTarget, which implements them all.
struct Roles {
  Session& session;
  DeployLock& lock;
  HistoryStore& history;
  const StatementRules& rules;
  Recovery& recovery;
  IntegrityChecks& integrity;
  LockObserver& locks;

  Roles(Session& s, DeployLock& l, HistoryStore& h, const StatementRules& r, Recovery& rc,
        IntegrityChecks& i, LockObserver& o)
      : session(s), lock(l), history(h), rules(r), recovery(rc), integrity(i), locks(o) {}
  Roles(MigrationTarget& target);  // NOLINT(google-explicit-constructor): every role of it

  // What schema hashes leave out ([baseline] column_order), set by apply and
  // rollback from RunOptions; schema() reads the session's schema with it.
  bool ignore_column_order = false;
  Result<Manifest> schema() const;
};

// What a dialect opens for apply and rollback: one session with the
// environment implementing every role. Each dialect implements it next to
// its inspector (src/dialects/<dialect>/migrator.cc).
class MigrationTarget : public Session,
                        public DeployLock,
                        public HistoryStore,
                        public StatementRules,
                        public Recovery,
                        public IntegrityChecks,
                        public LockObserver {
 public:
  Roles roles() { return Roles(*this, *this, *this, *this, *this, *this, *this); }
};

inline Roles::Roles(MigrationTarget& target) : Roles(target.roles()) {}

// Opens a read-write session for migrations. SQLite: the file must exist.
Result<std::unique_ptr<MigrationTarget>> open_migration_target(const ConnectionUrl& url);
// keel apply: creates the database the URL names when there is none and the dialect can
// (SQLite: an empty file, as dbmate and golang-migrate do); true when it made one. A server
// dialect makes none (false): connecting then says what is missing. Errors: kIo.
Result<bool> create_database_if_missing(const ConnectionUrl& url);

// Time as the executor sees it (durations, backoff, drain polling). Empty
// members: the real steady clock and std::this_thread::sleep_for. Tests pass
// a simulated clock, so that no test sleeps.
struct Clock {
  std::function<std::chrono::steady_clock::time_point()> now;
  std::function<void(std::chrono::milliseconds)> sleep;

  std::chrono::steady_clock::time_point read() const;
  void wait(std::chrono::milliseconds delay) const;
  int64_t ms_since(std::chrono::steady_clock::time_point start) const;
};

// Progress lines for people ("0004_add_email ... 12 ms").
using Progress = std::function<void(const std::string& line)>;

// Runs inside a migration's (or a down script's) transaction after its
// statements and history row, just before COMMIT; an error rolls the
// migration back. Rollback plugs its integrity checks in here.
using BeforeCommitCheck =
    std::function<Result<void>(const Roles& roles, const Migration& migration)>;

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
  Clock clock;
  bool ignore_column_order = false;  // [baseline] column_order = "ignore": in every schema hash
};

// "user@host" of this process.
std::string default_applied_by();

// --- validate -------------------------------------------------------------

// kRollingBack: a no-transaction down script stopped part-way.
enum class ProblemKind { kChanged, kMissing, kOutOfOrder, kRollingBack };

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

// kPartial: a no-transaction up script stopped part-way (RUNNING);
// kRollingBack: a no-transaction down script did (ROLLING_BACK).
enum class State {
  kApplied,
  kPending,
  kFailed,
  kChanged,
  kMissing,
  kRolledBack,
  kPartial,
  kRollingBack
};

// "applied", "pending", "failed", "changed", "missing", "rolled back", "partial",
// "rolling back".
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
  std::string schema_hash;  // after it (up scripts); empty when not recorded
};

// kEach: every migration's schema hash before and after it, with a snapshot
// (one schema read per migration, inside its transaction: what exact
// restoration checks against). kRun: only before the first and after the
// last migration of a run (catching up hundreds of migrations). kOff: none.
enum class SchemaHashes { kEach, kRun, kOff };

struct ApplyOptions {
  RunOptions run;
  std::optional<std::string> to;  // apply up to and including this version
  bool allow_out_of_order = false;
  // apply --require-validated: when set, called under the deploy lock with
  // the pending migrations (in the order they would run) and the schema hash
  // before the first; an error refuses the run (nothing run).
  std::function<Result<void>(const std::vector<const Migration*>& pending,
                             const std::string& schema_hash)>
      require_validated;
  // Which schema hashes the history records (see SchemaHashes).
  SchemaHashes schema_hashes = SchemaHashes::kEach;
  // Called after each migration commits, and when one fails (the error it
  // returns), e.g. to send webhooks.
  std::function<void(const Migration&, const Applied&)> on_applied;
  std::function<void(const Migration&, const Error&)> on_failed;
  // Warnings about what runs (an empty up script), one line each.
  std::function<void(const std::string&)> warn;
  // Runs an operation migration (Format::kOperations; keel/expand.h's start, under the deploy
  // lock apply holds, given the history apply read). Returns true when the migration ran to
  // its end (apply --complete: start, complete, finalize) and apply goes on; false when it is
  // left active, and apply stops after it. Unset: apply refuses operation migrations.
  std::function<Result<bool>(const Migration& migration, const std::vector<HistoryRow>& history)>
      run_operations;
};

// Takes the deploy lock, validates (a problem is a kGateFailed error), then
// runs each pending migration in version order, each in its own transaction
// (or statement by statement for no-transaction migrations). Returns what
// ran; an empty list when everything was applied already.
Result<std::vector<Applied>> apply(const Roles& db, const std::vector<Migration>& files,
                                   const ApplyOptions& options);

// keel apply|rollback --mark-statement-done VERSION:N: records that
// statements 1 to N of the script a stopped run of VERSION was in (the up
// script of a RUNNING or FAILED row with kUp, the down script of a
// ROLLING_BACK row with kDown), as the file is now, have taken effect, so the
// next run continues with statement N+1 (N = 0: from the first statement).
// Refuses (kUsage, nothing written) a spec that is not VERSION:N, a version
// with no such row or no file, N above the statements completed + 1 (it would
// skip a statement that never ran) or above the script's statement count.
enum class MarkDirection { kUp, kDown };
struct Marked {
  std::string version;
  std::string path;  // the script
  int done = 0;      // statements now recorded as done
  int total = 0;
  std::string next;  // "line 4: CREATE INDEX ..." of the next statement; empty when none
};
Result<Marked> mark_statements_done(const Roles& db, const std::vector<Migration>& files,
                                    const std::string& spec, MarkDirection direction,
                                    const RunOptions& options);

// Connection draining before destructive DDL.
struct DrainOptions {
  std::chrono::milliseconds timeout{30000};
  bool terminate_idle_in_transaction = false;
  std::chrono::milliseconds idle_in_transaction_timeout{10000};
  bool force = false;  // end active sessions still in the way when the timeout runs out
};

struct DrainReport {
  std::vector<std::string> relations;  // what was watched
  int64_t waited_ms = 0;
  std::vector<SessionInLock> terminated;
};

// Waits until no other session holds or waits for a lock on `relations`,
// printing who is in the way; ends sessions idle in a transaction for longer
// than the idle timeout when asked to, and (force) the rest when the timeout
// runs out. Without force, sessions still there at the timeout are a
// kGateFailed error naming them.
// `clock` paces the polling (every 100 ms).
Result<DrainReport> drain(LockObserver& locks, const std::vector<std::string>& relations,
                          const DrainOptions& options, const Progress& progress,
                          const Clock& clock = {});

struct RollbackOptions {
  RunOptions run;
  std::optional<int> steps;           // default 1
  std::optional<std::string> to;      // roll back every applied version above this one
  IntegrityConfig integrity;          // checked before COMMIT
  std::optional<DrainOptions> drain;  // unset: no draining
};

struct RollbackReport {
  // Nothing was changed: an integrity check failed (findings say which) or
  // draining ran out of time. abort_reason says so in one line.
  bool aborted = false;
  std::string abort_reason;
  // Aborted, but not everything is as before: a rollback that had to go one
  // migration at a time (abort_reason says what stayed changed).
  bool partial = false;
  std::vector<Applied> rolled_back;
  bool one_transaction = true;  // false when a down script had to run outside a transaction
  std::optional<DrainReport> drained;
  std::vector<IntegrityFinding> findings;  // every check run, passed or not
  IntegrityScope integrity_scope;          // what those checks covered
  // Exact restoration: the hash recorded for the version rolled back to
  // (after it was applied; before the oldest rolled-back one when nothing
  // remains), and the hash now. expected is empty when no hash was recorded.
  std::string expected_hash;
  std::string actual_hash;
  std::string target_version;  // the version applied last of those still applied; empty: none
  // Why expected_hash is empty although hashes were recorded; empty otherwise.
  std::string unchecked_reason;
  std::vector<std::string> restoration_differences;  // when the hashes differ and can be named
  int64_t elapsed_ms = 0;

  bool restored() const { return expected_hash.empty() || expected_hash == actual_hash; }
};

// Runs down scripts of applied migrations, the last applied first (an
// out-of-order migration where it ran, not where its version sorts), in one transaction
// (each in its own when one cannot run in a transaction), marking rows
// ROLLED_BACK. Refuses, running nothing, when a needed down script is
// missing. Before COMMIT the integrity checks run in the same transaction;
// a failing one rolls everything back and the report is `aborted` (data,
// schema and history unchanged); so is a drain that runs out of time. After COMMIT the
// schema hash is compared with the one recorded for the version rolled back
// to (see RollbackReport; the caller decides what a mismatch means).
Result<RollbackReport> rollback(const Roles& db, const std::vector<Migration>& files,
                                const RollbackOptions& options);

}  // namespace keel::migrate
