// CLUSTER: rewrites the table in index order.
#include <fmt/format.h>

#include "lint/rules/rules.h"

namespace keel::lint::checks {
namespace {

void check(Context& ctx) {
  if (ctx.stmt().kind != "ClusterStmt") return;
  const Json& relation = field(ctx.body(), "relation");
  std::string table =
      !relation.empty() ? Context::table(relation) : "every previously clustered table";
  if (!relation.empty() && ctx.is_new_table(table)) return;
  ctx.report(kCluster.info.id, ctx.stmt().begin,
             fmt::format("CLUSTER rewrites {} and all its indexes, and {}", table,
                         access_exclusive(table)),
             "pg_repack --order-by (online) outside the migration; for an access path, CREATE "
             "INDEX CONCURRENTLY instead");
}

}  // namespace

const Rule kCluster{{"cluster", Severity::kError, "ACCESS EXCLUSIVE",
                     "CLUSTER rewrites the table under ACCESS "
                     "EXCLUSIVE"},
                    &check};

}  // namespace keel::lint::checks
