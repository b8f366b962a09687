// ALTER TABLE ... ATTACH PARTITION of a table that existed before the script: ACCESS EXCLUSIVE
// on the table attached while every row of it is scanned to prove the partition's bound, unless
// a valid CHECK constraint already implies it (and a default partition is scanned too). Before
// PostgreSQL 12 the partitioned table itself is locked ACCESS EXCLUSIVE.
#include <fmt/format.h>

#include "lint/rules/rules.h"

namespace keel::lint::checks {
namespace {

void check(Context& ctx) {
  alter_existing(ctx, [&](const std::string& table, const std::string& subtype, const Json& cmd) {
    if (subtype != "AT_AttachPartition") return;
    const Json& partition = field(field(cmd, "def"), "PartitionCmd");
    const std::string name = Context::table(field(partition, "name"));
    // An empty new table has nothing to scan; a CHECK validated here is taken to imply the
    // bound (PostgreSQL then skips the scan, saying so in its log).
    if (ctx.is_new_table(name) || ctx.state().validated_checks.contains(name)) return;
    const std::string parent =
        ctx.pg_version() >= 12
            ? fmt::format("SHARE UPDATE EXCLUSIVE on {}", table)
            : fmt::format("before PostgreSQL 12 an ACCESS EXCLUSIVE lock on {} as well", table);
    ctx.report(
        kAttachPartition.info.id, ctx.at(partition),
        fmt::format("ATTACH PARTITION {} scans every row of it to prove the partition bound while "
                    "holding an ACCESS EXCLUSIVE lock on {} ({}; a default partition of {} is "
                    "scanned too): every read and write of {} waits for the scan",
                    name, name, parent, table, name),
        fmt::format("first ALTER TABLE {0} ADD CONSTRAINT bound CHECK (<the partition bound>) "
                    "NOT VALID, then VALIDATE CONSTRAINT bound in a later migration (SHARE "
                    "UPDATE EXCLUSIVE: writes go on); ATTACH PARTITION then skips the scan, "
                    "after which the CHECK can be dropped",
                    Context::sql_table(field(partition, "name"))));
  });
  // What makes the scan unneeded: a CHECK validated in this script.
  alter_existing(ctx, [&](const std::string& table, const std::string& subtype, const Json& cmd) {
    const Json& c = field(field(cmd, "def"), "Constraint");
    if ((subtype == "AT_AddConstraint" && c.value("contype", "") == "CONSTR_CHECK" &&
         !c.value("skip_validation", false)) ||
        subtype == "AT_ValidateConstraint") {
      ctx.state().validated_checks.insert(table);
    }
  });
}

}  // namespace

const Rule kAttachPartition{{"attach-partition", Severity::kWarning, "ACCESS EXCLUSIVE",
                             "ATTACH PARTITION scans the attached table under ACCESS EXCLUSIVE"},
                            &check};

}  // namespace keel::lint::checks
