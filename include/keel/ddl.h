// keel: DDL that turns one schema into another, with its reverse.
//
// plan_ddl() diffs two models (schema_diff.h) and renders every change in the
// dialect's online-safe form, ordered by dependencies. Each step carries the
// statements that undo it, so the reverse script is the steps' downs in
// reverse order.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "keel/connection.h"
#include "keel/error.h"
#include "keel/model.h"

namespace keel {

struct DdlOptions {
  bool allow_destructive = false;  // drops of tables, columns, types, sequences, schemas
  bool online = true;  // CONCURRENTLY, NOT VALID + VALIDATE, SET NOT NULL through a CHECK
};

// Where a statement runs. Forward: kBefore (autocommit), then kTransaction
// (one transaction), then kAfter (autocommit). Reverse: kAfter's downs, then
// the transaction's downs, which end with kBefore's downs.
enum class DdlPart {
  kBefore,       // ALTER TYPE ... ADD VALUE: a new enum value must be committed before use
  kTransaction,  // everything else
  kAfter,        // CREATE/DROP INDEX CONCURRENTLY (cannot run in a transaction block), VALIDATE
                 // CONSTRAINT (scans under SHARE UPDATE EXCLUSIVE only when committed on its own)
};

// What a step does (DdlStep::action) ...
enum class DdlAction {
  kCreate,   // CREATE, ADD COLUMN/CONSTRAINT, CREATE INDEX, ADD VALUE
  kAlter,    // ALTER of an existing object (type, default, NOT NULL, VALIDATE, owner ...)
  kDrop,     // DROP, DROP COLUMN/CONSTRAINT
  kComment,  // COMMENT ON
  kSetting,  // a session setting for the script (SET LOCAL ...)
};

// ... and to which kind of object (DdlStep::object).
enum class DdlObject {
  kSchema,
  kExtension,
  kType,  // enum, domain, composite, range
  kSequence,
  kFunction,  // functions, procedures, aggregates
  kTable,
  kColumn,
  kConstraint,
  kIndex,
  kTrigger,
  kPolicy,
  kView,  // views and materialized views
  kSession,
  kStatistics,
  kRule,
  kPublication,
  kEventTrigger,
  kCast,
  kCollation,
};

std::string_view to_string(DdlAction action);  // "create", "alter", "drop", "comment", "setting"
std::string_view to_string(DdlObject object);  // "schema", "extension", "type", ... "session"
std::string_view to_string(DdlPart part);      // "before", "transaction", "after"

// A schema-qualified name, as data (never cut out of SQL text).
struct QualifiedName {
  std::string schema;
  std::string name;
  bool operator==(const QualifiedName&) const = default;
  auto operator<=>(const QualifiedName&) const = default;
};

// One planned change: typed, with the statements that make it and those
// that undo it. The planner decides from these fields, never from `up` or
// `down` text.
struct DdlStep {
  std::string description;  // "add column public.users.email"
  DdlAction action = DdlAction::kAlter;
  DdlObject object = DdlObject::kTable;
  // The relations (tables, views, sequences, indexes) whose locks the step
  // takes, schema-qualified; the first is the one it acts on (for a
  // column, constraint, index, trigger or policy: its table). Empty for
  // objects that are not relations (schemas, extensions, types, functions).
  std::vector<QualifiedName> relations;
  std::vector<std::string> up;    // statements, without the trailing ';'
  std::vector<std::string> down;  // the statements that undo `up`, in order (its reverse)
  // Where `up` runs. kAfter (CONCURRENTLY, VALIDATE CONSTRAINT): each
  // statement committed on its own after the transaction, and its reverse
  // runs before the transactional reverse. kBefore (enum values): committed
  // before the transaction, and its reverse runs inside the transactional
  // reverse.
  DdlPart part = DdlPart::kTransaction;
  bool destructive = false;  // loses data (a drop); refused unless allowed
  // Whether `up` or `down` creates a function or procedure (not an
  // aggregate): its body is checked at creation unless the script turns
  // check_function_bodies off.
  bool creates_function = false;
};

struct DdlPlan {
  std::vector<DdlStep> steps;  // in execution order
  // Destructive changes (always listed; when not allowed, the plan is refused).
  std::vector<std::string> destructive;
  // Differences keel cannot express as DDL (column order, removed enum
  // values ...): the generated script does not reach the target for these.
  std::vector<std::string> unsupported;
  // Reasons the reverse script cannot restore the source exactly (a dropped
  // column comes back at the end of its table, without its data ...).
  std::vector<std::string> down_caveats;
  std::vector<std::string> warnings;

  bool empty() const { return steps.empty(); }
  // The statements of one part, forward or reversed (kBefore has no reverse
  // statements of its own: they run inside the transactional reverse).
  std::vector<std::string> up_statements(DdlPart part) const;
  std::vector<std::string> down_statements(DdlPart part) const;
  // Whether a step runs outside the transaction (kBefore or kAfter).
  bool has_no_transaction_steps() const;
};

// REQUIRES: both models come from the same dialect. Fails with kUnsupported
// for a dialect without a renderer (SQLite, for now) and with kGateFailed when
// destructive changes are present and not allowed (the message lists them).
Result<DdlPlan> plan_ddl(Dialect dialect, const model::Database& from, const model::Database& to,
                         const DdlOptions& options);

// The whole forward (or reverse) script as one text: the parts in order, the
// transactional one between BEGIN and COMMIT, each autocommit one after a
// "-- keel:no-transaction" line, each statement ending with ";".
std::string render_script(const DdlPlan& plan, bool reverse);

}  // namespace keel
