// ADD COLUMN ... NOT NULL (or PRIMARY KEY) without a DEFAULT on an existing
// table: fails as soon as the table has a row, and breaks the INSERTs of
// application versions that do not know the column.
#include <fmt/format.h>

#include "lint/rules/rules.h"

namespace keel::lint::checks {
namespace {

void check(Context& ctx) {
  alter_existing(ctx, [&](const std::string& table, const std::string& subtype, const Json& cmd) {
    if (subtype != "AT_AddColumn") return;
    const Json& column = field(field(cmd, "def"), "ColumnDef");
    std::string type = type_of(field(column, "typeName")).name;
    if (type.find("serial") != std::string::npos) return;
    bool not_null = false;
    for (const Json* c : column_constraints(column)) {
      std::string contype = c->value("contype", "");
      if (contype == "CONSTR_DEFAULT" || contype == "CONSTR_IDENTITY" ||
          contype == "CONSTR_GENERATED") {
        return;
      }
      not_null = not_null || contype == "CONSTR_NOTNULL" || contype == "CONSTR_PRIMARY";
    }
    if (!not_null) return;
    std::string name = column.value("colname", "");
    ctx.report(
        kAddColumnNotNullNoDefault.info.id, ctx.at(column),
        fmt::format("ADD COLUMN {} NOT NULL without a DEFAULT fails as soon as {} has a row "
                    "(\"contains null values\"), and the INSERTs of running application "
                    "versions that do not write {} start failing; it {}",
                    name, table, name, access_exclusive(table)),
        fmt::format("ADD COLUMN {} nullable, or NOT NULL with a constant DEFAULT (PostgreSQL 11+ "
                    "adds it without a rewrite); backfill in batches; then ADD CONSTRAINT ... "
                    "CHECK ({} IS NOT NULL) NOT VALID, VALIDATE CONSTRAINT, SET NOT NULL",
                    name, name));
  });
}

}  // namespace

const Rule kAddColumnNotNullNoDefault{
    {"add-column-not-null-no-default", Severity::kError, "ACCESS EXCLUSIVE",
     "ADD COLUMN NOT NULL without a default fails on a non-empty table and breaks running "
     "INSERTs"},
    &check};

}  // namespace keel::lint::checks
