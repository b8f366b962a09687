// DROP TABLE of a table that existed before the script (in a down script:
// and that its up script did not create).
#include <fmt/format.h>

#include "lint/rules/rules.h"

namespace keel::lint::checks {
namespace {

void check(Context& ctx) {
  const Json& body = ctx.body();
  if (ctx.stmt().kind != "DropStmt" || body.value("removeType", "") != "OBJECT_TABLE") return;
  for (const Json& object : field(body, "objects")) {
    std::string name = dotted(field(field(object, "List"), "items"));
    std::string table = name.find('.') == std::string::npos ? "public." + name : name;
    if (ctx.is_new_table(table) || ctx.made_by_up(table)) continue;
    ctx.report(kDropTable.info.id, ctx.stmt().begin,
               fmt::format("DROP TABLE {} breaks every running application version that still "
                           "uses it, and deletes its data for good; it also {}",
                           table, access_exclusive(table)),
               fmt::format("contract step of expand/contract: first release code that no longer "
                           "uses {}, then drop it in a later migration (mark that one with -- "
                           "keel:ignore drop-table); keep a backup or rename-aside period if the "
                           "data may be needed",
                           table));
  }
}

}  // namespace

const Rule kDropTable{{"drop-table", Severity::kWarning, "ACCESS EXCLUSIVE",
                       "DROP TABLE breaks application versions that still use the table"},
                      &check};

}  // namespace keel::lint::checks
