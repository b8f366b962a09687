// PostgreSQL feature flags (flags.cc): the store its driver lists, and the
// SQL that creates <keel schema>.flags and <keel schema>.flag_enabled(),
// exposed for its exact-SQL test.
#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "keel/connection.h"
#include "keel/flags.h"

namespace keel::pg {

// The flags of one database; the session is opened here. Errors:
// kConnection.
Result<std::unique_ptr<flags::Store>> open_flags(const ConnectionUrl& url);

// The body of flag_enabled(name text, key text): true when the flag exists,
// the key is not NULL and flags::bucket(name, key) < its percent; computed
// with pg_catalog's functions only (sha256, convert_to, encode, substr).
std::string flag_enabled_body(std::string_view keel_schema, std::string_view flags_table);

// The statements that create the schema, the table and the function (STABLE,
// PARALLEL SAFE, SECURITY DEFINER with search_path pinned to pg_catalog,
// pg_temp; EXECUTE revoked from PUBLIC), each idempotent. Every name
// quoted through util/quote.h.
std::vector<std::string> flags_ddl(std::string_view keel_schema, std::string_view flags_table);

}  // namespace keel::pg
