// A statement PostgreSQL refuses inside a transaction block (CREATE INDEX
// CONCURRENTLY, VACUUM, ...) after an explicit BEGIN in the file. Without
// BEGIN there is no hazard: keel runs a file holding such a statement
// statement by statement on its own (see non-transactional-mix).
#include <fmt/format.h>

#include "lint/rules/rules.h"

namespace keel::lint::checks {
namespace {

void check(Context& ctx) {
  std::string what = refuses_transaction(ctx.stmt().kind, ctx.body());
  if (what.empty() || ctx.state().transaction_line == 0) return;
  ctx.report(kConcurrentlyInTransaction.info.id, ctx.stmt().begin,
             fmt::format("{} cannot run inside a transaction block, and the BEGIN on line {} "
                         "opens one: PostgreSQL refuses it (\"cannot run inside a transaction "
                         "block\") and the migration fails there",
                         what, ctx.state().transaction_line),
             "remove BEGIN/COMMIT from the file: keel wraps each migration in a transaction "
             "itself, and runs a file holding a CONCURRENTLY statement statement by statement "
             "outside one");
}

}  // namespace

const Rule kConcurrentlyInTransaction{
    {"concurrently-in-transaction", Severity::kError, "",
     "CONCURRENTLY (or VACUUM) after an explicit BEGIN fails at run time"},
    &check};

}  // namespace keel::lint::checks
