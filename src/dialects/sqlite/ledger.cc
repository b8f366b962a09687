// SQLite ledger: keel_runs (the run archive) and keel_parity (verify
// verdicts), tables the inspector leaves out of the manifest (keel_
// prefix). Statements go through Session; values are bound parameters.
#include <fmt/format.h>

#include <array>
#include <chrono>
#include <filesystem>
#include <system_error>

#include "dialects/ledger_rows.h"
#include "dialects/sqlite/session.h"
#include "keel/ledger.h"
#include "keel/migrate.h"
#include "util/quote.h"

namespace keel::sqlite {
namespace {

constexpr std::string_view kRunsTable = "keel_runs";
constexpr std::string_view kParityTable = "keel_parity";
constexpr std::string_view kHistoryTable = "keel_schema_migrations";
// How long a statement waits while another connection (a running apply, the
// application) holds the write lock, before the recording gives up with a
// warning (the run's last record inserts the row the first one could not).
// Short: it is bookkeeping, and it must not stretch a run far past its
// --lock-wait (the reported 10 s of an apply told to wait 3 s).
constexpr std::chrono::milliseconds kBusyTimeout{1000};
constexpr std::string_view kNow = "strftime('%Y-%m-%dT%H:%M:%SZ', 'now')";

// A result row for the dialect-neutral decoders (dialects/ledger_rows.h).
class Fields final : public dialects::Fields {
 public:
  explicit Fields(const Row& row) : row_(row) {}
  std::string text(int column) const override {
    return column < static_cast<int>(row_.size()) ? row_[column].value_or("") : std::string();
  }

 private:
  const Row& row_;
};

// The columns of keel_runs that an older keel did not create; ensure_runs()
// adds them.
constexpr std::array<std::pair<std::string_view, std::string_view>, 3> kRunsAddedColumns = {{
    {"run_id", "TEXT"},
    {"pid", "INTEGER"},
    {"error_code", "TEXT"},
}};

class SqliteLedger final : public ledger::Ledger {
 public:
  SqliteLedger(std::unique_ptr<Session> session, ledger::Access access)
      : session_(std::move(session)), access_(access) {
    session_->set_busy_timeout(kBusyTimeout);
  }

  Result<void> record_run(const ledger::RunRow& row) override {
    if (auto ok = ensure_runs(); !ok) return ok;
    return insert_run(row);
  }

  Result<void> finish_run(const ledger::RunRow& row) override {
    if (auto ok = ensure_runs(); !ok) return ok;
    if (!row.run_id.empty()) {
      auto done = session_->rows(
          "UPDATE " + quote_identifier(kRunsTable) +
              " SET outcome = ?2, exit_code = CAST(?3 AS INTEGER),"
              " duration_ms = CAST(?4 AS INTEGER), version_after = NULLIF(?5, ''),"
              " error = NULLIF(?6, ''), error_code = NULLIF(?7, ''), recorded_at = " +
              std::string(kNow) + " WHERE run_id = ?1",
          {row.run_id, row.outcome, std::to_string(row.exit_code), std::to_string(row.duration_ms),
           row.version_after, row.error, row.error_code});
      if (!done) return std::unexpected(done.error());
      if (session_->changes() > 0) return {};
    }
    return insert_run(row);
  }

  Result<void> record_parity(const ledger::ParityRow& row) override {
    if (auto ok = ensure_parity(); !ok) return ok;
    auto done = session_->rows(
        "INSERT INTO " + quote_identifier(kParityTable) +
            " (env, schema_hash, status, reference, differences, verified_by, keel_version)"
            " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
        dialects::parity_values(row));
    if (!done) return std::unexpected(done.error());
    return {};
  }

  Result<std::vector<ledger::RunRow>> runs(int limit) override {
    std::vector<ledger::RunRow> out;
    auto present = exists(kRunsTable);
    if (!present) return std::unexpected(present.error());
    if (!*present) return out;
    // A table an older keel made has no run_id, pid, error_code: read as
    // empty (reading never changes the table).
    auto current = has_column(kRunsTable, "run_id");
    if (!current) return std::unexpected(current.error());
    auto rows = session_->rows(
        "SELECT env, command, arguments, version_before, version_after, outcome, exit_code,"
        " duration_ms, user_name, host_name, keel_version, started_at, error, " +
            std::string(*current ? "run_id, pid, error_code" : "NULL, NULL, NULL") + " FROM " +
            quote_identifier(kRunsTable) + " ORDER BY id DESC LIMIT CAST(?1 AS INTEGER)",
        {std::to_string(limit)});
    if (!rows) return std::unexpected(rows.error());
    for (const Row& r : *rows) out.push_back(dialects::run_row(Fields(r)));
    return out;
  }

  Result<std::vector<ledger::ParityRow>> parity(int limit) override {
    std::vector<ledger::ParityRow> out;
    auto present = exists(kParityTable);
    if (!present) return std::unexpected(present.error());
    if (!*present) return out;
    auto rows = session_->rows(
        "SELECT env, schema_hash, status, reference, differences, verified_at, verified_by,"
        " keel_version FROM " +
            quote_identifier(kParityTable) + " ORDER BY id DESC LIMIT CAST(?1 AS INTEGER)",
        {std::to_string(limit)});
    if (!rows) return std::unexpected(rows.error());
    for (const Row& r : *rows) out.push_back(dialects::parity_row(Fields(r)));
    return out;
  }

  Result<std::optional<std::string>> latest_version() override {
    std::optional<std::string> newest;
    auto present = exists(kHistoryTable);
    if (!present) return std::unexpected(present.error());
    if (!*present) return newest;
    auto rows = session_->rows(
        "SELECT version FROM " + quote_identifier(kHistoryTable) + " WHERE status = ?1",
        {migrate::row_status_name(migrate::RowStatus::kSuccess)});
    if (!rows) return std::unexpected(rows.error());
    // Versions compare as numbers ("10" > "9"), so the newest is picked here.
    for (const Row& r : *rows) {
      std::string version = r[0].value_or("");
      if (!newest || migrate::compare_versions(version, *newest) > 0) newest = version;
    }
    return newest;
  }

 private:
  Result<bool> exists(std::string_view name) {
    auto rows = session_->rows(
        "SELECT 1 FROM main.sqlite_master WHERE type = 'table' AND name = ?1", {std::string(name)});
    if (!rows) return std::unexpected(rows.error());
    return !rows->empty();
  }

  Result<bool> has_column(std::string_view table, std::string_view column) {
    auto rows = session_->rows("SELECT 1 FROM pragma_table_info(?1) WHERE name = ?2",
                               {std::string(table), std::string(column)});
    if (!rows) return std::unexpected(rows.error());
    return !rows->empty();
  }

  Result<void> insert_run(const ledger::RunRow& row) {
    auto done = session_->rows(
        "INSERT INTO " + quote_identifier(kRunsTable) +
            " (env, command, arguments, version_before, version_after, outcome, exit_code,"
            " duration_ms, user_name, host_name, keel_version, started_at, error, run_id, pid,"
            " error_code)"
            " VALUES (?1, ?2, ?3, NULLIF(?4, ''), NULLIF(?5, ''), ?6, CAST(?7 AS INTEGER),"
            " CAST(?8 AS INTEGER), ?9, ?10, ?11, ?12, NULLIF(?13, ''), NULLIF(?14, ''),"
            " NULLIF(CAST(?15 AS INTEGER), 0), NULLIF(?16, ''))",
        dialects::run_values(row));
    if (!done) return std::unexpected(done.error());
    return {};
  }

  Result<void> writable() const {
    if (access_ == ledger::Access::kWrite) return {};
    return fail(ErrorCode::kInternal, "the ledger was opened for reading only", session_->path());
  }

  // keel_runs, created (or given the columns an older keel did not make)
  // once per ledger, in one IMMEDIATE transaction: concurrent keel processes
  // queue on the write lock (busy timeout) and the later ones find it done.
  // Only the table a recording needs is created: verify makes keel_parity
  // alone.
  Result<void> ensure_runs() {
    if (runs_ready_) return {};
    if (auto ok = writable(); !ok) return ok;
    if (auto ok = session_->exec("BEGIN IMMEDIATE"); !ok) return ok;
    auto done = [&]() -> Result<void> {
      if (auto ok = session_->exec("CREATE TABLE IF NOT EXISTS " + quote_identifier(kRunsTable) +
                                   fmt::format(R"( (
  id INTEGER PRIMARY KEY,
  env TEXT NOT NULL,
  command TEXT NOT NULL,
  arguments TEXT NOT NULL,
  version_before TEXT,
  version_after TEXT,
  outcome TEXT NOT NULL,
  exit_code INTEGER NOT NULL,
  duration_ms INTEGER NOT NULL,
  user_name TEXT NOT NULL,
  host_name TEXT NOT NULL,
  keel_version TEXT NOT NULL,
  started_at TEXT NOT NULL,
  recorded_at TEXT NOT NULL DEFAULT ({}),
  error TEXT
))",
                                               kNow));
          !ok) {
        return ok;
      }
      for (const auto& [column, type] : kRunsAddedColumns) {
        auto present = has_column(kRunsTable, column);
        if (!present) return std::unexpected(present.error());
        if (*present) continue;
        if (auto ok =
                session_->exec("ALTER TABLE " + quote_identifier(kRunsTable) + " ADD COLUMN " +
                               quote_identifier(column) + " " + std::string(type));
            !ok) {
          return ok;
        }
      }
      return session_->exec("CREATE UNIQUE INDEX IF NOT EXISTS " +
                            quote_identifier("keel_runs_run_id_key") + " ON " +
                            quote_identifier(kRunsTable) + " (run_id)");
    }();
    if (!done) {
      (void)session_->exec("ROLLBACK");
      return done;
    }
    if (auto ok = session_->exec("COMMIT"); !ok) return ok;
    runs_ready_ = true;
    return {};
  }

  Result<void> ensure_parity() {
    if (parity_ready_) return {};
    if (auto ok = writable(); !ok) return ok;
    if (auto ok = session_->exec("CREATE TABLE IF NOT EXISTS " + quote_identifier(kParityTable) +
                                 fmt::format(R"( (
  id INTEGER PRIMARY KEY,
  env TEXT NOT NULL,
  schema_hash TEXT NOT NULL,
  status TEXT NOT NULL CHECK (status IN ('LOCKED', 'DRIFTED')),
  reference TEXT NOT NULL,
  differences TEXT NOT NULL,
  verified_at TEXT NOT NULL DEFAULT ({}),
  verified_by TEXT NOT NULL,
  keel_version TEXT NOT NULL
))",
                                             kNow));
        !ok) {
      return ok;
    }
    parity_ready_ = true;
    return {};
  }

  std::unique_ptr<Session> session_;
  ledger::Access access_;
  bool runs_ready_ = false;
  bool parity_ready_ = false;
};

}  // namespace

// Declared in src/dialects/ledger.cc, the dispatch.
Result<std::unique_ptr<ledger::Ledger>> open_ledger(const ConnectionUrl& url,
                                                    ledger::Access access) {
  std::error_code ec;
  if (!std::filesystem::is_regular_file(url.path, ec)) {
    return fail(ErrorCode::kConnection,
                "the SQLite database file does not exist; check the path in the URL (only keel "
                "apply creates a missing one)",
                url.path);
  }
  auto session = Session::open(
      url.path, access == ledger::Access::kWrite ? Access::kReadWrite : Access::kReadOnly);
  if (!session) return std::unexpected(session.error());
  return std::unique_ptr<ledger::Ledger>(
      std::make_unique<SqliteLedger>(std::move(*session), access));
}

}  // namespace keel::sqlite
