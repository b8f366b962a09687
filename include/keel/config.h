// keel: the project configuration file, keel.toml.
//
//   [environments.prod]
//   url  = "postgresql://deploy:${PROD_DB_PASSWORD}@db.internal:5432/app"
//   tier = "prod"                       # dev | staging | prod
//
//   [baseline]
//   settings = ["TimeZone", "search_path"]   # server settings in the manifest
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
#pragma once

#include <chrono>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "keel/error.h"

namespace keel {

struct EnvironmentConfig {
  std::string name;
  std::string url;   // ${VAR} already expanded; holds secrets: never print it unmasked
  std::string tier;  // "dev", "staging" or "prod"
};

struct MigrationsConfig {
  std::string dir = "migrations";
  std::chrono::milliseconds lock_timeout{5000};
  std::chrono::milliseconds statement_timeout{30000};
  int retries = 3;
  std::chrono::milliseconds retry_base{200};
  std::chrono::milliseconds retry_cap{10000};
  std::string applied_by;  // empty: user@host
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

struct Config {
  std::string path;  // the file read; empty when there was none
  std::map<std::string, EnvironmentConfig> environments;
  std::vector<std::string> settings;  // defaults to default_settings()
  bool strict_server_version = false;
  bool include_index_stats = false;
  MigrationsConfig migrations;
  LintConfig lint;
  PlanConfig plan;
};

// Reads and validates keel.toml. Unknown keys and bad values are errors
// naming file:line and the accepted choices; ${VAR} in urls is expanded from
// the process environment. When `required` is false a missing file yields
// the defaults.
Result<Config> load_config(const std::string& path, bool required);

// Parses config text; `source` names it in errors.
Result<Config> parse_config(const std::string& text, const std::string& source);

// Expands ${NAME} from the process environment. An unset variable is an error.
Result<std::string> expand_env(const std::string& value);

}  // namespace keel
