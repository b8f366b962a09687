// PostgreSQL: what a guarded rollback asks of the migration session —
// integrity checks, the relations its statements touch, and the other
// sessions holding or waiting for locks on them. Internal to
// src/dialects/postgres/; errors are the Session's (masked).
#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "dialects/postgres/session.h"
#include "keel/config.h"
#include "keel/migrate.h"

namespace keel::pg {

// libpg_query's JSON parse tree of `sql`; null when it does not parse.
nlohmann::json parse_statement(const std::string& sql);

// See IntegrityChecks::check_integrity. `in_transaction`: each check runs in
// a savepoint, so one that fails to run does not end the transaction. A
// check's error (a kSql error of the Session: the server's message, the
// URL's password masked) goes into its finding; other errors (a lost
// connection) are returned.
Result<std::vector<migrate::IntegrityFinding>> check_integrity(Session& session,
                                                               const IntegrityConfig& config,
                                                               const migrate::IntegrityScope& scope,
                                                               bool in_transaction);

// See IntegrityChecks::integrity_scope. Lines in `why` are the statements'.
Result<migrate::IntegrityScope> integrity_scope(Session& session,
                                                const std::vector<migrate::Statement>& statements);

Result<std::vector<std::string>> relations_of(Session& session,
                                              const std::vector<migrate::Statement>& statements);

Result<std::vector<migrate::SessionInLock>> sessions_in_lock(
    Session& session, const std::vector<std::string>& relations);

Result<bool> terminate_backend(Session& session, int pid);

}  // namespace keel::pg
