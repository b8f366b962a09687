// An in-memory fake of the database roles (include/keel/migrate.h, plan.h),
// for unit tests of the executor: no server, no file, no real time.
//
// Its "database" understands a tiny statement language, enough for schema
// hashes, rollbacks and row counts (case-insensitive, one statement each):
//   CREATE TABLE t            adds table public.t (42P07 when it exists)
//   DROP TABLE t              removes it (42P01 when missing)
//   CREATE TABLE IF NOT EXISTS t / DROP TABLE IF EXISTS t    without the errors
//   CREATE INDEX [CONCURRENTLY] i ON t    adds index i to t
//   DROP INDEX [CONCURRENTLY] i           removes it
//   INSERT INTO t ...         one more row in t (42P01 when missing)
//   DELETE FROM t             every row of t gone
//   VACUUM ...                nothing (refuses a transaction, like CONCURRENTLY)
//   ERROR ...                 always fails (SQLSTATE 42601)
// Anything else runs and changes nothing. The schema (schema()) holds the
// tables and indexes, so its hash changes exactly when they do.
//
// Transactions are real: begin() copies the committed state, commit()
// installs the copy, rollback() drops it; savepoints copy it too. Outside a
// transaction every statement and record() commits at once.
//
// Failures are injected per instance (see the "inject" section) and time is
// a FakeClock: a slow statement advances it, backoff and drain polling sleep
// on it, and nothing really waits.
#pragma once

#include <chrono>
#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "dialects/sqlite/driver.h"
#include "keel/migrate.h"
#include "keel/plan.h"

namespace keel::fake {

// Simulated steady time; sleeps are recorded and advance it.
class FakeClock {
 public:
  std::chrono::steady_clock::time_point now() const { return now_; }
  void advance(std::chrono::milliseconds by) { now_ += by; }
  // The delays the executor slept, in order.
  const std::vector<std::chrono::milliseconds>& sleeps() const { return sleeps_; }
  int64_t elapsed_ms() const;
  // A migrate::Clock reading and sleeping on this one.
  migrate::Clock clock();

 private:
  std::chrono::steady_clock::time_point now_{};
  std::vector<std::chrono::milliseconds> sleeps_;
};

// A session in the way of a drain: returned by sessions_in_lock() until it
// is terminated or (when set) `leaves_after` has passed on the clock.
struct FakeBlocker {
  migrate::SessionInLock session;
  std::optional<std::chrono::milliseconds> leaves_after;
};

class FakeDatabase final : public plan::PlanTarget {
 public:
  explicit FakeDatabase(FakeClock& clock) : clock_(clock) {}

  // --- inject --------------------------------------------------------------
  // The n-th call of execute() (1-based, every call counted, retries too)
  // fails with a lock timeout (SQLSTATE 55P03) instead of running.
  void lock_timeout_on_call(int n) { lock_timeout_calls_.insert(n); }
  // The next `times` executions of `sql` fail with a lock timeout.
  void lock_timeout_on(const std::string& sql, int times) { lock_timeouts_[sql] = times; }
  // After `n` more statements have run successfully the connection is lost:
  // the open transaction is gone and every later call fails (kConnection,
  // SQLSTATE 08006) until reconnect().
  void lose_connection_after(int n) { lose_after_ = executed_ok_ + n; }
  // A new connection (the next run): calls work again.
  void reconnect() {
    lost_ = false;
    lose_after_.reset();
  }
  // `sql` takes `duration` of (simulated) time; longer than the statement
  // timeout in force, it fails with SQLSTATE 57014 once the timeout passed.
  void slow_statement(const std::string& sql, std::chrono::milliseconds duration) {
    slow_[sql] = duration;
  }
  // The integrity catalog (IntegrityChecks): a foreign key whose check
  // counts `orphans`, in a scope that is whole or names its table or its
  // parent ("public.t"); a NOT VALID CHECK counting `violating`, in a scope
  // naming its table. Their SQL is the fake's own ("COUNT KEY ORPHANS ...",
  // "COUNT VIOLATIONS ...", see foreign_key_sql()).
  void add_foreign_key(const migrate::ForeignKeyRef& key, int64_t orphans);
  void add_unvalidated_check(const migrate::CheckConstraintRef& check, int64_t violating);
  // What count(sql) returns for `sql` (keel.toml's checks and relations);
  // counting any SQL the fake was given no value for fails with kSql.
  void count_of(const std::string& sql, int64_t value) { counts_[sql] = value; }
  // A failing integrity check in every scope, whose count is `count`
  // (expected 0): kind "foreign key" a key named `name` ("schema.table.
  // constraint", from its column id to the same table's id), any other
  // kind a NOT VALID CHECK of that name (a bare name: on public.t).
  void integrity_finding(const std::string& kind, const std::string& name, int64_t count);
  // A session holding a lock on the relations it names.
  void add_blocker(const FakeBlocker& blocker) { blockers_.push_back(blocker); }
  // Another process holds the deploy lock: lock() waits `wait` and fails.
  void hold_deploy_lock_elsewhere(bool held) { lock_held_elsewhere_ = held; }

  // --- observe -------------------------------------------------------------
  // Committed state.
  std::set<std::string> tables() const;
  int64_t rows(const std::string& table) const;
  std::vector<migrate::HistoryRow> committed_history() const;
  std::optional<migrate::HistoryRow> committed_row(const std::string& version) const;
  // Every statement that ran successfully, in order (rolled back ones too).
  const std::vector<std::string>& executed() const { return executed_; }
  int execute_calls() const { return execute_calls_; }
  const std::vector<int>& terminated() const { return terminated_; }
  int commits() const { return commits_; }
  bool in_transaction() const { return tx_.has_value(); }
  bool locked() const { return locked_; }
  std::vector<migrate::Timeouts> begun_with() const { return begun_with_; }

  // --- StatementRules ------------------------------------------------------
  Dialect dialect() const override { return sqlite::driver(); }  // ';' splits statements
  bool refuses_transaction(const migrate::Statement& statement) const override;
  bool changes_schema(const migrate::Statement& statement) const override;
  bool is_lock_timeout(const Error& error) const override { return error.sqlstate == "55P03"; }
  std::optional<std::string> in_transaction_equivalent(
      const migrate::Statement& statement) const override;

  // --- Session ---------------------------------------------------------------
  const std::string& label() const override { return label_; }
  Result<void> begin(const migrate::Timeouts& timeouts) override;
  Result<void> commit() override;
  void rollback() override;
  Result<void> savepoint(const std::string& name) override;
  Result<void> rollback_to(const std::string& name) override;
  Result<void> release(const std::string& name) override;
  Result<void> set_session_timeouts(const migrate::Timeouts& timeouts) override;
  Result<void> reset_session() override;
  Result<void> execute(const migrate::Statement& statement, const std::string& path) override;
  int64_t last_rows() const override { return last_rows_; }
  Result<Manifest> schema() override;

  // --- DeployLock ------------------------------------------------------------
  Result<void> lock(std::chrono::milliseconds wait) override;
  void unlock() override { locked_ = false; }

  // --- HistoryStore ----------------------------------------------------------
  Result<void> ensure_history() override;
  Result<std::vector<migrate::HistoryRow>> history() override;
  Result<void> record(const migrate::HistoryRow& row) override;
  Result<void> save_snapshot(const std::string& hash, const std::string& canonical) override;
  Result<std::optional<std::string>> load_snapshot(const std::string& hash) override;

  // --- Recovery ----------------------------------------------------------------
  Result<std::string> drop_invalid_index(const migrate::Statement& statement) override;
  Result<DoneCheck> already_done(const migrate::Statement& statement) override;

  // --- IntegrityChecks ---------------------------------------------------------
  Result<migrate::IntegrityScope> integrity_scope(
      const std::vector<migrate::Statement>& statements) override;
  Result<migrate::IntegrityCatalog> integrity_catalog(
      const migrate::IntegrityScope& scope) override;
  std::string default_schema() const override { return "public"; }
  // True for "public" and a table of the fake's schema.
  Result<bool> table_exists(const std::string& schema, const std::string& table) override;
  std::string table_sql(const std::string& schema, const std::string& table) const override {
    return schema + "." + table;
  }
  // "COUNT KEY ORPHANS public.c (a_id) -> public.a (id)"
  std::string foreign_key_sql(const migrate::ForeignKeyRef& key) const override;
  // "COUNT ORPHANS public.c (a_id) -> public.a (id)"
  std::string relation_sql(const migrate::ForeignKeyRef& relation) const override;
  // "COUNT VIOLATIONS public.t CHECK (x > 0)"
  std::string check_constraint_sql(const migrate::CheckConstraintRef& check) const override;
  Result<int64_t> count(const std::string& sql) override;

  // --- LockObserver ------------------------------------------------------------
  Result<std::vector<std::string>> relations_of(
      const std::vector<migrate::Statement>& statements) override;
  Result<std::vector<migrate::SessionInLock>> sessions_in_lock(
      const std::vector<std::string>& relations) override;
  Result<bool> terminate(int pid) override;

  // --- PlanObserver ------------------------------------------------------------
  bool observes_locks() const override { return false; }
  Result<std::vector<plan::RelationLock>> relation_locks() override { return {}; }
  Result<std::map<std::string, plan::Storage>> storage() override { return {}; }
  Result<int64_t> count_rows(const std::string& relation) override;
  std::vector<plan::Blocker> last_blockers() const override { return {}; }
  Result<std::string> explain(const std::string& query) override { return "fake plan: " + query; }
  Result<std::pair<int64_t, int64_t>> temp_usage() override {
    return std::pair<int64_t, int64_t>{};
  }

 private:
  struct State {
    std::map<std::string, std::set<std::string>> tables;  // table -> its indexes
    std::map<std::string, int64_t> rows;
    bool history_exists = false;
    std::map<std::string, migrate::HistoryRow> history;  // by version as written
    std::map<std::string, std::string> snapshots;
  };
  State& state() { return tx_ ? *tx_ : committed_; }
  Result<void> alive() const;
  Result<void> run(const std::string& sql, const std::string& context);

  FakeClock& clock_;
  std::string label_ = "fake://db";
  State committed_;
  std::optional<State> tx_;
  std::map<std::string, State> savepoints_;
  migrate::Timeouts session_timeouts_;
  std::optional<migrate::Timeouts> tx_timeouts_;
  std::vector<migrate::Timeouts> begun_with_;
  int64_t last_rows_ = 0;
  int64_t change_seq_ = 0;
  int commits_ = 0;
  bool locked_ = false;
  bool lock_held_elsewhere_ = false;

  int execute_calls_ = 0;
  int executed_ok_ = 0;
  std::vector<std::string> executed_;
  std::set<int> lock_timeout_calls_;
  std::map<std::string, int> lock_timeouts_;
  std::optional<int> lose_after_;
  bool lost_ = false;
  std::map<std::string, std::chrono::milliseconds> slow_;
  // The integrity catalog; `true`: in every scope.
  std::vector<std::pair<migrate::ForeignKeyRef, bool>> foreign_keys_;
  std::vector<std::pair<migrate::CheckConstraintRef, bool>> unvalidated_checks_;
  std::map<std::string, int64_t> counts_;
  std::vector<FakeBlocker> blockers_;
  std::vector<int> terminated_;
};

}  // namespace keel::fake
