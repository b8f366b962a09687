// The integrity checks before a rollback's COMMIT, as data: which checks
// apply for a scope and keel.toml's [integrity], built once for every
// dialect, and running them through the dialect's IntegrityChecks role
// (include/keel/migrate.h), which writes each check's SQL and counts.
#pragma once

#include <vector>

#include "keel/config.h"
#include "keel/migrate.h"

namespace keel::migrate {

// The checks to run, in this order:
//   - each foreign key of the catalog in `scope` ("foreign key": named
//     schema.table.constraint, or by its columns when the dialect does not
//     name keys; detail "s.t.cols -> s.parent.cols[, NOT VALID]");
//   - each of config's relations ("relation": the child's orphans; no SQL
//     and the detail "skipped: TABLE does not exist" when the child or
//     parent table is gone);
//   - each NOT VALID CHECK of the catalog in `scope` ("check constraint");
//   - each of config's checks ("check", expecting its `expect`).
// The catalog is not read when the scope is neither whole nor names a
// relation. Errors are the dialect's (reading the catalog).
Result<std::vector<IntegrityCheckSpec>> integrity_checks(IntegrityChecks& db,
                                                         const IntegrityConfig& config,
                                                         const IntegrityScope& scope);

// Counts each check (IntegrityChecks::count) into its finding, in order. A
// check that cannot run (a kSql error) is a finding with its error; any
// other error is returned.
Result<std::vector<IntegrityFinding>> run_integrity_checks(
    IntegrityChecks& db, const std::vector<IntegrityCheckSpec>& checks);

}  // namespace keel::migrate
