// DROP INDEX without CONCURRENTLY.
#include <fmt/format.h>

#include "lint/rules/rules.h"
#include "util/quote.h"

namespace keel::lint::checks {
namespace {

void check(Context& ctx) {
  const Json& body = ctx.body();
  if (ctx.stmt().kind != "DropStmt" || body.value("removeType", "") != "OBJECT_INDEX" ||
      body.value("concurrent", false)) {
    return;
  }
  for (const Json& object : field(body, "objects")) {
    const Json& names =
        field(object, "List").contains("items") ? field(field(object, "List"), "items") : object;
    std::string index = dotted(names);
    std::string sql_index;
    for (const Json& part : names) {
      sql_index += (sql_index.empty() ? "" : ".") + quote_identifier(sval(part));
    }
    std::string qualified = index.find('.') == std::string::npos ? "public." + index : index;
    auto known = ctx.state().new_indexes.find(qualified);
    if (known != ctx.state().new_indexes.end() && ctx.is_new_table(known->second)) continue;
    std::string table =
        known != ctx.state().new_indexes.end() ? known->second : "the table of " + index;
    ctx.report(kDropIndexNotConcurrent.info.id, ctx.stmt().begin,
               fmt::format("DROP INDEX {} without CONCURRENTLY takes an ACCESS EXCLUSIVE lock on "
                           "{}: blocks every read and write of the table while it waits for "
                           "running queries and until the migration commits",
                           index, table),
               fmt::format("DROP INDEX CONCURRENTLY {}: waits for running queries without "
                           "blocking new ones (keel runs it outside a transaction)",
                           sql_index));
  }
}

}  // namespace

const Rule kDropIndexNotConcurrent{
    {"drop-index-not-concurrent", Severity::kWarning, "ACCESS EXCLUSIVE",
     "DROP INDEX without CONCURRENTLY blocks reads and writes of the table"},
    &check};

}  // namespace keel::lint::checks
