// Every lint rule, one per file in this folder; catalogue.cc lists them.
#pragma once

#include "lint/engine.h"

namespace keel::lint::checks {

extern const Rule kAddColumnNotNullNoDefault;
extern const Rule kAddColumnVolatileDefault;
extern const Rule kAlterColumnType;
extern const Rule kAttachPartition;
extern const Rule kCheckWithoutNotValid;
extern const Rule kCluster;
extern const Rule kConcurrentlyInTransaction;
extern const Rule kCopyFromStdin;
extern const Rule kCreateIndexNotConcurrent;
extern const Rule kDetachPartitionNotConcurrent;
extern const Rule kDropColumn;
extern const Rule kDropIndexNotConcurrent;
extern const Rule kDropSchemaCascade;
extern const Rule kDropTable;
extern const Rule kEnumValueUsedInTransaction;
extern const Rule kForeignKeyWithoutNotValid;
extern const Rule kLockTable;
extern const Rule kNeedsNewerServer;
extern const Rule kNonTransactionalMix;
extern const Rule kOpaqueCode;
extern const Rule kRefreshMaterializedViewNotConcurrent;
extern const Rule kReindexNotConcurrent;
extern const Rule kRenameColumn;
extern const Rule kRenameTable;
extern const Rule kSetLogged;
extern const Rule kSetNotNull;
extern const Rule kSetTablespace;
extern const Rule kSyntaxError;
extern const Rule kTruncate;
extern const Rule kUniqueWithoutIndex;
extern const Rule kVacuumFull;
extern const Rule kValidateInSameTransaction;
extern const Rule kWholeTableDml;

}  // namespace keel::lint::checks
