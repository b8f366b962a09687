// VALIDATE CONSTRAINT in the transaction that added the constraint NOT VALID: the ADD's lock
// (ACCESS EXCLUSIVE for a CHECK, SHARE ROW EXCLUSIVE on both tables for a foreign key) is held
// until commit, so the validation's scan of every row runs under it and NOT VALID bought
// nothing. A file keel runs statement by statement (-- keel:no-transaction, or a CONCURRENTLY
// statement in it) commits between them, unless both stand inside one explicit BEGIN.
#include <fmt/format.h>

#include "lint/rules/rules.h"
#include "util/quote.h"

namespace keel::lint::checks {
namespace {

void check(Context& ctx) {
  alter_existing(ctx, [&](const std::string& table, const std::string& subtype, const Json& cmd) {
    ScriptState& state = ctx.state();
    if (subtype == "AT_AddConstraint") {
      const Json& c = field(field(cmd, "def"), "Constraint");
      const std::string type = c.value("contype", "");
      if (!c.value("skip_validation", false) || !c.contains("conname")) return;
      if (type != "CONSTR_CHECK" && type != "CONSTR_FOREIGN") return;
      state.not_valid.push_back(
          {table, c.value("conname", ""),
           type == "CONSTR_FOREIGN" ? Context::table(field(c, "pktable")) : std::string(),
           ctx.line_of(ctx.at(c)), state.transaction_line});
      return;
    }
    if (subtype != "AT_ValidateConstraint") return;
    const std::string name = cmd.value("name", "");
    for (size_t i = 0; i < state.not_valid.size(); ++i) {
      const ScriptState::NotValid& added = state.not_valid[i];
      if (added.table != table || added.name != name) continue;
      state.validations.push_back({i, ctx.stmt().begin,
                                   added.block != 0 && added.block == state.transaction_line,
                                   ctx.suppressed(kValidateInSameTransaction.info.id)});
    }
  });
}

void finish(Context& ctx) {
  const ScriptState& state = ctx.state();
  for (const ScriptState::Validation& v : state.validations) {
    if (v.ignored || !(v.same_block || ctx.one_transaction())) continue;
    const ScriptState::NotValid& added = state.not_valid[v.constraint];
    const std::string held =
        added.referenced.empty()
            ? fmt::format("an ACCESS EXCLUSIVE lock on {}", added.table)
            : fmt::format("SHARE ROW EXCLUSIVE locks on {} and {}", added.table, added.referenced);
    ctx.report(
        kValidateInSameTransaction.info.id, v.at,
        fmt::format("VALIDATE CONSTRAINT {} runs in the transaction whose ADD CONSTRAINT ... NOT "
                    "VALID (line {}) took {}: held until commit, so the scan of every row runs "
                    "under it and blocks {} for its whole length; NOT VALID bought nothing",
                    added.name, added.line, held,
                    added.referenced.empty() ? "every read and write" : "every write to both"),
        fmt::format("commit in between: put ALTER TABLE ... VALIDATE CONSTRAINT {} in a "
                    "migration of its own after this one (keel generate does), where it takes "
                    "SHARE UPDATE EXCLUSIVE and reads and writes go on",
                    quote_identifier(added.name)));
  }
}

}  // namespace

const Rule kValidateInSameTransaction{
    {"validate-in-same-transaction", Severity::kError, "",
     "VALIDATE CONSTRAINT in the transaction that added it NOT VALID scans under the ADD's lock"},
    &check,
    &finish};

}  // namespace keel::lint::checks
