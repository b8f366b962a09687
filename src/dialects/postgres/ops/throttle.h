// PostgreSQL backfill pacing (issue 17): between two batches, decides the next batch's size and
// waits while a measured signal says the database is hurting. The signals:
//
//   latency   a probe (keel's own one-row write committed in keel's schema, or the configured
//             probe_query) runs every 25 ms on its own session and thread; its 90th percentile
//             over the last second is compared with the one measured just before the first
//             batch. Over latency_limit_percent of it (and over it + 1 ms: below that a
//             percentage of a sub-millisecond baseline is noise): the next batch is halved (not
//             below 100 rows: smaller ones only add commits) and a pause before it doubles (from
//             the last batch's duration, at most 2 s); under it, the pause halves away. When a
//             whole 2 s pause leaves the probe over the limit, that latency is not the
//             backfill's: it becomes the baseline (said as a line), so a load that grew after the
//             baseline was measured slows the backfill without stopping it for good. A fixed
//             sleep is not used: on a busy server the backfill would still win the CPU queue
//             (docs/zero_downtime.md).
//   lag       each standby's replay_lag in pg_stat_replication; over max_replication_lag the
//             backfill waits (polling every 100 ms) until it is under again.
//   WAL       the server's WAL position (pg_current_wal_lsn) read after each batch; with
//             max_wal_mb_per_second set, the backfill waits while the WAL written since an
//             origin exceeds that rate times the time since (the origin moves up to now every
//             5 s spent under the cap, so the cap holds on average over a few seconds).
//   pause     `keel pause` (a row in keel.backfill_pause): waits until `keel resume` deletes it.
//
// The pause flag, the lag and the WAL are read after the first batch, then at most every 200 ms
// while none of them holds the backfill (each batch while one does).
//
// Without a signal the batch size follows target_batch_time: size × target / duration, at
// most doubled or halved per batch, within [1, max_batch_size].
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <thread>

#include "dialects/postgres/session.h"
#include "keel/error.h"
#include "keel/expand.h"

namespace keel::pg::ops {

// keel.backfill_pause: one row while `keel pause` holds the backfills of this database.
Result<void> set_backfill_paused(Session& session, bool paused, const std::string& by);
// Whether a pause is set (false when the table does not exist).
Result<bool> backfill_paused(Session& session);

class Throttle {
 public:
  // `say` receives each change of the throttle's reason ("" when it lets go).
  Throttle(const ConnectionUrl& url, expand::BackfillSettings settings,
           std::function<void(const std::string&)> say);
  ~Throttle();
  Throttle(const Throttle&) = delete;
  Throttle& operator=(const Throttle&) = delete;

  // Starts the probe and measures its baseline (about a second); a probe that cannot run is
  // reported through `say` and left out (the other signals still hold).
  Result<void> begin();
  // After a batch of `size` rows that took `took`: waits as long as a signal says so, then
  // returns the next batch's size. `session` (the backfill's, no open transaction) reads the
  // lag and the pause flag.
  Result<int> after_batch(Session& session, int size, std::chrono::microseconds took);
  // Why the backfill is slowed now ("" when it is not).
  const std::string& reason() const { return reason_; }
  // The probe's 90th percentile (ms) at baseline and over the last second; 0 without a probe.
  double baseline_ms() const { return baseline_ms_; }
  double recent_ms();

 private:
  void probe_loop(std::unique_ptr<Session> session);
  double percentile_since(std::chrono::steady_clock::time_point since, double q);
  Result<void> wait_while_held(Session& session);
  // The probe's p90 above which the backfill slows down (ms).
  double latency_limit_ms() const;
  void set_reason(std::string reason);

  ConnectionUrl url_;
  expand::BackfillSettings settings_;
  std::function<void(const std::string&)> say_;
  std::mutex mutex_;
  std::deque<std::pair<std::chrono::steady_clock::time_point, double>> samples_;  // (end, ms)
  std::atomic<bool> stop_{false};
  std::thread probe_;
  double baseline_ms_ = 0;
  std::chrono::milliseconds pause_{0};
  std::string reason_;
  bool lag_unreadable_reported_ = false;
  // When the pause flag, the lag and the WAL were last read.
  std::chrono::steady_clock::time_point checked_at_{};
  // The WAL position and time when the first batch ended (the WAL cap's origin); -1: not read.
  int64_t wal_origin_ = -1;
  std::chrono::steady_clock::time_point wal_origin_at_;
};

}  // namespace keel::pg::ops
