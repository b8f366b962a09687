// The circuit breakers of a rollout (keel/rollout.h): a pure function of one sample.
#include <fmt/format.h>

#include <algorithm>

#include "keel/rollout.h"

namespace keel::rollout {

double p99_limit(const Plan& plan, double old_p99_ms) {
  const Thresholds& t = plan.thresholds;
  double reference = old_p99_ms;
  if (t.slo_p99_ms) reference = std::max(reference, *t.slo_p99_ms);
  return std::max(reference * t.p99_tolerance, reference + t.p99_min_delta_ms);
}

namespace {

std::optional<Trip> judge_lag(const Thresholds& t, const Sample& s) {
  if (t.max_lag.count() <= 0 || !s.lag_ms) return std::nullopt;
  if (*s.lag_ms <= static_cast<double>(t.max_lag.count())) return std::nullopt;
  return Trip{"lag",
              fmt::format("standby replay lag {:.0f} ms > {} ms", *s.lag_ms, t.max_lag.count())};
}

std::optional<Trip> judge_saturation(const Thresholds& t, const Sample& s) {
  if (t.max_saturation <= 0 || !s.saturation) return std::nullopt;
  if (*s.saturation <= t.max_saturation) return std::nullopt;
  return Trip{"saturation", fmt::format("{:.1f}% of max_connections in use > {:.1f}%",
                                        *s.saturation * 100, t.max_saturation * 100)};
}

// Errors are judged from the first probe: one failed probe among a few already exceeds 0.1 %,
// and a new version that fails outright must not wait for min_samples.
std::optional<Trip> judge_errors(const Thresholds& t, const Sample& s) {
  const RouteStats& r = s.new_route;
  if (r.errors == 0 || r.error_rate() <= t.max_error_rate) return std::nullopt;
  // Failures on both routes alike are not the new version's: routing back would not help.
  if (s.old_route.probes > 0 && s.old_route.error_rate() >= r.error_rate()) return std::nullopt;
  std::string why = fmt::format("new version's probe error rate {:.2f}% ({} of {}) > {:.2f}%",
                                r.error_rate() * 100, r.errors, r.probes, t.max_error_rate * 100);
  if (!r.last_error.empty()) why += ": " + r.last_error;
  return Trip{"errors", why};
}

std::optional<Trip> judge_p99(const Plan& plan, const Sample& s) {
  const Thresholds& t = plan.thresholds;
  const RouteStats& r = s.new_route;
  if (r.probes - r.errors < plan.min_samples) return std::nullopt;
  // Without an SLO the old route is the only reference: it needs as many samples.
  if (!t.slo_p99_ms && s.old_route.probes - s.old_route.errors < plan.min_samples) {
    return std::nullopt;
  }
  const double limit = p99_limit(plan, s.old_route.p99_ms);
  if (r.p99_ms <= limit) return std::nullopt;
  const bool old_meets_slo = t.slo_p99_ms && s.old_route.p99_ms <= *t.slo_p99_ms;
  if (old_meets_slo) {
    return Trip{"p99", fmt::format("new version's p99 {:.2f} ms > {:.2f} ms ({:.0f}% of the SLO "
                                   "{:.2f} ms, which the old version meets: {:.2f} ms)",
                                   r.p99_ms, limit, t.p99_tolerance * 100, *t.slo_p99_ms,
                                   s.old_route.p99_ms)};
  }
  // The old version misses the SLO too (or there is none): the server is slow for both, and a
  // p99 is the window's few slowest probes, which noise alone can make differ. The new version
  // is the cause only when the body of its latencies moved as well: its p95 past the old
  // one's by the same tolerance. (A slower query shifts every execution of the probe.)
  // The recent probes when there are enough of them (a regression shows there within one
  // sample), else the window's.
  const RouteStats& body = s.new_recent.probes - s.new_recent.errors >= 20 ? s.new_recent : r;
  const double p95_limit =
      std::max(s.old_route.p95_ms * t.p99_tolerance, s.old_route.p95_ms + t.p99_min_delta_ms);
  if (body.p95_ms <= p95_limit) return std::nullopt;
  return Trip{"p99", fmt::format("new version's p99 {:.2f} ms > {:.2f} ms ({:.0f}% of the old "
                                 "version's {:.2f} ms) and its recent p95 {:.2f} ms > {:.2f} ms",
                                 r.p99_ms, limit, t.p99_tolerance * 100, s.old_route.p99_ms,
                                 body.p95_ms, p95_limit)};
}

}  // namespace

std::optional<Trip> judge(const Plan& plan, const Sample& sample) {
  if (auto trip = judge_errors(plan.thresholds, sample)) return trip;
  if (auto trip = judge_p99(plan, sample)) return trip;
  if (auto trip = judge_lag(plan.thresholds, sample)) return trip;
  return judge_saturation(plan.thresholds, sample);
}

Result<void> check_steps(const std::vector<int>& steps) {
  if (steps.empty())
    return fail(ErrorCode::kUsage, "rollout steps are empty; give e.g. [5, 25, 50, 100]");
  int previous = 0;
  for (int step : steps) {
    if (step < 1 || step > 100) {
      return fail(ErrorCode::kUsage,
                  fmt::format("rollout step {} is not a percent from 1 to 100", step));
    }
    if (step <= previous) {
      return fail(ErrorCode::kUsage,
                  fmt::format("rollout steps must rise: {} comes after {}", step, previous));
    }
    previous = step;
  }
  if (previous != 100) {
    return fail(ErrorCode::kUsage,
                fmt::format("rollout steps must end at 100 (the last is {})", previous));
  }
  return {};
}

}  // namespace keel::rollout
