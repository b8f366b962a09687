// keel.toml: parsing and validation with toml++, through one table-driven
// section reader. Each key is named once, in its section's table, with the
// parser of its type (which knows the accepted choices) and the field it
// fills; read_section() checks the keys, reads each one present and runs the
// section's cross-key check. Every error names file:line.
#include "keel/config.h"

#include <fmt/format.h>

#include <toml++/toml.h>
#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <functional>
#include <iterator>
#include <set>
#include <utility>

#include "keel/connection.h"
#include "keel/lint.h"
#include "keel/migrations.h"

namespace keel {
namespace {

// What every parser needs: the file name for file:line, and the config read
// so far (parity names environments read before it).
struct Ctx {
  const std::string& source;
  const Config& config;
};

std::string where(const Ctx& ctx, const toml::node& node) {
  return fmt::format("{}:{}", ctx.source, node.source().begin.line);
}

Error error_at(const Ctx& ctx, const toml::node& node, std::string message) {
  return Error{ErrorCode::kConfig, std::move(message), where(ctx, node), {}};
}

template <class Names>
std::string join(const Names& items) {
  std::string out;
  for (const auto& item : items) out += (out.empty() ? "" : ", ") + std::string(item);
  return out;
}

// ---- Parsers: one per type of value. Each returns the value or the error
// for that key (file:line, and the accepted choices when there are some).

template <class T>
using Parse = std::function<Result<T>(const toml::node&, std::string_view key, const Ctx&)>;

Parse<std::string> text() {
  return [](const toml::node& node, std::string_view key, const Ctx& ctx) -> Result<std::string> {
    if (node.is_string()) return *node.value<std::string>();
    return std::unexpected(error_at(ctx, node, fmt::format("'{}' must be a string", key)));
  };
}

Parse<bool> flag() {
  return [](const toml::node& node, std::string_view key, const Ctx& ctx) -> Result<bool> {
    if (node.is_boolean()) return *node.value<bool>();
    return std::unexpected(error_at(ctx, node, fmt::format("'{}' must be true or false", key)));
  };
}

// A whole number within [min, max] (either bound optional).
Parse<int64_t> whole(std::optional<int64_t> min, std::optional<int64_t> max) {
  return
      [min, max](const toml::node& node, std::string_view key, const Ctx& ctx) -> Result<int64_t> {
        auto v = node.value<int64_t>();
        if (node.is_integer() && v && (!min || *v >= *min) && (!max || *v <= *max)) return *v;
        std::string range = min && max ? fmt::format(" from {} to {}", *min, *max)
                            : min      ? fmt::format(", {} or more", *min)
                                       : "";
        return std::unexpected(
            error_at(ctx, node, fmt::format("'{}' must be a whole number{}", key, range)));
      };
}

// "5s", "500ms", ...; above_zero for durations where 0 means nothing.
Parse<std::chrono::milliseconds> duration(bool above_zero = false) {
  return [above_zero](const toml::node& node, std::string_view key,
                      const Ctx& ctx) -> Result<std::chrono::milliseconds> {
    auto value = text()(node, key, ctx);
    if (!value) return std::unexpected(value.error());
    auto parsed = migrate::parse_duration(*value);
    if (above_zero && (!parsed || parsed->count() == 0)) {
      return std::unexpected(error_at(
          ctx, node, fmt::format("'{}' must be a duration above zero such as \"15m\"", key)));
    }
    if (!parsed) {
      return std::unexpected(error_at(
          ctx, node, fmt::format("'{}' must be a duration such as \"5s\" or \"500ms\"", key)));
    }
    return *parsed;
  };
}

// One of a fixed set of names, parsed into its enum value here, once.
template <class E>
Parse<E> choice(std::vector<std::pair<std::string_view, E>> choices) {
  return [choices](const toml::node& node, std::string_view key, const Ctx& ctx) -> Result<E> {
    auto value = text()(node, key, ctx);
    if (!value) return std::unexpected(value.error());
    std::vector<std::string_view> names;
    for (const auto& [name, e] : choices) {
      if (name == *value) return e;
      names.push_back(name);
    }
    return std::unexpected(
        error_at(ctx, node, fmt::format("{} '{}' is not one of: {}", key, *value, join(names))));
  };
}

// A check of one string: the problem's text, or nullopt when it is fine.
using Problem =
    std::function<std::optional<std::string>(const std::string&, std::string_view, const Ctx&)>;

Parse<std::string> text_where(Problem problem) {
  return [problem](const toml::node& node, std::string_view key,
                   const Ctx& ctx) -> Result<std::string> {
    auto value = text()(node, key, ctx);
    if (!value) return std::unexpected(value.error());
    if (auto p = problem(*value, key, ctx)) return std::unexpected(error_at(ctx, node, *p));
    return value;
  };
}

// An array of strings; `what` names them in the error ("setting names");
// `item_problem` checks each (its error points at the item).
Parse<std::vector<std::string>> texts(std::string what, Problem item_problem = {}) {
  return [what, item_problem](const toml::node& node, std::string_view key,
                              const Ctx& ctx) -> Result<std::vector<std::string>> {
    const toml::array* array = node.as_array();
    if (array == nullptr) {
      return std::unexpected(
          error_at(ctx, node, fmt::format("'{}' must be an array of {}", key, what)));
    }
    std::vector<std::string> out;
    for (const auto& item : *array) {
      auto value = item_problem ? text_where(item_problem)(item, key, ctx) : text()(item, key, ctx);
      if (!value) return std::unexpected(value.error());
      out.push_back(std::move(*value));
    }
    return out;
  };
}

// ---- The section reader.

// A key of a section whose fields are in S: its name, and how its value is
// read into S. `missing`: the error when the key is absent ("{}" is the
// section's name); empty for an optional key.
template <class S>
struct Key {
  std::string_view name;
  std::function<Result<void>(const toml::node&, S&, const Ctx&)> read;
  std::string_view missing = {};
};

// The usual key: parsed by `parse`, stored in `member`.
template <class S, class M, class T>
Key<S> key(std::string_view name, M S::*member, Parse<T> parse, std::string_view missing = {}) {
  return {name,
          [name, member, parse](const toml::node& node, S& out, const Ctx& ctx) -> Result<void> {
            auto value = parse(node, name, ctx);
            if (!value) return std::unexpected(value.error());
            out.*member = static_cast<M>(std::move(*value));
            return {};
          },
          missing};
}

template <class S>
struct Section {
  std::vector<Key<S>> keys;
  // Checks between keys, after they were read (the table, to point at one).
  std::function<Result<void>(const toml::table&, S&, const Ctx&)> check = {};
};

// Reads `node` as the section `name` ("[migrations]") into `out`: a table
// whose keys are all in `section`; unknown keys name the accepted ones.
template <class S>
Result<void> read_section(const toml::node& node, const std::string& name,
                          const Section<S>& section, S& out, const Ctx& ctx) {
  const toml::table* table = node.as_table();
  if (table == nullptr) {
    return std::unexpected(error_at(ctx, node, fmt::format("{} must be a table", name)));
  }
  std::set<std::string_view> accepted;
  for (const Key<S>& k : section.keys) accepted.insert(k.name);
  for (const auto& [k, value] : *table) {
    if (!accepted.contains(k.str())) {
      return std::unexpected(error_at(
          ctx, value,
          fmt::format("unknown key '{}' in {}; accepted keys: {}", k.str(), name, join(accepted))));
    }
  }
  for (const Key<S>& k : section.keys) {
    const toml::node* value = table->get(k.name);
    if (value == nullptr) {
      if (k.missing.empty()) continue;
      return std::unexpected(error_at(ctx, node, fmt::format(fmt::runtime(k.missing), name)));
    }
    if (auto ok = k.read(*value, out, ctx); !ok) return ok;
  }
  if (section.check) return section.check(*table, out, ctx);
  return {};
}

// ---- The sections of keel.toml.

// A url of an environment: ${VAR} expanded and parsed, or the reason it
// cannot be, kept for the commands that use the environment.
std::optional<Error> add_url(EnvironmentConfig& env, const std::string& raw, const toml::node& node,
                             const Ctx& ctx) {
  const std::string section = fmt::format("[environments.{}]", env.name);
  auto expanded = expand_env(raw);
  if (!expanded) {
    return error_at(ctx, node, fmt::format("{} (in {} url)", expanded.error().message, section));
  }
  if (auto parsed = parse_connection_url(*expanded); !parsed) {
    return error_at(ctx, node, fmt::format("{} (in {} url)", parsed.error().message, section));
  }
  env.urls.push_back(std::move(*expanded));
  return std::nullopt;
}

const Section<EnvironmentConfig>& environment_section() {
  // An unset variable or a bad URL is reported when a command uses this
  // environment, not before: CI for staging needs no prod secrets.
  static const Section<EnvironmentConfig> section{
      {{"url",
        [](const toml::node& node, EnvironmentConfig& env, const Ctx& ctx) -> Result<void> {
          auto raw = text()(node, "url", ctx);
          if (!raw) return std::unexpected(raw.error());
          env.url_error = add_url(env, *raw, node, ctx);
          return {};
        }},
       {"urls",
        [](const toml::node& node, EnvironmentConfig& env, const Ctx& ctx) -> Result<void> {
          auto raws = texts("connection URLs")(node, "urls", ctx);
          if (!raws) return std::unexpected(raws.error());
          if (raws->empty()) {
            return std::unexpected(error_at(ctx, node, "'urls' must list at least one URL"));
          }
          const toml::array& array = *node.as_array();
          for (size_t i = 0; i < raws->size() && !env.url_error; ++i) {
            env.url_error = add_url(env, (*raws)[i], *array.get(i), ctx);
          }
          if (env.url_error) env.urls.clear();
          return {};
        }},
       key("tier", &EnvironmentConfig::tier,
           choice<Tier>({{"dev", Tier::kDev}, {"staging", Tier::kStaging}, {"prod", Tier::kProd}})),
       key("rto", &EnvironmentConfig::rto, duration(/*above_zero=*/true))},
      [](const toml::table& table, EnvironmentConfig& env, const Ctx& ctx) -> Result<void> {
        const std::string section = fmt::format("[environments.{}]", env.name);
        if (table.contains("url") && table.contains("urls")) {
          return std::unexpected(
              error_at(ctx, *table.get("urls"),
                       fmt::format("{} has both 'url' and 'urls'; write one of them", section)));
        }
        if (!table.contains("url") && !table.contains("urls")) {
          return std::unexpected(error_at(ctx, table, fmt::format("{} has no 'url'", section)));
        }
        return {};
      }};
  return section;
}

Result<void> read_environments(const toml::node& node, Config& config, const Ctx& ctx) {
  const toml::table* table = node.as_table();
  if (table == nullptr) {
    return std::unexpected(
        error_at(ctx, node, "'environments' must be a table of [environments.NAME]"));
  }
  for (const auto& [name, section] : *table) {
    EnvironmentConfig env;
    env.name = std::string(name.str());
    if (auto ok = read_section(section, fmt::format("[environments.{}]", env.name),
                               environment_section(), env, ctx);
        !ok) {
      return ok;
    }
    config.environments.emplace(env.name, std::move(env));
  }
  return {};
}

std::optional<std::string> not_a_lint_rule(const std::string& id, std::string_view, const Ctx&) {
  if (lint::find_rule(id) != nullptr) return std::nullopt;
  std::vector<std::string_view> valid;
  for (const auto& rule : lint::rules()) valid.push_back(rule.id);
  return fmt::format("unknown lint rule '{}' in [lint] disable; valid rule ids: {}", id,
                     join(valid));
}

// "schema.table.column" or "table.column".
std::optional<std::string> not_a_column_path(const std::string& path, std::string_view key,
                                             const Ctx&) {
  size_t dots = static_cast<size_t>(std::count(path.begin(), path.end(), '.'));
  if ((dots == 1 || dots == 2) && !path.starts_with('.') && !path.ends_with('.') &&
      path.find("..") == std::string::npos) {
    return std::nullopt;
  }
  return fmt::format("'{}' = \"{}\": write schema.table.column or table.column", key, path);
}

std::optional<std::string> not_an_environment(const std::string& name, std::string_view key,
                                              const Ctx& ctx) {
  if (ctx.config.environments.contains(name)) return std::nullopt;
  if (key == "environments") {
    return fmt::format(
        "[parity] environments names '{}', which is not an [environments.{}] section", name, name);
  }
  return fmt::format("[parity] {} '{}' is not an [environments.{}] section", key, name, name);
}

// An array of tables ([[integrity.relations]]), each read as `section`.
template <class S>
Parse<std::vector<S>> tables(std::string name, const Section<S>& section) {
  return [name, &section](const toml::node& node, std::string_view key,
                          const Ctx& ctx) -> Result<std::vector<S>> {
    const toml::array* array = node.as_array();
    if (array == nullptr) {
      return std::unexpected(error_at(
          ctx, node,
          fmt::format("'integrity.{}' must be written as [[integrity.{}]] tables", key, key)));
    }
    std::vector<S> out;
    for (const auto& item : *array) {
      S one;
      if (auto ok = read_section(item, name, section, one, ctx); !ok) {
        return std::unexpected(ok.error());
      }
      out.push_back(std::move(one));
    }
    return out;
  };
}

const Section<IntegrityRelation> kRelation{
    {key("child", &IntegrityRelation::child, text_where(not_a_column_path),
         "{} needs 'child' (\"schema.table.column\")"),
     key("parent", &IntegrityRelation::parent, text_where(not_a_column_path),
         "{} needs 'parent' (\"schema.table.column\")")}};

const Section<IntegrityCheck> kCheck{{key("name", &IntegrityCheck::name, text(), "{} needs 'name'"),
                                      key("sql", &IntegrityCheck::sql, text(), "{} needs 'sql'"),
                                      key("expect", &IntegrityCheck::expect, whole({}, {}))}};

// webhook_url and webhook_secret: ${VAR} expanded; an unset variable is
// kept in NotifyConfig::error, reported by the commands that send webhooks
// only.
Key<NotifyConfig> secret(std::string_view name, std::string NotifyConfig::*member) {
  return {name,
          [name, member](const toml::node& node, NotifyConfig& n, const Ctx& ctx) -> Result<void> {
            auto raw = text()(node, name, ctx);
            if (!raw) return std::unexpected(raw.error());
            auto expanded = expand_env(*raw);
            if (!expanded) {
              n.error = error_at(
                  ctx, node, fmt::format("{} (in [notify] {})", expanded.error().message, name));
            } else {
              n.*member = std::move(*expanded);
            }
            return {};
          }};
}

const Section<NotifyConfig> kNotify{
    {secret("webhook_url", &NotifyConfig::webhook_url),
     secret("webhook_secret", &NotifyConfig::webhook_secret),
     key("timeout", &NotifyConfig::timeout, duration()),
     key("attempts", &NotifyConfig::attempts, whole(1, 10))},
    [](const toml::table& table, NotifyConfig& n, const Ctx& ctx) -> Result<void> {
      if (n.error || n.webhook_url.empty() || n.webhook_url.starts_with("http://") ||
          n.webhook_url.starts_with("https://")) {
        return {};
      }
      return std::unexpected(error_at(ctx, *table.get("webhook_url"),
                                      "'webhook_url' must start with http:// or https://"));
    }};

// A number (whole or not) within [min, max].
Parse<double> decimal(double min, double max) {
  return
      [min, max](const toml::node& node, std::string_view key, const Ctx& ctx) -> Result<double> {
        std::optional<double> v;
        if (node.is_integer()) v = static_cast<double>(*node.value<int64_t>());
        if (node.is_floating_point()) v = *node.value<double>();
        if (v && *v >= min && *v <= max) return *v;
        return std::unexpected(error_at(
            ctx, node, fmt::format("'{}' must be a number from {:g} to {:g}", key, min, max)));
      };
}

// Rollout steps: an array of whole percents from 1 to 100, rising, ending at 100.
Parse<std::vector<int>> percents() {
  return [](const toml::node& node, std::string_view key,
            const Ctx& ctx) -> Result<std::vector<int>> {
    const toml::array* array = node.as_array();
    const std::string shape = fmt::format(
        "'{}' must be an array of rising percents ending at 100, such as [5, 25, 50, 100]", key);
    if (array == nullptr || array->empty()) return std::unexpected(error_at(ctx, node, shape));
    std::vector<int> out;
    for (const auto& item : *array) {
      auto v = item.value<int64_t>();
      if (!item.is_integer() || !v || *v < 1 || *v > 100 || (!out.empty() && *v <= out.back())) {
        return std::unexpected(error_at(ctx, item, shape));
      }
      out.push_back(static_cast<int>(*v));
    }
    if (out.back() != 100) return std::unexpected(error_at(ctx, node, shape));
    return out;
  };
}

// A url key of [rollout]: ${VAR} expanded and parsed; a problem is kept in
// RolloutConfig::error for keel rollout (the other commands never read it).
std::optional<Error> rollout_url(const std::string& raw, std::string_view key,
                                 const toml::node& node, const Ctx& ctx, std::string& out) {
  auto expanded = expand_env(raw);
  if (!expanded) {
    return error_at(ctx, node, fmt::format("{} (in [rollout] {})", expanded.error().message, key));
  }
  if (auto parsed = parse_connection_url(*expanded); !parsed) {
    return error_at(ctx, node, fmt::format("{} (in [rollout] {})", parsed.error().message, key));
  }
  out = std::move(*expanded);
  return std::nullopt;
}

Key<RolloutConfig> rollout_url_key(std::string_view name, std::string RolloutConfig::*member) {
  return {name,
          [name, member](const toml::node& node, RolloutConfig& r, const Ctx& ctx) -> Result<void> {
            auto raw = text()(node, name, ctx);
            if (!raw) return std::unexpected(raw.error());
            if (auto e = rollout_url(*raw, name, node, ctx, r.*member); e && !r.error) r.error = e;
            return {};
          }};
}

const Section<RolloutTier> kRolloutTier{{key("steps", &RolloutTier::steps, percents()),
                                         key("hold", &RolloutTier::hold, duration()),
                                         key("load_command", &RolloutTier::load_command, text())}};

Key<RolloutConfig> rollout_tier(std::string_view name, RolloutTier RolloutConfig::*member) {
  return {name,
          [name, member](const toml::node& node, RolloutConfig& r, const Ctx& ctx) -> Result<void> {
            return read_section(node, fmt::format("[rollout.{}]", name), kRolloutTier, r.*member,
                                ctx);
          }};
}

const Section<RolloutConfig> kRollout{
    {key("router", &RolloutConfig::router,
         choice<RolloutRouter>({{"haproxy", RolloutRouter::kHaproxy},
                                {"flag", RolloutRouter::kFlag},
                                {"command", RolloutRouter::kCommand}})),
     key("haproxy_admin", &RolloutConfig::haproxy_admin, text()),
     key("haproxy_backend", &RolloutConfig::haproxy_backend, text()),
     key("old_server", &RolloutConfig::old_server, text()),
     key("new_server", &RolloutConfig::new_server, text()),
     key("flag", &RolloutConfig::flag, text()),
     key("command", &RolloutConfig::command, text()),
     rollout_url_key("old_url", &RolloutConfig::old_url),
     rollout_url_key("new_url", &RolloutConfig::new_url),
     {"pgbouncer_admin_urls",
      [](const toml::node& node, RolloutConfig& r, const Ctx& ctx) -> Result<void> {
        auto raws = texts("connection URLs")(node, "pgbouncer_admin_urls", ctx);
        if (!raws) return std::unexpected(raws.error());
        for (const std::string& raw : *raws) {
          std::string url;
          if (auto e = rollout_url(raw, "pgbouncer_admin_urls", node, ctx, url)) {
            if (!r.error) r.error = e;
            continue;
          }
          r.pgbouncer_admin_urls.push_back(std::move(url));
        }
        return {};
      }},
     key("probe_query", &RolloutConfig::probe_query, text()),
     key("probe_interval", &RolloutConfig::probe_interval, duration(/*above_zero=*/true)),
     key("probe_sessions", &RolloutConfig::probe_sessions, whole(1, 64)),
     key("sample_interval", &RolloutConfig::sample_interval, duration(/*above_zero=*/true)),
     key("window", &RolloutConfig::window, duration(/*above_zero=*/true)),
     key("min_samples", &RolloutConfig::min_samples, whole(1, 1000000)),
     key("slo_p99", &RolloutConfig::slo_p99, duration(/*above_zero=*/true)),
     key("p99_tolerance_percent", &RolloutConfig::p99_tolerance_percent, whole(100, 1000)),
     key("max_error_percent", &RolloutConfig::max_error_percent, decimal(0, 100)),
     key("max_replication_lag", &RolloutConfig::max_replication_lag, duration()),
     key("max_saturation_percent", &RolloutConfig::max_saturation_percent, whole(0, 100)),
     key("metrics_listen", &RolloutConfig::metrics_listen, text()),
     key("complete", &RolloutConfig::complete, flag()),
     rollout_tier("dev", &RolloutConfig::dev),
     rollout_tier("staging", &RolloutConfig::staging),
     rollout_tier("prod", &RolloutConfig::prod)}};

// The top-level tables: each reads its section into the Config.
struct TopLevel {
  std::string_view name;
  std::function<Result<void>(const toml::node&, Config&, const Ctx&)> read;
};

template <class S>
TopLevel top(std::string_view name, S Config::*member, Section<S> section) {
  return {name,
          [name, member, section](const toml::node& node, Config& config,
                                  const Ctx& ctx) -> Result<void> {
            return read_section(node, fmt::format("[{}]", name), section, config.*member, ctx);
          }};
}

const std::vector<TopLevel>& top_level() {
  static const std::vector<TopLevel> kTables = {
      {"environments", read_environments},
      {"baseline",
       [](const toml::node& node, Config& config, const Ctx& ctx) {
         return read_section(
             node, "[baseline]",
             Section<Config>{{key("settings", &Config::settings, texts("setting names")),
                              key("column_order", &Config::ignore_column_order,
                                  choice<bool>({{"keep", false}, {"ignore", true}}))}},
             config, ctx);
       }},
      {"drift",
       [](const toml::node& node, Config& config, const Ctx& ctx) {
         return read_section(
             node, "[drift]",
             Section<Config>{{key("strict_server_version", &Config::strict_server_version, flag()),
                              key("include_index_stats", &Config::include_index_stats, flag())}},
             config, ctx);
       }},
      top("migrations", &Config::migrations,
          Section<MigrationsConfig>{
              {key("dir", &MigrationsConfig::dir, text()),
               key("applied_by", &MigrationsConfig::applied_by, text()),
               key("schema_hash", &MigrationsConfig::schema_hash,
                   choice<SchemaHashMode>({{"each", SchemaHashMode::kEach},
                                           {"run", SchemaHashMode::kRun},
                                           {"off", SchemaHashMode::kOff}})),
               key("lock_timeout", &MigrationsConfig::lock_timeout, duration()),
               key("statement_timeout", &MigrationsConfig::statement_timeout, duration()),
               key("retries", &MigrationsConfig::retries, whole(0, 100)),
               key("retry_base", &MigrationsConfig::retry_base, duration()),
               key("retry_cap", &MigrationsConfig::retry_cap, duration())},
              [](const toml::table& table, MigrationsConfig& m, const Ctx& ctx) -> Result<void> {
                if (m.retry_cap >= m.retry_base) return {};
                return std::unexpected(error_at(ctx, table,
                                                "'retry_cap' must be at least 'retry_base' (the "
                                                "backoff grows from base to cap)"));
              }}),
      top("backfill", &Config::backfill,
          Section<expand::BackfillSettings>{
              {key("batch_size", &expand::BackfillSettings::batch_size, whole(1, 1000000)),
               key("target_batch_time", &expand::BackfillSettings::target_batch_time, duration()),
               key("max_batch_size", &expand::BackfillSettings::max_batch_size, whole(1, 1000000)),
               key("latency_limit_percent", &expand::BackfillSettings::latency_limit_percent,
                   whole(0, 10000)),
               key("probe_query", &expand::BackfillSettings::probe_query, text()),
               key("max_replication_lag", &expand::BackfillSettings::max_replication_lag,
                   duration()),
               key("max_wal_mb_per_second", &expand::BackfillSettings::max_wal_mb_per_second,
                   whole(0, 100000)),
               key("progress_interval", &expand::BackfillSettings::progress_interval, duration())},
              [](const toml::table& table, expand::BackfillSettings& b,
                 const Ctx& ctx) -> Result<void> {
                if (b.latency_limit_percent == 0 || b.latency_limit_percent >= 100) return {};
                return std::unexpected(error_at(
                    ctx, table,
                    "'latency_limit_percent' is a share of the probe's baseline: 0 (off) or "
                    "100 and more (115: slow down above 1.15 times the baseline)"));
              }}),
      top("lint", &Config::lint,
          Section<LintConfig>{
              {key("disable", &LintConfig::disable, texts("lint rule ids", not_a_lint_rule))}}),
      top("plan", &Config::plan,
          Section<PlanConfig>{
              {key("max_lock_ms", &PlanConfig::max_lock_ms, whole(0, {})),
               key("max_rewrite_rows", &PlanConfig::max_rewrite_rows, whole(0, {})),
               key("require_idempotent", &PlanConfig::require_idempotent, flag()),
               key("require_reversible", &PlanConfig::require_reversible, flag()),
               key("verify_queries", &PlanConfig::verify_queries, texts("SQL strings"))}}),
      top("parity", &Config::parity,
          Section<ParityConfig>{
              {key("environments", &ParityConfig::environments,
                   texts("strings", not_an_environment)),
               key("reference", &ParityConfig::reference, text_where(not_an_environment)),
               key("baseline_path", &ParityConfig::baseline_path,
                   text_where([](const std::string& v, std::string_view,
                                 const Ctx&) -> std::optional<std::string> {
                     if (v.empty()) return "'baseline_path' must not be empty";
                     return std::nullopt;
                   }))}}),
      top("notify", &Config::notify, kNotify),
      top("rollback", &Config::rollback,
          Section<RollbackConfig>{{key("drain_timeout", &RollbackConfig::drain_timeout, duration()),
                                   key("idle_in_transaction_timeout",
                                       &RollbackConfig::idle_in_transaction_timeout, duration()),
                                   key("terminate_idle_in_transaction",
                                       &RollbackConfig::terminate_idle_in_transaction, flag())}}),
      top("integrity", &Config::integrity,
          Section<IntegrityConfig>{
              {key("relations", &IntegrityConfig::relations,
                   tables("[[integrity.relations]]", kRelation)),
               key("checks", &IntegrityConfig::checks, tables("[[integrity.checks]]", kCheck))}}),
      top("rollout", &Config::rollout, kRollout),
      top("log", &Config::log,
          Section<LogConfig>{
              {key("dir", &LogConfig::dir, text()),
               key("record_read_only_in_target", &LogConfig::record_read_only_in_target, flag())}}),
  };
  return kTables;
}

}  // namespace

std::string_view tier_name(Tier tier) {
  switch (tier) {
    case Tier::kDev:
      return "dev";
    case Tier::kStaging:
      return "staging";
    case Tier::kProd:
      return "prod";
    case Tier::kUnset:
      break;
  }
  return "";
}

Result<std::string> EnvironmentConfig::single_url() const {
  if (url_error) return std::unexpected(*url_error);
  if (urls.size() != 1) {
    return fail(ErrorCode::kUsage,
                fmt::format("environment '{}' lists {} urls; keel acts on one database at a "
                            "time (fleet mode is not supported yet): pass --url to act on one "
                            "of them",
                            name, urls.size()));
  }
  return urls.front();
}

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
  const Ctx ctx{source, config};
  std::set<std::string_view> accepted;
  for (const TopLevel& t : top_level()) accepted.insert(t.name);
  for (const auto& [key, node] : root) {
    if (!accepted.contains(key.str())) {
      return std::unexpected(error_at(ctx, node,
                                      fmt::format("unknown key '{}' in the top level; accepted "
                                                  "keys: {}",
                                                  key.str(), join(accepted))));
    }
  }
  // In table order: [parity] checks the names of [environments].
  for (const TopLevel& t : top_level()) {
    if (const toml::node* node = root.get(t.name)) {
      if (auto ok = t.read(*node, config, ctx); !ok) return std::unexpected(ok.error());
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
