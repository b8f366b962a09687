// keel: the project configuration file, keel.toml.
//
//   [environments.prod]
//   url  = "postgresql://deploy:${PROD_DB_PASSWORD}@db.internal:5432/app"
//   # or urls = ["postgresql://...", ...]: several databases (fleet mode); the
//   # commands of today act on one and refuse an environment with several
//   tier = "prod"                       # dev | staging | prod
//   rto = "15m"                         # recovery-time objective of a rollback
//
//   [baseline]
//   settings = ["TimeZone", "search_path"]   # server settings in the manifest
//   column_order = "keep"              # keep | ignore: columns' order in the schema hash
//
//   [drift]
//   strict_server_version = false      # minor version differences are drift
//   include_index_stats = false        # compare index statistics too
//
//   [migrations]
//   dir = "migrations"                 # the migrations folder
//   lock_timeout = "5s"                # SET LOCAL lock_timeout per migration
//   statement_timeout = "30s"          # SET LOCAL statement_timeout per migration
//   retries = 3                        # attempts after a lock_timeout
//   retry_base = "200ms"               # first backoff; doubles per attempt, with jitter
//   retry_cap = "10s"                  # longest backoff
//   applied_by = "deploy-bot"          # history's applied_by; default user@host
//   schema_hash = "each"               # each | run | off: schema hashes in the history
//
//   [lint]
//   disable = ["drop-column"]          # lint rule ids not to report
//
//   [plan]
//   max_lock_ms = 2000                 # longest ACCESS EXCLUSIVE hold on an existing relation
//   max_rewrite_rows = 100000          # biggest table a migration may rewrite
//   require_idempotent = true          # default: false for tier "dev", true otherwise
//   require_reversible = true
//   verify_queries = ["SELECT ... FROM users WHERE email = 'x'"]
//
//   [parity]
//   environments = ["dev", "staging", "prod"]   # keel verify --all
//   reference = "dev"                  # default: the first of environments
//   baseline_path = "baselines/{env}.json"      # rewritten on LOCKED
//
//   [notify]
//   webhook_url = "https://hooks.example.com/keel"
//   webhook_secret = "${KEEL_WEBHOOK_SECRET}"   # HMAC-SHA256 key of X-Keel-Signature
//   timeout = "5s"                     # per attempt
//   attempts = 3
//
//   [rollback]
//   drain_timeout = "30s"              # wait for other sessions' locks on the tables
//   terminate_idle_in_transaction = false
//   idle_in_transaction_timeout = "10s"
//
//   [[integrity.relations]]            # checked for orphans before a rollback commits
//   child = "public.user_preferences.user_id"
//   parent = "public.users.id"
//
//   [[integrity.checks]]               # run before a rollback commits
//   name = "no negative balances"
//   sql = "SELECT count(*) FROM accounts WHERE balance < 0"
//   expect = 0
//
//   [rollout]                          # keel rollout (docs/rollout.md)
//   router = "haproxy"                 # haproxy | flag | command
//   haproxy_admin = "127.0.0.1:9999"   # HAProxy's runtime API (stats socket ... level admin)
//   haproxy_backend = "postgres"       # the backend and its two servers, one per version
//   old_server = "old"
//   new_server = "new"
//   old_url = "postgresql://app@127.0.0.1:6432/app"   # keel's probes through each route
//   new_url = "postgresql://app@127.0.0.1:6433/app"
//   probe_query = "SELECT id FROM users LIMIT 1"      # default SELECT 1
//   slo_p99 = "50ms"                   # the breaker's p99 reference (with the old version's)
//   [rollout.prod]
//   steps = [5, 25, 50, 100]
//   hold = "5m"
//
//   [log]
//   dir = ".keel/log"                  # <dir>/<env>.jsonl, one line per command run
//   record_read_only_in_target = false # also record read-only runs (baseline, drift,
//                                      # status, validate, plan, verify, lint) in keel.runs
#pragma once

#include <chrono>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "keel/backfill.h"
#include "keel/error.h"

namespace keel {

// An environment's tier, parsed once when keel.toml is read. kUnset: no
// tier given (or the target came from --url).
enum class Tier { kUnset, kDev, kStaging, kProd };

// "dev", "staging", "prod"; "" for kUnset.
std::string_view tier_name(Tier tier);

// [migrations] schema_hash: which schema hashes the history records.
// kEach: before/after every migration (exact rollback checks); kRun: before
// the first and after the last of each apply; kOff: none.
enum class SchemaHashMode { kEach, kRun, kOff };

struct EnvironmentConfig {
  std::string name;
  // `url` or `urls` of the section, ${VAR} already expanded, in the order
  // written; hold secrets: never print them unmasked. Empty only when
  // url_error is set. More than one is fleet mode: resolve_target refuses
  // such an environment for now (the commands act on one database).
  std::vector<std::string> urls;
  Tier tier = Tier::kUnset;
  std::optional<std::chrono::milliseconds> rto;  // recovery-time objective of a rollback
  // Set instead of urls when a ${VAR} of a url is unset or a url does not
  // parse (message names the variable, context is file:line). Only commands
  // that use this environment report it: the others never read urls.
  std::optional<Error> url_error;

  // The one URL of this environment: url_error when set; a kUsage error when
  // it lists several (fleet mode is not supported by any command yet: "pass
  // --url to act on one of them").
  Result<std::string> single_url() const;
};

struct MigrationsConfig {
  std::string dir = "migrations";
  std::chrono::milliseconds lock_timeout{5000};
  std::chrono::milliseconds statement_timeout{30000};
  int retries = 3;
  std::chrono::milliseconds retry_base{200};
  std::chrono::milliseconds retry_cap{10000};
  std::string applied_by;  // empty: user@host
  SchemaHashMode schema_hash = SchemaHashMode::kEach;
};

struct PlanConfig {
  int64_t max_lock_ms = 2000;
  int64_t max_rewrite_rows = 100000;
  std::optional<bool> require_idempotent;  // unset: by the environment's tier
  bool require_reversible = true;
  std::vector<std::string> verify_queries;  // EXPLAIN (ANALYZE, BUFFERS) after each migration
};

struct LintConfig {
  std::vector<std::string> disable;  // rule ids (validated)
};

struct ParityConfig {
  std::vector<std::string> environments;               // names in [environments]
  std::string reference;                               // empty: the first of environments
  std::string baseline_path = "baselines/{env}.json";  // {env} is the environment's name
};

struct NotifyConfig {
  std::string webhook_url;     // empty: no webhook; holds secrets, never print it unmasked
  std::string webhook_secret;  // empty: requests are not signed
  std::chrono::milliseconds timeout{5000};
  int attempts = 3;
  // An unset ${VAR} in webhook_url or webhook_secret (file:line): an error for
  // the commands that send webhooks (apply, rollback, verify), ignored by the
  // others.
  std::optional<Error> error;
};

struct RollbackConfig {
  std::chrono::milliseconds drain_timeout{30000};
  bool terminate_idle_in_transaction = false;
  std::chrono::milliseconds idle_in_transaction_timeout{10000};
};

// child/parent: "schema.table.column" (or "table.column": schema public /
// SQLite's main); several columns as "schema.table.(a,b)" are not supported.
struct IntegrityRelation {
  std::string child;
  std::string parent;
};

struct IntegrityCheck {
  std::string name;
  std::string sql;  // returns one row, one integer column
  int64_t expect = 0;
};

struct IntegrityConfig {
  std::vector<IntegrityRelation> relations;
  std::vector<IntegrityCheck> checks;
};

struct LogConfig {
  std::string dir = ".keel/log";
  // Read-only commands write nothing to the database they read unless this
  // is set: then their runs go to keel.runs / keel_runs too.
  bool record_read_only_in_target = false;
};

enum class RolloutRouter { kHaproxy, kFlag, kCommand };

// [rollout.dev], [rollout.staging], [rollout.prod]: one tier's steps. Unset fields take the
// guide's defaults (run::rollout_plan).
struct RolloutTier {
  std::optional<std::vector<int>> steps;  // percents, rising to 100
  std::optional<std::chrono::milliseconds> hold;
  std::string load_command;  // run during each step (staging's load test)
};

// [rollout] (docs/rollout.md).
struct RolloutConfig {
  RolloutRouter router = RolloutRouter::kHaproxy;
  std::string haproxy_admin;  // "host:port" or a unix socket path
  std::string haproxy_backend = "postgres";
  std::string old_server = "old";
  std::string new_server = "new";
  std::string flag;     // router "flag": the flag's name; empty: the migration's name
  std::string command;  // router "command": the hook
  // The probes' routes and PgBouncer's admin consoles, ${VAR} expanded: hold secrets, never
  // print them unmasked. Empty old_url/new_url: keel rollout says what to set.
  std::string old_url;
  std::string new_url;
  std::vector<std::string> pgbouncer_admin_urls;
  std::string probe_query;
  std::chrono::milliseconds probe_interval{20};
  int probe_sessions = 4;  // per route, probing in turn
  std::chrono::milliseconds sample_interval{1000};
  std::chrono::milliseconds window{10000};
  int min_samples = 100;
  std::optional<std::chrono::milliseconds> slo_p99;
  int p99_tolerance_percent = 115;
  double max_error_percent = 0.1;
  std::chrono::milliseconds max_replication_lag{500};
  int max_saturation_percent = 90;
  std::string metrics_listen;  // "127.0.0.1:9187": /metrics while a rollout runs; empty: off
  bool complete = true;        // keel complete once the last step held
  RolloutTier dev, staging, prod;
  // An unset ${VAR} or a URL that does not parse in a url key (file:line): an error for keel
  // rollout only.
  std::optional<Error> error;
};

struct Config {
  std::string path;  // the file read; empty when there was none
  std::map<std::string, EnvironmentConfig> environments;
  // [baseline] settings: the server settings a manifest records. Unset: the
  // dialect's own list (dialects::Driver::default_settings).
  std::optional<std::vector<std::string>> settings;
  // [baseline] column_order = "ignore": schema hashes leave columns' order
  // out, and drift reports a different order as info (model::Database).
  bool ignore_column_order = false;
  bool strict_server_version = false;
  bool include_index_stats = false;
  MigrationsConfig migrations;
  LintConfig lint;
  PlanConfig plan;
  ParityConfig parity;
  NotifyConfig notify;
  RollbackConfig rollback;
  IntegrityConfig integrity;
  LogConfig log;
  expand::BackfillSettings backfill;  // [backfill]
  RolloutConfig rollout;              // [rollout]
};

// Reads and validates keel.toml through one table of keys per section
// (config.cc: each key named once with its type, target and choices).
// Unknown keys, wrong types and bad values are errors naming file:line and
// the accepted keys or choices; ${VAR} in urls is expanded from
// the process environment: an unset one is kept as the environment's
// url_error (or NotifyConfig::error), reported only where it is used. When `required` is false a
// missing file yields the defaults.
Result<Config> load_config(const std::string& path, bool required);

// Parses config text; `source` names it in errors.
Result<Config> parse_config(const std::string& text, const std::string& source);

// Expands ${NAME} from the process environment. An unset variable is an error.
Result<std::string> expand_env(const std::string& value);

}  // namespace keel
