// Printing drift differences, shared by keel drift and keel verify.
#pragma once

#include <nlohmann/json.hpp>
#include <vector>

#include "cli/cli.h"
#include "keel/drift.h"

namespace keel::cli {

// How the two sides are named. kDrift: `expected` is the reference and
// `actual` the checked environment (drift, verify). kDiff: `expected` is
// --from and `actual` is --to, read from -> to (keel diff).
enum class Sides { kDrift, kDiff };

// Grouped by category, one line (or a block for multi-line values) each,
// followed by a blank line when there is any.
void print_differences(const std::vector<Difference>& differences, Sides sides = Sides::kDrift);

// kDrift: {"expected", "actual"}; kDiff: {"from", "to"}.
nlohmann::json differences_json(const std::vector<Difference>& differences,
                                Sides sides = Sides::kDrift);

}  // namespace keel::cli
