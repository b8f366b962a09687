// Picks the dialect for a connection URL.
#include "dialects/postgres/postgres.h"
#include "dialects/sqlite/sqlite.h"
#include "keel/connection.h"

namespace keel {

Result<std::unique_ptr<Connection>> connect(const ConnectionUrl& url) {
  switch (url.dialect) {
    case Dialect::kPostgres:
      return pg::connect(url);
    case Dialect::kSqlite:
      return sqlite::connect(url);
  }
  return fail(ErrorCode::kInternal, "unknown dialect");
}

}  // namespace keel
