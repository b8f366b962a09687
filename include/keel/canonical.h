// keel: the canonical form of a schema model and its hash.
#pragma once

#include <nlohmann/json.hpp>
#include <string>

#include "keel/error.h"
#include "keel/model.h"

namespace keel::model {

// The canonical JSON of a schema: objects sorted by name, defaults left out,
// wrapped as {"canonical_version": N, "schema": {...}}.
nlohmann::json to_canonical_json(const Database& db);

// Reads what to_canonical_json() wrote (the "schema" member of a manifest).
Result<Database> from_canonical_json(const nlohmann::json& j);

// "sha256:<64 hex>" of the compact canonical JSON.
std::string schema_hash(const Database& db);

// The same hash, of canonical JSON already built by to_canonical_json().
std::string hash_canonical_json(const nlohmann::json& canonical);

}  // namespace keel::model
