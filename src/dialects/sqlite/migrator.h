// SQLite dialect: the migration session, used by src/dialects/migrator.cc.
#pragma once

#include <memory>

#include "keel/migrate.h"
#include "keel/plan.h"

namespace keel::sqlite {

Result<std::unique_ptr<migrate::MigrationTarget>> open_migration_target(const ConnectionUrl& url);
// An empty database file when none is at the URL's path (true), else nothing (false).
Result<bool> create_database(const ConnectionUrl& url);
// The same session for keel plan: savepoints and the schema as its open
// transaction sees it; no lock or storage report.
Result<std::unique_ptr<plan::PlanTarget>> open_plan_target(const ConnectionUrl& url);

}  // namespace keel::sqlite
