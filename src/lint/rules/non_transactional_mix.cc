// A file holding a statement that refuses a transaction together with other
// statements: keel then runs the whole file statement by statement, so the
// others are not atomic. Reported once per file, as info: keel records
// progress and resumes, so this is about atomicity, not locks.
#include <fmt/format.h>

#include "lint/rules/rules.h"

namespace keel::lint::checks {
namespace {

void check(Context& ctx) {
  std::string what = refuses_transaction(ctx.stmt().kind, ctx.body());
  ScriptState& state = ctx.state();
  if (what.empty() || !state.non_transactional.empty() || state.transaction_line != 0 ||
      ctx.suppressed(kNonTransactionalMix.info.id)) {
    return;
  }
  state.non_transactional = what;
  state.non_transactional_at = ctx.stmt().begin;
}

void finish(Context& ctx) {
  const ScriptState& state = ctx.state();
  if (state.non_transactional.empty() || state.transactional_statements == 0) return;
  const std::string& what = state.non_transactional;
  ctx.report(kNonTransactionalMix.info.id, state.non_transactional_at,
             fmt::format("{} cannot run in a transaction, so keel runs this whole file statement "
                         "by statement: its {} other statement{} are not atomic with it; when one "
                         "fails, those before it stay applied (the next apply resumes after the "
                         "last completed one)",
                         what, state.transactional_statements,
                         state.transactional_statements == 1 ? "" : "s"),
             fmt::format("put {} in a migration file of its own, so the other statements keep "
                         "running in one transaction",
                         what));
}

}  // namespace

const Rule kNonTransactionalMix{{"non-transactional-mix", Severity::kInfo, "",
                                 "a CONCURRENTLY statement makes the rest of its file non-atomic"},
                                &check,
                                &finish};

}  // namespace keel::lint::checks
