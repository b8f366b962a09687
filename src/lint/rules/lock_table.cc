// An explicit LOCK TABLE in a mode that blocks writes (SHARE UPDATE
// EXCLUSIVE and stronger). keel sets lock_timeout itself; holding a strong
// lock for the rest of a migration is the hazard.
#include <fmt/format.h>

#include "lint/rules/rules.h"

namespace keel::lint::checks {
namespace {

// LOCKMODE numbers of PostgreSQL (lockdefs.h) and what each blocks.
constexpr const char* kModes[] = {
    "",      "ACCESS SHARE",        "ROW SHARE", "ROW EXCLUSIVE",   "SHARE UPDATE EXCLUSIVE",
    "SHARE", "SHARE ROW EXCLUSIVE", "EXCLUSIVE", "ACCESS EXCLUSIVE"};

void check(Context& ctx) {
  if (ctx.stmt().kind != "LockStmt") return;
  int mode = ctx.body().value("mode", 8);
  if (mode < 4 || mode > 8) return;
  const char* effect = mode == 8   ? "blocks every read and write"
                       : mode == 4 ? "blocks schema changes, VACUUM and index builds"
                                   : "blocks every write (INSERT, UPDATE, DELETE)";
  for (const Json& item : field(ctx.body(), "relations")) {
    const Json& relation = field(item, "RangeVar");
    std::string table = Context::table(relation);
    if (ctx.is_new_table(table)) continue;
    ctx.report(
        kLockTable.info.id, ctx.at(relation),
        fmt::format("LOCK TABLE {} IN {} MODE takes {} {} lock on {}: {} of it until the "
                    "migration commits",
                    table, kModes[mode], mode == 8 ? "an" : "a", kModes[mode], table, effect),
        "remove the LOCK: each statement takes the lock it needs, keel bounds the wait "
        "with lock_timeout and retries; if the lock must span several statements, keep "
        "them few and fast");
  }
}

}  // namespace

const Rule kLockTable{{"lock-table", Severity::kWarning, "",
                       "explicit LOCK TABLE holds a strong lock until the migration commits"},
                      &check};

}  // namespace keel::lint::checks
