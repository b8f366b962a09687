// UPDATE or DELETE without WHERE on an existing table: every row in one
// transaction, unbatched.
#include <fmt/format.h>

#include "lint/rules/rules.h"

namespace keel::lint::checks {
namespace {

void check(Context& ctx) {
  std::string_view kind = ctx.stmt().kind;
  if (kind != "UpdateStmt" && kind != "DeleteStmt") return;
  if (ctx.body().contains("whereClause")) return;
  const Json& relation = field(ctx.body(), "relation");
  std::string table = Context::table(relation);
  if (ctx.is_new_table(table)) return;
  bool update = kind == "UpdateStmt";
  ctx.report(kWholeTableDml.info.id, ctx.stmt().begin,
             fmt::format("{} without WHERE touches every row of {} in one transaction: it takes "
                         "a ROW EXCLUSIVE lock on {} and a row lock on every row until the "
                         "migration commits, so concurrent updates and deletes wait; it writes "
                         "{} (bloat, a WAL burst, replica lag)",
                         update ? "UPDATE" : "DELETE", table, table,
                         update ? "a new version of every row" : "every row's deletion"),
             "backfill outside the schema migration in batches of a few thousand rows by key "
             "(... WHERE id >= $1 AND id < $1 + 5000), each batch in its own transaction");
}

}  // namespace

const Rule kWholeTableDml{{"whole-table-dml", Severity::kWarning, "ROW EXCLUSIVE",
                           "UPDATE/DELETE without WHERE rewrites every row in one transaction"},
                          &check};

}  // namespace keel::lint::checks
