// PostgreSQL migrations: the deploy lock, the history table and running the
// statements of migration files, through one Session (session.cc: the
// driver, and every error masked).
#include "dialects/postgres/migrator.h"

#include <fmt/format.h>
#include <pg_query.h>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <atomic>
#include <cctype>
#include <chrono>
#include <condition_variable>
#include <functional>
#include <mutex>
#include <string>
#include <thread>

#include "dialects/postgres/conninfo.h"
#include "dialects/postgres/driver.h"
#include "dialects/postgres/in_session.h"
#include "dialects/postgres/rollback_guard.h"
#include "dialects/postgres/session.h"
#include "keel/plan.h"
#include "util/quote.h"

namespace keel::pg {
// The parse tree of one statement (libpg_query's JSON), null when it does
// not parse: then the server reports the error when the statement runs.
nlohmann::json parse_statement(const std::string& sql) {
  PgQueryParseResult result = pg_query_parse(sql.c_str());
  nlohmann::json tree;
  if (result.error == nullptr && result.parse_tree != nullptr) {
    tree = nlohmann::json::parse(result.parse_tree, nullptr, false);
  }
  pg_query_free_parse_result(result);
  if (tree.is_discarded()) return nullptr;
  return tree;
}

namespace {

using std::chrono::milliseconds;

// The key of the session-level advisory lock every keel apply/rollback on a
// database takes ("keel" and 1). Advisory locks are per database.
constexpr int64_t kDeployLockKey = 0x6b65656c00000001;
constexpr milliseconds kLockPoll{200};

// keel's schema and tables: the driver's names (driver.cc).
std::string history_table() { return quote_qualified(driver().keel.schema, driver().keel.history); }
std::string snapshot_table() {
  return quote_qualified(driver().keel.schema, driver().keel.snapshots);
}
// Snapshots kept: those the newest history rows' hashes refer to.
constexpr int kSnapshotsKept = 20;

std::string duration_text(milliseconds ms) {
  if (ms.count() % 1000 == 0) return fmt::format("{}s", ms.count() / 1000);
  return fmt::format("{}ms", ms.count());
}

// Lines before the 1-based character `position` of `sql`.
int lines_before(std::string_view sql, int position) {
  int lines = 0;
  int chars = 0;
  for (char c : sql) {
    if ((static_cast<unsigned char>(c) & 0xC0) != 0x80 && ++chars >= position) break;
    if (c == '\n') ++lines;
  }
  return lines;
}

// Each top-level statement node: {"IndexStmt": {...}}.
std::vector<std::pair<std::string, nlohmann::json>> statement_nodes(const std::string& sql) {
  std::vector<std::pair<std::string, nlohmann::json>> out;
  nlohmann::json tree = parse_statement(sql);
  if (!tree.is_object() || !tree.contains("stmts")) return out;
  for (const auto& stmt : tree["stmts"]) {
    if (!stmt.contains("stmt") || !stmt["stmt"].is_object() || stmt["stmt"].empty()) continue;
    auto it = stmt["stmt"].begin();
    out.emplace_back(it.key(), it.value());
  }
  return out;
}

// The DefElem named `name` in an option list, null when absent.
const nlohmann::json* option(const nlohmann::json& body, std::string_view list,
                             std::string_view name) {
  auto it = body.find(std::string(list));
  if (it == body.end() || !it->is_array()) return nullptr;
  for (const auto& item : *it) {
    if (item.contains("DefElem") && item["DefElem"].value("defname", "") == name) {
      return &item["DefElem"];
    }
  }
  return nullptr;
}

// An option given as false ("create_slot = false", "refresh = off", "= 0").
bool option_false(const nlohmann::json* def) {
  if (def == nullptr || !def->contains("arg")) return false;
  const nlohmann::json& arg = (*def)["arg"];
  if (arg.contains("String")) {
    std::string v = arg["String"].value("sval", "");
    for (char& c : v) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return v == "false" || v == "off" || v == "no" || v == "0";
  }
  if (arg.contains("Boolean")) return !arg["Boolean"].value("boolval", false);
  if (arg.contains("Integer")) return arg["Integer"].value("ival", 0) == 0;
  return false;
}

// The statements PostgreSQL refuses inside a transaction block
// (PreventInTransactionBlock in its source), from the parse tree alone.
// Not told apart here: CLUSTER of a partitioned table (PostgreSQL 15+
// refuses it in a transaction) and DROP SUBSCRIPTION of a subscription
// without a replication slot (run outside a transaction like the rest).
bool refuses_transaction_block(const std::string& kind, const nlohmann::json& body) {
  if (kind == "IndexStmt" || kind == "DropStmt") return body.value("concurrent", false);
  if (kind == "ReindexStmt") {
    // REINDEX SCHEMA / DATABASE / SYSTEM commit per table.
    const std::string what = body.value("kind", "");
    if (what == "REINDEX_OBJECT_SCHEMA" || what == "REINDEX_OBJECT_DATABASE" ||
        what == "REINDEX_OBJECT_SYSTEM") {
      return true;
    }
    return option(body, "params", "concurrently") != nullptr &&
           !option_false(option(body, "params", "concurrently"));
  }
  // ANALYZE parses as a VacuumStmt too, and may run in a transaction.
  if (kind == "VacuumStmt") return body.value("is_vacuumcmd", false);
  // ALTER TABLE ... DETACH PARTITION ... CONCURRENTLY (PostgreSQL 14+).
  if (kind == "AlterTableStmt" && body.contains("cmds")) {
    for (const auto& cmd : body["cmds"]) {
      if (!cmd.contains("AlterTableCmd")) continue;
      const auto& c = cmd["AlterTableCmd"];
      if (c.value("subtype", "") == "AT_DetachPartition" && c.contains("def") &&
          c["def"].contains("PartitionCmd") &&
          c["def"]["PartitionCmd"].value("concurrent", false)) {
        return true;
      }
    }
    return false;
  }
  // CLUSTER without a table: every table clustered before, each committed.
  if (kind == "ClusterStmt") return !body.contains("relation");
  // ALTER DATABASE ... SET TABLESPACE moves its files.
  if (kind == "AlterDatabaseStmt") return option(body, "options", "tablespace") != nullptr;
  // A subscription that creates (the default) or drops a replication slot,
  // or refreshes its publications (the default of SET/ADD/DROP PUBLICATION).
  if (kind == "CreateSubscriptionStmt") {
    return !option_false(option(body, "options", "connect")) &&
           !option_false(option(body, "options", "create_slot"));
  }
  if (kind == "DropSubscriptionStmt") return true;
  if (kind == "AlterSubscriptionStmt") {
    const std::string what = body.value("kind", "");
    if (what == "ALTER_SUBSCRIPTION_REFRESH") return true;
    if (what == "ALTER_SUBSCRIPTION_SET_PUBLICATION" ||
        what == "ALTER_SUBSCRIPTION_ADD_PUBLICATION" ||
        what == "ALTER_SUBSCRIPTION_DROP_PUBLICATION") {
      return !option_false(option(body, "options", "refresh"));
    }
    return false;
  }
  if (kind == "DiscardStmt") return body.value("target", "") == "DISCARD_ALL";
  if (kind == "TransactionStmt") {
    const std::string what = body.value("kind", "");
    return what == "TRANS_STMT_COMMIT_PREPARED" || what == "TRANS_STMT_ROLLBACK_PREPARED";
  }
  return kind == "CreatedbStmt" || kind == "DropdbStmt" || kind == "CreateTableSpaceStmt" ||
         kind == "DropTableSpaceStmt" || kind == "AlterSystemStmt";
}

// `sql` without its CONCURRENTLY keyword (outside quotes and comments), and
// an option list "( )" left empty by removing it; empty when there is none.
std::string without_concurrently(const std::string& sql) {
  static constexpr std::string_view kWord = "concurrently";
  auto word_char = [](char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '_'; };
  for (size_t i = 0; i < sql.size(); ++i) {
    char c = sql[i];
    if (c == '\'' || c == '"') {
      size_t end = sql.find(c, i + 1);
      if (end == std::string::npos) return {};
      i = end;
    } else if (c == '-' && i + 1 < sql.size() && sql[i + 1] == '-') {
      i = sql.find('\n', i);
      if (i == std::string::npos) return {};
    } else if (c == '/' && i + 1 < sql.size() && sql[i + 1] == '*') {
      i = sql.find("*/", i + 2);
      if (i == std::string::npos) return {};
      ++i;
    } else if ((i == 0 || !word_char(sql[i - 1])) && i + kWord.size() <= sql.size()) {
      bool match = i + kWord.size() == sql.size() || !word_char(sql[i + kWord.size()]);
      for (size_t k = 0; match && k < kWord.size(); ++k) {
        match = std::tolower(static_cast<unsigned char>(sql[i + k])) == kWord[k];
      }
      if (!match) continue;
      std::string out = sql.substr(0, i);
      out += sql.substr(i + kWord.size());
      // "INDEX CONCURRENTLY ON" -> "INDEX ON", not "INDEX  ON".
      if (i > 0 && i < out.size() && out[i - 1] == ' ' && out[i] == ' ') out.erase(i, 1);
      // "REINDEX (CONCURRENTLY) TABLE t" -> "REINDEX () TABLE t" -> "REINDEX  TABLE t"
      size_t open = out.rfind('(', i);
      if (open != std::string::npos) {
        size_t close = out.find_first_not_of(" \t\n", open + 1);
        if (close != std::string::npos && out[close] == ')' &&
            out.find_first_not_of(" \t\n", open + 1) == close) {
          out.erase(open, close - open + 1);
        }
      }
      return out;
    }
  }
  return {};
}

// While a statement of a dry run waits, another session polls for the
// sessions blocking it (pg_blocking_pids), so that a lock_timeout can name
// them: once the statement is cancelled, pg_locks no longer shows who it
// waited for.
class BlockerWatch {
 public:
  // Connects now, so that no statement's measured time includes it; without
  // a second session the reports just name no blockers.
  BlockerWatch(const ConnectionUrl& url, int pid) : pid_(pid) {
    if (auto session = pg::Session::open(url)) session_ = std::move(*session);
  }
  ~BlockerWatch() { stop(); }

  void start() {
    stop();
    {
      std::lock_guard lock(mutex_);
      seen_.clear();
    }
    running_ = true;
    thread_ = std::thread([this] { poll(); });
  }
  // Stops polling; the blockers seen while it ran.
  std::vector<plan::Blocker> stop() {
    {
      // Under the mutex, so the poller cannot miss the wake-up between its
      // check and its wait: stop() returns at once, not after a poll interval
      // (the statement's measured time includes it).
      std::lock_guard lock(mutex_);
      running_ = false;
    }
    wake_.notify_all();
    if (thread_.joinable()) thread_.join();
    std::lock_guard lock(mutex_);
    return seen_;
  }

 private:
  void poll() {
    if (!session_) return;
    while (running_) {
      auto r = session_->exec(
          "SELECT a.pid, coalesce(a.state, ''), coalesce(a.query, ''),"
          " coalesce(a.application_name, ''),"
          " coalesce((extract(epoch FROM now() - a.xact_start) * 1000)::bigint, 0)"
          " FROM pg_catalog.pg_stat_activity a"
          " WHERE a.pid = ANY (pg_catalog.pg_blocking_pids($1)) ORDER BY a.pid",
          {std::to_string(pid_)});
      // Without a second session the report just names no blockers.
      if (!r) return;
      if (!r->empty()) {
        std::vector<plan::Blocker> now;
        for (const auto& row : *r) {
          now.push_back(
              {static_cast<int>(row.int64(0)), row.str(1), row.str(2), row.str(3), row.int64(4)});
        }
        std::lock_guard lock(mutex_);
        seen_ = std::move(now);
      }
      std::unique_lock lock(mutex_);
      wake_.wait_for(lock, milliseconds(50), [this] { return !running_; });
    }
  }

  int pid_;
  std::unique_ptr<pg::Session> session_;
  std::atomic<bool> running_{false};
  std::thread thread_;
  std::mutex mutex_;
  std::condition_variable wake_;
  std::vector<plan::Blocker> seen_;
};

// Both the migration session (apply, rollback) and the dry-run session
// (plan): the dry run adds savepoints and observation to the same
// statement runner.
class PgMigrationTarget final : public plan::PlanTarget {
 public:
  explicit PgMigrationTarget(std::unique_ptr<pg::Session> session)
      : session_(std::move(session)), url_(session_->url()) {}

  // Dry runs watch for blocking sessions while each statement runs.
  void watch_blockers() { watch_ = std::make_unique<BlockerWatch>(url_, session_->backend_pid()); }

  ~PgMigrationTarget() override {
    rollback();
    unlock();
  }

  // Session settings: notices are not printed by libpqxx, and (PostgreSQL
  // 14+) a backend whose client died stops within seconds, releasing the
  // deploy lock instead of finishing a long statement for nobody.
  // reset_session() applies them again after RESET ALL: every setting keel
  // pins on this session belongs in this one statement.
  std::string session_settings_sql() const {
    std::string sql =
        "SELECT set_config('client_min_messages', 'warning', false), "
        "set_config('application_name', 'keel', false)";
    if (session_->server_version() >= 140000) {
      sql += ", set_config('client_connection_check_interval', '2s', false)";
    }
    return sql;
  }

  Result<void> setup() { return simple(session_settings_sql()); }

  // What a migration may have changed in the session, undone; then keel's
  // settings again. Session advisory locks (the deploy lock) survive it.
  std::string reset_sql() const {
    return "RESET ALL; RESET SESSION AUTHORIZATION; RESET ROLE; DISCARD TEMP; " +
           session_settings_sql();
  }

  Result<void> reset_session() override {
    if (!in_transaction_) {
      // Sent with the next begin() (one round trip less per migration).
      reset_pending_ = true;
      return {};
    }
    // RESET ALL also undid the transaction's SET LOCAL timeouts.
    if (auto ok = simple(fmt::format(
            "{}; SET LOCAL lock_timeout = {}; SET LOCAL statement_timeout = {}", reset_sql(),
            tx_timeouts_.lock_timeout.count(), tx_timeouts_.statement_timeout.count()));
        !ok) {
      return ok;
    }
    // Until COMMIT: a ROLLBACK brings the state from before it back.
    reset_pending_ = true;
    reset_in_tx_ = true;
    return {};
  }

  Dialect dialect() const override { return driver(); }
  const std::string& label() const override { return url_.masked; }

  Result<void> lock(milliseconds wait) override {
    auto deadline = std::chrono::steady_clock::now() + wait;
    for (;;) {
      auto got =
          session_->flag("SELECT pg_try_advisory_lock($1)", {std::to_string(kDeployLockKey)});
      if (!got) return std::unexpected(got.error());
      if (*got) {
        locked_ = true;
        return {};
      }
      auto now = std::chrono::steady_clock::now();
      if (now >= deadline) {
        return fail(ErrorCode::kConnection,
                    fmt::format("another keel apply holds the deploy lock on {}; waited {}; run "
                                "again when it finishes, or wait longer with --lock-wait",
                                url_.masked, duration_text(wait)),
                    url_.masked);
      }
      std::this_thread::sleep_for(
          std::min<milliseconds>(kLockPoll, std::chrono::ceil<milliseconds>(deadline - now)));
    }
  }

  void unlock() override {
    if (!locked_) return;
    locked_ = false;
    // On failure the lock goes with the session when the connection closes.
    (void)session_->exec("SELECT pg_advisory_unlock($1)", {std::to_string(kDeployLockKey)});
  }

  Result<void> ensure_history() override {
    if (auto ok = simple("CREATE SCHEMA IF NOT EXISTS " + quote_identifier(driver().keel.schema));
        !ok) {
      return ok;
    }
    if (auto ok = simple("CREATE TABLE IF NOT EXISTS " + history_table() + R"( (
  version text PRIMARY KEY,
  name text NOT NULL,
  checksum text NOT NULL,
  applied_at timestamptz NOT NULL DEFAULT now(),
  applied_by text NOT NULL,
  status text NOT NULL CHECK (status IN ('RUNNING', 'SUCCESS', 'FAILED', 'ROLLED_BACK',
    'ROLLING_BACK')),
  execution_ms bigint NOT NULL DEFAULT 0,
  statements_applied integer NOT NULL DEFAULT 0,
  statements_total integer NOT NULL DEFAULT 0,
  error text,
  keel_version text NOT NULL,
  schema_hash_before text,
  schema_hash_after text,
  change_seq bigint,
  completed_statements text,
  phase text,
  operation_progress text
))");
        !ok) {
      return ok;
    }
    // Tables made before change_seq, phase and operation_progress existed
    // (checked first: ALTER TABLE would lock the table on every run).
    if (auto ok = simple(fmt::format(
            "DO $keel$ BEGIN IF NOT EXISTS (SELECT 1 FROM pg_catalog.pg_attribute WHERE attrelid "
            "= {0}::regclass AND attname = 'change_seq' AND NOT attisdropped) THEN ALTER TABLE {1} "
            "ADD COLUMN change_seq bigint; END IF; IF NOT EXISTS (SELECT 1 FROM "
            "pg_catalog.pg_attribute WHERE attrelid = {0}::regclass AND attname = "
            "'operation_progress' AND NOT attisdropped) THEN ALTER TABLE {1} ADD COLUMN IF NOT "
            "EXISTS phase text, ADD COLUMN IF NOT EXISTS operation_progress text; END IF; END "
            "$keel$",
            quote_literal(history_table()), history_table()));
        !ok) {
      return ok;
    }
    auto completed = has_completed_column();
    if (!completed) return std::unexpected(completed.error());
    if (!*completed) {
      if (auto ok = upgrade_history(); !ok) return ok;
    }
    return simple("CREATE TABLE IF NOT EXISTS " + snapshot_table() +
                  " (schema_hash text PRIMARY KEY, canonical text NOT NULL, created_at "
                  "timestamptz NOT NULL DEFAULT now())");
  }

  Result<void> save_snapshot(const std::string& hash, const std::string& canonical) override {
    if (auto ok = session_->exec("INSERT INTO " + snapshot_table() +
                                     " (schema_hash, canonical) VALUES ($1, $2) ON CONFLICT "
                                     "(schema_hash) DO NOTHING",
                                 {hash, canonical});
        !ok) {
      return std::unexpected(ok.error());
    }
    auto pruned =
        session_->exec(fmt::format("DELETE FROM {0} s WHERE s.schema_hash <> $1 AND NOT EXISTS "
                                   "(SELECT 1 FROM (SELECT schema_hash_before, schema_hash_after "
                                   "FROM {1} ORDER BY applied_at DESC LIMIT {2}) h WHERE "
                                   "s.schema_hash IN (h.schema_hash_before, h.schema_hash_after))",
                                   snapshot_table(), history_table(), kSnapshotsKept),
                       {hash});
    if (!pruned) return std::unexpected(pruned.error());
    return {};
  }

  Result<std::optional<std::string>> load_snapshot(const std::string& hash) override {
    auto r = session_->exec("SELECT canonical FROM " + snapshot_table() + " WHERE schema_hash = $1",
                            {hash});
    if (!r) return std::unexpected(r.error());
    if (r->empty()) return std::optional<std::string>();
    return std::optional<std::string>((*r)[0].str(0));
  }

  Result<std::vector<migrate::HistoryRow>> history() override {
    std::vector<migrate::HistoryRow> rows;
    auto missing = session_->flag("SELECT to_regclass($1) IS NULL", {history_table()});
    if (!missing) return std::unexpected(missing.error());
    if (*missing) return rows;
    // A table an older keel made, not upgraded yet (status reads without
    // the deploy lock): no completed statements recorded.
    auto completed = has_completed_column();
    if (!completed) return std::unexpected(completed.error());
    auto has_seq = has_history_column("change_seq");
    if (!has_seq) return std::unexpected(has_seq.error());
    auto has_phase = has_history_column("operation_progress");
    if (!has_phase) return std::unexpected(has_phase.error());
    auto r = session_->exec(
        "SELECT version, name, checksum, "
        "to_char(applied_at AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"'), "
        "applied_by, status, execution_ms, statements_applied, statements_total, "
        "coalesce(error, ''), keel_version, schema_hash_before, schema_hash_after, " +
        std::string(*has_seq ? "coalesce(change_seq, 0), " : "0, ") +
        std::string(*completed ? "completed_statements, " : "NULL, ") +
        std::string(*has_phase ? "phase, operation_progress" : "NULL, NULL") + " FROM " +
        history_table());
    if (!r) return std::unexpected(r.error());
    for (const TextRow& row : *r) {
      migrate::HistoryRow h;
      h.version = row.str(0);
      h.name = row.str(1);
      h.checksum = row.str(2);
      h.applied_at = row.str(3);
      h.applied_by = row.str(4);
      h.status = migrate::parse_row_status(row.str(5)).value_or(migrate::RowStatus::kFailed);
      h.execution_ms = row.int64(6);
      h.statements_applied = static_cast<int>(row.int64(7));
      h.statements_total = static_cast<int>(row.int64(8));
      h.error = row.str(9);
      h.keel_version = row.str(10);
      if (!row.is_null(11)) h.schema_hash_before = row.str(11);
      if (!row.is_null(12)) h.schema_hash_after = row.str(12);
      h.change_seq = row.int64(13);
      if (!row.is_null(14)) h.completed = migrate::parse_completed(row.str(14));
      if (!row.is_null(15)) h.phase = row.str(15);
      if (!row.is_null(16)) {
        h.operations = migrate::parse_progress(row.str(16)).value_or(h.operations);
      }
      rows.push_back(std::move(h));
    }
    return rows;
  }

  Result<void> begin(const migrate::Timeouts& timeouts) override {
    // One round trip: at 1,000 small migrations, each saved trip is ~5% of
    // apply's time. The values are integers (milliseconds), not literals.
    // A pending reset_session() goes inside the transaction: a ROLLBACK
    // undoes it, so it stays pending until a COMMIT.
    in_transaction_ = true;
    tx_timeouts_ = timeouts;
    reset_in_tx_ = reset_pending_;
    return simple(
        fmt::format("BEGIN; {}SET LOCAL lock_timeout = {}; SET LOCAL statement_timeout = {}",
                    reset_pending_ ? reset_sql() + "; " : "", timeouts.lock_timeout.count(),
                    timeouts.statement_timeout.count()));
  }

  Result<void> commit() override {
    in_transaction_ = false;
    if (auto ok = simple("COMMIT"); !ok) return ok;
    if (reset_in_tx_) reset_pending_ = false;
    reset_in_tx_ = false;
    return {};
  }

  void rollback() override {
    if (!in_transaction_) return;
    in_transaction_ = false;
    reset_in_tx_ = false;
    // A broken connection has no transaction left to end.
    (void)session_->exec("ROLLBACK");
  }

  Result<void> set_session_timeouts(const migrate::Timeouts& timeouts) override {
    if (auto ok = flush_reset(); !ok) return ok;
    return session_->set_timeouts(timeouts.lock_timeout, timeouts.statement_timeout,
                                  /*local=*/false);
  }

  Result<void> execute(const migrate::Statement& statement, const std::string& path) override {
    if (auto ok = flush_reset(); !ok) return ok;
    last_rows_ = 0;
    last_blockers_.clear();
    struct Watching {
      BlockerWatch* watch;
      std::vector<plan::Blocker>& out;
      explicit Watching(BlockerWatch* w, std::vector<plan::Blocker>& o) : watch(w), out(o) {
        if (watch != nullptr) watch->start();
      }
      ~Watching() {
        if (watch != nullptr) out = watch->stop();
      }
    } watching(watch_.get(), last_blockers_);
    auto r = session_->exec(statement.sql);
    if (r) {
      last_rows_ = r->affected;
      return {};
    }
    // The error's context is the statement's line (of a syntax error: the
    // line it points at).
    Error error = r.error();
    int position = session_->last_error_position();
    int line = statement.line + (position > 0 ? lines_before(statement.sql, position) : 0);
    error.context = fmt::format("{}:{}", path, line);
    return std::unexpected(std::move(error));
  }

  Result<void> record(const migrate::HistoryRow& row) override {
    auto done = session_->exec(
        "INSERT INTO " + history_table() +
            " AS h (version, name, checksum, applied_at, applied_by, status, execution_ms,"
            " statements_applied, statements_total, error, keel_version,"
            " schema_hash_before, schema_hash_after, completed_statements, phase,"
            " operation_progress, change_seq)"
            " VALUES ($1, $2, $3, now(), $4, $5, $6, $7, $8, NULLIF($9, ''), $10,"
            " NULLIF($11, ''), NULLIF($12, ''), $13, NULLIF($14, ''), $15,"
            " (SELECT coalesce(max(change_seq), 0) + 1 FROM " +
            history_table() +
            "))"
            " ON CONFLICT (version) DO UPDATE SET name = EXCLUDED.name,"
            " checksum = EXCLUDED.checksum, applied_at = EXCLUDED.applied_at,"
            " applied_by = EXCLUDED.applied_by, status = EXCLUDED.status,"
            " execution_ms = EXCLUDED.execution_ms,"
            " statements_applied = EXCLUDED.statements_applied,"
            " statements_total = EXCLUDED.statements_total, error = EXCLUDED.error,"
            " keel_version = EXCLUDED.keel_version,"
            " schema_hash_before = EXCLUDED.schema_hash_before,"
            " schema_hash_after = EXCLUDED.schema_hash_after,"
            " completed_statements = EXCLUDED.completed_statements,"
            " phase = EXCLUDED.phase, operation_progress = EXCLUDED.operation_progress,"
            // A new status: the row moves to the end of the order.
            " change_seq = CASE WHEN h.status = EXCLUDED.status AND h.change_seq IS NOT NULL"
            " THEN h.change_seq ELSE EXCLUDED.change_seq END",
        {row.version, row.name, row.checksum, row.applied_by,
         std::string(migrate::row_status_name(row.status)), std::to_string(row.execution_ms),
         std::to_string(row.statements_applied), std::to_string(row.statements_total), row.error,
         row.keel_version, row.schema_hash_before.value_or(""), row.schema_hash_after.value_or(""),
         row.completed ? Param(migrate::completed_to_json(*row.completed)) : Param(), row.phase,
         row.operations.empty() ? Param() : Param(migrate::progress_to_json(row.operations))});
    if (!done) return std::unexpected(done.error());
    return {};
  }

  bool changes_schema(const migrate::Statement& statement) const override {
    auto nodes = statement_nodes(statement.sql);
    if (nodes.empty()) return true;  // unparsable: assume it does
    return std::any_of(nodes.begin(), nodes.end(), [](const auto& node) {
      return node.first != "InsertStmt" && node.first != "UpdateStmt" &&
             node.first != "DeleteStmt" && node.first != "MergeStmt";
    });
  }

  bool refuses_transaction(const migrate::Statement& statement) const override {
    // Every statement refuses_transaction_block() accepts names one of these
    // words; the parse is skipped for the rest.
    std::string upper(statement.sql);
    for (char& c : upper) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    bool candidate = false;
    for (std::string_view word : {"CONCURRENTLY", "VACUUM", "DATABASE", "TABLESPACE", "SYSTEM",
                                  "REINDEX", "CLUSTER", "SUBSCRIPTION", "DISCARD", "PREPARED"}) {
      candidate = candidate || upper.find(word) != std::string::npos;
    }
    if (!candidate) return false;
    for (const auto& [kind, body] : statement_nodes(statement.sql)) {
      if (refuses_transaction_block(kind, body)) return true;
    }
    return false;
  }

  bool is_lock_timeout(const Error& error) const override { return error.sqlstate == "55P03"; }

  // --- the dry run (keel plan) ---

  Result<void> savepoint(const std::string& name) override {
    return simple("SAVEPOINT " + quote_identifier(name));
  }
  Result<void> rollback_to(const std::string& name) override {
    return simple("ROLLBACK TO SAVEPOINT " + quote_identifier(name));
  }
  Result<void> release(const std::string& name) override {
    return simple("RELEASE SAVEPOINT " + quote_identifier(name));
  }

  int64_t last_rows() const override { return last_rows_; }
  bool observes_locks() const override { return true; }
  std::vector<plan::Blocker> last_blockers() const override { return last_blockers_; }

  Result<std::vector<plan::RelationLock>> relation_locks() override {
    auto r = session_->exec(
        "SELECT n.nspname || '.' || c.relname, l.mode FROM pg_catalog.pg_locks l"
        " JOIN pg_catalog.pg_class c ON c.oid = l.relation"
        " JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace"
        " WHERE l.pid = pg_catalog.pg_backend_pid() AND l.locktype = 'relation' AND l.granted"
        " AND n.nspname <> 'information_schema' AND n.nspname !~ '^pg_'"
        " ORDER BY 1, 2");
    if (!r) return std::unexpected(r.error());
    std::vector<plan::RelationLock> out;
    for (const auto& row : *r) out.push_back({row.str(0), row.str(1)});
    return out;
  }

  Result<std::map<std::string, plan::Storage>> storage() override {
    auto r = session_->exec(
        "SELECT n.nspname || '.' || c.relname, c.relfilenode::text, c.reltuples::bigint,"
        " c.relkind = 'r' FROM pg_catalog.pg_class c"
        " JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace"
        " WHERE c.relkind IN ('r', 'i', 'm') AND n.nspname <> 'information_schema'"
        " AND n.nspname !~ '^pg_'");
    if (!r) return std::unexpected(r.error());
    std::map<std::string, plan::Storage> out;
    for (const auto& row : *r) {
      // Rows of indexes do not count; a table never analyzed is -1 (unknown).
      out[row.str(0)] = {row.str(1), row.boolean(3) ? row.int64(2) : 0};
    }
    return out;
  }

  Result<int64_t> count_rows(const std::string& relation) override {
    size_t dot = relation.find('.');
    if (dot == std::string::npos) return int64_t{0};
    auto r = session_->exec("SELECT count(*) FROM " +
                            quote_qualified(relation.substr(0, dot), relation.substr(dot + 1)));
    if (!r) return std::unexpected(r.error());
    return (*r)[0].int64(0);
  }

  Result<Manifest> schema() override {
    if (!in_transaction_) {
      // Outside a migration's transaction: one read-only snapshot of its own,
      // not read under what the last migration set.
      if (auto ok = flush_reset(); !ok) return std::unexpected(ok.error());
      if (auto ok = simple("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY"); !ok) {
        return std::unexpected(ok.error());
      }
      auto manifest = [&]() -> Result<Manifest> {
        if (auto ok = simple("SET LOCAL statement_timeout = 0"); !ok) {
          return std::unexpected(ok.error());
        }
        return inspect_session(*session_, CaptureOptions{default_settings()});
      }();
      if (auto ok = simple("ROLLBACK"); !ok) return std::unexpected(ok.error());
      return manifest;
    }
    if (auto ok = savepoint("keel_plan_inspect"); !ok) return std::unexpected(ok.error());
    // The migration's statement timeout is not meant for keel's own catalog
    // reads; the savepoint's rollback restores it.
    if (auto ok = simple("SET LOCAL statement_timeout = 0"); !ok) {
      return std::unexpected(ok.error());
    }
    auto manifest = inspect_session(*session_, CaptureOptions{default_settings()});
    if (auto ok = rollback_to("keel_plan_inspect"); !ok) return std::unexpected(ok.error());
    if (auto ok = release("keel_plan_inspect"); !ok) return std::unexpected(ok.error());
    return manifest;
  }

  Result<migrate::IntegrityCatalog> integrity_catalog(
      const migrate::IntegrityScope& scope) override {
    return pg::integrity_catalog(*session_, scope);
  }
  std::string default_schema() const override { return "public"; }
  Result<bool> table_exists(const std::string& schema, const std::string& table) override {
    return pg::table_exists(*session_, schema, table);
  }
  std::string table_sql(const std::string& schema, const std::string& table) const override {
    return quote_qualified(schema, table);
  }
  std::string foreign_key_sql(const migrate::ForeignKeyRef& key) const override {
    return orphans_sql(key);
  }
  std::string relation_sql(const migrate::ForeignKeyRef& relation) const override {
    return orphans_sql(relation);
  }
  std::string check_constraint_sql(const migrate::CheckConstraintRef& check) const override {
    return violations_sql(check);
  }
  Result<int64_t> count(const std::string& sql) override {
    return count_check(*session_, in_transaction_, sql);
  }

  Result<migrate::IntegrityScope> integrity_scope(
      const std::vector<migrate::Statement>& statements) override {
    return pg::integrity_scope(*session_, statements);
  }

  Result<std::vector<std::string>> relations_of(
      const std::vector<migrate::Statement>& statements) override {
    return pg::relations_of(*session_, statements);
  }

  Result<std::vector<migrate::SessionInLock>> sessions_in_lock(
      const std::vector<std::string>& relations) override {
    return pg::sessions_in_lock(*session_, relations);
  }

  Result<bool> terminate(int pid) override { return terminate_backend(*session_, pid); }

  Result<std::string> explain(const std::string& query) override {
    if (auto ok = savepoint("keel_plan_explain"); !ok) return std::unexpected(ok.error());
    auto text = [&]() -> Result<std::string> {
      auto r = session_->exec("EXPLAIN (ANALYZE, BUFFERS) " + query);
      if (!r) return std::unexpected(r.error());
      std::string out;
      for (const auto& row : *r) {
        out += row.view(0);
        out += '\n';
      }
      return out;
    }();
    if (auto ok = rollback_to("keel_plan_explain"); !ok) return std::unexpected(ok.error());
    if (auto ok = release("keel_plan_explain"); !ok) return std::unexpected(ok.error());
    return text;
  }

  Result<std::pair<int64_t, int64_t>> temp_usage() override {
    // This session's counters reach pg_stat_database when it goes idle
    // after a forced flush; the next statement reads a fresh snapshot.
    if (auto ok = simple("SELECT pg_catalog.pg_stat_force_next_flush()"); !ok) {
      return std::unexpected(ok.error());
    }
    auto r = session_->exec(
        "SELECT temp_files, temp_bytes"
        " FROM pg_catalog.pg_stat_database WHERE datname = pg_catalog.current_database()");
    if (!r) return std::unexpected(r.error());
    if (r->empty()) return std::pair<int64_t, int64_t>{0, 0};
    return std::pair<int64_t, int64_t>{(*r)[0].int64(0), (*r)[0].int64(1)};
  }

  bool adds_enum_value(const migrate::Statement& statement) const override {
    auto nodes = statement_nodes(statement.sql);
    return nodes.size() == 1 && nodes[0].first == "AlterEnumStmt" &&
           nodes[0].second.contains("newVal") && !nodes[0].second.contains("oldVal");
  }

  Result<std::map<std::string, std::string>> sequence_positions() override {
    // pg_sequences.last_value is NULL before the first nextval() and
    // without the privilege to read the sequence.
    auto r = session_->exec(
        "SELECT schemaname || '.' || sequencename, COALESCE(last_value::text, 'unused')"
        " FROM pg_catalog.pg_sequences"
        " WHERE schemaname <> 'information_schema' AND schemaname !~ '^pg_'");
    if (!r) return std::unexpected(r.error());
    std::map<std::string, std::string> out;
    for (const auto& row : *r) out[row.str(0)] = row.str(1);
    return out;
  }

  std::optional<std::string> in_transaction_equivalent(
      const migrate::Statement& statement) const override {
    std::string sql = without_concurrently(statement.sql);
    if (sql.empty()) return std::nullopt;
    auto nodes = statement_nodes(sql);
    if (nodes.empty()) return std::nullopt;
    for (const auto& [kind, body] : nodes) {
      if (refuses_transaction_block(kind, body)) return std::nullopt;
    }
    return sql;
  }

  Result<std::string> drop_invalid_index(const migrate::Statement& statement) override {
    for (const auto& [kind, body] : statement_nodes(statement.sql)) {
      if (kind != "IndexStmt" || !body.value("concurrent", false)) continue;
      std::string index = body.value("idxname", "");
      if (index.empty() || !body.contains("relation")) continue;  // unnamed: cannot tell
      const auto& relation = body["relation"];
      std::string table =
          quote_qualified(relation.value("schemaname", ""), relation.value("relname", ""));
      auto dropped = [&]() -> Result<std::string> {
        auto r = session_->exec(
            "SELECT n.nspname, c.relname FROM pg_catalog.pg_index i"
            " JOIN pg_catalog.pg_class c ON c.oid = i.indexrelid"
            " JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace"
            " WHERE NOT i.indisvalid AND c.relname = $1 AND i.indrelid = to_regclass($2)",
            {index, table});
        if (!r) return std::unexpected(r.error());
        if (r->empty()) return std::string();
        std::string name = quote_qualified((*r)[0].str(0), (*r)[0].str(1));
        if (auto ok = simple("DROP INDEX CONCURRENTLY IF EXISTS " + name); !ok) {
          return std::unexpected(ok.error());
        }
        return name;
      }();
      if (!dropped || !dropped->empty()) return dropped;
    }
    return std::string();
  }

  Result<DoneCheck> already_done(const migrate::Statement& statement) override {
    DoneCheck check;
    auto nodes = statement_nodes(statement.sql);
    if (nodes.size() != 1 || nodes[0].first != "IndexStmt") return check;
    const nlohmann::json& wanted = nodes[0].second;
    std::string index = wanted.value("idxname", "");
    if (index.empty() || !wanted.contains("relation")) return check;  // unnamed: cannot tell
    const auto& relation = wanted["relation"];
    std::string table =
        quote_qualified(relation.value("schemaname", ""), relation.value("relname", ""));
    auto r = session_->exec(
        "SELECT n.nspname || '.' || c.relname, i.indisvalid, pg_catalog.pg_get_indexdef(c.oid)"
        " FROM pg_catalog.pg_index i"
        " JOIN pg_catalog.pg_class c ON c.oid = i.indexrelid"
        " JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace"
        " WHERE c.relname = $1 AND i.indrelid = to_regclass($2)",
        {index, table});
    if (!r) return std::unexpected(r.error());
    if (r->empty()) return check;
    std::string name = (*r)[0].str(0);
    std::string definition = (*r)[0].str(2);
    if (!(*r)[0].boolean(1)) {
      check.detail = fmt::format("index {} exists but is INVALID", name);
      return check;
    }
    auto existing = statement_nodes(definition);
    if (existing.size() == 1 && existing[0].first == "IndexStmt" &&
        comparable_index(existing[0].second) == comparable_index(wanted)) {
      check.done = true;
      check.detail = fmt::format("index {} is VALID with the same definition", name);
    } else {
      check.detail = fmt::format("index {} exists with another definition: {}", name, definition);
    }
    return check;
  }

 private:
  // The parts of a CREATE INDEX parse tree that define the index, in the
  // form pg_get_indexdef gives them: no positions, CONCURRENTLY, IF NOT
  // EXISTS, table (matched by the lookup) or tablespace; ASC and the default
  // NULLS order spelled as the defaults.
  static nlohmann::json comparable_index(nlohmann::json tree) {
    for (const char* key : {"concurrent", "if_not_exists", "relation", "tableSpace", "idxname"}) {
      tree.erase(key);
    }
    std::function<void(nlohmann::json&)> strip = [&](nlohmann::json& node) {
      if (node.is_object()) {
        node.erase("location");
        if (node.contains("IndexElem")) {
          nlohmann::json& elem = node["IndexElem"];
          std::string ordering = elem.value("ordering", "SORTBY_DEFAULT");
          if (ordering == "SORTBY_ASC") ordering = "SORTBY_DEFAULT";
          std::string nulls = elem.value("nulls_ordering", "SORTBY_NULLS_DEFAULT");
          if ((ordering == "SORTBY_DEFAULT" && nulls == "SORTBY_NULLS_LAST") ||
              (ordering == "SORTBY_DESC" && nulls == "SORTBY_NULLS_FIRST")) {
            nulls = "SORTBY_NULLS_DEFAULT";
          }
          elem["ordering"] = ordering;
          elem["nulls_ordering"] = nulls;
        }
        for (auto& [key, value] : node.items()) strip(value);
      } else if (node.is_array()) {
        for (auto& value : node) strip(value);
      }
    };
    strip(tree);
    return tree;
  }

  // Whether the history table has `column` (tables older keels made lack
  // completed_statements, change_seq, phase and operation_progress).
  Result<bool> has_history_column(const std::string& column) {
    return session_->flag(
        "SELECT EXISTS (SELECT 1 FROM pg_catalog.pg_attribute WHERE attrelid = "
        "to_regclass($1) AND attname = $2 AND NOT attisdropped)",
        {history_table(), column});
  }

  // Whether the history table has the completed_statements column (the
  // statements of a stopped run).
  Result<bool> has_completed_column() { return has_history_column("completed_statements"); }

  // Upgrades a history table an older keel made, in place and in one
  // transaction: the completed_statements column, and ROLLING_BACK allowed
  // in the status CHECK. REQUIRES: the deploy lock.
  Result<void> upgrade_history() {
    return session_->transaction([&]() -> Result<void> {
      if (auto ok = simple("ALTER TABLE " + history_table() +
                           " ADD COLUMN IF NOT EXISTS completed_statements text");
          !ok) {
        return ok;
      }
      auto checks = session_->exec(
          "SELECT c.conname FROM pg_catalog.pg_constraint c JOIN pg_catalog.pg_attribute a ON "
          "a.attrelid = c.conrelid AND a.attname = 'status' WHERE c.conrelid = to_regclass($1) "
          "AND c.contype = 'c' AND c.conkey = ARRAY[a.attnum]",
          {history_table()});
      if (!checks) return std::unexpected(checks.error());
      for (const TextRow& check : *checks) {
        if (auto ok = simple("ALTER TABLE " + history_table() + " DROP CONSTRAINT " +
                             quote_identifier(check.str(0)));
            !ok) {
          return ok;
        }
      }
      return simple("ALTER TABLE " + history_table() + " ADD CONSTRAINT " +
                    quote_identifier(std::string(driver().keel.history) + "_status_check") +
                    " CHECK (status IN ('RUNNING', 'SUCCESS', 'FAILED', 'ROLLED_BACK', "
                    "'ROLLING_BACK'))");
    });
  }

  Result<void> simple(const std::string& sql) {
    auto done = session_->exec(sql);
    if (!done) return std::unexpected(done.error());
    return {};
  }

  // A reset_session() deferred outside a transaction, done now (committed
  // at once).
  Result<void> flush_reset() {
    if (!reset_pending_ || in_transaction_) return {};
    if (auto ok = simple(reset_sql()); !ok) return ok;
    reset_pending_ = false;
    return {};
  }

  std::unique_ptr<pg::Session> session_;
  ConnectionUrl url_;
  bool locked_ = false;
  bool in_transaction_ = false;
  migrate::Timeouts tx_timeouts_;  // the open transaction's
  bool reset_pending_ = false;     // reset_session() not yet committed
  bool reset_in_tx_ = false;       // the open transaction holds that reset
  int64_t last_rows_ = 0;
  std::vector<plan::Blocker> last_blockers_;
  std::unique_ptr<BlockerWatch> watch_;
};

Result<std::unique_ptr<PgMigrationTarget>> open_target(const ConnectionUrl& url) {
  auto session = pg::Session::open(url);
  if (!session) return std::unexpected(session.error());
  auto target = std::make_unique<PgMigrationTarget>(std::move(*session));
  if (auto ok = target->setup(); !ok) return std::unexpected(ok.error());
  return target;
}

}  // namespace

Result<std::unique_ptr<migrate::MigrationTarget>> open_migration_target(const ConnectionUrl& url) {
  auto target = open_target(url);
  if (!target) return std::unexpected(target.error());
  return std::unique_ptr<migrate::MigrationTarget>(std::move(*target));
}

Result<std::unique_ptr<plan::PlanTarget>> open_plan_target(const ConnectionUrl& url) {
  auto target = open_target(url);
  if (!target) return std::unexpected(target.error());
  (*target)->watch_blockers();
  return std::unique_ptr<plan::PlanTarget>(std::move(*target));
}

}  // namespace keel::pg
