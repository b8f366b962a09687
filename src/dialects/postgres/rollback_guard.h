// PostgreSQL: what a guarded rollback asks of the migration session —
// the catalog and SQL of its integrity checks (which checks run is
// src/migrate/integrity.cc's), the relations its statements touch, and the other
// sessions holding or waiting for locks on them. Internal to
// src/dialects/postgres/; errors are the Session's (masked).
#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "dialects/postgres/session.h"
#include "keel/migrate.h"

namespace keel::pg {

// libpg_query's JSON parse tree of `sql`; null when it does not parse.
nlohmann::json parse_statement(const std::string& sql);

// See IntegrityChecks::integrity_catalog: pg_constraint's foreign keys and
// NOT VALID CHECKs on or referencing the scope's relations (resolved now,
// with the tables behind named indexes, the relations views read, and
// partition/inheritance ancestors and descendants), keel's schema
// (driver().keel.schema) and the system's left out.
Result<migrate::IntegrityCatalog> integrity_catalog(Session& session,
                                                    const migrate::IntegrityScope& scope);

// count(*) of child rows whose key (every column set: MATCH SIMPLE) has no
// parent row, with NOT EXISTS (not NOT IN: a NULL among the parent keys
// would hide every orphan). For declared keys and keel.toml's relations.
std::string orphans_sql(const migrate::ForeignKeyRef& key);
// count(*) of the rows for which a CHECK's expression is false.
std::string violations_sql(const migrate::CheckConstraintRef& check);

// to_regclass of the quoted name is not NULL.
Result<bool> table_exists(Session& session, const std::string& schema, const std::string& table);

// See IntegrityChecks::count. `in_transaction`: the check runs in a
// savepoint, so one the server refuses (the Session's kSql error, its
// message masked) does not end the transaction.
Result<int64_t> count_check(Session& session, bool in_transaction, const std::string& sql);

// See IntegrityChecks::integrity_scope. Lines in `why` are the statements'.
Result<migrate::IntegrityScope> integrity_scope(Session& session,
                                                const std::vector<migrate::Statement>& statements);

Result<std::vector<std::string>> relations_of(Session& session,
                                              const std::vector<migrate::Statement>& statements);

Result<std::vector<migrate::SessionInLock>> sessions_in_lock(
    Session& session, const std::vector<std::string>& relations);

Result<bool> terminate_backend(Session& session, int pid);

}  // namespace keel::pg
