// PostgreSQL dialect: the migration session, used by src/dialects/migrator.cc.
#pragma once

#include <memory>

#include "keel/migrate.h"

namespace keel::pg {

Result<std::unique_ptr<migrate::MigrationTarget>> open_migration_target(const ConnectionUrl& url);

}  // namespace keel::pg
