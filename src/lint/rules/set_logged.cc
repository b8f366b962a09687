// ALTER TABLE ... SET LOGGED / SET UNLOGGED: rewrites the table.
#include <fmt/format.h>

#include "lint/rules/rules.h"

namespace keel::lint::checks {
namespace {

void check(Context& ctx) {
  alter_existing(ctx, [&](const std::string& table, const std::string& subtype, const Json&) {
    if (subtype != "AT_SetLogged" && subtype != "AT_SetUnLogged") return;
    bool logged = subtype == "AT_SetLogged";
    ctx.report(
        kSetLogged.info.id, ctx.stmt().begin,
        fmt::format("SET {} rewrites every row of {}{}, and {}", logged ? "LOGGED" : "UNLOGGED",
                    table, logged ? " and writes all of it to the WAL (replicas lag)" : "",
                    access_exclusive(table)),
        logged ? "create the table LOGGED from the start; for an existing one, create a "
                 "logged copy and move rows over in batches, then swap in a later release"
               : "an UNLOGGED table loses its rows on a crash and is not replicated: keep "
                 "it logged, or create a new unlogged table for the transient data");
  });
}

}  // namespace

const Rule kSetLogged{{"set-logged", Severity::kError, "ACCESS EXCLUSIVE",
                       "SET LOGGED / SET UNLOGGED rewrites the table under ACCESS EXCLUSIVE"},
                      &check};

}  // namespace keel::lint::checks
