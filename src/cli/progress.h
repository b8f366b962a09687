// How a long backfill shows its progress (issue 17 item 3): on a terminal, a bar redrawn in
// place on stderr (rows done, rows/s, ETA, the throttle's reason); otherwise, one JSON object
// per line on stderr, so that a CI log or a supervisor can read it while stdout keeps the
// command's result (a JSON document with --format json). --quiet shows neither.
#pragma once

#include <functional>
#include <string>

#include "cli/cli.h"
#include "keel/migrate.h"

namespace keel::cli {

// The sink for expand::Options::on_backfill; empty with --quiet.
std::function<void(const migrate::OperationProgress&)> backfill_view(const GlobalOptions& options);

// The bar's text for `p` in `width` columns (at least 20): "users [#####-----] 52% 2600000/~5000000
// 41200 rows/s ETA 0m58s throttled: ...", cut to the width.
std::string backfill_bar(const migrate::OperationProgress& p, int width);

// The JSON line for `p`: {"event": "backfill", "table", "rows_done", "rows_total", "percent",
// "rows_per_second", "eta_seconds" (null when unknown), "throttle" (null when none), "done"}.
std::string backfill_json_line(const migrate::OperationProgress& p);

// Takes a bar off the terminal's last line before a note is printed there (no-op when none).
void clear_bar();

}  // namespace keel::cli
