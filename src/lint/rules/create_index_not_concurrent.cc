// CREATE INDEX without CONCURRENTLY on a table that already exists.
#include <fmt/format.h>

#include "lint/rules/rules.h"
#include "util/quote.h"

namespace keel::lint::checks {
namespace {

void check(Context& ctx) {
  if (ctx.stmt().kind != "IndexStmt" || ctx.body().value("concurrent", false)) return;
  const Json& relation = field(ctx.body(), "relation");
  std::string table = Context::table(relation);
  if (ctx.is_new_table(table)) return;
  std::string name = ctx.body().value("idxname", "");
  std::string shown = name.empty() ? "an index" : name;
  ctx.report(
      kCreateIndexNotConcurrent.info.id, ctx.stmt().begin,
      fmt::format("CREATE INDEX {} without CONCURRENTLY takes a SHARE lock on {}: blocks every "
                  "write (INSERT, UPDATE, DELETE) to it for the whole index build",
                  shown, table),
      fmt::format("CREATE {}INDEX CONCURRENTLY {}ON {} (...): builds without blocking writes "
                  "(keel runs it outside a transaction, and on a retry drops the INVALID index a "
                  "failed build leaves)",
                  ctx.body().value("unique", false) ? "UNIQUE " : "",
                  name.empty() ? "" : quote_identifier(name) + " ", Context::sql_table(relation)));
}

}  // namespace

const Rule kCreateIndexNotConcurrent{
    {"create-index-not-concurrent", Severity::kError, "SHARE",
     "CREATE INDEX without CONCURRENTLY blocks writes for the whole build"},
    &check};

}  // namespace keel::lint::checks
