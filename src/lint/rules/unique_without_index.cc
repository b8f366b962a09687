// ADD UNIQUE / PRIMARY KEY / EXCLUDE that builds its index inside ALTER
// TABLE, under ACCESS EXCLUSIVE (also inline in ADD COLUMN).
#include <fmt/format.h>

#include "lint/operation_hint.h"
#include "lint/rules/rules.h"
#include "util/quote.h"

namespace keel::lint::checks {
namespace {

void report(Context& ctx, const std::string& table, const Json& c) {
  std::string contype = c.value("contype", "");
  std::string kind = contype == "CONSTR_PRIMARY"     ? "PRIMARY KEY"
                     : contype == "CONSTR_UNIQUE"    ? "UNIQUE"
                     : contype == "CONSTR_EXCLUSION" ? "EXCLUDE"
                                                     : "";
  if (kind.empty() || c.contains("indexname")) return;
  std::string name = c.value("conname", "");
  std::string fix =
      kind == "EXCLUDE"
          ? std::string(
                "an exclusion constraint cannot use an existing index: add it in a "
                "maintenance window, or enforce the rule another way")
          : fmt::format(
                "CREATE UNIQUE INDEX CONCURRENTLY {0} ON {1} (...); then ALTER TABLE "
                "{1} ADD CONSTRAINT {2} {3} USING INDEX {0} (a brief lock){4}",
                quote_identifier((name.empty() ? "name" : name) + "_idx"), ctx.sql_relation(),
                name.empty() ? "name" : quote_identifier(name), kind,
                kind == "PRIMARY KEY" ? "; the columns must already be NOT NULL" : "");
  if (kind == "UNIQUE") {
    fix += operation_hint("create_constraint",
                          fmt::format("table: {}, name: {}, type: unique, columns: [...], up: "
                                      "{{...}}, down: {{...}}",
                                      operation_table(table), name.empty() ? "name" : name));
  }
  ctx.report(kUniqueWithoutIndex.info.id, ctx.at(c),
             fmt::format("ADD {}{} on {} builds its index inside ALTER TABLE and {}", kind,
                         name.empty() ? "" : " " + name, table, access_exclusive(table)),
             std::move(fix));
}

void check(Context& ctx) {
  alter_existing(ctx, [&](const std::string& table, const std::string& subtype, const Json& cmd) {
    const Json& def = field(cmd, "def");
    if (subtype == "AT_AddConstraint") {
      report(ctx, table, field(def, "Constraint"));
    } else if (subtype == "AT_AddColumn") {
      for (const Json* c : column_constraints(field(def, "ColumnDef"))) report(ctx, table, *c);
    }
  });
}

}  // namespace

const Rule kUniqueWithoutIndex{
    {"unique-without-index", Severity::kError, "ACCESS EXCLUSIVE",
     "ADD UNIQUE/PRIMARY KEY without USING INDEX builds the index under ACCESS EXCLUSIVE"},
    &check};

}  // namespace keel::lint::checks
