// The rule catalogue: every rule of src/lint/rules/, sorted by id. A new rule
// is one file there, one line in rules.h and one line here.
#include <algorithm>

#include "lint/rules/rules.h"

namespace keel::lint {

const std::vector<const Rule*>& all_rules() {
  static const std::vector<const Rule*> kRules = [] {
    using namespace checks;
    std::vector<const Rule*> all = {&kAttachPartition,
                                    &kDetachPartitionNotConcurrent,
                                    &kDropSchemaCascade,
                                    &kNeedsNewerServer,
                                    &kOpaqueCode,
                                    &kRefreshMaterializedViewNotConcurrent,
                                    &kSetTablespace,
                                    &kValidateInSameTransaction,
                                    &kAddColumnNotNullNoDefault,
                                    &kAddColumnVolatileDefault,
                                    &kAlterColumnType,
                                    &kCheckWithoutNotValid,
                                    &kCluster,
                                    &kConcurrentlyInTransaction,
                                    &kCopyFromStdin,
                                    &kCreateIndexNotConcurrent,
                                    &kDropColumn,
                                    &kDropIndexNotConcurrent,
                                    &kDropTable,
                                    &kEnumValueUsedInTransaction,
                                    &kForeignKeyWithoutNotValid,
                                    &kLockTable,
                                    &kNonTransactionalMix,
                                    &kReindexNotConcurrent,
                                    &kRenameColumn,
                                    &kRenameTable,
                                    &kSetLogged,
                                    &kSetNotNull,
                                    &kSyntaxError,
                                    &kTruncate,
                                    &kUniqueWithoutIndex,
                                    &kVacuumFull,
                                    &kWholeTableDml};
    std::sort(all.begin(), all.end(),
              [](const Rule* a, const Rule* b) { return a->info.id < b->info.id; });
    return all;
  }();
  return kRules;
}

const std::vector<RuleInfo>& rules() {
  static const std::vector<RuleInfo> kInfos = [] {
    std::vector<RuleInfo> out;
    for (const Rule* rule : all_rules()) out.push_back(rule->info);
    return out;
  }();
  return kInfos;
}

const RuleInfo* find_rule(std::string_view id) {
  for (const RuleInfo& info : rules()) {
    if (info.id == id) return &info;
  }
  return nullptr;
}

}  // namespace keel::lint
