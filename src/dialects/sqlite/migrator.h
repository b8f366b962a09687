// SQLite dialect: the migration session, used by src/dialects/migrator.cc.
#pragma once

#include <memory>

#include "keel/migrate.h"

namespace keel::sqlite {

Result<std::unique_ptr<migrate::MigrationTarget>> open_migration_target(const ConnectionUrl& url);

}  // namespace keel::sqlite
