// PostgreSQL: what a guarded rollback asks of the migration session —
// integrity checks, the relations its statements touch, and the other
// sessions holding or waiting for locks on them. Internal to
// src/dialects/postgres/; errors are libpqxx exceptions, turned into Results
// by the migration session.
#pragma once

#include <nlohmann/json.hpp>
#include <pqxx/pqxx>
#include <string>
#include <vector>

#include "keel/config.h"
#include "keel/migrate.h"

namespace keel::pg {

// libpg_query's JSON parse tree of `sql`; null when it does not parse.
nlohmann::json parse_statement(const std::string& sql);

// See IntegrityChecks::check_integrity. `in_transaction`: each check runs in
// a savepoint, so one that fails to run does not end the transaction. A
// check's error is the server's message with `secrets` (the URL's password)
// masked.
std::vector<migrate::IntegrityFinding> check_integrity(pqxx::transaction_base& tx,
                                                       const IntegrityConfig& config,
                                                       const migrate::IntegrityScope& scope,
                                                       bool in_transaction,
                                                       const std::vector<std::string>& secrets);

// See IntegrityChecks::integrity_scope. Lines in `why` are the statements'.
migrate::IntegrityScope integrity_scope(pqxx::transaction_base& tx,
                                        const std::vector<migrate::Statement>& statements);

std::vector<std::string> relations_of(pqxx::transaction_base& tx,
                                      const std::vector<migrate::Statement>& statements);

std::vector<migrate::SessionInLock> sessions_in_lock(pqxx::transaction_base& tx,
                                                     const std::vector<std::string>& relations);

bool terminate_backend(pqxx::transaction_base& tx, int pid);

}  // namespace keel::pg
