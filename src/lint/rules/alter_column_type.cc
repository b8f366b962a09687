// ALTER COLUMN ... TYPE that rewrites (int4 -> int8, text -> int, varchar
// shrink) under ACCESS EXCLUSIVE. Binary-coercible changes rewrite nothing:
// varchar growth, varchar -> text or unbounded varchar, numeric precision
// growth at the same scale, varbit growth, time/timestamp precision growth,
// cidr -> inet (pg::binary_coercible, the module keel diff uses too). The current type
// comes from the script or folder (CREATE TABLE / ADD COLUMN) or the live
// catalog; when unknown, a target that may be such a change is reported at
// a lower severity.
#include <fmt/format.h>

#include "dialects/postgres/types.h"
#include "lint/operation_hint.h"
#include "lint/rules/rules.h"

namespace keel::lint::checks {
namespace {

bool is_text(const ColumnType& t) { return t.name == "text"; }
bool is_varchar(const ColumnType& t) { return t.name == "varchar"; }

// True when changing `from` to `to` needs neither a rewrite nor a scan
// (PostgreSQL's rules: dialects/postgres/types.h, shared with keel diff).
bool binary_coercible(const ColumnType& from, const ColumnType& to) {
  return pg::binary_coercible(pg::make_type(from.name, from.mods), pg::make_type(to.name, to.mods));
}

void check(Context& ctx) {
  alter_existing(ctx, [&](const std::string& table, const std::string& subtype, const Json& cmd) {
    if (subtype != "AT_AlterColumnType") return;
    const Json& def = field(field(cmd, "def"), "ColumnDef");
    std::string column = cmd.value("name", "");
    ColumnType to = type_of(field(def, "typeName"));
    bool using_clause = def.contains("raw_default");
    std::optional<ColumnType> from = ctx.column_type(table, column);
    std::optional<Severity> severity;
    std::string change = type_text(to);
    std::string rewrites = "rewrites";
    if (from) {
      if (!using_clause && binary_coercible(*from, to)) return;
      change += " (from " + type_text(*from) + ")";
    } else if (!using_clause) {
      // Unknown current type: what the change could be without a rewrite.
      if (is_text(to) || (is_varchar(to) && to.mods.empty())) {
        severity = Severity::kInfo;
      } else if (is_varchar(to) || to.name == "numeric" || to.name == "varbit") {
        severity = Severity::kWarning;
      }
      if (severity) {
        rewrites =
            "(the current type is unknown: lint with --url to know) rewrites, unless it "
            "only widens a varchar/numeric or turns varchar into text,";
      }
    }
    ctx.report(kAlterColumnType.info.id, ctx.at(def),
               fmt::format("ALTER COLUMN {} TYPE {} {} every row of {} and rebuilds its "
                           "indexes, and {}",
                           column, change, rewrites, table, access_exclusive(table)),
               fmt::format("expand/contract: ADD COLUMN {}_new {}, write both columns from the "
                           "application (or a trigger), backfill in batches, switch reads, then "
                           "drop {} in a later release",
                           column, type_text(to), column) +
                   operation_hint("alter_column",
                                  fmt::format("table: {}, column: {}, type: {}, up: \"CAST({} AS "
                                              "{})\", down: \"CAST({} AS <old type>)\"",
                                              operation_table(table), column, type_text(to), column,
                                              type_text(to), column)),
               severity);
  });
}

}  // namespace

const Rule kAlterColumnType{{"alter-column-type", Severity::kError, "ACCESS EXCLUSIVE",
                             "ALTER COLUMN TYPE that is not binary-coercible rewrites the table"},
                            &check};

}  // namespace keel::lint::checks
