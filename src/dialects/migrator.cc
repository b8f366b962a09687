// Picks the dialect's migration session for a connection URL.
#include "dialects/postgres/migrator.h"
#include "dialects/sqlite/migrator.h"
#include "keel/migrate.h"

namespace keel::migrate {

Result<std::unique_ptr<MigrationTarget>> open_migration_target(const ConnectionUrl& url) {
  switch (url.dialect) {
    case Dialect::kPostgres:
      return pg::open_migration_target(url);
    case Dialect::kSqlite:
      return sqlite::open_migration_target(url);
  }
  return fail(ErrorCode::kInternal, "unknown dialect");
}

}  // namespace keel::migrate

namespace keel::plan {

Result<std::unique_ptr<PlanTarget>> open_plan_target(const ConnectionUrl& url) {
  switch (url.dialect) {
    case Dialect::kPostgres:
      return pg::open_plan_target(url);
    case Dialect::kSqlite:
      return sqlite::open_plan_target(url);
  }
  return fail(ErrorCode::kInternal, "unknown dialect");
}

}  // namespace keel::plan
