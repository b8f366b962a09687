// PostgreSQL ledger: keel.runs (the run archive) and keel.parity (verify
// verdicts), in the schema the inspector leaves out of the manifest. It
// includes libpqxx; every exception is caught here and becomes a keel::Error
// with the password masked.
#include <fmt/format.h>
#include <nlohmann/json.hpp>
#include <pqxx/pqxx>

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "dialects/postgres/conninfo.h"
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
constexpr std::string_view kSchema = "keel";
constexpr std::string_view kRunsTable = "runs";
constexpr std::string_view kParityTable = "parity";
constexpr std::string_view kHistoryTable = "schema_migrations";
// SQLSTATE of a unique violation: another session's CREATE SCHEMA keel
// (the migrator's, outside our lock) committed while ours waited.
constexpr std::string_view kUniqueViolation = "23505";

std::string table(std::string_view name) { return quote_qualified(kSchema, name); }

// The first line of a libpq message without its "ERROR:  " prefix.
std::string server_message(std::string_view text) {
  text = text.substr(0, text.find('\n'));
  for (std::string_view prefix : {"ERROR:  ", "FATAL:  "}) {
    if (text.starts_with(prefix)) text.remove_prefix(prefix.size());
  }
  return std::string(text);
}

// UTC text of a timestamptz column, as the history table prints it.
std::string utc(std::string_view column) {
  return fmt::format("to_char({} AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"')", column);
}

std::vector<std::string> strings_of(const char* json_text) {
  std::vector<std::string> out;
  auto j = nlohmann::json::parse(json_text, nullptr, false);
  if (!j.is_array()) return out;
  for (const auto& item : j) {
    if (item.is_string()) out.push_back(item.get<std::string>());
  }
  return out;
}

// The columns of keel.runs after `env` that an older keel did not create;
// ensure_runs() adds them.
constexpr std::string_view kRunsAddedColumns =
    "ADD COLUMN IF NOT EXISTS run_id text, ADD COLUMN IF NOT EXISTS pid bigint,"
    " ADD COLUMN IF NOT EXISTS error_code text";

class PgLedger final : public ledger::Ledger {
 public:
  PgLedger(std::unique_ptr<pqxx::connection> conn, ConnectionUrl url, ledger::Access access)
      : conn_(std::move(conn)), url_(std::move(url)), access_(access) {}

  // Session settings: no NOTICEs for IF NOT EXISTS, and bounded waits, so
  // that recording a run never hangs the command that finished. A reading
  // ledger's session is read-only: it cannot create anything.
  Result<void> setup() {
    return guarded([&]() -> Result<void> {
      pqxx::nontransaction tx(*conn_, "keel ledger");
      tx.exec_params(
          "SELECT set_config('client_min_messages', 'warning', false), "
          "set_config('application_name', $1, false), "
          "set_config('lock_timeout', '5s', false), "
          "set_config('statement_timeout', '10s', false), "
          "set_config('default_transaction_read_only', $2, false)",
          "keel", access_ == ledger::Access::kRead ? "on" : "off");
      return {};
    });
  }

  Result<void> record_run(const ledger::RunRow& row) override {
    if (auto ok = ensure_runs(); !ok) return ok;
    return guarded([&]() -> Result<void> {
      pqxx::work tx(*conn_, "keel ledger");
      insert_run(tx, row);
      tx.commit();
      return {};
    });
  }

  Result<void> finish_run(const ledger::RunRow& row) override {
    if (auto ok = ensure_runs(); !ok) return ok;
    return guarded([&]() -> Result<void> {
      pqxx::work tx(*conn_, "keel ledger");
      pqxx::result r =
          tx.exec_params("UPDATE " + table(kRunsTable) +
                             " SET outcome = $2, exit_code = $3, duration_ms = $4,"
                             " version_after = NULLIF($5, ''), error = NULLIF($6, ''),"
                             " error_code = NULLIF($7, ''), recorded_at = now() WHERE run_id = $1",
                         row.run_id, row.outcome, row.exit_code, row.duration_ms, row.version_after,
                         row.error, row.error_code);
      if (row.run_id.empty() || r.affected_rows() == 0) insert_run(tx, row);
      tx.commit();
      return {};
    });
  }

  Result<void> record_parity(const ledger::ParityRow& row) override {
    if (auto ok = ensure_parity(); !ok) return ok;
    return guarded([&]() -> Result<void> {
      pqxx::work tx(*conn_, "keel ledger");
      tx.exec_params("INSERT INTO " + table(kParityTable) +
                         " (env, schema_hash, status, reference, differences, verified_by,"
                         " keel_version) VALUES ($1, $2, $3, $4, $5::jsonb, $6, $7)",
                     row.environment, row.schema_hash, row.status, row.reference,
                     nlohmann::json(row.differences).dump(), row.verified_by, row.keel_version);
      tx.commit();
      return {};
    });
  }

  Result<std::vector<ledger::RunRow>> runs(int limit) override {
    return guarded([&]() -> Result<std::vector<ledger::RunRow>> {
      std::vector<ledger::RunRow> out;
      pqxx::nontransaction tx(*conn_, "keel ledger");
      if (!exists(tx, kRunsTable)) return out;
      // A table an older keel made has no run_id, pid, error_code: read as
      // empty (reading never changes the table).
      const bool current = has_column(tx, kRunsTable, "run_id");
      pqxx::result r = tx.exec_params(
          "SELECT env, command, arguments::text, coalesce(version_before, ''),"
          " coalesce(version_after, ''), outcome, exit_code, duration_ms, user_name, host_name,"
          " keel_version, " +
              utc("started_at") + ", coalesce(error, ''), " +
              (current ? "coalesce(run_id, ''), coalesce(pid, 0), coalesce(error_code, '')"
                       : "'', 0, ''") +
              " FROM " + table(kRunsTable) + " ORDER BY id DESC LIMIT $1",
          limit);
      for (const pqxx::row& f : r) {
        ledger::RunRow row;
        row.environment = f[0].c_str();
        row.command = f[1].c_str();
        row.arguments = strings_of(f[2].c_str());
        row.version_before = f[3].c_str();
        row.version_after = f[4].c_str();
        row.outcome = f[5].c_str();
        row.exit_code = f[6].as<int>();
        row.duration_ms = f[7].as<int64_t>();
        row.user = f[8].c_str();
        row.host = f[9].c_str();
        row.keel_version = f[10].c_str();
        row.started_at = f[11].c_str();
        row.error = f[12].c_str();
        row.run_id = f[13].c_str();
        row.pid = f[14].as<int64_t>();
        row.error_code = f[15].c_str();
        out.push_back(std::move(row));
      }
      return out;
    });
  }

  Result<std::vector<ledger::ParityRow>> parity(int limit) override {
    return guarded([&]() -> Result<std::vector<ledger::ParityRow>> {
      std::vector<ledger::ParityRow> out;
      pqxx::nontransaction tx(*conn_, "keel ledger");
      if (!exists(tx, kParityTable)) return out;
      pqxx::result r =
          tx.exec_params("SELECT env, schema_hash, status, reference, differences::text, " +
                             utc("verified_at") + ", verified_by, keel_version FROM " +
                             table(kParityTable) + " ORDER BY id DESC LIMIT $1",
                         limit);
      for (const pqxx::row& f : r) {
        ledger::ParityRow row;
        row.environment = f[0].c_str();
        row.schema_hash = f[1].c_str();
        row.status = f[2].c_str();
        row.reference = f[3].c_str();
        row.differences = strings_of(f[4].c_str());
        row.verified_at = f[5].c_str();
        row.verified_by = f[6].c_str();
        row.keel_version = f[7].c_str();
        out.push_back(std::move(row));
      }
      return out;
    });
  }

  Result<std::optional<std::string>> latest_version() override {
    return guarded([&]() -> Result<std::optional<std::string>> {
      std::optional<std::string> newest;
      pqxx::nontransaction tx(*conn_, "keel ledger");
      if (!exists(tx, kHistoryTable)) return newest;
      pqxx::result r =
          tx.exec_params("SELECT version FROM " + table(kHistoryTable) + " WHERE status = $1",
                         std::string(migrate::row_status_name(migrate::RowStatus::kSuccess)));
      // Versions compare as numbers ("10" > "9"), so the newest is picked here.
      for (const pqxx::row& f : r) {
        std::string version = f[0].c_str();
        if (!newest || migrate::compare_versions(version, *newest) > 0) newest = version;
      }
      return newest;
    });
  }

 private:
  static bool exists(pqxx::transaction_base& tx, std::string_view name) {
    return !tx.exec_params("SELECT to_regclass($1) IS NULL", table(name))[0][0].as<bool>();
  }

  static bool has_column(pqxx::transaction_base& tx, std::string_view name,
                         std::string_view column) {
    return tx
        .exec_params(
            "SELECT EXISTS (SELECT FROM pg_attribute WHERE attrelid = to_regclass($1)"
            " AND attname = $2 AND NOT attisdropped)",
            table(name), std::string(column))[0][0]
        .as<bool>();
  }

  void insert_run(pqxx::transaction_base& tx, const ledger::RunRow& row) {
    tx.exec_params("INSERT INTO " + table(kRunsTable) +
                       " (env, command, arguments, version_before, version_after, outcome,"
                       " exit_code, duration_ms, user_name, host_name, keel_version, started_at,"
                       " error, run_id, pid, error_code)"
                       " VALUES ($1, $2, $3::jsonb, NULLIF($4, ''), NULLIF($5, ''), $6, $7, $8,"
                       " $9, $10, $11, $12::timestamptz, NULLIF($13, ''), NULLIF($14, ''),"
                       " NULLIF($15, 0), NULLIF($16, ''))",
                   row.environment, row.command, nlohmann::json(row.arguments).dump(),
                   row.version_before, row.version_after, row.outcome, row.exit_code,
                   row.duration_ms, row.user, row.host, row.keel_version, row.started_at, row.error,
                   row.run_id, row.pid, row.error_code);
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
        [&](pqxx::transaction_base& tx) {
          return exists(tx, kRunsTable) && has_column(tx, kRunsTable, "run_id");
        },
        [&](pqxx::transaction_base& tx) {
          tx.exec("CREATE TABLE IF NOT EXISTS " + table(kRunsTable) + R"( (
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
          tx.exec("ALTER TABLE " + table(kRunsTable) + " " + std::string(kRunsAddedColumns));
          tx.exec("CREATE UNIQUE INDEX IF NOT EXISTS " + quote_identifier("runs_run_id_key") +
                  " ON " + table(kRunsTable) + " (run_id)");
        });
    if (done) runs_ready_ = true;
    return done;
  }

  Result<void> ensure_parity() {
    if (parity_ready_) return {};
    auto done = ensure([&](pqxx::transaction_base& tx) { return exists(tx, kParityTable); },
                       [&](pqxx::transaction_base& tx) {
                         tx.exec("CREATE TABLE IF NOT EXISTS " + table(kParityTable) + R"( (
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
      auto done = guarded([&]() -> Result<void> {
        {
          pqxx::nontransaction check(*conn_, "keel ledger");
          if (ready(check)) return {};
        }
        pqxx::work tx(*conn_, "keel ledger");
        tx.exec_params("SELECT pg_advisory_xact_lock($1)", kLedgerLockKey);
        tx.exec("CREATE SCHEMA IF NOT EXISTS " + quote_identifier(kSchema));
        create(tx);
        tx.commit();
        return {};
      });
      if (done) return {};
      if (attempt == 2 || done.error().sqlstate != kUniqueViolation) return done;
    }
  }

  std::string masked(const std::string& text) const { return mask_secrets(text, {url_.password}); }

  template <typename Fn>
  auto guarded(Fn&& body) -> decltype(body()) {
    try {
      return body();
    } catch (const pqxx::sql_error& e) {
      return std::unexpected(
          Error{ErrorCode::kSql, masked(server_message(e.what())), url_.masked, e.sqlstate()});
    } catch (const pqxx::broken_connection& e) {
      return std::unexpected(Error{ErrorCode::kConnection,
                                   masked("lost the connection: " + server_message(e.what())),
                                   url_.masked,
                                   {}});
    } catch (const std::exception& e) {
      return std::unexpected(
          Error{ErrorCode::kSql, masked(server_message(e.what())), url_.masked, {}});
    }
  }

  std::unique_ptr<pqxx::connection> conn_;
  ConnectionUrl url_;
  ledger::Access access_;
  bool runs_ready_ = false;
  bool parity_ready_ = false;
};

}  // namespace

// Declared in src/dialects/ledger.cc, the dispatch.
Result<std::unique_ptr<ledger::Ledger>> open_ledger(const ConnectionUrl& url,
                                                    ledger::Access access) {
  std::unique_ptr<pqxx::connection> conn;
  try {
    conn = std::make_unique<pqxx::connection>(driver_conninfo(url.url));
  } catch (const std::exception& e) {
    return fail(ErrorCode::kConnection,
                mask_secrets("cannot connect: " + server_message(e.what()), {url.password}),
                url.masked);
  }
  auto ledger = std::make_unique<PgLedger>(std::move(conn), url, access);
  if (auto ok = ledger->setup(); !ok) return std::unexpected(ok.error());
  return std::unique_ptr<ledger::Ledger>(std::move(ledger));
}

}  // namespace keel::pg
