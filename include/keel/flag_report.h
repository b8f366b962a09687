// keel flag set / list: what the commands print with --format json, what a
// change leaves in the run archive, and who made it. Policy for the CLI
// (src/cli/flag.cc), kept out of it so that tests reach it directly.
#pragma once

#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "keel/config.h"
#include "keel/flags.h"

namespace keel::run {

// updated_by of a flag: [migrations] applied_by, else user@host.
std::string flag_setter(const Config& config);

// {"database": <masked url>, "flag": NAME, "old_percent": N | null,
//  "new_percent": N}
nlohmann::json flag_set_json(const std::string& masked_url, const flags::Change& change);

// The run archive's details of a change (RunRow::details): {"flag",
// "old_percent" (null for a new flag), "new_percent"}, as compact text.
std::string flag_details(const flags::Change& change);

// {"database": <masked url>, "flags": [{"name", "percent", "description",
//  "updated_at", "updated_by"}, ...]}
nlohmann::json flags_json(const std::string& masked_url, const std::vector<flags::Flag>& flags);

}  // namespace keel::run
