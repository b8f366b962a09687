// The signals of a rollout (keel/rollout.h): a probe thread per route keeps its latencies, and
// each take() reads the server's figures. Dialect-neutral: the probes and figures come from
// the dialect (open_probe, open_server_stats).
#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <deque>
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

class Route {
 public:
  Route(std::unique_ptr<Probe> probe, std::chrono::milliseconds every)
      : probe_(std::move(probe)), every_(every) {}
  ~Route() { stop(); }

  void start() {
    thread_ = std::thread([this] { loop(); });
  }
  void stop() {
    stop_ = true;
    if (thread_.joinable()) thread_.join();
  }
  RouteStats stats(std::chrono::milliseconds window) {
    const auto since = SteadyClock::now() - window;
    RouteStats r;
    std::vector<double> ms;
    std::lock_guard lock(mutex_);
    while (!seen_.empty() && seen_.front().at < SteadyClock::now() - std::chrono::minutes(2)) {
      seen_.pop_front();
    }
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
    std::sort(ms.begin(), ms.end());
    r.p50_ms = percentile(ms, 0.50);
    r.p95_ms = percentile(ms, 0.95);
    r.p99_ms = percentile(ms, 0.99);
    r.max_ms = ms.empty() ? 0 : ms.back();
    return r;
  }

 private:
  void loop() {
    auto next = SteadyClock::now();
    while (!stop_) {
      auto ran = probe_->connect();
      const auto began = SteadyClock::now();
      if (ran) ran = probe_->run_once();
      const auto ended = SteadyClock::now();
      Seen seen{ended, std::chrono::duration<double, std::milli>(ended - began).count(),
                ran.has_value(), ran ? std::string() : ran.error().to_string()};
      {
        std::lock_guard lock(mutex_);
        seen_.push_back(std::move(seen));
      }
      // Paced from the schedule, not from the probe's end: a slow probe is not followed by a
      // burst, and a probe that takes longer than the interval runs back to back.
      next += every_;
      if (next > SteadyClock::now()) {
        std::this_thread::sleep_until(next);
      } else {
        next = SteadyClock::now();
      }
    }
  }

  std::unique_ptr<Probe> probe_;
  std::chrono::milliseconds every_;
  std::mutex mutex_;
  std::deque<Seen> seen_;
  std::atomic<bool> stop_{false};
  std::thread thread_;
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
  Sample take(std::chrono::milliseconds window, std::chrono::milliseconds recent) override {
    Sample s;
    s.old_route = old_->stats(window);
    s.new_route = new_->stats(window);
    s.new_recent = new_->stats(recent);
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
  auto old_probe = open_probe(sources.old_route, sources.probe_query);
  if (!old_probe) return std::unexpected(old_probe.error());
  auto new_probe = open_probe(sources.new_route, sources.probe_query);
  if (!new_probe) return std::unexpected(new_probe.error());
  auto server = open_server_stats(sources.primary);
  if (!server) return std::unexpected(server.error());
  return std::unique_ptr<Signals>(new ProbeSignals(
      sources, std::make_unique<Route>(std::move(*old_probe), sources.probe_interval),
      std::make_unique<Route>(std::move(*new_probe), sources.probe_interval), std::move(*server)));
}

}  // namespace keel::rollout
