// PostgreSQL's part of a rollout (keel/rollout.h): the probe through one route, and the
// primary's standby lag, connection saturation and PgBouncer's pools.
#pragma once

#include <memory>
#include <string>

#include "keel/rollout.h"

namespace keel::pg {

// The probe runs `query` (empty: "SELECT 1") as BEGIN; SET LOCAL statement_timeout = 2s;
// query; COMMIT in one round trip, so that behind PgBouncer in transaction pooling the timeout
// stays with the probe's transaction. A failed probe drops the session; the next one connects
// again (a route that went away counts as errors, not as a stop).
Result<std::unique_ptr<rollout::Probe>> open_rollout_probe(const ConnectionUrl& route,
                                                           const std::string& query);
Result<std::unique_ptr<rollout::ServerStats>> open_rollout_stats(const ConnectionUrl& primary);

}  // namespace keel::pg
