// COPY ... FROM STDIN: its rows follow it as psql's data stream, which keel
// does not send (it runs SQL statements), so apply and plan refuse the
// script. The engine skips the rows up to their "\." line.
#include <fmt/format.h>

#include "lint/rules/rules.h"

namespace keel::lint::checks {
namespace {

void check(Context& ctx) {
  const Json& body = ctx.body();
  if (ctx.stmt().kind != "CopyStmt" || !body.value("is_from", false) || body.contains("filename") ||
      body.value("is_program", false)) {
    return;
  }
  ctx.report(kCopyFromStdin.info.id, ctx.stmt().begin,
             "COPY ... FROM STDIN reads its rows from the client (psql sends the lines after it "
             "up to \"\\.\"): keel runs SQL statements and does not send rows, so apply and plan "
             "refuse this script",
             "write the rows as INSERT ... VALUES in the migration, or load them outside the "
             "migration with psql's \\copy");
}

}  // namespace

const Rule kCopyFromStdin{{"copy-from-stdin", Severity::kError, "",
                           "COPY ... FROM STDIN: keel does not send psql's data stream"},
                          &check};

}  // namespace keel::lint::checks
