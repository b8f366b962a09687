// PostgreSQL feature flags: the table <keel schema>.flags and the function
// <keel schema>.flag_enabled(name, key) (docs/flags.md), in keel's schema as
// the driver names it, through one Session.
#include <fmt/format.h>

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "dialects/postgres/driver.h"
#include "dialects/postgres/flags.h"
#include "dialects/postgres/session.h"
#include "keel/dialect.h"
#include "keel/flags.h"
#include "util/quote.h"

namespace keel::pg {
namespace {

// The transaction-level advisory lock ("keel" and 3) under which the flags
// table and its function are created, so that two `keel flag set` at once do
// not collide on the catalogs (CREATE OR REPLACE FUNCTION of one function
// by two sessions fails with "tuple concurrently updated").
constexpr int64_t kFlagsLockKey = 0x6b65656c00000003;
// A unique violation on the catalogs: another session's CREATE SCHEMA (the
// migrator's or the ledger's, outside our lock) committed while ours waited.
constexpr std::string_view kUniqueViolation = "23505";
constexpr std::string_view kFunction = "flag_enabled";

std::string schema() { return std::string(driver().keel.schema); }
std::string table() { return quote_qualified(schema(), driver().keel.flags); }
std::string function() { return quote_qualified(schema(), kFunction); }

std::string utc(std::string_view column) {
  return fmt::format("to_char({} AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"')", column);
}

class PgFlags final : public flags::Store {
 public:
  explicit PgFlags(std::unique_ptr<Session> session) : session_(std::move(session)) {}

  Result<void> setup() {
    return session_->set({{"client_min_messages", "warning"},
                          {"application_name", "keel"},
                          {"lock_timeout", "5s"},
                          {"statement_timeout", "30s"}},
                         /*local=*/false);
  }

  Result<flags::Change> set(const flags::SetRequest& request) override {
    if (auto ok = ensure(); !ok) return std::unexpected(ok.error());
    flags::Change change{.name = request.name, .new_percent = request.percent};
    auto done = session_->transaction([&]() -> Result<void> {
      Param description = request.description;
      auto inserted =
          session_->exec("INSERT INTO " + table() +
                             " (name, percent, description, updated_by) VALUES ($1, $2, $3, $4)"
                             " ON CONFLICT (name) DO NOTHING RETURNING 1",
                         {request.name, std::to_string(request.percent), description, request.by});
      if (!inserted) return std::unexpected(inserted.error());
      if (!inserted->empty()) return {};
      // The row exists (perhaps just committed by a concurrent set, which
      // the INSERT waited for): lock it, read what this set replaces.
      auto old = session_->value("SELECT percent FROM " + table() + " WHERE name = $1 FOR UPDATE",
                                 {request.name});
      if (!old) return std::unexpected(old.error());
      change.old_percent = std::stoi(*old);
      auto updated = session_->exec(
          "UPDATE " + table() +
              " SET percent = $2, description = coalesce($3, description), updated_at = now(),"
              " updated_by = $4 WHERE name = $1",
          {request.name, std::to_string(request.percent), description, request.by});
      if (!updated) return std::unexpected(updated.error());
      return {};
    });
    if (!done) return std::unexpected(done.error());
    return change;
  }

  Result<std::vector<flags::Flag>> list() override {
    std::vector<flags::Flag> out;
    auto missing = session_->flag("SELECT to_regclass($1) IS NULL", {table()});
    if (!missing) return std::unexpected(missing.error());
    if (*missing) return out;
    auto rows =
        session_->exec("SELECT name, percent, coalesce(description, ''), " + utc("updated_at") +
                       ", updated_by FROM " + table() + " ORDER BY name COLLATE \"C\"");
    if (!rows) return std::unexpected(rows.error());
    for (const TextRow& r : *rows) {
      out.push_back({.name = r.str(0),
                     .percent = static_cast<int>(r.int64(1)),
                     .description = r.str(2),
                     .updated_at = r.str(3),
                     .updated_by = r.str(4)});
    }
    return out;
  }

 private:
  Result<void> exec(const std::string& sql) {
    auto r = session_->exec(sql);
    if (!r) return std::unexpected(r.error());
    return {};
  }

  // The table exists and the function is this keel's.
  Result<bool> ready() {
    return session_->flag(
        "SELECT to_regclass($1) IS NOT NULL AND EXISTS (SELECT FROM pg_proc WHERE oid = "
        "to_regprocedure($2) AND prosrc = $3)",
        {table(), function() + "(text, text)", flag_enabled_body(schema(), driver().keel.flags)});
  }

  Result<void> create() {
    for (const std::string& sql : flags_ddl(schema(), driver().keel.flags)) {
      if (auto ok = exec(sql); !ok) return ok;
    }
    return {};
  }

  // Creates what is missing under the flags' advisory lock; once more when
  // another session's CREATE SCHEMA won the race.
  Result<void> ensure() {
    if (ready_) return {};
    for (int attempt = 1;; ++attempt) {
      auto is_ready = ready();
      if (!is_ready) return std::unexpected(is_ready.error());
      if (*is_ready) break;
      auto done = session_->transaction([&]() -> Result<void> {
        auto locked =
            session_->exec("SELECT pg_advisory_xact_lock($1)", {std::to_string(kFlagsLockKey)});
        if (!locked) return std::unexpected(locked.error());
        return create();
      });
      if (done) break;
      if (attempt == 2 || done.error().sqlstate != kUniqueViolation) return done;
    }
    ready_ = true;
    return {};
  }

  std::unique_ptr<Session> session_;
  bool ready_ = false;
};

}  // namespace

std::string flag_enabled_body(std::string_view keel_schema, std::string_view flags_table) {
  return "\nSELECT coalesce((\n"
         "  SELECT ('x' || pg_catalog.substr(pg_catalog.encode(pg_catalog.sha256(\n"
         "           pg_catalog.convert_to($1 || ':' || $2, 'UTF8')), 'hex'), 1, 8))\n"
         "         ::pg_catalog.bit(32)::pg_catalog.int8 % 100 < f.percent\n"
         "    FROM " +
         quote_qualified(keel_schema, flags_table) +
         " AS f\n"
         "   WHERE f.name = $1 AND $2 IS NOT NULL), false)\n";
}

std::vector<std::string> flags_ddl(std::string_view keel_schema, std::string_view flags_table) {
  std::string t = quote_qualified(keel_schema, flags_table);
  std::string f = quote_qualified(keel_schema, kFunction) + "(text, text)";
  return {
      "CREATE SCHEMA IF NOT EXISTS " + quote_identifier(keel_schema),
      "CREATE TABLE IF NOT EXISTS " + t +
          " (\n"
          "  name text PRIMARY KEY CHECK (name <> ''),\n"
          "  percent integer NOT NULL CHECK (percent BETWEEN 0 AND 100),\n"
          "  description text,\n"
          "  created_at timestamptz NOT NULL DEFAULT now(),\n"
          "  updated_at timestamptz NOT NULL DEFAULT now(),\n"
          "  updated_by text NOT NULL\n"
          ")",
      "CREATE OR REPLACE FUNCTION " + quote_qualified(keel_schema, kFunction) +
          "(name text, key text) RETURNS boolean\n"
          "  LANGUAGE sql STABLE PARALLEL SAFE SECURITY DEFINER\n"
          "  SET search_path = pg_catalog, pg_temp\n"
          "  AS " +
          quote_dollar(flag_enabled_body(keel_schema, flags_table)),
      "REVOKE ALL ON FUNCTION " + f + " FROM PUBLIC",
      "COMMENT ON FUNCTION " + f + " IS " +
          quote_literal("keel: true when the key is in the flag's rollout (docs/flags.md); "
                        "unknown flag or NULL key: false"),
  };
}

Result<std::unique_ptr<flags::Store>> open_flags(const ConnectionUrl& url) {
  auto session = Session::open(url);
  if (!session) return std::unexpected(session.error());
  auto store = std::make_unique<PgFlags>(std::move(*session));
  if (auto ok = store->setup(); !ok) return std::unexpected(ok.error());
  return store;
}

}  // namespace keel::pg
