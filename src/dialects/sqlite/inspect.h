// SQLite dialect: reading a database's schema and pragmas into a Manifest.
#pragma once

#include "dialects/sqlite/session.h"
#include "keel/manifest.h"

namespace keel::sqlite {

// Reads everything in one read transaction. Internal tables (sqlite_*) and
// keel's own tables (keel_*) are left out, with their indexes and triggers.
Result<Manifest> inspect(Session& session);

}  // namespace keel::sqlite
