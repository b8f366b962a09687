// VACUUM FULL: rewrites each table it names (every table without a name).
#include <fmt/format.h>

#include "lint/rules/rules.h"

namespace keel::lint::checks {
namespace {

void check(Context& ctx) {
  const Json& body = ctx.body();
  if (ctx.stmt().kind != "VacuumStmt" || !body.value("is_vacuumcmd", false)) return;
  bool full = false;
  for (const Json& option : field(body, "options")) {
    const Json& def = field(option, "DefElem");
    full = full || (def.value("defname", "") == "full" && sval(field(def, "arg")) != "false");
  }
  if (!full) return;
  std::vector<std::string> tables;
  for (const Json& item : field(body, "rels")) {
    std::string table = Context::table(field(field(item, "VacuumRelation"), "relation"));
    if (!ctx.is_new_table(table)) tables.push_back(table);
  }
  if (tables.empty() && !field(body, "rels").empty()) return;
  std::string target = tables.empty() ? std::string("every table of the database") : tables[0];
  for (size_t i = 1; i < tables.size(); ++i) target += ", " + tables[i];
  ctx.report(kVacuumFull.info.id, ctx.stmt().begin,
             fmt::format("VACUUM FULL rewrites {}, and {}", target, access_exclusive(target)),
             "plain VACUUM (no blocking lock) in maintenance, not in a migration; to give space "
             "back online use pg_repack or pg_squeeze");
}

}  // namespace

const Rule kVacuumFull{{"vacuum-full", Severity::kError, "ACCESS EXCLUSIVE",
                        "VACUUM FULL rewrites the table under ACCESS EXCLUSIVE"},
                       &check};

}  // namespace keel::lint::checks
