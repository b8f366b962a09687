// ALTER COLUMN ... SET NOT NULL: a full scan under ACCESS EXCLUSIVE, unless
// (PostgreSQL 12+) a validated CHECK (col IS NOT NULL) already proves it --
// one added earlier in this script or in an earlier script of the folder.
#include <fmt/format.h>

#include "lint/operation_hint.h"
#include "lint/rules/rules.h"
#include "util/quote.h"

namespace keel::lint::checks {
namespace {

void check(Context& ctx) {
  alter_existing(ctx, [&](const std::string& table, const std::string& subtype, const Json& cmd) {
    if (subtype != "AT_SetNotNull") return;
    std::string column = cmd.value("name", "");
    if (ctx.pg_version() >= 12 && ctx.memory().proven_not_null.contains(table + "." + column)) {
      return;
    }
    std::string check_name =
        fmt::format("{}_{}_not_null", table.substr(table.find('.') + 1), column);
    std::string fix = fmt::format(
        "ALTER TABLE {0} ADD CONSTRAINT {1} CHECK ({2} IS NOT NULL) NOT VALID; then ALTER TABLE "
        "{0} VALIDATE CONSTRAINT {1} (SHARE UPDATE EXCLUSIVE: reads and writes go on); then ",
        ctx.sql_relation(), quote_identifier(check_name), quote_identifier(column));
    if (ctx.pg_version() >= 12) {
      fix += fmt::format(
          "SET NOT NULL, which PostgreSQL 12+ proves from the constraint without a scan; then "
          "DROP CONSTRAINT {}",
          quote_identifier(check_name));
    } else {
      fix +=
          "keep the CHECK constraint instead of SET NOT NULL (PostgreSQL before 12 scans "
          "anyway)";
    }
    fix += operation_hint("alter_column",
                          fmt::format("table: {}, column: {}, nullable: false, up: \"COALESCE({}, "
                                      "<value for NULL>)\", down: {}",
                                      operation_table(table), column, column, column));
    ctx.report(kSetNotNull.info.id, ctx.stmt().begin,
               fmt::format("SET NOT NULL on {}.{} scans every row of {}, and {}", table, column,
                           table, access_exclusive(table)),
               std::move(fix));
  });
}

}  // namespace

const Rule kSetNotNull{{"set-not-null", Severity::kError, "ACCESS EXCLUSIVE",
                        "SET NOT NULL scans the table under ACCESS EXCLUSIVE"},
                       &check};

}  // namespace keel::lint::checks
