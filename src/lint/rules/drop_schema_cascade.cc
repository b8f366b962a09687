// DROP SCHEMA ... CASCADE of a schema the script (or its paired up script) did not create:
// drops every object in it and everything that depends on them elsewhere, each locked ACCESS
// EXCLUSIVE until the migration commits.
#include <fmt/format.h>

#include "lint/rules/rules.h"
#include "util/quote.h"

namespace keel::lint::checks {
namespace {

void check(Context& ctx) {
  const Json& body = ctx.body();
  if (ctx.stmt().kind != "DropStmt" || body.value("removeType", "") != "OBJECT_SCHEMA" ||
      body.value("behavior", "") != "DROP_CASCADE") {
    return;
  }
  const ScriptState& state = ctx.state();
  for (const Json& object : field(body, "objects")) {
    const std::string schema = sval(object);
    if (state.made.schemas.contains(schema) ||
        (state.up_made != nullptr && state.up_made->schemas.contains(schema))) {
      continue;
    }
    ctx.report(kDropSchemaCascade.info.id, ctx.stmt().begin,
               fmt::format("DROP SCHEMA {} CASCADE drops every table, view and function in it "
                           "and whatever depends on them in other schemas (views, foreign keys), "
                           "taking an ACCESS EXCLUSIVE lock on each until the migration commits: "
                           "blocks every read and write of them, and breaks every application "
                           "version that still uses one",
                           schema),
               fmt::format("drop what the schema holds one object at a time, each once no "
                           "running application version uses it (the contract step of "
                           "expand/contract), then DROP SCHEMA {} (RESTRICT: it fails if "
                           "anything is left)",
                           quote_identifier(schema)));
  }
}

}  // namespace

const Rule kDropSchemaCascade{
    {"drop-schema-cascade", Severity::kError, "ACCESS EXCLUSIVE",
     "DROP SCHEMA CASCADE drops and locks everything in the schema and what depends on it"},
    &check};

}  // namespace keel::lint::checks
