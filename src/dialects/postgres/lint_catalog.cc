// What keel lint asks a live PostgreSQL: the server version, a function's
// volatility (pg_proc) and a column's current type (pg_attribute). Read-only
// queries with bind parameters through one Session, each answer cached; a
// lookup the server refuses (or a lost connection) is an error, never
// "unknown".
#include <fmt/format.h>

#include <map>
#include <tuple>

#include "dialects/postgres/postgres.h"
#include "dialects/postgres/session.h"
#include "keel/lint.h"

namespace keel::lint {
namespace {

class PgCatalog final : public Catalog {
 public:
  explicit PgCatalog(std::unique_ptr<pg::Session> session) : session_(std::move(session)) {}

  int server_major_version() override { return session_->server_version() / 10000; }

  Result<std::optional<Volatility>> function_volatility(const std::string& schema,
                                                        const std::string& name) override {
    auto key = std::pair{schema, name};
    if (auto it = volatility_.find(key); it != volatility_.end()) return it->second;
    // Of several overloads the most volatile: 'v' > 's' > 'i'.
    auto r = session_->exec(
        "SELECT max(CASE p.provolatile WHEN 'v' THEN 2 WHEN 's' THEN 1 ELSE 0 END)"
        " FROM pg_catalog.pg_proc p JOIN pg_catalog.pg_namespace n ON n.oid = p.pronamespace"
        " WHERE p.proname = $1 AND CASE WHEN $2 = '' THEN n.nspname = ANY "
        "(pg_catalog.current_schemas(true)) ELSE n.nspname = $2 END",
        {name, schema});
    if (!r) return std::unexpected(r.error());
    std::optional<Volatility> found;
    if (!r->empty() && !(*r)[0].is_null(0)) {
      found = static_cast<Volatility>((*r)[0].int64(0));
    }
    volatility_[key] = found;
    return found;
  }

  Result<std::optional<ColumnType>> column_type(const std::string& schema, const std::string& table,
                                                const std::string& column) override {
    auto key = std::tuple{schema, table, column};
    if (auto it = types_.find(key); it != types_.end()) return it->second;
    auto r = session_->exec(
        "SELECT t.typname, a.atttypmod FROM pg_catalog.pg_attribute a"
        " JOIN pg_catalog.pg_class c ON c.oid = a.attrelid"
        " JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace"
        " JOIN pg_catalog.pg_type t ON t.oid = a.atttypid"
        " WHERE n.nspname = $1 AND c.relname = $2 AND a.attname = $3"
        " AND a.attnum > 0 AND NOT a.attisdropped",
        {schema.empty() ? std::string("public") : schema, table, column});
    if (!r) return std::unexpected(r.error());
    std::optional<ColumnType> found;
    if (!r->empty()) {
      ColumnType type{(*r)[0].str(0), {}};
      int mod = static_cast<int>((*r)[0].int64(1));
      if (mod >= 4 && (type.name == "varchar" || type.name == "bpchar")) {
        type.mods = {mod - 4};
      } else if (mod >= 4 && type.name == "numeric") {
        type.mods = {((mod - 4) >> 16) & 0xffff, (mod - 4) & 0xffff};
      } else if (mod >= 0 && (type.name == "varbit" || type.name == "bit")) {
        type.mods = {mod};
      }
      found = type;
    }
    types_[key] = found;
    return found;
  }

 private:
  std::unique_ptr<pg::Session> session_;
  std::map<std::pair<std::string, std::string>, std::optional<Volatility>> volatility_;
  std::map<std::tuple<std::string, std::string, std::string>, std::optional<ColumnType>> types_;
};

}  // namespace
}  // namespace keel::lint

namespace keel::pg {

using lint::Catalog;
using lint::PgCatalog;

Result<std::unique_ptr<Catalog>> open_lint_catalog(const ConnectionUrl& url) {
  auto session = pg::Session::open(url);
  if (!session) return std::unexpected(session.error());
  return std::unique_ptr<Catalog>(std::make_unique<PgCatalog>(std::move(*session)));
}

}  // namespace keel::pg
