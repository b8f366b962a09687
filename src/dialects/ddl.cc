// plan_ddl(): the dialect's DDL planner, and the script text of a plan.
#include "keel/ddl.h"

#include <fmt/format.h>

#include "keel/dialect.h"

namespace keel {

namespace {

DdlPart part_of(const DdlStep& s) { return s.part; }

}  // namespace

std::string_view to_string(DdlAction action) {
  switch (action) {
    case DdlAction::kCreate:
      return "create";
    case DdlAction::kAlter:
      return "alter";
    case DdlAction::kDrop:
      return "drop";
    case DdlAction::kComment:
      return "comment";
    case DdlAction::kSetting:
      return "setting";
  }
  return "alter";
}

std::string_view to_string(DdlObject object) {
  static constexpr std::string_view kNames[] = {
      "schema",     "extension",   "type",          "sequence", "function", "table",   "column",
      "constraint", "index",       "trigger",       "policy",   "view",     "session", "statistics",
      "rule",       "publication", "event trigger", "cast",     "collation"};
  return kNames[static_cast<size_t>(object)];
}

std::string_view to_string(DdlPart part) {
  switch (part) {
    case DdlPart::kBefore:
      return "before";
    case DdlPart::kTransaction:
      return "transaction";
    case DdlPart::kAfter:
      return "after";
  }
  return "transaction";
}

std::vector<std::string> DdlPlan::up_statements(DdlPart part) const {
  std::vector<std::string> out;
  for (const DdlStep& s : steps) {
    if (part_of(s) == part) out.insert(out.end(), s.up.begin(), s.up.end());
  }
  return out;
}

std::vector<std::string> DdlPlan::down_statements(DdlPart part) const {
  std::vector<std::string> out;
  if (part == DdlPart::kBefore) return out;
  for (auto it = steps.rbegin(); it != steps.rend(); ++it) {
    DdlPart p = part_of(*it) == DdlPart::kBefore ? DdlPart::kTransaction : part_of(*it);
    if (p == part) out.insert(out.end(), it->down.begin(), it->down.end());
  }
  return out;
}

bool DdlPlan::has_no_transaction_steps() const {
  for (const DdlStep& s : steps) {
    if (s.part != DdlPart::kTransaction) return true;
  }
  return false;
}

Result<DdlPlan> plan_ddl(Dialect dialect, const model::Database& from, const model::Database& to,
                         const DdlOptions& options) {
  if (!dialect) return fail(ErrorCode::kInternal, "no dialect to generate DDL for");
  if (!dialect->capabilities.renders_ddl) {
    return fail(ErrorCode::kUnsupported,
                fmt::format("keel generates DDL for {} only; for {}, write the migration by hand "
                            "(keel drift names the differences)",
                            dialects::names_with(&dialects::Capabilities::renders_ddl),
                            dialect->display_name));
  }
  return dialect->plan_ddl(from, to, options);
}

std::string render_script(const DdlPlan& plan, bool reverse) {
  auto block = [](const std::vector<std::string>& statements) {
    std::string out;
    for (const std::string& s : statements) out += s + ";\n";
    return out;
  };
  auto part = [&](DdlPart p) { return reverse ? plan.down_statements(p) : plan.up_statements(p); };
  std::vector<std::string> before = part(DdlPart::kBefore);
  std::vector<std::string> in_tx = part(DdlPart::kTransaction);
  std::vector<std::string> after = part(DdlPart::kAfter);
  std::string before_text =
      before.empty() ? ""
                     : "-- keel:no-transaction (new enum values must be committed before they "
                       "are used)\n" +
                           block(before);
  std::string tx_text = in_tx.empty() ? "" : "BEGIN;\n" + block(in_tx) + "COMMIT;\n";
  std::string after_text =
      after.empty() ? ""
                    : "-- keel:no-transaction (CONCURRENTLY and VALIDATE, each committed on "
                      "its own)\n" +
                          block(after);
  return reverse ? after_text + tx_text : before_text + tx_text + after_text;
}

}  // namespace keel
