// ADD CHECK without NOT VALID on an existing table: scans every row under
// ACCESS EXCLUSIVE.
#include <fmt/format.h>

#include "lint/operation_hint.h"
#include "lint/rules/rules.h"
#include "util/quote.h"

namespace keel::lint::checks {
namespace {

void check(Context& ctx) {
  alter_existing(ctx, [&](const std::string& table, const std::string& subtype, const Json& cmd) {
    if (subtype != "AT_AddConstraint") return;
    const Json& c = field(field(cmd, "def"), "Constraint");
    if (c.value("contype", "") != "CONSTR_CHECK" || c.value("skip_validation", false)) return;
    std::string name = c.value("conname", "");
    ctx.report(
        kCheckWithoutNotValid.info.id, ctx.at(c),
        fmt::format("ADD CHECK{} on {} without NOT VALID scans every existing row, and "
                    "{}",
                    name.empty() ? "" : " " + name, table, access_exclusive(table)),
        fmt::format("ADD CONSTRAINT {0} CHECK (...) NOT VALID (a brief lock, no scan; new "
                    "rows are checked); then VALIDATE CONSTRAINT {0} (SHARE UPDATE "
                    "EXCLUSIVE: reads and writes go on)",
                    name.empty() ? "name" : quote_identifier(name)) +
            operation_hint("create_constraint",
                           fmt::format("table: {}, name: {}, type: check, columns: [...], "
                                       "check: ..., up: {{column: <fixing expression>}}, "
                                       "down: {{column: column}}",
                                       operation_table(table), name.empty() ? "name" : name)));
  });
}

}  // namespace

const Rule kCheckWithoutNotValid{
    {"check-without-not-valid", Severity::kError, "ACCESS EXCLUSIVE",
     "ADD CHECK without NOT VALID scans the table under ACCESS EXCLUSIVE"},
    &check};

}  // namespace keel::lint::checks
