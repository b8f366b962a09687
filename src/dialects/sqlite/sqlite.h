// SQLite dialect: entry points its driver (driver.cc) lists.
#pragma once

#include <memory>

#include "keel/connection.h"
#include "keel/ledger.h"

namespace keel::sqlite {

Result<std::unique_ptr<Connection>> connect(const ConnectionUrl& url);

// keel_runs and keel_parity (ledger.cc).
Result<std::unique_ptr<ledger::Ledger>> open_ledger(const ConnectionUrl& url,
                                                    ledger::Access access);

}  // namespace keel::sqlite
