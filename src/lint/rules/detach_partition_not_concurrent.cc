// ALTER TABLE ... DETACH PARTITION without CONCURRENTLY: ACCESS EXCLUSIVE on the partitioned
// table, so every query of any partition queues behind it (and behind whatever it waits for).
#include <fmt/format.h>

#include "lint/rules/rules.h"

namespace keel::lint::checks {
namespace {

void check(Context& ctx) {
  alter_existing(ctx, [&](const std::string& table, const std::string& subtype, const Json& cmd) {
    if (subtype != "AT_DetachPartition") return;
    const Json& partition = field(field(cmd, "def"), "PartitionCmd");
    if (partition.value("concurrent", false)) return;
    const std::string name = Context::table(field(partition, "name"));
    const std::string fix =
        ctx.pg_version() >= 14
            ? fmt::format(
                  "ALTER TABLE {} DETACH PARTITION {} CONCURRENTLY, alone in a migration "
                  "marked -- keel:no-transaction (SHARE UPDATE EXCLUSIVE on {}: reads "
                  "and writes go on; not possible while {} has a default partition)",
                  ctx.sql_relation(), Context::sql_table(field(partition, "name")), table, table)
            : fmt::format(
                  "DETACH PARTITION ... CONCURRENTLY needs PostgreSQL 14 (the target is "
                  "{}): keep the lock short, with keel's lock_wait retrying a short "
                  "lock_timeout, at a quiet hour",
                  ctx.pg_version());
    ctx.report(kDetachPartitionNotConcurrent.info.id, ctx.at(partition),
               fmt::format("DETACH PARTITION {} without CONCURRENTLY {}, every partition "
                           "included",
                           name, access_exclusive(table)),
               fix);
  });
}

}  // namespace

const Rule kDetachPartitionNotConcurrent{
    {"detach-partition-not-concurrent", Severity::kWarning, "ACCESS EXCLUSIVE",
     "DETACH PARTITION without CONCURRENTLY locks the whole partitioned table"},
    &check};

}  // namespace keel::lint::checks
