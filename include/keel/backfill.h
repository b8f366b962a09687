// keel: how an expand/contract backfill paces itself (keel.toml [backfill]); the dialect's
// throttle (src/dialects/postgres/ops/throttle.h) reads it. docs/expand_contract.md, Backfill.
#pragma once

#include <chrono>
#include <string>

namespace keel::expand {

// How a backfill paces itself (keel.toml [backfill]; docs/expand_contract.md, Backfill).
struct BackfillSettings {
  int batch_size = 1000;  // the first batch; later ones adapt to target_batch_time
  // Each batch is sized to take about this long: a writer that meets the batch's row locks
  // waits at most about that. 0: every batch holds batch_size rows.
  std::chrono::milliseconds target_batch_time{25};
  int max_batch_size = 50000;
  // Slow down (smaller batches, a growing pause) while the probe's 90th percentile over the
  // last second exceeds this percentage of its baseline, measured just before the first batch;
  // 0: no probe.
  int latency_limit_percent = 115;
  // The probe: empty for keel's own (a one-row write committed in keel's schema, what a
  // writer feels: locks, CPU, WAL flushes), or any statement without parameters.
  std::string probe_query;
  // Pause while a standby's replay lag (pg_stat_replication) exceeds this; 0: not checked.
  std::chrono::milliseconds max_replication_lag{500};
  // Cap on the WAL the backfill lets the server write, in MB per second (everything written,
  // the load's too, measured between batches); 0: no cap. Above it the backfill waits until the
  // average is under again. A standby replays at a bounded rate, and the dirty pages behind the
  // WAL are what stalls every commit when the kernel writes them back: both are held down at
  // their source.
  int max_wal_mb_per_second = 0;
  // Progress is recorded (history row) and shown at most this often; 0: after every batch. A
  // start resumed after a kill touches again at most this much work.
  std::chrono::milliseconds progress_interval{1000};
};

}  // namespace keel::expand
