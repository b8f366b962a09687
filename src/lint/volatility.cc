// Volatility of the functions in an expression (a column default): from the
// script's own CREATE FUNCTION statements, then the live catalog (pg_proc,
// through Catalog) when there is one, then a built-in list. A function known
// to none of them is assumed VOLATILE: lint errs on the side of the rewrite.
#include <algorithm>
#include <map>
#include <string_view>

#include "lint/engine.h"

namespace keel::lint {
namespace {

// Built-in functions as pg_proc declares them on PostgreSQL 15 (and the
// uuid-ossp / pgcrypto extensions' generators).
const std::map<std::string_view, Volatility>& builtin() {
  static const std::map<std::string_view, Volatility> kBuiltin = [] {
    std::map<std::string_view, Volatility> m;
    for (std::string_view f :
         {"random", "random_normal", "clock_timestamp", "timeofday", "gen_random_uuid",
          "uuid_generate_v1", "uuid_generate_v1mc", "uuid_generate_v4", "gen_random_bytes",
          "nextval", "setval", "txid_current", "pg_current_xact_id", "setseed", "lastval",
          "currval", "pg_backend_pid", "inet_client_addr"}) {
      m[f] = Volatility::kVolatile;
    }
    for (std::string_view f :
         {"now", "transaction_timestamp", "statement_timestamp", "current_setting",
          "current_database", "current_schema", "to_timestamp", "to_char", "to_date", "format",
          "date_part", "age", "current_user", "session_user"}) {
      m[f] = Volatility::kStable;
    }
    for (std::string_view f : {"lower",
                               "upper",
                               "length",
                               "char_length",
                               "concat_ws",
                               "md5",
                               "abs",
                               "round",
                               "floor",
                               "ceil",
                               "trim",
                               "btrim",
                               "ltrim",
                               "rtrim",
                               "replace",
                               "substr",
                               "substring",
                               "left",
                               "right",
                               "lpad",
                               "rpad",
                               "make_date",
                               "make_time",
                               "make_interval",
                               "date_trunc",
                               "jsonb_build_object",
                               "json_build_object",
                               "jsonb_build_array",
                               "json_build_array",
                               "array_fill",
                               "int4",
                               "int8",
                               "numeric",
                               "text",
                               "uuid_nil",
                               "power",
                               "sqrt",
                               "greatest",
                               "least",
                               "to_jsonb",
                               "to_json",
                               "encode",
                               "decode",
                               "sha256",
                               "split_part",
                               "regexp_replace",
                               "initcap",
                               "reverse",
                               "repeat"}) {
      m[f] = Volatility::kImmutable;
    }
    return m;
  }();
  return kBuiltin;
}

void raise(VolatilityFound& found, Volatility level, const std::string& function, bool assumed) {
  if (static_cast<int>(level) > static_cast<int>(found.level)) {
    found.level = level;
    found.function = function;
    found.assumed = assumed;
  }
}

}  // namespace

std::optional<Volatility> Context::function_volatility(const std::string& schema,
                                                       const std::string& name) {
  auto local = state_.functions.find((schema.empty() ? "public" : schema) + "." + name);
  if (local != state_.functions.end()) return local->second;
  if (options_.catalog != nullptr) {
    auto v = options_.catalog->function_volatility(schema, name);
    if (!v) {
      if (!state_.catalog_error) state_.catalog_error = v.error();
    } else if (*v) {
      return *v;
    }
  }
  if (schema.empty() || schema == "pg_catalog") {
    auto it = builtin().find(name);
    if (it != builtin().end()) return it->second;
  }
  return std::nullopt;
}

VolatilityFound Context::volatility(const Json& expr) {
  VolatilityFound found;
  // Iterative walk over every object and array of the expression.
  std::vector<const Json*> stack{&expr};
  while (!stack.empty()) {
    const Json* node = stack.back();
    stack.pop_back();
    if (node->is_array()) {
      for (const Json& child : *node) stack.push_back(&child);
      continue;
    }
    if (!node->is_object()) continue;
    for (auto it = node->begin(); it != node->end(); ++it) {
      if (it.key() == "FuncCall") {
        const Json& names = field(it.value(), "funcname");
        std::string name = names.empty() ? std::string() : sval(names.back());
        std::string schema = names.size() >= 2 ? sval(names[names.size() - 2]) : std::string();
        std::string shown = schema.empty() ? name : schema + "." + name;
        if (auto v = function_volatility(schema, name)) {
          raise(found, *v, shown, false);
        } else {
          raise(found, Volatility::kVolatile, shown, true);
        }
      } else if (it.key() == "SQLValueFunction") {
        // CURRENT_TIMESTAMP, CURRENT_DATE, CURRENT_USER, LOCALTIME ...: STABLE.
        raise(found, Volatility::kStable, "CURRENT_TIMESTAMP", false);
      }
      if (it->is_structured()) stack.push_back(&it.value());
    }
  }
  return found;
}

}  // namespace keel::lint
