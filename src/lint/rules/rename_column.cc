// ALTER TABLE ... RENAME COLUMN on an existing table.
#include <fmt/format.h>

#include "lint/operation_hint.h"
#include "lint/rules/rules.h"

namespace keel::lint::checks {
namespace {

void check(Context& ctx) {
  const Json& body = ctx.body();
  if (ctx.stmt().kind != "RenameStmt" || body.value("renameType", "") != "OBJECT_COLUMN" ||
      body.value("relationType", "") != "OBJECT_TABLE") {
    return;
  }
  std::string table = Context::table(field(body, "relation"));
  if (ctx.is_new_table(table)) return;
  std::string from = body.value("subname", "");
  std::string to = body.value("newname", "");
  ctx.report(kRenameColumn.info.id, ctx.stmt().begin,
             fmt::format("RENAME COLUMN {}.{} TO {} breaks every running application version "
                         "that still uses {}; it also {}",
                         table, from, to, from, access_exclusive(table)),
             fmt::format("expand/contract: ADD COLUMN {} (nullable), dual-write {} and {} (in the "
                         "application or with a trigger), backfill {} from {} in batches, switch "
                         "reads to {}, then drop {} in a later release",
                         to, from, to, to, from, to, from) +
                 operation_hint("rename_column", fmt::format("table: {}, from: {}, to: {}",
                                                             operation_table(table), from, to)));
}

}  // namespace

const Rule kRenameColumn{{"rename-column", Severity::kWarning, "ACCESS EXCLUSIVE",
                          "RENAME COLUMN breaks application versions that use the old name"},
                         &check};

}  // namespace keel::lint::checks
