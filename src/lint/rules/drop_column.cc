// DROP COLUMN on an existing table: breaks application versions still
// running that use the column.
#include <fmt/format.h>

#include "lint/operation_hint.h"
#include "lint/rules/rules.h"

namespace keel::lint::checks {
namespace {

void check(Context& ctx) {
  alter_existing(ctx, [&](const std::string& table, const std::string& subtype, const Json& cmd) {
    if (subtype != "AT_DropColumn") return;
    std::string column = cmd.value("name", "");
    if (ctx.made_by_up(table, column)) return;  // a down undoing its up
    ctx.report(
        kDropColumn.info.id, ctx.stmt().begin,
        fmt::format("DROP COLUMN {}.{} breaks every running application version that still "
                    "reads or writes {}; it also {}, while it waits for running queries",
                    table, column, column, access_exclusive(table)),
        fmt::format("contract step of expand/contract: first release code that no longer reads "
                    "or writes {} and let it reach every instance, then drop the column in a "
                    "later migration (mark that one with -- keel:ignore drop-column)",
                    column) +
            operation_hint("drop_column",
                           fmt::format("table: {}, column: {}, down: <value old versions write>",
                                       operation_table(table), column)));
  });
}

}  // namespace

const Rule kDropColumn{{"drop-column", Severity::kWarning, "ACCESS EXCLUSIVE",
                        "DROP COLUMN breaks application versions that still use the column"},
                       &check};

}  // namespace keel::lint::checks
