// PostgreSQL dialect: entry points its driver (driver.cc) lists.
#pragma once

#include <memory>

#include "keel/connection.h"
#include "keel/ledger.h"
#include "keel/lint.h"

namespace keel::pg {

Result<std::unique_ptr<Connection>> connect(const ConnectionUrl& url);

// keel.runs and keel.parity (ledger.cc).
Result<std::unique_ptr<ledger::Ledger>> open_ledger(const ConnectionUrl& url,
                                                    ledger::Access access);

// A read-only lint::Catalog on the server (lint_catalog.cc). Errors name the
// masked URL.
Result<std::unique_ptr<lint::Catalog>> open_lint_catalog(const ConnectionUrl& url);

}  // namespace keel::pg
