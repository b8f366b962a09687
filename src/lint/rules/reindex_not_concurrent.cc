// REINDEX without CONCURRENTLY.
#include <fmt/format.h>

#include "lint/rules/rules.h"

namespace keel::lint::checks {
namespace {

void check(Context& ctx) {
  const Json& body = ctx.body();
  if (ctx.stmt().kind != "ReindexStmt" || !refuses_transaction("ReindexStmt", body).empty()) {
    return;
  }
  std::string kind = body.value("kind", "");
  const Json& relation = field(body, "relation");
  std::string target;
  std::string table;
  if (kind == "REINDEX_OBJECT_TABLE") {
    table = Context::table(relation);
    if (ctx.is_new_table(table)) return;
    target = "TABLE " + table;
  } else if (kind == "REINDEX_OBJECT_INDEX") {
    std::string index = Context::table(relation);
    auto known = ctx.state().new_indexes.find(index);
    if (known != ctx.state().new_indexes.end() && ctx.is_new_table(known->second)) return;
    table = known != ctx.state().new_indexes.end() ? known->second : "the table of " + index;
    target = "INDEX " + index;
  } else {
    table = "every table it covers";
    target = body.value("name", "");
    target = (kind == "REINDEX_OBJECT_SCHEMA" ? "SCHEMA " : "DATABASE ") + target;
  }
  ctx.report(kReindexNotConcurrent.info.id, ctx.stmt().begin,
             fmt::format("REINDEX {} takes a SHARE lock on {} (and ACCESS EXCLUSIVE on each index "
                         "it rebuilds): blocks every write, and every read that uses the index, "
                         "for the whole rebuild",
                         target, table),
             fmt::format("REINDEX (CONCURRENTLY) {}, or REINDEX {} CONCURRENTLY: rebuilds "
                         "without blocking reads or writes (keel runs it outside a transaction)",
                         target, target));
}

}  // namespace

const Rule kReindexNotConcurrent{
    {"reindex-not-concurrent", Severity::kError, "SHARE",
     "REINDEX without CONCURRENTLY blocks writes for the whole rebuild"},
    &check};

}  // namespace keel::lint::checks
