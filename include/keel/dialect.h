// keel: the registry of dialects.
//
// A dialect is one Driver: its names, its URL schemes, the names of keel's own
// schema and tables in it, what it can do (Capabilities) and the functions
// that open its sessions and read its SQL. Each dialect fills one Driver in
// its own folder (src/dialects/<dialect>/driver.cc); src/dialects/registry.cc
// holds the one list of them. Code outside src/dialects/ finds a dialect here
// (by URL, scheme or manifest name) and asks its capabilities; it never
// compares dialect names (scripts/check-boundaries.sh enforces it).
//
// Adding a dialect: a folder src/dialects/<dialect>/ whose driver.cc fills a
// Driver (every field but the optional factories; registry_test.cc checks
// that), and one line in registry.cc's list.
#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "keel/connection.h"
#include "keel/ddl.h"
#include "keel/error.h"
#include "keel/expand.h"
#include "keel/flags.h"
#include "keel/ledger.h"
#include "keel/lint.h"
#include "keel/migrate.h"
#include "keel/migrations.h"
#include "keel/model.h"
#include "keel/plan.h"
#include "keel/rollout.h"

namespace keel::dialects {

// What a dialect can do. Callers ask these, never the dialect's name.
struct Capabilities {
  // DDL runs inside a transaction and rolls back with it.
  bool transactional_ddl = false;
  // plan_ddl writes a migration from two models (keel diff --sql, generate).
  bool renders_ddl = false;
  // keel plan reports the locks, rewrites and blocking sessions of each
  // statement (PlanTarget::observes()).
  bool observes_locks = false;
  // keel lint reads this dialect's migrations; keel plan gates on its
  // findings, asking the server through open_lint_catalog.
  bool lints = false;
  // Runs expand/contract operation migrations (keel/expand.h).
  bool expand_contract = false;
  // Keeps feature flags (keel flag set/list, flag_enabled() in SQL):
  // open_flags.
  bool flags = false;
  // keel rollout reads this dialect's routes and server figures:
  // open_rollout_probe, open_rollout_stats.
  bool rollout = false;
};

// The names of keel's own objects in a database of the dialect.
struct KeelNames {
  std::string_view schema;     // keel's schema ("keel"); empty: no schemas, tables prefixed
  std::string_view history;    // the migration history
  std::string_view snapshots;  // schema snapshots kept for rollbacks
  std::string_view runs;       // the run ledger (keel log)
  std::string_view parity;     // keel verify's verdicts
  std::string_view flags;      // feature flags; empty without capabilities.flags

  // "keel.runs" (schema.table) or "keel_runs" (no schema): how messages name
  // one of the tables above. Unquoted: for reading, not for SQL.
  std::string display(std::string_view table) const;
};

struct Driver {
  // ---- identity
  std::string_view name;          // Manifest::dialect and server.product: "postgresql"
  std::string_view display_name;  // in messages: "PostgreSQL"
  // The URL schemes whose connection strings this dialect reads
  // ("postgresql", "postgres"); the registry picks a driver by them.
  std::vector<std::string_view> url_schemes;
  // The connection strings it reads, as errors suggest them
  // ("postgresql://user:pass@host:port/db").
  std::vector<std::string_view> url_forms;
  KeelNames keel;
  Capabilities capabilities;
  // The server settings a manifest records when keel.toml's [baseline]
  // settings names none (empty: the dialect records what it records).
  std::vector<std::string> default_settings;

  // ---- connection strings
  // True for this dialect's connection strings: one of url_schemes in the
  // form the dialect reads it ("postgresql://", "sqlite:"), or a form
  // without a scheme (libpq key/value strings). Asked by the registry only
  // for text with one of url_schemes, or with no scheme at all.
  bool (*reads_url)(const std::string& text) = nullptr;
  // REQUIRES reads_url(text). Every field but `dialect` (the registry sets
  // it); errors never quote the text (it may hold a password).
  Result<ConnectionUrl> (*parse_url)(const std::string& text) = nullptr;
  // REQUIRES reads_url(text). The text with its password(s) replaced by ***.
  std::string (*mask_url)(const std::string& text) = nullptr;
  // The database a URL names, for file names and labels, without secrets
  // ("db.internal-6432-app", "app" for sqlite:///srv/app.db).
  std::string (*target_name)(const ConnectionUrl& url) = nullptr;

  // ---- factories (each REQUIRES a ConnectionUrl of this dialect)
  // The inspector: reads the manifest.
  Result<std::unique_ptr<Connection>> (*connect)(const ConnectionUrl& url) = nullptr;
  Result<std::unique_ptr<migrate::MigrationTarget>> (*open_migration_target)(
      const ConnectionUrl& url) = nullptr;
  // Creates the database when it does not exist (Ok(true): made one); null: never.
  Result<bool> (*create_database)(const ConnectionUrl& url) = nullptr;
  Result<std::unique_ptr<plan::PlanTarget>> (*open_plan_target)(const ConnectionUrl& url) = nullptr;
  Result<std::unique_ptr<ledger::Ledger>> (*open_ledger)(const ConnectionUrl& url,
                                                         ledger::Access access) = nullptr;
  Result<std::vector<migrate::Statement>> (*split_statements)(const migrate::Script& script) =
      nullptr;
  // Null unless capabilities.renders_ddl.
  Result<DdlPlan> (*plan_ddl)(const model::Database& from, const model::Database& to,
                              const DdlOptions& options) = nullptr;
  // Null unless capabilities.lints.
  Result<std::unique_ptr<lint::Catalog>> (*open_lint_catalog)(const ConnectionUrl& url) = nullptr;
  // Null unless capabilities.expand_contract.
  Result<std::unique_ptr<expand::ExpandContract>> (*open_expand_contract)(
      const ConnectionUrl& url) = nullptr;
  // Null unless capabilities.flags.
  Result<std::unique_ptr<flags::Store>> (*open_flags)(const ConnectionUrl& url) = nullptr;
  // Null unless capabilities.rollout.
  Result<std::unique_ptr<rollout::Probe>> (*open_rollout_probe)(const ConnectionUrl& route,
                                                                const std::string& query) = nullptr;
  Result<std::unique_ptr<rollout::ServerStats>> (*open_rollout_stats)(const ConnectionUrl& url) =
      nullptr;
  // Quoting of generated SQL (util/quote.h's helpers where they fit).
  std::string (*quote_identifier)(std::string_view name) = nullptr;
  std::string (*quote_literal)(std::string_view text) = nullptr;
};

// Every registered dialect, in the registry's order.
const std::vector<Dialect>& all();

// The dialect a manifest names (Manifest::dialect, "postgresql"). Errors
// (kConfig) name the dialects keel reads.
Result<Dialect> find_by_name(std::string_view name);

// The dialect of a URL scheme ("postgres", without ':'). Errors (kUsage)
// name the schemes keel reads.
Result<Dialect> find_by_scheme(std::string_view scheme);

// The dialect that reads a connection string: the one listing its scheme, or
// for text without a scheme (libpq key/value strings) the one that reads it.
// Null when none does.
Dialect find_by_url(const std::string& text);

// "PostgreSQL" or "PostgreSQL and MariaDB": the display names of the
// registered dialects that have a capability, for messages.
std::string names_with(bool Capabilities::*capability);

}  // namespace keel::dialects
