// PostgreSQL dialect, internal: reading the schema through a session that
// already has a transaction open, so that its own uncommitted changes are
// seen (keel plan). Implemented in connection.cc; used by migrator.cc.
#pragma once

#include <pqxx/nontransaction>

#include "keel/connection.h"
#include "keel/manifest.h"

namespace keel::pg {

// Inspects the schema in `tx`'s open transaction, in this session only.
// Leaves SET LOCAL changes behind: callers wrap it in a savepoint.
Result<Manifest> inspect_session(pqxx::nontransaction& tx, const ConnectionUrl& url,
                                 const CaptureOptions& options);

}  // namespace keel::pg
