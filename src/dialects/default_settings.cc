// The server settings a PostgreSQL manifest records unless keel.toml's
// [baseline] settings says otherwise.
#include "keel/connection.h"

namespace keel {

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
