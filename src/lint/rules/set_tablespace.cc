// ALTER TABLE / INDEX / MATERIALIZED VIEW ... SET TABLESPACE, and ALTER ... ALL IN TABLESPACE:
// every file of the relation is copied while it is locked ACCESS EXCLUSIVE.
#include <fmt/format.h>

#include "lint/rules/rules.h"

namespace keel::lint::checks {
namespace {

void check(Context& ctx) {
  const Json& body = ctx.body();
  if (ctx.stmt().kind == "AlterTableMoveAllStmt") {
    const std::string from = body.value("orig_tablespacename", "");
    ctx.report(kSetTablespace.info.id, ctx.stmt().begin,
               fmt::format("ALTER ... ALL IN TABLESPACE {} SET TABLESPACE {} copies every "
                           "relation in {}, each under an ACCESS EXCLUSIVE lock held until the "
                           "migration commits: blocks every read and write of them",
                           from, body.value("new_tablespacename", ""), from),
               "move one relation at a time, each online (pg_repack --tablespace for a table; "
               "CREATE INDEX CONCURRENTLY ... TABLESPACE, then DROP INDEX CONCURRENTLY the old "
               "one, for an index)");
    return;
  }
  if (ctx.stmt().kind != "AlterTableStmt") return;
  const std::string relation = Context::table(field(body, "relation"));
  if (ctx.is_new_table(relation)) return;
  const std::string kind = body.value("objtype", "");
  for (const Json& item : field(body, "cmds")) {
    const Json& cmd = field(item, "AlterTableCmd");
    if (cmd.value("subtype", "") != "AT_SetTableSpace") continue;
    const bool index = kind == "OBJECT_INDEX";
    ctx.report(kSetTablespace.info.id, ctx.stmt().begin,
               fmt::format("SET TABLESPACE {} copies every file of {} and {}",
                           cmd.value("name", ""), relation, access_exclusive(relation)),
               index
                   ? fmt::format("CREATE INDEX CONCURRENTLY a copy of {} with TABLESPACE {}, then "
                                 "DROP INDEX CONCURRENTLY {} (each in a migration marked -- "
                                 "keel:no-transaction): reads and writes go on",
                                 relation, cmd.value("name", ""), relation)
                   : "pg_repack --tablespace moves a table online; otherwise a maintenance window "
                     "(a partitioned table's SET TABLESPACE moves no data: -- keel:ignore "
                     "set-tablespace)");
  }
}

}  // namespace

const Rule kSetTablespace{{"set-tablespace", Severity::kError, "ACCESS EXCLUSIVE",
                           "SET TABLESPACE copies the relation under ACCESS EXCLUSIVE"},
                          &check};

}  // namespace keel::lint::checks
