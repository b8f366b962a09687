// Printing drift differences, shared by keel drift and keel verify.
#pragma once

#include <vector>

#include "cli/cli.h"
#include "keel/drift.h"

namespace keel::cli {

// How the two sides are named (run::Sides): kDrift for drift and verify,
// kDiff (from -> to) for keel diff. Their JSON is run::differences_json.
using run::differences_json;
using run::Sides;

// Grouped by category, one line (or a block for multi-line values) each,
// followed by a blank line when there is any.
void print_differences(const std::vector<Difference>& differences, Sides sides = Sides::kDrift);

}  // namespace keel::cli
