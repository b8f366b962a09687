// plan_ddl() dispatch and the script text of a plan.
#include "keel/ddl.h"

#include "dialects/postgres/ddl/postgres_ddl.h"

namespace keel {

std::vector<std::string> DdlPlan::up_statements(bool no_transaction) const {
  std::vector<std::string> out;
  for (const DdlStep& s : steps) {
    if (s.no_transaction != no_transaction) continue;
    out.insert(out.end(), s.up.begin(), s.up.end());
  }
  return out;
}

std::vector<std::string> DdlPlan::down_statements(bool no_transaction) const {
  std::vector<std::string> out;
  for (auto it = steps.rbegin(); it != steps.rend(); ++it) {
    if (it->no_transaction != no_transaction) continue;
    out.insert(out.end(), it->down.begin(), it->down.end());
  }
  return out;
}

bool DdlPlan::has_no_transaction_steps() const {
  for (const DdlStep& s : steps) {
    if (s.no_transaction) return true;
  }
  return false;
}

Result<DdlPlan> plan_ddl(Dialect dialect, const model::Database& from, const model::Database& to,
                         const DdlOptions& options) {
  if (dialect != Dialect::kPostgres) {
    return fail(ErrorCode::kUnsupported,
                "keel generates DDL for PostgreSQL only; for SQLite, write the migration by hand "
                "(keel drift names the differences)");
  }
  return pg::ddl::plan(from, to, options);
}

std::string render_script(const DdlPlan& plan, bool reverse) {
  auto block = [](const std::vector<std::string>& statements) {
    std::string out;
    for (const std::string& s : statements) out += s + ";\n";
    return out;
  };
  std::vector<std::string> in_tx =
      reverse ? plan.down_statements(false) : plan.up_statements(false);
  std::vector<std::string> no_tx = reverse ? plan.down_statements(true) : plan.up_statements(true);
  std::string tx_part = in_tx.empty() ? "" : "BEGIN;\n" + block(in_tx) + "COMMIT;\n";
  std::string no_tx_part =
      no_tx.empty() ? ""
                    : "-- keel:no-transaction (CONCURRENTLY cannot run inside a transaction "
                      "block)\n" +
                          block(no_tx);
  // Forward: the transaction first; reverse: the no-transaction part first.
  return reverse ? no_tx_part + tx_part : tx_part + no_tx_part;
}

}  // namespace keel
