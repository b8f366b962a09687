// PostgreSQL dialect: the migration session, used by src/dialects/migrator.cc.
#pragma once

#include <memory>

#include "keel/migrate.h"
#include "keel/plan.h"

namespace keel::pg {

Result<std::unique_ptr<migrate::MigrationTarget>> open_migration_target(const ConnectionUrl& url);
// The same session, observing locks, rewrites and blockers for keel plan.
Result<std::unique_ptr<plan::PlanTarget>> open_plan_target(const ConnectionUrl& url);

}  // namespace keel::pg
