// ADD FOREIGN KEY without NOT VALID on an existing table (or ADD COLUMN ... REFERENCES):
// validates every row while both tables are locked against writes.
#include <fmt/format.h>

#include "lint/operation_hint.h"
#include "lint/rules/rules.h"
#include "util/quote.h"

namespace keel::lint::checks {
namespace {

// ADD COLUMN ... REFERENCES (Django's and others' default output): the foreign key is added
// and validated in the same statement, with no way to write NOT VALID inline.
void inline_reference(Context& ctx, const std::string& table, const Json& column) {
  for (const Json* c : column_constraints(column)) {
    if (c->value("contype", "") != "CONSTR_FOREIGN") continue;
    const std::string referenced = Context::table(field(*c, "pktable"));
    const std::string name = column.value("colname", "");
    ctx.report(
        kForeignKeyWithoutNotValid.info.id, ctx.at(*c),
        fmt::format("ADD COLUMN {} ... REFERENCES {} adds the foreign key and validates it in "
                    "the same statement: a scan of every row of {} under the ADD COLUMN's "
                    "ACCESS EXCLUSIVE lock, with a SHARE ROW EXCLUSIVE lock on {} (writes to it "
                    "wait) until the migration commits",
                    name, referenced, table, referenced),
        fmt::format("ADD COLUMN {} without REFERENCES; then ADD CONSTRAINT ... FOREIGN KEY ({}) "
                    "REFERENCES {} (...) NOT VALID; then VALIDATE CONSTRAINT in a later "
                    "migration (SHARE UPDATE EXCLUSIVE: writes go on)",
                    quote_identifier(name), quote_identifier(name),
                    Context::sql_table(field(*c, "pktable"))));
  }
}

void check(Context& ctx) {
  alter_existing(ctx, [&](const std::string& table, const std::string& subtype, const Json& cmd) {
    if (subtype == "AT_AddColumn") {
      inline_reference(ctx, table, field(field(cmd, "def"), "ColumnDef"));
      return;
    }
    if (subtype != "AT_AddConstraint") return;
    const Json& c = field(field(cmd, "def"), "Constraint");
    if (c.value("contype", "") != "CONSTR_FOREIGN" || c.value("skip_validation", false)) return;
    std::string referenced = Context::table(field(c, "pktable"));
    std::string name = c.value("conname", "");
    ctx.report(
        kForeignKeyWithoutNotValid.info.id, ctx.at(c),
        fmt::format("ADD FOREIGN KEY{} on {} without NOT VALID checks every existing row while "
                    "holding SHARE ROW EXCLUSIVE locks on {} and {}: blocks every write to both "
                    "tables for the whole scan",
                    name.empty() ? "" : " " + name, table, table, referenced),
        fmt::format("ADD CONSTRAINT {} FOREIGN KEY (...) REFERENCES {} (...) NOT VALID (a brief "
                    "lock, no scan; new rows are checked); then VALIDATE CONSTRAINT {} in a "
                    "later statement or migration (SHARE UPDATE EXCLUSIVE on {}: writes go on)",
                    name.empty() ? "name" : quote_identifier(name),
                    Context::sql_table(field(c, "pktable")),
                    name.empty() ? "name" : quote_identifier(name), table) +
            operation_hint("create_constraint",
                           fmt::format("table: {}, name: {}, type: foreign_key, columns: [...], "
                                       "references: {{table: {}, columns: [...]}}, up: {{...}}, "
                                       "down: {{...}}",
                                       operation_table(table), name.empty() ? "name" : name,
                                       operation_table(referenced))));
  });
}

}  // namespace

const Rule kForeignKeyWithoutNotValid{
    {"foreign-key-without-not-valid", Severity::kError, "SHARE ROW EXCLUSIVE",
     "ADD FOREIGN KEY without NOT VALID blocks writes to both tables during validation"},
    &check};

}  // namespace keel::lint::checks
