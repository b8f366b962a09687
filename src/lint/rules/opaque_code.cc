// DO blocks and CALL: the statements they run are PL/pgSQL (or a procedure's body), which lint
// does not see into. Said as info, so a reviewer knows what was not checked.
#include <fmt/format.h>

#include "lint/rules/rules.h"

namespace keel::lint::checks {
namespace {

void check(Context& ctx) {
  const std::string_view kind = ctx.stmt().kind;
  if (kind == "DoStmt") {
    ctx.report(kOpaqueCode.info.id, ctx.stmt().begin,
               "the statements inside this DO block are not linted: their locks, rewrites and "
               "scans are unchecked",
               "write the statements as plain SQL of the migration where you can (each is then "
               "linted); otherwise review the block's locks by hand, or check them with keel "
               "plan against a copy of the database");
  } else if (kind == "CallStmt") {
    const std::string name = dotted(field(field(ctx.body(), "funccall"), "funcname"));
    ctx.report(kOpaqueCode.info.id, ctx.stmt().begin,
               fmt::format("CALL {} runs the procedure's statements, which are not linted: "
                           "their locks, rewrites and scans are unchecked",
                           name),
               "review the procedure's statements by hand, or check them with keel plan "
               "against a copy of the database");
  }
}

}  // namespace

const Rule kOpaqueCode{
    {"opaque-code", Severity::kInfo, "", "statements run by a DO block or CALL are not linted"},
    &check};

}  // namespace keel::lint::checks
