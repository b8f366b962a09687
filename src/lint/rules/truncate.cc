// TRUNCATE of a table that existed before the script.
#include <fmt/format.h>

#include "lint/rules/rules.h"

namespace keel::lint::checks {
namespace {

void check(Context& ctx) {
  if (ctx.stmt().kind != "TruncateStmt") return;
  for (const Json& item : field(ctx.body(), "relations")) {
    const Json& relation = field(item, "RangeVar");
    std::string table = Context::table(relation);
    if (ctx.is_new_table(table)) continue;
    ctx.report(kTruncate.info.id, ctx.at(relation),
               fmt::format("TRUNCATE {} deletes every row, and {}; running application versions "
                           "lose their data",
                           table, access_exclusive(table)),
               "delete in batches outside the migration (DELETE ... WHERE id IN (SELECT id ... "
               "LIMIT 10000), repeated), or stop using the table and drop it in a later release");
  }
}

}  // namespace

const Rule kTruncate{{"truncate", Severity::kError, "ACCESS EXCLUSIVE",
                      "TRUNCATE empties the table under ACCESS EXCLUSIVE"},
                     &check};

}  // namespace keel::lint::checks
