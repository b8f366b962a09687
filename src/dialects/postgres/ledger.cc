// PostgreSQL ledger: keel.runs (the run archive) and keel.parity (verify
// verdicts), in the schema the inspector leaves out of the manifest, through
// one Session (session.cc: the driver, and every error masked).
#include <fmt/format.h>

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "dialects/ledger_rows.h"
#include "dialects/postgres/driver.h"
#include "dialects/postgres/session.h"
#include "keel/ledger.h"
#include "keel/migrate.h"
#include "util/quote.h"

namespace keel::pg {
namespace {

// The transaction-level advisory lock ("keel" and 2) under which a ledger
// creates its schema and tables, so that keel processes finishing at the
// same time do not collide on the catalogs' unique indexes. Not the deploy
// lock (…01, migrator.cc): recording must not wait for a running apply.
constexpr int64_t kLedgerLockKey = 0x6b65656c00000002;
// keel's schema and tables: the driver's names (driver.cc).
const dialects::KeelNames& keel_names() { return driver().keel; }
// SQLSTATE of a unique violation: another session's CREATE SCHEMA keel
// (the migrator's, outside our lock) committed while ours waited.
constexpr std::string_view kUniqueViolation = "23505";

std::string table(std::string_view name) { return quote_qualified(keel_names().schema, name); }

// UTC text of a timestamptz column, as the history table prints it.
std::string utc(std::string_view column) {
  return fmt::format("to_char({} AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"')", column);
}

// A result row for the dialect-neutral decoders (dialects/ledger_rows.h).
class Fields final : public dialects::Fields {
 public:
  explicit Fields(const Row& row) : row_(row) {}
  std::string text(int column) const override { return row_.str(column); }

 private:
  const Row& row_;
};

std::vector<Param> params(const std::vector<std::string>& values) {
  return {values.begin(), values.end()};
}

// The columns of keel.runs after `env` that an older keel did not create;
// ensure_runs() adds them.
constexpr std::string_view kRunsAddedColumns =
    "ADD COLUMN IF NOT EXISTS run_id text, ADD COLUMN IF NOT EXISTS pid bigint,"
    " ADD COLUMN IF NOT EXISTS error_code text";

class PgLedger final : public ledger::Ledger {
 public:
  PgLedger(std::unique_ptr<Session> session, ledger::Access access)
      : session_(std::move(session)), url_(session_->url()), access_(access) {}

  // Session settings: no NOTICEs for IF NOT EXISTS, and bounded waits, so
  // that recording a run never hangs the command that finished. A reading
  // ledger's session is read-only: it cannot create anything.
  Result<void> setup() {
    return session_->set(
        {{"client_min_messages", "warning"},
         {"application_name", "keel"},
         {"lock_timeout", "5s"},
         {"statement_timeout", "10s"},
         {"default_transaction_read_only", access_ == ledger::Access::kRead ? "on" : "off"}},
        /*local=*/false);
  }

  Result<void> record_run(const ledger::RunRow& row) override {
    if (auto ok = ensure_runs(); !ok) return ok;
    return session_->transaction([&] { return insert_run(row); });
  }

  Result<void> finish_run(const ledger::RunRow& row) override {
    if (auto ok = ensure_runs(); !ok) return ok;
    return session_->transaction([&]() -> Result<void> {
      auto r = session_->exec(
          "UPDATE " + table(keel_names().runs) +
              " SET outcome = $2, exit_code = $3, duration_ms = $4,"
              " version_after = NULLIF($5, ''), error = NULLIF($6, ''),"
              " error_code = NULLIF($7, ''), recorded_at = now() WHERE run_id = $1",
          {row.run_id, row.outcome, std::to_string(row.exit_code), std::to_string(row.duration_ms),
           row.version_after, row.error, row.error_code});
      if (!r) return std::unexpected(r.error());
      if (row.run_id.empty() || r->affected == 0) return insert_run(row);
      return {};
    });
  }

  Result<void> record_parity(const ledger::ParityRow& row) override {
    if (auto ok = ensure_parity(); !ok) return ok;
    return session_->transaction([&]() -> Result<void> {
      auto r = session_->exec("INSERT INTO " + table(keel_names().parity) +
                                  " (env, schema_hash, status, reference, differences, verified_by,"
                                  " keel_version) VALUES ($1, $2, $3, $4, $5::jsonb, $6, $7)",
                              params(dialects::parity_values(row)));
      if (!r) return std::unexpected(r.error());
      return {};
    });
  }

  Result<std::vector<ledger::RunRow>> runs(int limit) override {
    std::vector<ledger::RunRow> out;
    auto present = exists(keel_names().runs);
    if (!present) return std::unexpected(present.error());
    if (!*present) return out;
    // A table an older keel made has no run_id, pid, error_code: read as
    // empty (reading never changes the table).
    auto current = has_column(keel_names().runs, "run_id");
    if (!current) return std::unexpected(current.error());
    auto r = session_->exec(
        "SELECT env, command, arguments::text, coalesce(version_before, ''),"
        " coalesce(version_after, ''), outcome, exit_code, duration_ms, user_name, host_name,"
        " keel_version, " +
            utc("started_at") + ", coalesce(error, ''), " +
            (*current ? "coalesce(run_id, ''), coalesce(pid, 0), coalesce(error_code, '')"
                      : "'', 0, ''") +
            " FROM " + table(keel_names().runs) + " ORDER BY id DESC LIMIT $1",
        {std::to_string(limit)});
    if (!r) return std::unexpected(r.error());
    for (const TextRow& f : *r) out.push_back(dialects::run_row(Fields(f)));
    return out;
  }

  Result<std::vector<ledger::ParityRow>> parity(int limit) override {
    std::vector<ledger::ParityRow> out;
    auto present = exists(keel_names().parity);
    if (!present) return std::unexpected(present.error());
    if (!*present) return out;
    auto r = session_->exec("SELECT env, schema_hash, status, reference, differences::text, " +
                                utc("verified_at") + ", verified_by, keel_version FROM " +
                                table(keel_names().parity) + " ORDER BY id DESC LIMIT $1",
                            {std::to_string(limit)});
    if (!r) return std::unexpected(r.error());
    for (const TextRow& f : *r) out.push_back(dialects::parity_row(Fields(f)));
    return out;
  }

  Result<std::optional<std::string>> latest_version() override {
    std::optional<std::string> newest;
    auto present = exists(keel_names().history);
    if (!present) return std::unexpected(present.error());
    if (!*present) return newest;
    auto r =
        session_->exec("SELECT version FROM " + table(keel_names().history) + " WHERE status = $1",
                       {std::string(migrate::row_status_name(migrate::RowStatus::kSuccess))});
    if (!r) return std::unexpected(r.error());
    // Versions compare as numbers ("10" > "9"), so the newest is picked here.
    for (const TextRow& f : *r) {
      std::string version = f.str(0);
      if (!newest || migrate::compare_versions(version, *newest) > 0) newest = version;
    }
    return newest;
  }

 private:
  Result<bool> exists(std::string_view name) {
    auto missing = session_->flag("SELECT to_regclass($1) IS NULL", {table(name)});
    if (!missing) return std::unexpected(missing.error());
    return !*missing;
  }

  Result<bool> has_column(std::string_view name, std::string_view column) {
    return session_->flag(
        "SELECT EXISTS (SELECT FROM pg_attribute WHERE attrelid = to_regclass($1)"
        " AND attname = $2 AND NOT attisdropped)",
        {table(name), std::string(column)});
  }

  Result<void> insert_run(const ledger::RunRow& row) {
    auto r = session_->exec(
        "INSERT INTO " + table(keel_names().runs) +
            " (env, command, arguments, version_before, version_after, outcome,"
            " exit_code, duration_ms, user_name, host_name, keel_version, started_at,"
            " error, run_id, pid, error_code)"
            " VALUES ($1, $2, $3::jsonb, NULLIF($4, ''), NULLIF($5, ''), $6, $7, $8,"
            " $9, $10, $11, $12::timestamptz, NULLIF($13, ''), NULLIF($14, ''),"
            " NULLIF($15, 0), NULLIF($16, ''))",
        params(dialects::run_values(row)));
    if (!r) return std::unexpected(r.error());
    return {};
  }

  Result<void> exec(const std::string& sql) {
    auto r = session_->exec(sql);
    if (!r) return std::unexpected(r.error());
    return {};
  }

  Result<void> writable() const {
    if (access_ == ledger::Access::kWrite) return {};
    return fail(ErrorCode::kInternal, "the ledger was opened for reading only", url_.masked);
  }

  // keel.runs, created (or given the columns an older keel did not make)
  // once per ledger. Only the table a recording needs is created: verify
  // makes keel.parity alone.
  Result<void> ensure_runs() {
    if (runs_ready_) return {};
    auto done = ensure(
        [&]() -> Result<bool> {
          auto present = exists(keel_names().runs);
          if (!present || !*present) return present;
          return has_column(keel_names().runs, "run_id");
        },
        [&]() -> Result<void> {
          if (auto ok = exec("CREATE TABLE IF NOT EXISTS " + table(keel_names().runs) + R"( (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  env text NOT NULL,
  command text NOT NULL,
  arguments jsonb NOT NULL,
  version_before text,
  version_after text,
  outcome text NOT NULL,
  exit_code integer NOT NULL,
  duration_ms bigint NOT NULL,
  user_name text NOT NULL,
  host_name text NOT NULL,
  keel_version text NOT NULL,
  started_at timestamptz NOT NULL,
  recorded_at timestamptz NOT NULL DEFAULT now(),
  error text
))");
              !ok) {
            return ok;
          }
          if (auto ok = exec("ALTER TABLE " + table(keel_names().runs) + " " +
                             std::string(kRunsAddedColumns));
              !ok) {
            return ok;
          }
          return exec("CREATE UNIQUE INDEX IF NOT EXISTS " + quote_identifier("runs_run_id_key") +
                      " ON " + table(keel_names().runs) + " (run_id)");
        });
    if (done) runs_ready_ = true;
    return done;
  }

  Result<void> ensure_parity() {
    if (parity_ready_) return {};
    auto done =
        ensure([&] { return exists(keel_names().parity); },
               [&] {
                 return exec("CREATE TABLE IF NOT EXISTS " + table(keel_names().parity) + R"( (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  env text NOT NULL,
  schema_hash text NOT NULL,
  status text NOT NULL CHECK (status IN ('LOCKED', 'DRIFTED')),
  reference text NOT NULL,
  differences jsonb NOT NULL,
  verified_at timestamptz NOT NULL DEFAULT now(),
  verified_by text NOT NULL,
  keel_version text NOT NULL
))");
               });
    if (done) parity_ready_ = true;
    return done;
  }

  // When `ready` says no, runs `create` (after CREATE SCHEMA keel) under the
  // ledger's advisory lock; once more when another session's CREATE SCHEMA
  // (the migrator's, outside our lock) won the race.
  template <typename Ready, typename Create>
  Result<void> ensure(Ready&& ready, Create&& create) {
    if (auto ok = writable(); !ok) return ok;
    for (int attempt = 1;; ++attempt) {
      auto is_ready = ready();
      if (!is_ready) return std::unexpected(is_ready.error());
      if (*is_ready) return {};
      auto done = session_->transaction([&]() -> Result<void> {
        auto locked =
            session_->exec("SELECT pg_advisory_xact_lock($1)", {std::to_string(kLedgerLockKey)});
        if (!locked) return std::unexpected(locked.error());
        if (auto ok = exec("CREATE SCHEMA IF NOT EXISTS " + quote_identifier(keel_names().schema));
            !ok) {
          return ok;
        }
        return create();
      });
      if (done) return {};
      if (attempt == 2 || done.error().sqlstate != kUniqueViolation) return done;
    }
  }

  std::unique_ptr<Session> session_;
  ConnectionUrl url_;
  ledger::Access access_;
  bool runs_ready_ = false;
  bool parity_ready_ = false;
};

}  // namespace

// Declared in src/dialects/ledger.cc, the dispatch.
Result<std::unique_ptr<ledger::Ledger>> open_ledger(const ConnectionUrl& url,
                                                    ledger::Access access) {
  auto session = Session::open(url);
  if (!session) return std::unexpected(session.error());
  auto ledger = std::make_unique<PgLedger>(std::move(*session), access);
  if (auto ok = ledger->setup(); !ok) return std::unexpected(ok.error());
  return std::unique_ptr<ledger::Ledger>(std::move(ledger));
}

}  // namespace keel::pg
