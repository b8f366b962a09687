// Printing drift differences, shared by keel drift and keel verify.
#pragma once

#include <nlohmann/json.hpp>
#include <vector>

#include "cli/cli.h"
#include "keel/drift.h"

namespace keel::cli {

// Grouped by category, one line (or a block for multi-line values) each,
// followed by a blank line when there is any.
void print_differences(const std::vector<Difference>& differences);

nlohmann::json differences_json(const std::vector<Difference>& differences);

}  // namespace keel::cli
