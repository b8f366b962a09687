// ADD COLUMN that rewrites the table: a VOLATILE default (random(),
// clock_timestamp(), gen_random_uuid(), nextval ...), a serial type, an
// identity or a stored generated column; before PostgreSQL 11, any non-null
// default. A constant or STABLE default (now(), CURRENT_TIMESTAMP) is stored
// in the catalog on PostgreSQL 11+ and rewrites nothing.
#include <fmt/format.h>

#include <set>

#include "lint/rules/rules.h"

namespace keel::lint::checks {
namespace {

bool is_serial(const std::string& type) {
  static const std::set<std::string> kSerial = {"serial",  "bigserial", "smallserial",
                                                "serial2", "serial4",   "serial8"};
  return kSerial.contains(type);
}

// Why adding `column` rewrites the table, or empty.
std::string rewrite_cause(Context& ctx, const Json& column) {
  ColumnType type = type_of(field(column, "typeName"));
  if (is_serial(type.name)) return fmt::format("type {} (a nextval() default)", type.name);
  for (const Json* c : column_constraints(column)) {
    std::string contype = c->value("contype", "");
    if (contype == "CONSTR_IDENTITY") return "GENERATED ... AS IDENTITY";
    if (contype == "CONSTR_GENERATED") return "GENERATED ALWAYS AS (...) STORED";
    if (contype != "CONSTR_DEFAULT") continue;
    const Json& expr = field(*c, "raw_expr");
    if (field(expr, "A_Const").value("isnull", false)) continue;
    VolatilityFound v = ctx.volatility(expr);
    if (v.level == Volatility::kVolatile) {
      return fmt::format("DEFAULT {}() ({})", v.function,
                         v.assumed ? "a function keel does not know, assumed VOLATILE; lint "
                                     "with --url to read its volatility from pg_proc"
                                   : "a VOLATILE function: evaluated once per row");
    }
    if (ctx.pg_version() < 11) {
      return fmt::format(
          "a DEFAULT on PostgreSQL {} (11 and later store a non-volatile default "
          "without a rewrite)",
          ctx.pg_version());
    }
  }
  return {};
}

void check(Context& ctx) {
  alter_existing(ctx, [&](const std::string& table, const std::string& subtype, const Json& cmd) {
    if (subtype != "AT_AddColumn") return;
    const Json& column = field(field(cmd, "def"), "ColumnDef");
    std::string cause = rewrite_cause(ctx, column);
    if (cause.empty()) return;
    std::string name = column.value("colname", "");
    ctx.report(kAddColumnVolatileDefault.info.id, ctx.at(column),
               fmt::format("ADD COLUMN {} with {} rewrites every row of {} and its indexes, and "
                           "{}",
                           name, cause, table, access_exclusive(table)),
               fmt::format("ADD COLUMN {} without that default (nullable, or with a constant "
                           "DEFAULT); then ALTER COLUMN {} SET DEFAULT ... for new rows; then "
                           "backfill existing rows in batches outside the migration",
                           name, name));
  });
}

}  // namespace

const Rule kAddColumnVolatileDefault{
    {"add-column-volatile-default", Severity::kError, "ACCESS EXCLUSIVE",
     "ADD COLUMN with a volatile default, serial, identity or stored generated column rewrites "
     "the table"},
    &check};

}  // namespace keel::lint::checks
