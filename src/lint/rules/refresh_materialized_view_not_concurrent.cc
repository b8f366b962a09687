// REFRESH MATERIALIZED VIEW without CONCURRENTLY: ACCESS EXCLUSIVE on the view for the whole
// rerun of its query, so every read of it waits.
#include <fmt/format.h>

#include "lint/rules/rules.h"

namespace keel::lint::checks {
namespace {

void check(Context& ctx) {
  const Json& body = ctx.body();
  if (ctx.stmt().kind != "RefreshMatViewStmt" || body.value("concurrent", false)) return;
  // WITH NO DATA empties it (brief); a view made in this script has no reader yet.
  if (body.value("skipData", false)) return;
  const std::string view = Context::table(field(body, "relation"));
  if (ctx.is_new_table(view)) return;
  ctx.report(kRefreshMaterializedViewNotConcurrent.info.id, ctx.stmt().begin,
             fmt::format("REFRESH MATERIALIZED VIEW {} without CONCURRENTLY reruns its whole "
                         "query and {}",
                         view, access_exclusive(view)),
             fmt::format("REFRESH MATERIALIZED VIEW CONCURRENTLY {} (EXCLUSIVE: reads go on; "
                         "needs a unique index on the view, which must be populated already)",
                         Context::sql_table(field(body, "relation"))));
}

}  // namespace

const Rule kRefreshMaterializedViewNotConcurrent{
    {"refresh-materialized-view-not-concurrent", Severity::kError, "ACCESS EXCLUSIVE",
     "REFRESH MATERIALIZED VIEW without CONCURRENTLY blocks every read of the view"},
    &check};

}  // namespace keel::lint::checks
