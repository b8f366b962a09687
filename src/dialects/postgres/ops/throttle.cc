// PostgreSQL backfill pacing (see throttle.h).
#include "dialects/postgres/ops/throttle.h"

#include <fmt/format.h>

#include <algorithm>
#include <vector>

#include "dialects/postgres/driver.h"
#include "util/quote.h"

namespace keel::pg::ops {
namespace {

using Clock = std::chrono::steady_clock;
constexpr auto kProbeEvery = std::chrono::milliseconds(25);
constexpr auto kWindow = std::chrono::seconds(1);
constexpr auto kMaxPause = std::chrono::milliseconds(2000);
constexpr auto kCheckEvery = std::chrono::milliseconds(200);

std::string keel_table(const char* name) {
  return quote_qualified(std::string(driver().keel.schema), name);
}

std::string create_keel_schema() {
  return "CREATE SCHEMA IF NOT EXISTS " + quote_identifier(std::string(driver().keel.schema));
}

// Whether keel.backfill_pause exists (keel pause creates it).
Result<bool> pause_table_exists(Session& session, const std::string& table) {
  auto exists = session.value("SELECT to_regclass($1) IS NOT NULL", {table});
  if (!exists) return std::unexpected(exists.error());
  return *exists == "t";
}

double ms_between(Clock::time_point a, Clock::time_point b) {
  return std::chrono::duration<double, std::milli>(b - a).count();
}

}  // namespace

Result<void> set_backfill_paused(Session& session, bool paused, const std::string& by) {
  const std::string table = keel_table("backfill_pause");
  if (!paused) {
    auto exists = pause_table_exists(session, table);
    if (!exists) return std::unexpected(exists.error());
    if (!*exists) return {};
    auto r = session.exec("DELETE FROM " + table);
    if (!r) return std::unexpected(r.error());
    return {};
  }
  auto r = session.exec(create_keel_schema() + "; CREATE TABLE IF NOT EXISTS " + table +
                        " (one boolean PRIMARY KEY DEFAULT true CHECK (one), paused_by text NOT "
                        "NULL, paused_at timestamptz NOT NULL DEFAULT now())");
  if (!r) return std::unexpected(r.error());
  r = session.exec("INSERT INTO " + table +
                       " (paused_by) VALUES ($1) ON CONFLICT (one) DO UPDATE SET paused_by = "
                       "EXCLUDED.paused_by, paused_at = now()",
                   {by});
  if (!r) return std::unexpected(r.error());
  return {};
}

Result<bool> backfill_paused(Session& session) {
  const std::string table = keel_table("backfill_pause");
  auto exists = pause_table_exists(session, table);
  if (!exists) return std::unexpected(exists.error());
  if (!*exists) return false;
  return session.flag("SELECT EXISTS (SELECT FROM " + table + ")");
}

Throttle::Throttle(const ConnectionUrl& url, expand::BackfillSettings settings,
                   std::function<void(const std::string&)> say)
    : url_(url), settings_(std::move(settings)), say_(std::move(say)) {}

Throttle::~Throttle() {
  stop_ = true;
  if (probe_.joinable()) probe_.join();
}

Result<void> Throttle::begin() {
  if (settings_.latency_limit_percent <= 0) return {};
  auto session = Session::open(url_);
  if (!session) return std::unexpected(session.error());
  std::string probe = settings_.probe_query;
  if (probe.empty()) {
    const std::string table = keel_table("backfill_probe");
    auto made = (*session)->exec(
        "SET application_name = 'keel probe'; " + create_keel_schema() +
        "; CREATE TABLE IF NOT EXISTS " + table +
        " (one boolean PRIMARY KEY DEFAULT true CHECK (one), n bigint NOT NULL); " +
        "INSERT INTO " + table + " (n) VALUES (0) ON CONFLICT DO NOTHING");
    if (!made) {
      say_(fmt::format("latency probe off: {}", made.error().message));
      return {};
    }
    probe = "UPDATE " + table + " SET n = n + 1";
  }
  if (auto first = (*session)->exec(probe); !first) {
    say_(fmt::format("latency probe off: the probe fails: {}", first.error().message));
    return {};
  }
  settings_.probe_query = probe;
  probe_ = std::thread([this, s = std::move(*session)]() mutable { probe_loop(std::move(s)); });
  const auto from = Clock::now();
  std::this_thread::sleep_for(kWindow);
  baseline_ms_ = percentile_since(from, 0.9);
  return {};
}

void Throttle::probe_loop(std::unique_ptr<Session> session) {
  while (!stop_) {
    const auto start = Clock::now();
    auto done = session->exec(settings_.probe_query);
    const auto end = Clock::now();
    if (done) {
      std::lock_guard lock(mutex_);
      samples_.emplace_back(end, ms_between(start, end));
      while (!samples_.empty() && end - samples_.front().first > 4 * kWindow) {
        samples_.pop_front();
      }
    }
    std::this_thread::sleep_until(start + kProbeEvery);
  }
}

double Throttle::percentile_since(Clock::time_point since, double q) {
  std::vector<double> v;
  {
    std::lock_guard lock(mutex_);
    for (const auto& [at, ms] : samples_) {
      if (at >= since) v.push_back(ms);
    }
  }
  if (v.empty()) return 0;
  std::sort(v.begin(), v.end());
  return v[std::min(v.size() - 1, static_cast<size_t>(q * static_cast<double>(v.size())))];
}

double Throttle::recent_ms() { return percentile_since(Clock::now() - kWindow, 0.9); }

// Says each change of kind (latency, lag, pause, released), not each new figure: the progress
// lines carry the current reason.
void Throttle::set_reason(std::string reason) {
  auto kind = [](const std::string& r) { return r.substr(0, r.find_first_of("0123456789")); };
  const bool changed = kind(reason) != kind(reason_);
  reason_ = std::move(reason);
  if (changed) say_(reason_);
}

// Waits while `keel pause` holds the backfill or a standby lags too far behind.
Result<void> Throttle::wait_while_held(Session& session) {
  // Read at most every kCheckEvery while nothing holds the backfill: the lag query alone took
  // 1.7 ms a batch, 6% of a backfill of 25 ms batches.
  const auto now = Clock::now();
  if (reason_.empty() && now - checked_at_ < kCheckEvery) return {};
  checked_at_ = now;
  for (;;) {
    auto paused = backfill_paused(session);
    if (!paused) return std::unexpected(paused.error());
    std::string why;
    if (*paused) why = "paused by keel pause (keel resume lets it go on)";
    if (why.empty() && settings_.max_replication_lag.count() > 0) {
      auto rows = session.exec(
          "SELECT coalesce(max(extract(epoch FROM replay_lag) * 1000), 0)::bigint, count(*), "
          "count(replay_lsn) FROM pg_catalog.pg_stat_replication");
      if (!rows) return std::unexpected(rows.error());
      const auto& row = (*rows)[0];
      if (row.int64(1) > 0 && row.int64(2) == 0 && !lag_unreadable_reported_) {
        lag_unreadable_reported_ = true;
        say_("standby lag not readable by this role (grant it pg_monitor): not checked");
      }
      if (row.int64(0) > settings_.max_replication_lag.count()) {
        why = fmt::format("standby replay lag {} ms > {} ms", row.int64(0),
                          settings_.max_replication_lag.count());
      }
    }
    if (why.empty() && settings_.max_wal_mb_per_second > 0) {
      auto lsn = session.value("SELECT pg_wal_lsn_diff(pg_current_wal_lsn(), '0/0')::bigint");
      if (!lsn) return std::unexpected(lsn.error());
      const int64_t at = std::stoll(*lsn);
      const auto now = Clock::now();
      if (wal_origin_ < 0) {
        wal_origin_ = at;
        wal_origin_at_ = now;
      } else {
        const double secs = std::chrono::duration<double>(now - wal_origin_at_).count();
        const double mb = static_cast<double>(at - wal_origin_) / (1024.0 * 1024.0);
        const double cap = settings_.max_wal_mb_per_second;
        if (mb > cap * secs) {
          why = fmt::format("WAL {:.1f} MB/s > {} MB/s", secs > 0 ? mb / secs : mb,
                            settings_.max_wal_mb_per_second);
        } else if (secs > 5) {
          // The average over the last few seconds, not since the start: time spent slow for
          // another reason is no credit for a burst.
          wal_origin_ = at;
          wal_origin_at_ = now;
        }
      }
    }
    if (why.empty()) return {};
    set_reason(why);
    std::this_thread::sleep_for(std::chrono::milliseconds(why.starts_with("paused") ? 500 : 100));
  }
}

// A millisecond of slack: below it a percentage of a sub-millisecond baseline is noise.
double Throttle::latency_limit_ms() const {
  return std::max(baseline_ms_ * settings_.latency_limit_percent / 100.0, baseline_ms_ + 1.0);
}

Result<int> Throttle::after_batch(Session& session, int size, std::chrono::microseconds took) {
  // Unthrottled without a target: back to batch_size (a throttle may have halved it).
  int next = std::max(1, settings_.batch_size);
  const int64_t target_us = std::chrono::microseconds(settings_.target_batch_time).count();
  if (target_us > 0) {
    const double ratio =
        static_cast<double>(target_us) / static_cast<double>(std::max<int64_t>(took.count(), 100));
    next = static_cast<int>(static_cast<double>(size) * std::clamp(ratio, 0.5, 2.0));
  }
  if (baseline_ms_ > 0) {
    const double recent = recent_ms();
    const double limit = latency_limit_ms();
    if (recent > limit) {
      // Not below 100 rows (or batch_size): smaller batches only add commits, each a WAL flush;
      // the pause is what yields.
      next = std::max(size / 2, std::min(100, std::max(1, settings_.batch_size)));
      auto grown = pause_.count() == 0 ? std::chrono::duration_cast<std::chrono::milliseconds>(took)
                                       : pause_ * 2;
      pause_ = std::clamp(grown, std::chrono::milliseconds(5), kMaxPause);
      set_reason(fmt::format("probe p90 {:.2f} ms > {}% of its baseline {:.2f} ms", recent,
                             settings_.latency_limit_percent, baseline_ms_));
    } else {
      pause_ /= 2;
      if (pause_ < std::chrono::milliseconds(2)) pause_ = std::chrono::milliseconds(0);
    }
  }
  if (auto held = wait_while_held(session); !held) return std::unexpected(held.error());
  if (pause_.count() > 0) {
    const auto slept_from = Clock::now();
    std::this_thread::sleep_for(pause_);
    if (pause_ >= kMaxPause && baseline_ms_ > 0) {
      // A whole longest pause without a batch and the probe still over the limit: that latency
      // is the load's own (or another job's), not the backfill's. Waiting would never end, so
      // it becomes the baseline the backfill is held to from now on.
      const double idle = percentile_since(slept_from, 0.9);
      if (idle > latency_limit_ms()) {
        say_(
            fmt::format("probe p90 {:.2f} ms while the backfill paused {} ms: the load's own "
                        "latency, not the backfill's; it is the new baseline (was {:.2f} ms)",
                        idle, pause_.count(), baseline_ms_));
        baseline_ms_ = idle;
        pause_ = std::chrono::milliseconds(0);
        set_reason("");
      }
    }
  } else {
    set_reason("");
  }
  return std::clamp(next, 1, std::max(1, settings_.max_batch_size));
}

}  // namespace keel::pg::ops
