// SQLite migrations: the deploy lock (an exclusive flock on a sidecar file,
// since SQLite has no advisory locks), the history table, and running the
// statements of migration files through Session. SQLite's DDL is
// transactional, so every migration but VACUUM runs in one transaction.
#include "dialects/sqlite/migrator.h"

#include <fcntl.h>
#include <fmt/format.h>

#include <sys/file.h>
#include <unistd.h>
#include <charconv>

#include <cctype>
#include <cerrno>
#include <chrono>
#include <cstring>
#include <filesystem>
#include <map>
#include <thread>

#include "dialects/sqlite/driver.h"
#include "dialects/sqlite/inspect.h"
#include "dialects/sqlite/session.h"
#include "util/quote.h"

namespace keel::sqlite {
namespace {

using std::chrono::milliseconds;

constexpr std::string_view kHistoryTable = "keel_schema_migrations";
constexpr std::string_view kSnapshotTable = "keel_schema_snapshots";
constexpr milliseconds kLockPoll{100};
// Snapshots kept: those the newest history hashes (before and after) refer to.
constexpr int kSnapshotsKept = 40;

bool parse_int(const std::string& text, int64_t& out) {
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), out);
  return ec == std::errc() && end == text.data() + text.size();
}

// The first keyword of a statement, upper-cased, after comments.
std::string first_keyword(std::string_view sql) {
  size_t i = 0;
  while (i < sql.size()) {
    if (std::isspace(static_cast<unsigned char>(sql[i]))) {
      ++i;
    } else if (sql.substr(i, 2) == "--") {
      i = sql.find('\n', i);
      if (i == std::string_view::npos) return {};
    } else if (sql.substr(i, 2) == "/*") {
      i = sql.find("*/", i + 2);
      if (i == std::string_view::npos) return {};
      i += 2;
    } else {
      break;
    }
  }
  std::string word;
  while (i < sql.size() && std::isalpha(static_cast<unsigned char>(sql[i]))) {
    word += static_cast<char>(std::toupper(static_cast<unsigned char>(sql[i++])));
  }
  return word;
}

// The per-connection PRAGMAs a migration may set that change how the next
// one runs; reset_session() puts them back as they were when keel opened the
// file. Pragmas stored in the database file (journal_mode, user_version,
// application_id, auto_vacuum, page_size) are a migration's effect, not
// session state, and stay; so do cache_size and other tuning pragmas.
constexpr std::string_view kSessionPragmas[] = {"foreign_keys",
                                                "defer_foreign_keys",
                                                "recursive_triggers",
                                                "legacy_alter_table",
                                                "ignore_check_constraints",
                                                "query_only",
                                                "writable_schema",
                                                "trusted_schema",
                                                "automatic_index",
                                                "reverse_unordered_selects",
                                                "cell_size_check"};

// The migration session (apply, rollback) and the dry-run session (plan).
class SqliteMigrationTarget final : public plan::PlanTarget {
 public:
  SqliteMigrationTarget(std::unique_ptr<sqlite::Session> session, ConnectionUrl url)
      : session_(std::move(session)), url_(std::move(url)) {}

  // The session PRAGMAs' values now, for reset_session().
  Result<void> setup() {
    for (std::string_view pragma : kSessionPragmas) {
      auto value = session_->rows(fmt::format("PRAGMA {}", pragma));
      if (!value) return std::unexpected(value.error());
      int64_t number = 0;
      // A pragma this SQLite build lacks returns no row: nothing to restore.
      if (value->empty() || value->front().empty() || !value->front()[0] ||
          !parse_int(*value->front()[0], number)) {
        continue;
      }
      initial_pragmas_.emplace_back(pragma, number);
    }
    return {};
  }

  // PRAGMA foreign_keys is a no-op inside a transaction: reset before
  // begin() it takes effect; inside one it cannot have changed.
  Result<void> reset_session() override {
    for (const auto& [pragma, value] : initial_pragmas_) {
      if (auto ok = run(fmt::format("PRAGMA {} = {}", pragma, value), url_.path); !ok) return ok;
    }
    return {};
  }

  ~SqliteMigrationTarget() override {
    rollback();
    unlock();
  }

  Dialect dialect() const override { return driver(); }
  const std::string& label() const override { return url_.masked; }

  Result<void> lock(milliseconds wait) override {
    std::string path = url_.path + ".keel-lock";
    int fd = ::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
    if (fd < 0) {
      return fail(ErrorCode::kIo,
                  fmt::format("cannot open the deploy lock file: {}; check that its directory is "
                              "writable",
                              std::strerror(errno)),
                  path);
    }
    auto deadline = std::chrono::steady_clock::now() + wait;
    while (::flock(fd, LOCK_EX | LOCK_NB) != 0) {
      auto now = std::chrono::steady_clock::now();
      if (errno != EWOULDBLOCK || now >= deadline) {
        int err = errno;
        ::close(fd);
        if (err != EWOULDBLOCK) {
          return fail(ErrorCode::kIo, fmt::format("cannot lock: {}", std::strerror(err)), path);
        }
        return fail(ErrorCode::kConnection,
                    fmt::format("another keel apply holds the deploy lock on {}; waited {}; run "
                                "again when it finishes, or wait longer with --lock-wait",
                                url_.masked, duration_text(wait)),
                    path);
      }
      std::this_thread::sleep_for(
          std::min<milliseconds>(kLockPoll, std::chrono::ceil<milliseconds>(deadline - now)));
    }
    lock_fd_ = fd;
    // Another process (the application) may hold the database's write lock: the history's
    // statements wait for it as long as --lock-wait says, not SQLite's default. Each
    // migration's begin() sets its own lock timeout.
    session_->set_busy_timeout(std::max(wait, milliseconds(1)));
    return {};
  }

  void unlock() override {
    if (lock_fd_ < 0) return;
    ::flock(lock_fd_, LOCK_UN);
    ::close(lock_fd_);
    lock_fd_ = -1;
  }

  Result<void> ensure_history() override {
    auto exists = history_exists();
    if (!exists) return std::unexpected(exists.error());
    if (!*exists) {
      auto made = session_->exec(history_ddl(kHistoryTable));
      if (!made) return made;
    } else if (auto has = has_completed_column(); !has) {
      return std::unexpected(has.error());
    } else if (!*has) {
      if (auto ok = upgrade_history(); !ok) return ok;
    }
    // Tables made before change_seq existed.
    auto has_seq = session_->rows("SELECT 1 FROM pragma_table_info(?1) WHERE name = 'change_seq'",
                                  {std::string(kHistoryTable)});
    if (!has_seq) return std::unexpected(has_seq.error());
    if (has_seq->empty()) {
      auto added = session_->exec("ALTER TABLE " + quote_identifier(kHistoryTable) +
                                  " ADD COLUMN change_seq INTEGER");
      if (!added) return added;
    }
    // Tables made before phase and operation_progress existed.
    auto has_phase = has_phase_columns();
    if (!has_phase) return std::unexpected(has_phase.error());
    if (!*has_phase) {
      for (const char* column : {"phase", "operation_progress"}) {
        auto present = session_->rows("SELECT 1 FROM pragma_table_info(?1) WHERE name = ?2",
                                      {std::string(kHistoryTable), std::string(column)});
        if (!present) return std::unexpected(present.error());
        if (!present->empty()) continue;
        auto added = session_->exec("ALTER TABLE " + quote_identifier(kHistoryTable) +
                                    " ADD COLUMN " + quote_identifier(column) + " TEXT");
        if (!added) return added;
      }
    }
    return session_->exec("CREATE TABLE IF NOT EXISTS " + quote_identifier(kSnapshotTable) +
                          " (schema_hash TEXT PRIMARY KEY, canonical TEXT NOT NULL, created_at "
                          "TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ', 'now')))");
  }

  Result<void> save_snapshot(const std::string& hash, const std::string& canonical) override {
    auto saved = session_->rows("INSERT INTO " + quote_identifier(kSnapshotTable) +
                                    " (schema_hash, canonical) VALUES (?1, ?2) ON CONFLICT "
                                    "(schema_hash) DO NOTHING",
                                {hash, canonical});
    if (!saved) return std::unexpected(saved.error());
    auto pruned = session_->rows(
        fmt::format(
            "DELETE FROM {0} WHERE schema_hash <> ?1 AND schema_hash NOT IN (SELECT h FROM (SELECT "
            "schema_hash_before AS h, applied_at FROM {1} UNION ALL SELECT schema_hash_after, "
            "applied_at FROM {1}) WHERE h IS NOT NULL ORDER BY applied_at DESC LIMIT {2})",
            quote_identifier(kSnapshotTable), quote_identifier(kHistoryTable), kSnapshotsKept),
        {hash});
    if (!pruned) return std::unexpected(pruned.error());
    return {};
  }

  Result<std::optional<std::string>> load_snapshot(const std::string& hash) override {
    auto rows = session_->rows(
        "SELECT canonical FROM " + quote_identifier(kSnapshotTable) + " WHERE schema_hash = ?1",
        {hash});
    if (!rows) return std::unexpected(rows.error());
    if (rows->empty()) return std::optional<std::string>();
    return rows->front()[0];
  }

  Result<std::vector<migrate::HistoryRow>> history() override {
    std::vector<migrate::HistoryRow> out;
    auto exists = history_exists();
    if (!exists) return std::unexpected(exists.error());
    if (!*exists) return out;
    // A table an older keel made, not upgraded yet (status, validate and
    // plan read it as it is): no completed statements, no change_seq.
    auto completed = has_completed_column();
    if (!completed) return std::unexpected(completed.error());
    auto has_seq = session_->rows("SELECT 1 FROM pragma_table_info(?1) WHERE name = 'change_seq'",
                                  {std::string(kHistoryTable)});
    if (!has_seq) return std::unexpected(has_seq.error());
    auto has_phase = has_phase_columns();
    if (!has_phase) return std::unexpected(has_phase.error());
    auto rows = session_->rows(
        "SELECT version, name, checksum, applied_at, applied_by, status, execution_ms, "
        "statements_applied, statements_total, coalesce(error, ''), keel_version, "
        "schema_hash_before, schema_hash_after, " +
        std::string(has_seq->empty() ? "0, " : "coalesce(change_seq, 0), ") +
        std::string(*completed ? "completed_statements, " : "NULL, ") +
        std::string(*has_phase ? "phase, operation_progress" : "NULL, NULL") + " FROM " +
        quote_identifier(kHistoryTable));
    if (!rows) return std::unexpected(rows.error());
    for (const Row& row : *rows) {
      auto text = [&](size_t i) { return row[i].value_or(""); };
      auto number = [&](size_t i) {
        int64_t value = 0;
        std::string s = text(i);
        std::from_chars(s.data(), s.data() + s.size(), value);
        return value;
      };
      migrate::HistoryRow h;
      h.version = text(0);
      h.name = text(1);
      h.checksum = text(2);
      h.applied_at = text(3);
      h.applied_by = text(4);
      h.status = migrate::parse_row_status(text(5)).value_or(migrate::RowStatus::kFailed);
      h.execution_ms = number(6);
      h.statements_applied = static_cast<int>(number(7));
      h.statements_total = static_cast<int>(number(8));
      h.error = text(9);
      h.keel_version = text(10);
      h.schema_hash_before = row[11];
      h.schema_hash_after = row[12];
      h.change_seq = number(13);
      if (row[14]) h.completed = migrate::parse_completed(*row[14]);
      h.phase = row[15];
      if (row[16]) h.operations = migrate::parse_progress(*row[16]).value_or(h.operations);
      out.push_back(std::move(h));
    }
    return out;
  }

  // The lock timeout is SQLite's busy timeout; the statement timeout is
  // Session's progress-handler deadline.
  Result<void> begin(const migrate::Timeouts& timeouts) override {
    set_session_timeouts(timeouts);
    if (auto ok = run("BEGIN IMMEDIATE", url_.path); !ok) return ok;
    in_transaction_ = true;
    return {};
  }

  Result<void> commit() override {
    in_transaction_ = false;
    return run("COMMIT", url_.path);
  }

  void rollback() override {
    if (!in_transaction_) return;
    in_transaction_ = false;
    (void)session_->exec("ROLLBACK");
  }

  Result<void> set_session_timeouts(const migrate::Timeouts& timeouts) override {
    session_->set_busy_timeout(timeouts.lock_timeout);
    session_->set_statement_timeout(timeouts.statement_timeout);
    statement_timeout_ = timeouts.statement_timeout;
    return {};
  }

  Result<void> execute(const migrate::Statement& statement, const std::string& path) override {
    last_rows_ = 0;
    auto done = run(statement.sql, fmt::format("{}:{}", path, statement.line));
    // sqlite3_changes64 keeps the count of the last DML: only trust it after one.
    std::string word = first_keyword(statement.sql);
    if (done && (word == "INSERT" || word == "UPDATE" || word == "DELETE" || word == "REPLACE")) {
      last_rows_ = session_->changes();
    }
    return done;
  }

  // --- the dry run (keel plan) ---

  Result<void> savepoint(const std::string& name) override {
    return run("SAVEPOINT " + quote_identifier(name), url_.path);
  }
  Result<void> rollback_to(const std::string& name) override {
    return run("ROLLBACK TO " + quote_identifier(name), url_.path);
  }
  Result<void> release(const std::string& name) override {
    return run("RELEASE " + quote_identifier(name), url_.path);
  }
  int64_t last_rows() const override { return last_rows_; }
  // SQLite locks the whole file, not relations, and has no storage ids.
  bool observes_locks() const override { return false; }
  Result<std::vector<plan::RelationLock>> relation_locks() override {
    return std::vector<plan::RelationLock>{};
  }
  Result<std::map<std::string, plan::Storage>> storage() override {
    return std::map<std::string, plan::Storage>{};
  }
  Result<int64_t> count_rows(const std::string& /*relation*/) override { return int64_t{0}; }
  // This connection sees its own uncommitted changes.
  Result<Manifest> schema() override { return inspect(*session_); }
  std::vector<plan::Blocker> last_blockers() const override { return {}; }
  Result<std::string> explain(const std::string& query) override {
    auto rows = session_->rows("EXPLAIN QUERY PLAN " + query);
    if (!rows) return std::unexpected(rows.error());
    std::string out;
    for (const Row& row : *rows) {
      out += row.empty() ? std::string() : row.back().value_or("");
      out += '\n';
    }
    return out;
  }
  Result<std::pair<int64_t, int64_t>> temp_usage() override {
    return std::pair<int64_t, int64_t>{0, 0};
  }
  std::optional<std::string> in_transaction_equivalent(
      const migrate::Statement& /*statement*/) const override {
    return std::nullopt;  // VACUUM has none
  }

  Result<void> record(const migrate::HistoryRow& row) override {
    auto done = session_->rows(
        "INSERT INTO " + quote_identifier(kHistoryTable) +
            " (version, name, checksum, applied_at, applied_by, status, execution_ms,"
            " statements_applied, statements_total, error, keel_version,"
            " schema_hash_before, schema_hash_after, completed_statements, phase,"
            " operation_progress, change_seq)"
            " VALUES (?1, ?2, ?3, strftime('%Y-%m-%dT%H:%M:%SZ', 'now'), ?4, ?5,"
            " CAST(?6 AS INTEGER), CAST(?7 AS INTEGER), CAST(?8 AS INTEGER), NULLIF(?9, ''),"
            " ?10, NULLIF(?11, ''), NULLIF(?12, ''), NULLIF(?13, ''), NULLIF(?14, ''), NULLIF(?15, "
            "''), (SELECT "
            "coalesce(max(change_seq), 0) + 1 FROM " +
            quote_identifier(kHistoryTable) +
            "))"
            " ON CONFLICT (version) DO UPDATE SET name = excluded.name,"
            " checksum = excluded.checksum, applied_at = excluded.applied_at,"
            " applied_by = excluded.applied_by, status = excluded.status,"
            " execution_ms = excluded.execution_ms,"
            " statements_applied = excluded.statements_applied,"
            " statements_total = excluded.statements_total, error = excluded.error,"
            " keel_version = excluded.keel_version,"
            " schema_hash_before = excluded.schema_hash_before,"
            " schema_hash_after = excluded.schema_hash_after,"
            " completed_statements = excluded.completed_statements,"
            " phase = excluded.phase, operation_progress = excluded.operation_progress,"
            // A new status: the row moves to the end of the order.
            " change_seq = CASE WHEN " +
            quote_identifier(kHistoryTable) + ".status = excluded.status AND " +
            quote_identifier(kHistoryTable) + ".change_seq IS NOT NULL THEN " +
            quote_identifier(kHistoryTable) + ".change_seq ELSE excluded.change_seq END",
        {row.version, row.name, row.checksum, row.applied_by, migrate::row_status_name(row.status),
         std::to_string(row.execution_ms), std::to_string(row.statements_applied),
         std::to_string(row.statements_total), row.error, row.keel_version,
         row.schema_hash_before.value_or(""), row.schema_hash_after.value_or(""),
         row.completed ? migrate::completed_to_json(*row.completed) : std::string(),
         row.phase.value_or(""),
         row.operations.empty() ? std::string() : migrate::progress_to_json(row.operations)});
    if (!done) return std::unexpected(done.error());
    return {};
  }

  bool changes_schema(const migrate::Statement& statement) const override {
    const std::string word = first_keyword(statement.sql);
    return word != "INSERT" && word != "UPDATE" && word != "DELETE" && word != "REPLACE";
  }

  bool refuses_transaction(const migrate::Statement& statement) const override {
    return first_keyword(statement.sql) == "VACUUM";
  }

  bool is_lock_timeout(const Error& /*error*/) const override { return last_busy_; }

  Result<std::string> drop_invalid_index(const migrate::Statement& /*statement*/) override {
    return std::string();  // SQLite builds indexes inside a transaction: none is left half-built
  }
  // Only VACUUM runs outside a transaction, and it leaves nothing to find.
  Result<DoneCheck> already_done(const migrate::Statement& /*statement*/) override {
    return DoneCheck{};
  }

  // SQLite's checks are not scoped: PRAGMA foreign_key_check reads every
  // table, and holds no per-table locks (the file is locked as a whole).
  Result<migrate::IntegrityScope> integrity_scope(
      const std::vector<migrate::Statement>& /*statements*/) override {
    migrate::IntegrityScope scope;
    scope.why = "SQLite: PRAGMA foreign_key_check reads every table";
    return scope;
  }

  // Every declared foreign key of the user's tables (PRAGMA
  // foreign_key_list), by table then key.
  Result<migrate::IntegrityCatalog> integrity_catalog(
      const migrate::IntegrityScope& /*scope*/) override {
    auto tables = session_->rows(
        "SELECT name FROM sqlite_schema WHERE type = 'table' AND name NOT LIKE 'sqlite\\_%' "
        "ESCAPE '\\' AND name NOT LIKE 'keel\\_%' ESCAPE '\\' ORDER BY name");
    if (!tables) return std::unexpected(tables.error());
    migrate::IntegrityCatalog catalog;
    for (const Row& table_row : *tables) {
      const std::string table = table_row[0].value_or("");
      auto keys = session_->rows(
          "SELECT id, \"table\", \"from\", coalesce(\"to\", '') FROM "
          "pragma_foreign_key_list(?1) ORDER BY id, seq",
          {table});
      if (!keys) return std::unexpected(keys.error());
      std::map<int64_t, migrate::ForeignKeyRef> by_id;
      for (const Row& key : *keys) {
        int64_t id = 0;
        parse_int(key[0].value_or("0"), id);
        migrate::ForeignKeyRef& ref = by_id[id];
        if (ref.table.empty()) {
          ref = {.schema = "main",
                 .table = table,
                 .parent_schema = "main",
                 .parent_table = key[1].value_or(""),
                 .id = id};
        }
        ref.columns.push_back(key[2].value_or(""));
        if (!key[3].value_or("").empty()) ref.parent_columns.push_back(key[3].value_or(""));
      }
      for (auto& [id, ref] : by_id) catalog.foreign_keys.push_back(std::move(ref));
    }
    return catalog;  // SQLite has no NOT VALID CHECK
  }
  std::string default_schema() const override { return "main"; }
  Result<bool> table_exists(const std::string& /*schema*/, const std::string& table) override {
    auto exists = session_->rows(
        "SELECT count(*) FROM sqlite_schema WHERE type IN ('table', 'view') AND name = ?1",
        {table});
    if (!exists) return std::unexpected(exists.error());
    return !exists->empty() && exists->front()[0].value_or("0") != "0";
  }
  // PostgreSQL's "public" is SQLite's "main".
  std::string table_sql(const std::string& schema, const std::string& table) const override {
    return schema == "main" || schema == "public" ? quote_identifier(table)
                                                  : quote_qualified(schema, table);
  }
  // SQLite's own check (NULL keys are not violations), counted per key.
  std::string foreign_key_sql(const migrate::ForeignKeyRef& key) const override {
    return fmt::format("SELECT count(*) FROM pragma_foreign_key_check({}) WHERE fkid = {}",
                       quote_literal(key.table), key.id);
  }
  std::string relation_sql(const migrate::ForeignKeyRef& relation) const override {
    return fmt::format(
        "SELECT count(*) FROM {} AS c WHERE c.{} IS NOT NULL AND NOT EXISTS (SELECT 1 FROM {} "
        "AS p WHERE p.{} = c.{})",
        table_sql(relation.schema, relation.table), quote_identifier(relation.columns.at(0)),
        table_sql(relation.parent_schema, relation.parent_table),
        quote_identifier(relation.parent_columns.at(0)), quote_identifier(relation.columns.at(0)));
  }
  std::string check_constraint_sql(const migrate::CheckConstraintRef& check) const override {
    return fmt::format("SELECT count(*) FROM {} WHERE NOT ({})",
                       table_sql(check.schema, check.table), check.expression);
  }
  Result<int64_t> count(const std::string& sql) override {
    auto rows = session_->rows(sql);
    if (!rows) return std::unexpected(rows.error());
    int64_t value = 0;
    if (rows->empty() || rows->front().empty() || !rows->front()[0] ||
        !parse_int(*rows->front()[0], value)) {
      return fail(ErrorCode::kSql, "the check must return one row with one integer column");
    }
    return value;
  }

  // One connection writes a SQLite database at a time (the deploy lock and
  // busy_timeout): there are no sessions to drain.
  Result<std::vector<std::string>> relations_of(
      const std::vector<migrate::Statement>& /*statements*/) override {
    return std::vector<std::string>{};
  }
  Result<std::vector<migrate::SessionInLock>> sessions_in_lock(
      const std::vector<std::string>& /*relations*/) override {
    return std::vector<migrate::SessionInLock>{};
  }
  Result<bool> terminate(int /*pid*/) override { return false; }

 private:
  static std::string history_ddl(std::string_view table) {
    return "CREATE TABLE " + quote_identifier(table) + R"( (
  version TEXT PRIMARY KEY,
  name TEXT NOT NULL,
  checksum TEXT NOT NULL,
  applied_at TEXT NOT NULL,
  applied_by TEXT NOT NULL,
  status TEXT NOT NULL CHECK (status IN ('RUNNING', 'SUCCESS', 'FAILED', 'ROLLED_BACK',
    'ROLLING_BACK')),
  execution_ms INTEGER NOT NULL DEFAULT 0,
  statements_applied INTEGER NOT NULL DEFAULT 0,
  statements_total INTEGER NOT NULL DEFAULT 0,
  error TEXT,
  keel_version TEXT NOT NULL,
  schema_hash_before TEXT,
  schema_hash_after TEXT,
  change_seq INTEGER,
  completed_statements TEXT,
  phase TEXT,
  operation_progress TEXT
))";
  }

  Result<bool> history_exists() {
    auto rows =
        session_->rows("SELECT 1 FROM main.sqlite_master WHERE type = 'table' AND name = ?1",
                       {std::string(kHistoryTable)});
    if (!rows) return std::unexpected(rows.error());
    return !rows->empty();
  }

  // Tables older keels made lack the completed_statements column.
  Result<bool> has_completed_column() {
    auto rows =
        session_->rows("SELECT 1 FROM pragma_table_info(?1) WHERE name = 'completed_statements'",
                       {std::string(kHistoryTable)});
    if (!rows) return std::unexpected(rows.error());
    return !rows->empty();
  }

  // Tables older keels made lack phase and operation_progress (added together).
  Result<bool> has_phase_columns() {
    auto rows =
        session_->rows("SELECT 1 FROM pragma_table_info(?1) WHERE name = 'operation_progress'",
                       {std::string(kHistoryTable)});
    if (!rows) return std::unexpected(rows.error());
    return !rows->empty();
  }

  // Upgrades a history table an older keel made: SQLite cannot change a
  // CHECK in place, so the table is rebuilt with the new column and
  // ROLLING_BACK allowed, its rows copied, in one transaction. REQUIRES: the
  // deploy lock.
  Result<void> upgrade_history() {
    static constexpr std::string_view kNew = "keel_schema_migrations_upgrade";
    const std::string columns =
        "version, name, checksum, applied_at, applied_by, status, execution_ms, "
        "statements_applied, statements_total, error, keel_version, schema_hash_before, "
        "schema_hash_after";
    if (auto ok = run("BEGIN IMMEDIATE", url_.path); !ok) return ok;
    for (const std::string& sql :
         {"DROP TABLE IF EXISTS " + quote_identifier(kNew), history_ddl(kNew),
          fmt::format("INSERT INTO {} ({}) SELECT {} FROM {}", quote_identifier(kNew), columns,
                      columns, quote_identifier(kHistoryTable)),
          "DROP TABLE " + quote_identifier(kHistoryTable),
          fmt::format("ALTER TABLE {} RENAME TO {}", quote_identifier(kNew),
                      quote_identifier(kHistoryTable))}) {
      if (auto ok = run(sql, url_.path); !ok) {
        (void)session_->exec("ROLLBACK");
        return ok;
      }
    }
    return run("COMMIT", url_.path);
  }

  // Runs a statement; failures carry SQLite's own message and `context`.
  Result<void> run(std::string_view sql, const std::string& context) {
    auto done = session_->rows(sql);
    last_busy_ = !done && session_->last_error_was_busy();
    if (done) return {};
    if (session_->last_error_was_timeout()) {
      return fail(ErrorCode::kSql,
                  fmt::format("canceling statement due to statement timeout ({}); raise it with "
                              "-- keel:statement-timeout or [migrations] statement_timeout",
                              duration_text(statement_timeout_)),
                  context);
    }
    return fail(ErrorCode::kSql,
                fmt::format("{} (sqlite error {})", session_->last_error_message(),
                            session_->last_error_code()),
                context);
  }

  std::unique_ptr<sqlite::Session> session_;
  ConnectionUrl url_;
  std::vector<std::pair<std::string_view, int64_t>> initial_pragmas_;
  int lock_fd_ = -1;
  bool in_transaction_ = false;
  bool last_busy_ = false;
  milliseconds statement_timeout_{0};
  int64_t last_rows_ = 0;
};

Result<std::unique_ptr<SqliteMigrationTarget>> open_target(const ConnectionUrl& url) {
  std::error_code ec;
  if (!std::filesystem::is_regular_file(url.path, ec)) {
    return fail(ErrorCode::kConnection,
                "the SQLite database file does not exist; check the path in the URL (keel "
                "apply creates a missing one)",
                url.path);
  }
  auto session = Session::open(url.path, Access::kReadWrite);
  if (!session) return std::unexpected(session.error());
  auto target = std::make_unique<SqliteMigrationTarget>(std::move(*session), url);
  if (auto ok = target->setup(); !ok) return std::unexpected(ok.error());
  return target;
}

}  // namespace

Result<bool> create_database(const ConnectionUrl& url) {
  if (url.path == ":memory:") {
    return fail(ErrorCode::kUsage,
                "an in-memory SQLite database lives and dies with one connection: keel's "
                "migrations and their history would vanish; name a database file",
                url.path);
  }
  std::error_code ec;
  if (std::filesystem::exists(url.path, ec)) return false;
  if (auto made = Session::create(url.path); !made) return std::unexpected(made.error());
  return true;
}

Result<std::unique_ptr<migrate::MigrationTarget>> open_migration_target(const ConnectionUrl& url) {
  auto target = open_target(url);
  if (!target) return std::unexpected(target.error());
  return std::unique_ptr<migrate::MigrationTarget>(std::move(*target));
}

Result<std::unique_ptr<plan::PlanTarget>> open_plan_target(const ConnectionUrl& url) {
  auto target = open_target(url);
  if (!target) return std::unexpected(target.error());
  return std::unique_ptr<plan::PlanTarget>(std::move(*target));
}

}  // namespace keel::sqlite
