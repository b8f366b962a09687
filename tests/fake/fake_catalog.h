// An in-memory fake of lint::Catalog (include/keel/lint.h), the server's
// answers to keel lint and keel plan's lint gate: function volatilities and
// column types from tables, and an error injected for everything else.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <utility>

#include "keel/lint.h"

namespace keel::fake {

class FakeCatalog final : public lint::Catalog {
 public:
  // The answers: "name" -> volatility, "schema.table.column" -> type.
  std::map<std::string, lint::Volatility> functions;
  std::map<std::string, lint::ColumnType> columns;
  // When set, every question not answered above fails with it (as a server
  // that refuses, or a lost connection); unset: "no such function/column".
  std::optional<Error> refuse_with;
  int asked = 0;

  int server_major_version() override { return 15; }
  Result<std::optional<lint::Volatility>> function_volatility(const std::string& /*schema*/,
                                                              const std::string& name) override {
    ++asked;
    if (auto it = functions.find(name); it != functions.end()) return std::optional(it->second);
    if (refuse_with) return std::unexpected(*refuse_with);
    return std::optional<lint::Volatility>();
  }
  Result<std::optional<lint::ColumnType>> column_type(const std::string& schema,
                                                      const std::string& table,
                                                      const std::string& column) override {
    ++asked;
    const std::string key = (schema.empty() ? "public" : schema) + "." + table + "." + column;
    if (auto it = columns.find(key); it != columns.end()) return std::optional(it->second);
    if (refuse_with) return std::unexpected(*refuse_with);
    return std::optional<lint::ColumnType>();
  }
};

}  // namespace keel::fake
