// PostgreSQL online-DDL recipes: each turns plain inputs (qualified names,
// column lists, SQL expressions already in the server's form) into typed
// steps with exact SQL and their reverse. The renderers build plans from
// them, and so do the expand/contract operations (src/dialects/postgres/ops/,
// through the adapters in ops/operation.h): NOT VALID then VALIDATE,
// CONCURRENTLY, USING INDEX, and LockRetry for every lock wait.
//
// Every identifier goes through util/quote.h; definitions and expressions
// are passed through as given (they come from pg_get_*def or the model).
// No recipe opens a connection or reads its own output.
#pragma once

#include <chrono>
#include <string>
#include <string_view>
#include <vector>

#include "keel/ddl.h"

namespace keel::pg::ddl {

// "ALTER TABLE <table> ADD CONSTRAINT <name> <definition> NOT VALID" inside
// the transaction: a short lock, no scan (CHECK and FOREIGN KEY only). Its
// reverse drops the constraint. `definition` may end in " NOT VALID"
// already (as pg_get_constraintdef writes an unvalidated one).
DdlStep add_constraint_not_valid(const QualifiedName& table, const std::string& name,
                                 const std::string& definition, DdlObject object);

// "ALTER TABLE <table> VALIDATE CONSTRAINT <name>" after the transaction,
// committed on its own: it scans under SHARE UPDATE EXCLUSIVE (reads and
// writes go on). No reverse (dropping the constraint is its creation's).
DdlStep validate_constraint(const QualifiedName& table, const std::string& name);

// SET NOT NULL without its ACCESS EXCLUSIVE scan: a CHECK (<column> IS NOT
// NULL) named `helper` added NOT VALID in the transaction, then after it,
// each committed on its own: VALIDATE (SHARE UPDATE EXCLUSIVE), SET NOT
// NULL (which uses the validated CHECK instead of scanning), DROP of the
// CHECK. Two steps: [0] in the transaction (reverse: DROP CONSTRAINT IF
// EXISTS, since [1] may have dropped it), [1] after it (reverse: DROP NOT
// NULL). REQUIRES: `helper` is not a constraint name of the table.
std::vector<DdlStep> set_not_null_through_check(const QualifiedName& table,
                                                const std::string& column,
                                                const std::string& helper);

// An index definition (as pg_get_indexdef writes it: "CREATE [UNIQUE] INDEX
// name ON [ONLY] schema.table ...") made to build CONCURRENTLY. "ON ONLY"
// becomes "ON": created so, a partitioned table's index would stay invalid
// until each partition's is attached; without ONLY the server builds them.
std::string create_index_sql(std::string definition, bool concurrently);

// CREATE INDEX CONCURRENTLY after the transaction (writes go on while it
// builds); its reverse is DROP INDEX CONCURRENTLY.
DdlStep create_index_concurrently(const QualifiedName& table, const QualifiedName& index,
                                  const std::string& definition);

// DROP INDEX CONCURRENTLY after the transaction; its reverse builds the
// index again from `definition`, concurrently.
DdlStep drop_index_concurrently(const QualifiedName& table, const QualifiedName& index,
                                const std::string& definition);

enum class KeyKind { kPrimaryKey, kUnique };

// "ALTER TABLE <table> ADD CONSTRAINT <name> PRIMARY KEY|UNIQUE USING INDEX
// <index> [DEFERRABLE] [INITIALLY DEFERRED]": a unique index becomes the
// constraint's without a build (a short ACCESS EXCLUSIVE; PRIMARY KEY also
// needs its columns NOT NULL).
std::string add_key_using_index_sql(const QualifiedName& table, const std::string& name,
                                    KeyKind kind, const std::string& index, bool deferrable,
                                    bool initially_deferred);

// PRIMARY KEY or UNIQUE without blocking writes while the index builds:
// after the transaction, CREATE UNIQUE INDEX CONCURRENTLY (from
// `index_definition`, naming the index `name`), then ADD CONSTRAINT ...
// USING INDEX. Its reverse drops the constraint (and the index with it).
DdlStep add_key_through_index(const QualifiedName& table, const std::string& name, KeyKind kind,
                              const std::string& index_definition, bool deferrable,
                              bool initially_deferred);

// A lock wait bounded for one statement: ALTER TABLE queues behind any
// long transaction and every later query queues behind it, so it should
// give up quickly (SQLSTATE 55P03) and be retried. In the transaction:
// "SET LOCAL lock_timeout = '<ms>ms'" then the statement (the setting ends
// with the transaction); in autocommit: "SET lock_timeout = '<ms>ms'", the
// statement, "RESET lock_timeout".
// REQUIRES: timeout > 0; part is kTransaction or kAfter/kBefore (autocommit).
std::vector<std::string> with_lock_timeout(const std::string& statement,
                                           std::chrono::milliseconds timeout, DdlPart part);

// How to retry a statement that gave up on its lock: `attempts` tries in
// all, waiting `first_delay`, doubled each time, at most `max_delay`.
struct LockRetry {
  int attempts = 5;
  std::chrono::milliseconds first_delay{200};
  std::chrono::milliseconds max_delay{5000};
  // The wait before try number `attempt` (1-based; 0 before the first).
  std::chrono::milliseconds delay_before(int attempt) const;
  // Whether an error with this SQLSTATE is worth another try: 55P03
  // (lock_not_available, what lock_timeout raises) and 40P01 (deadlock).
  static bool retryable(std::string_view sqlstate);
};

}  // namespace keel::pg::ddl
