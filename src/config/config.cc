// keel.toml: parsing and validation with toml++.
#include "keel/config.h"

#include <fmt/format.h>

#include <toml++/toml.h>
#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <set>

#include "keel/connection.h"
#include "keel/lint.h"
#include "keel/migrations.h"

namespace keel {
namespace {

std::string where(const std::string& source, const toml::node& node) {
  const auto& begin = node.source().begin;
  return fmt::format("{}:{}", source, begin.line);
}

std::string join(const std::set<std::string>& items) {
  std::string out;
  for (const auto& item : items) out += (out.empty() ? "" : ", ") + item;
  return out;
}

// Rejects keys outside `allowed`, naming the line and the accepted keys.
Result<void> check_keys(const toml::table& table, const std::set<std::string>& allowed,
                        const std::string& section, const std::string& source) {
  for (const auto& [key, node] : table) {
    if (!allowed.contains(std::string(key.str()))) {
      return fail(ErrorCode::kConfig,
                  fmt::format("unknown key '{}' in {}; accepted keys: {}", key.str(), section,
                              join(allowed)),
                  where(source, node));
    }
  }
  return {};
}

Result<std::string> get_string(const toml::node& node, const std::string& key,
                               const std::string& source) {
  if (auto v = node.value<std::string>(); v && node.is_string()) return *v;
  return fail(ErrorCode::kConfig, fmt::format("'{}' must be a string", key), where(source, node));
}

Result<bool> get_bool(const toml::node& node, const std::string& key, const std::string& source) {
  if (node.is_boolean()) return *node.value<bool>();
  return fail(ErrorCode::kConfig, fmt::format("'{}' must be true or false", key),
              where(source, node));
}

Result<std::vector<std::string>> get_strings(const toml::node& node, const std::string& key,
                                             const std::string& source) {
  const toml::array* array = node.as_array();
  if (array == nullptr) {
    return fail(ErrorCode::kConfig, fmt::format("'{}' must be an array of strings", key),
                where(source, node));
  }
  std::vector<std::string> out;
  for (const auto& item : *array) {
    auto value = get_string(item, key, source);
    if (!value) return std::unexpected(value.error());
    out.push_back(*value);
  }
  return out;
}

Result<EnvironmentConfig> parse_environment(const std::string& name, const toml::node& node,
                                            const std::string& source) {
  const std::string section = fmt::format("[environments.{}]", name);
  const toml::table* table = node.as_table();
  if (table == nullptr) {
    return fail(ErrorCode::kConfig, fmt::format("{} must be a table", section),
                where(source, node));
  }
  if (auto ok = check_keys(*table, {"url", "tier", "rto"}, section, source); !ok) {
    return std::unexpected(ok.error());
  }
  EnvironmentConfig env;
  env.name = name;
  if (const toml::node* url = table->get("url")) {
    auto raw = get_string(*url, "url", source);
    if (!raw) return std::unexpected(raw.error());
    // An unset variable or a bad URL is reported when a command uses this
    // environment, not before: CI for staging needs no prod secrets.
    auto expanded = expand_env(*raw);
    if (!expanded) {
      env.url_error = Error{ErrorCode::kConfig,
                            fmt::format("{} (in {} url)", expanded.error().message, section),
                            where(source, *url),
                            {}};
    } else if (auto parsed = parse_connection_url(*expanded); !parsed) {
      env.url_error = Error{ErrorCode::kConfig,
                            fmt::format("{} (in {} url)", parsed.error().message, section),
                            where(source, *url),
                            {}};
    } else {
      env.url = *expanded;
    }
  } else {
    return fail(ErrorCode::kConfig, fmt::format("{} has no 'url'", section), where(source, node));
  }
  if (const toml::node* tier = table->get("tier")) {
    auto value = get_string(*tier, "tier", source);
    if (!value) return std::unexpected(value.error());
    static const std::set<std::string> kTiers = {"dev", "staging", "prod"};
    if (!kTiers.contains(*value)) {
      return fail(ErrorCode::kConfig,
                  fmt::format("tier '{}' is not one of: dev, staging, prod", *value),
                  where(source, *tier));
    }
    env.tier = *value;
  }
  if (const toml::node* rto = table->get("rto")) {
    auto value = get_string(*rto, "rto", source);
    if (!value) return std::unexpected(value.error());
    auto duration = migrate::parse_duration(*value);
    if (!duration || duration->count() == 0) {
      return fail(ErrorCode::kConfig, "'rto' must be a duration above zero such as \"15m\"",
                  where(source, *rto));
    }
    env.rto = *duration;
  }
  return env;
}

Result<void> parse_baseline(const toml::node& node, Config& config, const std::string& source) {
  const toml::table* table = node.as_table();
  if (table == nullptr)
    return fail(ErrorCode::kConfig, "[baseline] must be a table", where(source, node));
  if (auto ok = check_keys(*table, {"settings"}, "[baseline]", source); !ok) return ok;
  if (const toml::node* settings = table->get("settings")) {
    const toml::array* array = settings->as_array();
    if (array == nullptr) {
      return fail(ErrorCode::kConfig, "'settings' must be an array of setting names",
                  where(source, *settings));
    }
    config.settings.emplace();
    for (const auto& item : *array) {
      auto name = get_string(item, "settings", source);
      if (!name) return std::unexpected(name.error());
      config.settings->push_back(*name);
    }
  }
  return {};
}

Result<void> parse_drift(const toml::node& node, Config& config, const std::string& source) {
  const toml::table* table = node.as_table();
  if (table == nullptr)
    return fail(ErrorCode::kConfig, "[drift] must be a table", where(source, node));
  if (auto ok =
          check_keys(*table, {"strict_server_version", "include_index_stats"}, "[drift]", source);
      !ok) {
    return ok;
  }
  if (const toml::node* n = table->get("strict_server_version")) {
    auto v = get_bool(*n, "strict_server_version", source);
    if (!v) return std::unexpected(v.error());
    config.strict_server_version = *v;
  }
  if (const toml::node* n = table->get("include_index_stats")) {
    auto v = get_bool(*n, "include_index_stats", source);
    if (!v) return std::unexpected(v.error());
    config.include_index_stats = *v;
  }
  return {};
}

Result<std::chrono::milliseconds> get_duration(const toml::node& node, const std::string& key,
                                               const std::string& source) {
  auto text = get_string(node, key, source);
  if (!text) return std::unexpected(text.error());
  auto duration = migrate::parse_duration(*text);
  if (!duration) {
    return fail(ErrorCode::kConfig,
                fmt::format("'{}' must be a duration such as \"5s\" or \"500ms\"", key),
                where(source, node));
  }
  return *duration;
}

Result<void> parse_migrations(const toml::node& node, Config& config, const std::string& source) {
  const toml::table* table = node.as_table();
  if (table == nullptr)
    return fail(ErrorCode::kConfig, "[migrations] must be a table", where(source, node));
  if (auto ok = check_keys(*table,
                           {"dir", "lock_timeout", "statement_timeout", "retries", "retry_base",
                            "retry_cap", "applied_by", "schema_hash"},
                           "[migrations]", source);
      !ok) {
    return ok;
  }
  MigrationsConfig& m = config.migrations;
  if (const toml::node* n = table->get("dir")) {
    auto v = get_string(*n, "dir", source);
    if (!v) return std::unexpected(v.error());
    m.dir = *v;
  }
  if (const toml::node* n = table->get("applied_by")) {
    auto v = get_string(*n, "applied_by", source);
    if (!v) return std::unexpected(v.error());
    m.applied_by = *v;
  }
  if (const toml::node* n = table->get("schema_hash")) {
    auto v = get_string(*n, "schema_hash", source);
    if (!v) return std::unexpected(v.error());
    if (*v != "each" && *v != "run" && *v != "off") {
      return fail(ErrorCode::kConfig,
                  fmt::format("schema_hash '{}' is not one of: each, run, off", *v),
                  where(source, *n));
    }
    m.schema_hash = *v;
  }
  if (const toml::node* n = table->get("lock_timeout")) {
    auto v = get_duration(*n, "lock_timeout", source);
    if (!v) return std::unexpected(v.error());
    m.lock_timeout = *v;
  }
  if (const toml::node* n = table->get("statement_timeout")) {
    auto v = get_duration(*n, "statement_timeout", source);
    if (!v) return std::unexpected(v.error());
    m.statement_timeout = *v;
  }
  if (const toml::node* n = table->get("retries")) {
    auto v = n->value<int64_t>();
    if (!n->is_integer() || !v || *v < 0 || *v > 100) {
      return fail(ErrorCode::kConfig, "'retries' must be a whole number from 0 to 100",
                  where(source, *n));
    }
    m.retries = static_cast<int>(*v);
  }
  if (const toml::node* n = table->get("retry_base")) {
    auto v = get_duration(*n, "retry_base", source);
    if (!v) return std::unexpected(v.error());
    m.retry_base = *v;
  }
  if (const toml::node* n = table->get("retry_cap")) {
    auto v = get_duration(*n, "retry_cap", source);
    if (!v) return std::unexpected(v.error());
    m.retry_cap = *v;
  }
  if (m.retry_cap < m.retry_base) {
    return fail(ErrorCode::kConfig,
                "'retry_cap' must be at least 'retry_base' (the backoff grows from base to cap)",
                where(source, *table));
  }
  return {};
}

Result<void> parse_plan(const toml::node& node, Config& config, const std::string& source) {
  const toml::table* table = node.as_table();
  if (table == nullptr)
    return fail(ErrorCode::kConfig, "[plan] must be a table", where(source, node));
  if (auto ok = check_keys(*table,
                           {"max_lock_ms", "max_rewrite_rows", "require_idempotent",
                            "require_reversible", "verify_queries"},
                           "[plan]", source);
      !ok) {
    return ok;
  }
  PlanConfig& p = config.plan;
  for (const char* key : {"max_lock_ms", "max_rewrite_rows"}) {
    const toml::node* n = table->get(key);
    if (n == nullptr) continue;
    auto v = n->value<int64_t>();
    if (!n->is_integer() || !v || *v < 0) {
      return fail(ErrorCode::kConfig, fmt::format("'{}' must be a whole number, 0 or more", key),
                  where(source, *n));
    }
    (std::string_view(key) == "max_lock_ms" ? p.max_lock_ms : p.max_rewrite_rows) = *v;
  }
  if (const toml::node* n = table->get("require_idempotent")) {
    auto v = get_bool(*n, "require_idempotent", source);
    if (!v) return std::unexpected(v.error());
    p.require_idempotent = *v;
  }
  if (const toml::node* n = table->get("require_reversible")) {
    auto v = get_bool(*n, "require_reversible", source);
    if (!v) return std::unexpected(v.error());
    p.require_reversible = *v;
  }
  if (const toml::node* n = table->get("verify_queries")) {
    const toml::array* array = n->as_array();
    if (array == nullptr) {
      return fail(ErrorCode::kConfig, "'verify_queries' must be an array of SQL strings",
                  where(source, *n));
    }
    for (const auto& item : *array) {
      auto query = get_string(item, "verify_queries", source);
      if (!query) return std::unexpected(query.error());
      p.verify_queries.push_back(*query);
    }
  }
  return {};
}

Result<void> parse_lint(const toml::node& node, Config& config, const std::string& source) {
  const toml::table* table = node.as_table();
  if (table == nullptr)
    return fail(ErrorCode::kConfig, "[lint] must be a table", where(source, node));
  if (auto ok = check_keys(*table, {"disable"}, "[lint]", source); !ok) return ok;
  const toml::node* disable = table->get("disable");
  if (disable == nullptr) return {};
  const toml::array* array = disable->as_array();
  if (array == nullptr) {
    return fail(ErrorCode::kConfig, "'disable' must be an array of lint rule ids",
                where(source, *disable));
  }
  for (const auto& item : *array) {
    auto id = get_string(item, "disable", source);
    if (!id) return std::unexpected(id.error());
    if (lint::find_rule(*id) == nullptr) {
      std::string valid;
      for (const auto& rule : lint::rules()) {
        if (!valid.empty()) valid += ", ";
        valid += rule.id;
      }
      return fail(
          ErrorCode::kConfig,
          fmt::format("unknown lint rule '{}' in [lint] disable; valid rule ids: {}", *id, valid),
          where(source, item));
    }
    config.lint.disable.push_back(*id);
  }
  return {};
}

Result<const toml::table*> section_table(const toml::node& node, const std::string& section,
                                         const std::set<std::string>& keys,
                                         const std::string& source) {
  const toml::table* table = node.as_table();
  if (table == nullptr) {
    return fail(ErrorCode::kConfig, fmt::format("{} must be a table", section),
                where(source, node));
  }
  if (auto ok = check_keys(*table, keys, section, source); !ok) return std::unexpected(ok.error());
  return table;
}

Result<void> parse_parity(const toml::node& node, Config& config, const std::string& source) {
  auto table =
      section_table(node, "[parity]", {"environments", "reference", "baseline_path"}, source);
  if (!table) return std::unexpected(table.error());
  ParityConfig& p = config.parity;
  if (const toml::node* n = (*table)->get("environments")) {
    auto names = get_strings(*n, "environments", source);
    if (!names) return std::unexpected(names.error());
    for (const std::string& name : *names) {
      if (!config.environments.contains(name)) {
        return fail(ErrorCode::kConfig,
                    fmt::format("[parity] environments names '{}', which is not an "
                                "[environments.{}] section",
                                name, name),
                    where(source, *n));
      }
    }
    p.environments = *names;
  }
  if (const toml::node* n = (*table)->get("reference")) {
    auto v = get_string(*n, "reference", source);
    if (!v) return std::unexpected(v.error());
    if (!config.environments.contains(*v)) {
      return fail(
          ErrorCode::kConfig,
          fmt::format("[parity] reference '{}' is not an [environments.{}] section", *v, *v),
          where(source, *n));
    }
    p.reference = *v;
  }
  if (const toml::node* n = (*table)->get("baseline_path")) {
    auto v = get_string(*n, "baseline_path", source);
    if (!v) return std::unexpected(v.error());
    if (v->empty()) {
      return fail(ErrorCode::kConfig, "'baseline_path' must not be empty", where(source, *n));
    }
    p.baseline_path = *v;
  }
  return {};
}

Result<void> parse_notify(const toml::node& node, Config& config, const std::string& source) {
  auto table = section_table(node, "[notify]",
                             {"webhook_url", "webhook_secret", "timeout", "attempts"}, source);
  if (!table) return std::unexpected(table.error());
  NotifyConfig& n = config.notify;
  for (const char* key : {"webhook_url", "webhook_secret"}) {
    const toml::node* item = (*table)->get(key);
    if (item == nullptr) continue;
    auto raw = get_string(*item, key, source);
    if (!raw) return std::unexpected(raw.error());
    auto expanded = expand_env(*raw);
    if (!expanded) {
      // Reported by the commands that send webhooks only (see NotifyConfig).
      n.error = Error{ErrorCode::kConfig,
                      fmt::format("{} (in [notify] {})", expanded.error().message, key),
                      where(source, *item),
                      {}};
      continue;
    }
    (std::string_view(key) == "webhook_url" ? n.webhook_url : n.webhook_secret) = *expanded;
  }
  if (!n.error && !n.webhook_url.empty() && !n.webhook_url.starts_with("http://") &&
      !n.webhook_url.starts_with("https://")) {
    return fail(ErrorCode::kConfig, "'webhook_url' must start with http:// or https://",
                where(source, *(*table)->get("webhook_url")));
  }
  if (const toml::node* item = (*table)->get("timeout")) {
    auto v = get_duration(*item, "timeout", source);
    if (!v) return std::unexpected(v.error());
    n.timeout = *v;
  }
  if (const toml::node* item = (*table)->get("attempts")) {
    auto v = item->value<int64_t>();
    if (!item->is_integer() || !v || *v < 1 || *v > 10) {
      return fail(ErrorCode::kConfig, "'attempts' must be a whole number from 1 to 10",
                  where(source, *item));
    }
    n.attempts = static_cast<int>(*v);
  }
  return {};
}

Result<void> parse_rollback(const toml::node& node, Config& config, const std::string& source) {
  auto table = section_table(
      node, "[rollback]",
      {"drain_timeout", "terminate_idle_in_transaction", "idle_in_transaction_timeout"}, source);
  if (!table) return std::unexpected(table.error());
  RollbackConfig& r = config.rollback;
  if (const toml::node* n = (*table)->get("drain_timeout")) {
    auto v = get_duration(*n, "drain_timeout", source);
    if (!v) return std::unexpected(v.error());
    r.drain_timeout = *v;
  }
  if (const toml::node* n = (*table)->get("idle_in_transaction_timeout")) {
    auto v = get_duration(*n, "idle_in_transaction_timeout", source);
    if (!v) return std::unexpected(v.error());
    r.idle_in_transaction_timeout = *v;
  }
  if (const toml::node* n = (*table)->get("terminate_idle_in_transaction")) {
    auto v = get_bool(*n, "terminate_idle_in_transaction", source);
    if (!v) return std::unexpected(v.error());
    r.terminate_idle_in_transaction = *v;
  }
  return {};
}

// "schema.table.column" or "table.column".
bool is_column_path(const std::string& path) {
  size_t dots = static_cast<size_t>(std::count(path.begin(), path.end(), '.'));
  return (dots == 1 || dots == 2) && !path.starts_with('.') && !path.ends_with('.') &&
         path.find("..") == std::string::npos;
}

Result<void> parse_integrity(const toml::node& node, Config& config, const std::string& source) {
  auto table = section_table(node, "[integrity]", {"relations", "checks"}, source);
  if (!table) return std::unexpected(table.error());
  auto each = [&](const char* key, auto&& parse_one) -> Result<void> {
    const toml::node* n = (*table)->get(key);
    if (n == nullptr) return {};
    const toml::array* array = n->as_array();
    if (array == nullptr) {
      return fail(
          ErrorCode::kConfig,
          fmt::format("'integrity.{}' must be written as [[integrity.{}]] tables", key, key),
          where(source, *n));
    }
    for (const auto& item : *array) {
      if (auto ok = parse_one(item); !ok) return ok;
    }
    return {};
  };
  auto relations = each("relations", [&](const toml::node& item) -> Result<void> {
    auto t = section_table(item, "[[integrity.relations]]", {"child", "parent"}, source);
    if (!t) return std::unexpected(t.error());
    IntegrityRelation relation;
    for (const char* key : {"child", "parent"}) {
      const toml::node* n = (*t)->get(key);
      if (n == nullptr) {
        return fail(
            ErrorCode::kConfig,
            fmt::format("[[integrity.relations]] needs '{}' (\"schema.table.column\")", key),
            where(source, item));
      }
      auto v = get_string(*n, key, source);
      if (!v) return std::unexpected(v.error());
      if (!is_column_path(*v)) {
        return fail(
            ErrorCode::kConfig,
            fmt::format("'{}' = \"{}\": write schema.table.column or table.column", key, *v),
            where(source, *n));
      }
      (std::string_view(key) == "child" ? relation.child : relation.parent) = *v;
    }
    config.integrity.relations.push_back(relation);
    return {};
  });
  if (!relations) return relations;
  return each("checks", [&](const toml::node& item) -> Result<void> {
    auto t = section_table(item, "[[integrity.checks]]", {"name", "sql", "expect"}, source);
    if (!t) return std::unexpected(t.error());
    IntegrityCheck check;
    for (const char* key : {"name", "sql"}) {
      const toml::node* n = (*t)->get(key);
      if (n == nullptr) {
        return fail(ErrorCode::kConfig, fmt::format("[[integrity.checks]] needs '{}'", key),
                    where(source, item));
      }
      auto v = get_string(*n, key, source);
      if (!v) return std::unexpected(v.error());
      (std::string_view(key) == "name" ? check.name : check.sql) = *v;
    }
    if (const toml::node* n = (*t)->get("expect")) {
      auto v = n->value<int64_t>();
      if (!n->is_integer() || !v) {
        return fail(ErrorCode::kConfig, "'expect' must be a whole number", where(source, *n));
      }
      check.expect = *v;
    }
    config.integrity.checks.push_back(check);
    return {};
  });
}

Result<void> parse_log(const toml::node& node, Config& config, const std::string& source) {
  auto table = section_table(node, "[log]", {"dir", "record_read_only_in_target"}, source);
  if (!table) return std::unexpected(table.error());
  if (const toml::node* n = (*table)->get("dir")) {
    auto v = get_string(*n, "dir", source);
    if (!v) return std::unexpected(v.error());
    config.log.dir = *v;
  }
  if (const toml::node* n = (*table)->get("record_read_only_in_target")) {
    auto v = get_bool(*n, "record_read_only_in_target", source);
    if (!v) return std::unexpected(v.error());
    config.log.record_read_only_in_target = *v;
  }
  return {};
}

}  // namespace

Result<std::string> expand_env(const std::string& value) {
  std::string out;
  for (size_t i = 0; i < value.size(); ++i) {
    if (value[i] == '$' && i + 1 < value.size() && value[i + 1] == '{') {
      size_t close = value.find('}', i + 2);
      if (close == std::string::npos) {
        return fail(ErrorCode::kConfig, "unterminated '${' in value; write ${NAME}");
      }
      std::string name = value.substr(i + 2, close - i - 2);
      const char* env = std::getenv(name.c_str());
      if (name.empty() || env == nullptr) {
        return fail(ErrorCode::kConfig,
                    fmt::format("environment variable '{}' is not set; export it before running "
                                "keel",
                                name));
      }
      out += env;
      i = close;
    } else {
      out += value[i];
    }
  }
  return out;
}

Result<Config> parse_config(const std::string& text, const std::string& source) {
  Config config;
  config.path = source;
  toml::table root;
  try {
    root = toml::parse(text, source);
  } catch (const toml::parse_error& e) {
    return fail(ErrorCode::kConfig, std::string(e.description()),
                fmt::format("{}:{}", source, e.source().begin.line));
  }
  if (auto ok = check_keys(root,
                           {"environments", "baseline", "drift", "migrations", "plan", "lint",
                            "parity", "notify", "rollback", "integrity", "log"},
                           "the top level", source);
      !ok) {
    return std::unexpected(ok.error());
  }
  if (const toml::node* envs = root.get("environments")) {
    const toml::table* table = envs->as_table();
    if (table == nullptr) {
      return fail(ErrorCode::kConfig, "'environments' must be a table of [environments.NAME]",
                  where(source, *envs));
    }
    for (const auto& [name, node] : *table) {
      auto env = parse_environment(std::string(name.str()), node, source);
      if (!env) return std::unexpected(env.error());
      config.environments.emplace(env->name, std::move(*env));
    }
  }
  if (const toml::node* n = root.get("baseline")) {
    if (auto ok = parse_baseline(*n, config, source); !ok) return std::unexpected(ok.error());
  }
  if (const toml::node* n = root.get("drift")) {
    if (auto ok = parse_drift(*n, config, source); !ok) return std::unexpected(ok.error());
  }
  if (const toml::node* n = root.get("migrations")) {
    if (auto ok = parse_migrations(*n, config, source); !ok) return std::unexpected(ok.error());
  }
  if (const toml::node* n = root.get("lint")) {
    if (auto ok = parse_lint(*n, config, source); !ok) return std::unexpected(ok.error());
  }
  if (const toml::node* n = root.get("plan")) {
    if (auto ok = parse_plan(*n, config, source); !ok) return std::unexpected(ok.error());
  }
  using Parser = Result<void> (*)(const toml::node&, Config&, const std::string&);
  for (auto [key, parse] : {std::pair<const char*, Parser>{"parity", parse_parity},
                            {"notify", parse_notify},
                            {"rollback", parse_rollback},
                            {"integrity", parse_integrity},
                            {"log", parse_log}}) {
    if (const toml::node* n = root.get(key)) {
      if (auto ok = parse(*n, config, source); !ok) return std::unexpected(ok.error());
    }
  }
  return config;
}

Result<Config> load_config(const std::string& path, bool required) {
  std::error_code ec;
  if (!std::filesystem::exists(path, ec)) {
    if (required) {
      return fail(ErrorCode::kConfig,
                  "config file not found; pass --config FILE, or --url URL to skip the config",
                  path);
    }
    Config config;
    return config;
  }
  std::ifstream in(path, std::ios::binary);
  if (!in) return fail(ErrorCode::kIo, "cannot read the config file", path);
  std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  return parse_config(text, path);
}

}  // namespace keel
