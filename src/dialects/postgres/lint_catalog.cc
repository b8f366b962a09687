// What keel lint asks a live PostgreSQL: the server version, a function's
// volatility (pg_proc) and a column's current type (pg_attribute). Read-only
// queries with bind parameters, each answer cached; every exception stays in
// this file (a failed lookup is "unknown", never an abort of the lint).
#include <fmt/format.h>

#include <pqxx/pqxx>

#include <map>
#include <tuple>

#include "dialects/postgres/conninfo.h"
#include "dialects/postgres/postgres.h"
#include "keel/lint.h"

namespace keel::lint {
namespace {

class PgCatalog final : public Catalog {
 public:
  PgCatalog(std::unique_ptr<pqxx::connection> conn, int version)
      : conn_(std::move(conn)), version_(version) {}

  int server_major_version() override { return version_; }

  std::optional<Volatility> function_volatility(const std::string& schema,
                                                const std::string& name) override {
    auto key = std::pair{schema, name};
    if (auto it = volatility_.find(key); it != volatility_.end()) return it->second;
    std::optional<Volatility> found;
    try {
      pqxx::read_transaction tx(*conn_);
      // Of several overloads the most volatile: 'v' > 's' > 'i'.
      pqxx::result r = tx.exec_params(
          "SELECT max(CASE p.provolatile WHEN 'v' THEN 2 WHEN 's' THEN 1 ELSE 0 END)"
          " FROM pg_catalog.pg_proc p JOIN pg_catalog.pg_namespace n ON n.oid = p.pronamespace"
          " WHERE p.proname = $1 AND CASE WHEN $2 = '' THEN n.nspname = ANY "
          "(pg_catalog.current_schemas(true)) ELSE n.nspname = $2 END",
          name, schema);
      if (!r.empty() && !r[0][0].is_null()) found = static_cast<Volatility>(r[0][0].as<int>());
    } catch (const std::exception&) {
      found.reset();
    }
    volatility_[key] = found;
    return found;
  }

  std::optional<ColumnType> column_type(const std::string& schema, const std::string& table,
                                        const std::string& column) override {
    auto key = std::tuple{schema, table, column};
    if (auto it = types_.find(key); it != types_.end()) return it->second;
    std::optional<ColumnType> found;
    try {
      pqxx::read_transaction tx(*conn_);
      pqxx::result r = tx.exec_params(
          "SELECT t.typname, a.atttypmod FROM pg_catalog.pg_attribute a"
          " JOIN pg_catalog.pg_class c ON c.oid = a.attrelid"
          " JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace"
          " JOIN pg_catalog.pg_type t ON t.oid = a.atttypid"
          " WHERE n.nspname = $1 AND c.relname = $2 AND a.attname = $3"
          " AND a.attnum > 0 AND NOT a.attisdropped",
          schema.empty() ? std::string("public") : schema, table, column);
      if (!r.empty()) {
        ColumnType type{r[0][0].c_str(), {}};
        int mod = r[0][1].as<int>();
        if (mod >= 4 && (type.name == "varchar" || type.name == "bpchar")) {
          type.mods = {mod - 4};
        } else if (mod >= 4 && type.name == "numeric") {
          type.mods = {((mod - 4) >> 16) & 0xffff, (mod - 4) & 0xffff};
        } else if (mod >= 0 && (type.name == "varbit" || type.name == "bit")) {
          type.mods = {mod};
        }
        found = type;
      }
    } catch (const std::exception&) {
      found.reset();
    }
    types_[key] = found;
    return found;
  }

 private:
  std::unique_ptr<pqxx::connection> conn_;
  int version_;
  std::map<std::pair<std::string, std::string>, std::optional<Volatility>> volatility_;
  std::map<std::tuple<std::string, std::string, std::string>, std::optional<ColumnType>> types_;
};

}  // namespace
}  // namespace keel::lint

namespace keel::pg {

using lint::Catalog;
using lint::PgCatalog;

Result<std::unique_ptr<Catalog>> open_lint_catalog(const ConnectionUrl& url) {
  try {
    auto conn = std::make_unique<pqxx::connection>(pg::driver_conninfo(url.url));
    int version = conn->server_version() / 10000;
    return std::unique_ptr<Catalog>(std::make_unique<PgCatalog>(std::move(conn), version));
  } catch (const std::exception& e) {
    std::string message = mask_secrets(e.what(), {url.password});
    while (!message.empty() && (message.back() == '\n' || message.back() == ' ')) {
      message.pop_back();
    }
    std::string text = "cannot connect: ";
    text += message;
    return fail(ErrorCode::kConnection, std::move(text), url.masked);
  }
}

}  // namespace keel::pg
