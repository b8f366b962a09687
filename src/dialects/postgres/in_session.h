// PostgreSQL dialect, internal: reading the schema through a session that
// already has a transaction open, so that its own uncommitted changes are
// seen (keel plan). Implemented in connection.cc; used by migrator.cc.
#pragma once

#include "dialects/postgres/session.h"
#include "keel/connection.h"
#include "keel/manifest.h"

namespace keel::pg {

// Inspects the schema in `session`'s open transaction, in this session only.
// Leaves SET LOCAL changes behind: callers wrap it in a savepoint.
Result<Manifest> inspect_session(Session& session, const CaptureOptions& options);

}  // namespace keel::pg
