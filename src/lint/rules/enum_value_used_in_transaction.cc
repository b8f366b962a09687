// A value ALTER TYPE ... ADD VALUE added, used later in the same
// transaction: PostgreSQL refuses a new enum value until the transaction
// that added it commits (SQLSTATE 55P04, "unsafe use of new value"), so the
// migration always fails there. A file keel runs statement by statement
// (-- keel:no-transaction, or a CONCURRENTLY statement in it) commits each
// statement, unless both stand inside one explicit BEGIN ... COMMIT.
//
// A use is a string constant equal to the new label; the rule does not know
// the type of every expression, so a constant with the same text used as
// plain text is reported too (suppress it with -- keel:ignore).
#include <fmt/format.h>

#include "lint/rules/rules.h"

namespace keel::lint::checks {
namespace {

// True when a string constant in `node` equals `label`.
bool uses_label(const Json& node, const std::string& label) {
  if (node.is_array()) {
    for (const Json& item : node) {
      if (uses_label(item, label)) return true;
    }
    return false;
  }
  if (!node.is_object()) return false;
  for (const auto& [key, value] : node.items()) {
    if (key == "A_Const" && field(field(value, "sval"), "sval") == label) return true;
    if (uses_label(value, label)) return true;
  }
  return false;
}

void check(Context& ctx) {
  ScriptState& state = ctx.state();
  const Json& body = ctx.body();
  if (!refuses_transaction(ctx.stmt().kind, body).empty() && state.transaction_line == 0) {
    state.runs_without_transaction = true;
  }
  if (ctx.stmt().kind == "AlterEnumStmt" && body.contains("newVal") && !body.contains("oldVal")) {
    state.enum_values.push_back({dotted(field(body, "typeName")), body.value("newVal", ""),
                                 ctx.line_of(ctx.stmt().begin), state.transaction_line});
    return;
  }
  for (size_t i = 0; i < state.enum_values.size(); ++i) {
    const ScriptState::EnumValue& value = state.enum_values[i];
    if (!uses_label(body, value.label)) continue;
    state.enum_value_uses.push_back({i, ctx.stmt().begin,
                                     value.block != 0 && value.block == state.transaction_line,
                                     ctx.suppressed(kEnumValueUsedInTransaction.info.id)});
    return;
  }
}

void finish(Context& ctx) {
  const ScriptState& state = ctx.state();
  const bool one_transaction = !ctx.no_transaction_directive() && !state.runs_without_transaction;
  for (const ScriptState::EnumValueUse& use : state.enum_value_uses) {
    if (use.ignored || !(use.same_block || one_transaction)) continue;
    const ScriptState::EnumValue& value = state.enum_values[use.value];
    ctx.report(
        kEnumValueUsedInTransaction.info.id, use.at,
        fmt::format("uses '{}', which ALTER TYPE {} ADD VALUE on line {} adds in the same "
                    "transaction: PostgreSQL refuses a new enum value until the transaction that "
                    "added it commits (55P04 unsafe use of new value), so the migration always "
                    "fails here",
                    value.label, value.type, value.line),
        "move the ALTER TYPE ... ADD VALUE statements to a migration of their own, before this "
        "one, marked -- keel:no-transaction (keel generate writes them as NAME_enum_values)");
  }
}

}  // namespace

const Rule kEnumValueUsedInTransaction{
    {"enum-value-used-in-transaction", Severity::kError, "",
     "a new enum value used in the transaction that added it fails (55P04)"},
    &check,
    &finish};

}  // namespace keel::lint::checks
