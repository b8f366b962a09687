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

const std::vector<std::string>& default_settings() {
  static const std::vector<std::string> kSettings = {
      "server_encoding",
      "lc_collate",
      "lc_ctype",
      "TimeZone",
      "DateStyle",
      "standard_conforming_strings",
      "default_transaction_isolation",
      "statement_timeout",
      "lock_timeout",
      "idle_in_transaction_session_timeout",
      "search_path",
      "max_connections",
      "shared_preload_libraries",
  };
  return kSettings;
}

}  // namespace keel
