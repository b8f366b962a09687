// ALTER TABLE ... RENAME TO on an existing table.
#include <fmt/format.h>

#include "lint/operation_hint.h"
#include "lint/rules/rules.h"

namespace keel::lint::checks {
namespace {

void check(Context& ctx) {
  const Json& body = ctx.body();
  if (ctx.stmt().kind != "RenameStmt" || body.value("renameType", "") != "OBJECT_TABLE") return;
  std::string table = Context::table(field(body, "relation"));
  if (ctx.is_new_table(table)) return;
  std::string to = body.value("newname", "");
  ctx.report(kRenameTable.info.id, ctx.stmt().begin,
             fmt::format("RENAME {} TO {} breaks every running application version that still "
                         "uses the old name; it also {}",
                         table, to, access_exclusive(table)),
             fmt::format("expand/contract: rename, and in the same migration CREATE VIEW {} AS "
                         "SELECT * FROM {} (a simple view is updatable) so old versions keep "
                         "working; drop the view in a later release once no version uses it",
                         table, to) +
                 operation_hint("rename_table",
                                fmt::format("from: {}, to: {}", operation_table(table), to)));
}

}  // namespace

const Rule kRenameTable{{"rename-table", Severity::kWarning, "ACCESS EXCLUSIVE",
                         "RENAME TABLE breaks application versions that use the old name"},
                        &check};

}  // namespace keel::lint::checks
