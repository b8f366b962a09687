// keel: DDL that turns one schema into another, with its reverse.
//
// plan_ddl() diffs two models (schema_diff.h) and renders every change in the
// dialect's online-safe form, ordered by dependencies. Each step carries the
// statements that undo it, so the reverse script is the steps' downs in
// reverse order.
#pragma once

#include <string>
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

struct DdlStep {
  std::string description;        // "add column public.users.email"
  std::vector<std::string> up;    // statements, without the trailing ';'
  std::vector<std::string> down;  // the statements that undo `up`, in order
  // Runs after the transaction, each statement committed on its own
  // (kAfter): CONCURRENTLY, VALIDATE CONSTRAINT; its reverse runs before the
  // transactional reverse.
  bool no_transaction = false;
  // Its up runs before the transaction, committed (enum values); its down
  // runs inside the transactional reverse.
  bool before_transaction = false;
  bool destructive = false;  // loses data (a drop); refused unless allowed
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
