// PostgreSQL DDL renderer: the entry point src/dialects/ddl.cc calls.
#pragma once

#include "keel/ddl.h"

namespace keel::pg::ddl {

Result<DdlPlan> plan(const model::Database& from, const model::Database& to,
                     const DdlOptions& options);

}  // namespace keel::pg::ddl
