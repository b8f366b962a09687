// The signals of a rollout (keel/rollout.h): a probe thread per route keeps its latencies, and
// each take() reads the server's figures. Dialect-neutral: the probes and figures come from
// the dialect (open_probe, open_server_stats).
#include <fmt/format.h>

#include <algorithm>
#include <atomic>
#include <cmath>
#include <deque>
#include <limits>
#include <mutex>
#include <set>
#include <thread>

#include "keel/rollout.h"

namespace keel::rollout {
namespace {

using SteadyClock = std::chrono::steady_clock;

// What one probe saw.
struct Seen {
  SteadyClock::time_point at;  // when it ended
  double ms = 0;
  bool ok = true;
  std::string error;
};

// The nearest-rank percentile of sorted values.
double percentile(const std::vector<double>& sorted, double q) {
  if (sorted.empty()) return 0;
  size_t rank = static_cast<size_t>(std::ceil(q * static_cast<double>(sorted.size())));
  return sorted[std::clamp<size_t>(rank, 1, sorted.size()) - 1];
}

// One route's probes: `sessions` threads, each on its own session, started every
// interval x sessions apart and staggered, so that the route is probed every interval while one
// probe is slow. A probe still running when the figures are read counts with the time it has
// run so far (a lower bound of its latency): a version that hangs is seen before its probes end.
class Route {
 public:
  Route(std::vector<std::unique_ptr<Probe>> probes, std::chrono::milliseconds every)
      : probes_(std::move(probes)), every_(every), running_(probes_.size()) {
    for (auto& r : running_) r = kIdle;
  }
  ~Route() { stop(); }

  void start() {
    const auto first = SteadyClock::now();
    for (size_t i = 0; i < probes_.size(); ++i) {
      threads_.emplace_back([this, i, first] { loop(i, first + i * every_); });
    }
  }
  void stop() {
    stop_ = true;
    for (auto& t : threads_) {
      if (t.joinable()) t.join();
    }
    threads_.clear();
  }
  RouteStats stats(std::chrono::milliseconds window) {
    const auto now = SteadyClock::now();
    const auto since = now - window;
    RouteStats r;
    std::vector<double> ms;
    {
      std::lock_guard lock(mutex_);
      while (!seen_.empty() && seen_.front().at < now - std::chrono::minutes(2)) seen_.pop_front();
      for (const Seen& s : seen_) {
        if (s.at < since) continue;
        ++r.probes;
        if (!s.ok) {
          ++r.errors;
          r.last_error = s.error;
          continue;
        }
        ms.push_back(s.ms);
      }
      // Under the lock: a probe that ends meanwhile is counted once, as ended.
      for (const auto& running : running_) {
        const auto began = running.load();
        if (began == kIdle) continue;
        const auto elapsed = now - SteadyClock::time_point(SteadyClock::duration(began));
        ++r.probes;
        ms.push_back(std::max(0.0, std::chrono::duration<double, std::milli>(elapsed).count()));
      }
    }
    std::sort(ms.begin(), ms.end());
    r.p50_ms = percentile(ms, 0.50);
    r.p95_ms = percentile(ms, 0.95);
    r.p99_ms = percentile(ms, 0.99);
    r.max_ms = ms.empty() ? 0 : ms.back();
    return r;
  }

 private:
  static constexpr SteadyClock::rep kIdle = std::numeric_limits<SteadyClock::rep>::min();

  void loop(size_t i, SteadyClock::time_point next) {
    Probe& probe = *probes_[i];
    const auto period = every_ * static_cast<int64_t>(probes_.size());
    std::this_thread::sleep_until(next);
    while (!stop_) {
      auto ran = probe.connect();
      const auto began = SteadyClock::now();
      if (ran) {
        running_[i] = began.time_since_epoch().count();
        ran = probe.run_once();
      }
      const auto ended = SteadyClock::now();
      {
        std::lock_guard lock(mutex_);
        running_[i] = kIdle;  // under the lock: a reader never counts it twice
        seen_.push_back({ended, std::chrono::duration<double, std::milli>(ended - began).count(),
                         ran.has_value(), ran ? std::string() : ran.error().to_string()});
      }
      // Paced from the schedule, not from the probe's end: a slow probe is not followed by a
      // burst, and a probe that takes longer than its period runs back to back.
      next += period;
      if (next > SteadyClock::now()) {
        std::this_thread::sleep_until(next);
      } else {
        next = SteadyClock::now();
      }
    }
  }

  std::vector<std::unique_ptr<Probe>> probes_;
  std::chrono::milliseconds every_;
  std::vector<std::atomic<SteadyClock::rep>> running_;  // when each probe began, or kIdle
  std::mutex mutex_;
  std::deque<Seen> seen_;
  std::atomic<bool> stop_{false};
  std::vector<std::thread> threads_;
};

class ProbeSignals final : public Signals {
 public:
  ProbeSignals(SignalSources sources, std::unique_ptr<Route> old_route,
               std::unique_ptr<Route> new_route, std::unique_ptr<ServerStats> server)
      : sources_(std::move(sources)),
        old_(std::move(old_route)),
        new_(std::move(new_route)),
        server_(std::move(server)) {}
  ~ProbeSignals() override { stop(); }

  Result<void> start() override {
    if (!started_) {
      old_->start();
      new_->start();
      started_ = true;
    }
    return {};
  }
  void stop() override {
    old_->stop();
    new_->stop();
  }
  Sample peek(std::chrono::milliseconds window, std::chrono::milliseconds recent) override {
    Sample s;
    s.old_route = old_->stats(window);
    s.new_route = new_->stats(window);
    s.new_recent = new_->stats(recent);
    return s;
  }
  Sample take(std::chrono::milliseconds window, std::chrono::milliseconds recent) override {
    Sample s = peek(window, recent);
    if (auto lag = server_->lag_ms()) {
      s.lag_ms = *lag;
    } else {
      note(s, "standby lag unreadable: " + lag.error().to_string());
    }
    if (auto saturation = server_->saturation()) {
      s.saturation = *saturation;
    } else {
      note(s, "connection saturation unreadable: " + saturation.error().to_string());
    }
    for (const ConnectionUrl& admin : sources_.pgbouncer_admin) {
      auto pools = server_->pools(admin);
      if (!pools) {
        note(s, "PgBouncer pools unreadable: " + pools.error().to_string());
        continue;
      }
      s.pools.insert(s.pools.end(), pools->begin(), pools->end());
    }
    return s;
  }

 private:
  // A signal that cannot be read is said once per kind of message, not every second.
  void note(Sample& s, const std::string& text) {
    if (said_.insert(text).second) s.notes.push_back(text);
  }

  SignalSources sources_;
  std::unique_ptr<Route> old_;
  std::unique_ptr<Route> new_;
  std::unique_ptr<ServerStats> server_;
  std::set<std::string> said_;
  bool started_ = false;
};

}  // namespace

Result<std::unique_ptr<Signals>> open_signals(const SignalSources& sources) {
  if (sources.probe_interval.count() <= 0) {
    return fail(ErrorCode::kUsage, "the rollout's probe_interval must be above zero");
  }
  if (sources.probe_sessions < 1) {
    return fail(ErrorCode::kUsage, "the rollout's probe_sessions must be at least 1");
  }
  auto route = [&](const ConnectionUrl& url) -> Result<std::unique_ptr<Route>> {
    std::vector<std::unique_ptr<Probe>> probes;
    for (int i = 0; i < sources.probe_sessions; ++i) {
      auto probe = open_probe(url, sources.probe_query);
      if (!probe) return std::unexpected(probe.error());
      probes.push_back(std::move(*probe));
    }
    return std::make_unique<Route>(std::move(probes), sources.probe_interval);
  };
  auto old_route = route(sources.old_route);
  if (!old_route) return std::unexpected(old_route.error());
  auto new_route = route(sources.new_route);
  if (!new_route) return std::unexpected(new_route.error());
  auto server = open_server_stats(sources.primary);
  if (!server) return std::unexpected(server.error());
  return std::unique_ptr<Signals>(
      new ProbeSignals(sources, std::move(*old_route), std::move(*new_route), std::move(*server)));
}

}  // namespace keel::rollout
