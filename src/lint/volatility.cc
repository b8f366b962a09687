// Volatility of the functions in an expression (a column default): from the
// script's own CREATE FUNCTION statements, then the live catalog (pg_proc,
// through Catalog) when there is one, then the built-in list of
// dialects/postgres/types.h (the one keel diff uses too). A function known
// to none of them is assumed VOLATILE: lint errs on the side of the rewrite.
#include <algorithm>
#include <map>
#include <string_view>

#include "dialects/postgres/types.h"
#include "lint/engine.h"

namespace keel::lint {
namespace {

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
    if (auto v = pg::builtin_volatility(name)) return v;
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
