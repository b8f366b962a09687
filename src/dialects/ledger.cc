// Picks the dialect's ledger (keel/ledger.h) for a connection URL.
#include "keel/ledger.h"

namespace keel {
// Each dialect's ledger, in src/dialects/<dialect>/ledger.cc.
namespace pg {
Result<std::unique_ptr<ledger::Ledger>> open_ledger(const ConnectionUrl& url,
                                                    ledger::Access access);
}
namespace sqlite {
Result<std::unique_ptr<ledger::Ledger>> open_ledger(const ConnectionUrl& url,
                                                    ledger::Access access);
}

namespace ledger {

Result<std::unique_ptr<Ledger>> open_ledger(const ConnectionUrl& url, Access access) {
  switch (url.dialect) {
    case Dialect::kPostgres:
      return pg::open_ledger(url, access);
    case Dialect::kSqlite:
      return sqlite::open_ledger(url, access);
  }
  return fail(ErrorCode::kInternal, "unknown dialect");
}

}  // namespace ledger
}  // namespace keel
