// The rollout loop (keel/rollout.h): steps, holds, samples, breakers, and the journal that
// records every routing change before it is made.
#include <fmt/format.h>

#include <thread>

#include "keel/rollout.h"
#include "rollout/process.h"

namespace keel::rollout {
namespace {

using Ms = std::chrono::milliseconds;
using TimePoint = std::chrono::steady_clock::time_point;

// How often the probes are judged between two samples: a regression trips within this (plus
// the time its probes take to pass the limit) wherever it falls between samples.
constexpr Ms kCheckEvery{50};

nlohmann::json route_json(const RouteStats& r) {
  nlohmann::json j = {{"probes", r.probes}, {"errors", r.errors}, {"p50_ms", r.p50_ms},
                      {"p95_ms", r.p95_ms}, {"p99_ms", r.p99_ms}, {"max_ms", r.max_ms}};
  if (!r.last_error.empty()) j["last_error"] = r.last_error;
  return j;
}

nlohmann::json sample_json(const Plan& plan, const Sample& s) {
  nlohmann::json j = {
      {"event", "sample"},
      {"t", s.t_s},
      {"percent", s.percent},
      {"old", route_json(s.old_route)},
      {"new", route_json(s.new_route)},
      {"p99_limit_ms", p99_limit(plan, s.old_route.p99_ms)},
      {"lag_ms", s.lag_ms ? nlohmann::json(*s.lag_ms) : nlohmann::json()},
      {"saturation", s.saturation ? nlohmann::json(*s.saturation) : nlohmann::json()}};
  if (!s.pools.empty()) {
    nlohmann::json pools = nlohmann::json::array();
    for (const PoolStats& p : s.pools) {
      pools.push_back({{"pool", p.name},
                       {"clients_active", p.clients_active},
                       {"clients_waiting", p.clients_waiting},
                       {"servers_active", p.servers_active},
                       {"servers_idle", p.servers_idle},
                       {"max_wait_ms", p.max_wait_ms}});
    }
    j["pools"] = std::move(pools);
  }
  if (!s.notes.empty()) j["notes"] = s.notes;
  return j;
}

nlohmann::json plan_json(const Plan& plan) {
  const Thresholds& t = plan.thresholds;
  return {{"steps", plan.steps},
          {"hold_ms", plan.hold.count()},
          {"sample_interval_ms", plan.sample_interval.count()},
          {"window_ms", plan.window.count()},
          {"min_samples", plan.min_samples},
          {"p99_tolerance", t.p99_tolerance},
          {"slo_p99_ms", t.slo_p99_ms ? nlohmann::json(*t.slo_p99_ms) : nlohmann::json()},
          {"p99_min_delta_ms", t.p99_min_delta_ms},
          {"max_error_rate", t.max_error_rate},
          {"max_lag_ms", t.max_lag.count()},
          {"max_saturation", t.max_saturation},
          {"load_command", plan.load_command}};
}

class Loop {
 public:
  Loop(const Request& request, Router& router, Signals& signals, Journal& journal,
       const Clock& clock)
      : request_(request),
        plan_(request.plan),
        router_(router),
        signals_(signals),
        journal_(journal),
        clock_(clock),
        began_(clock.now()) {}

  Result<Outcome> run();

 private:
  double since_begin(TimePoint at) const {
    return std::chrono::duration<double>(at - began_).count();
  }
  Result<void> record(nlohmann::json event) {
    if (!event.contains("t")) event["t"] = since_begin(clock_.now());
    event["at_ms"] =
        std::chrono::duration_cast<Ms>(std::chrono::system_clock::now().time_since_epoch()).count();
    if (request_.on_event) request_.on_event(event);
    return journal_.append(std::move(event));
  }
  void sleep(Ms how_long) {
    if (clock_.sleep) {
      clock_.sleep(how_long);
    } else {
      std::this_thread::sleep_for(how_long);
    }
  }
  // Records the routing asked, makes it, records it made.
  Result<void> route(int percent, const std::string& why);
  // Holds one step: Ok(nullopt) when it held, the trip otherwise.
  Result<std::optional<Trip>> hold(int index);
  // Sleeps until the next sample is due, judging the probes' breakers (p99, errors) every
  // kCheckEvery meanwhile: one that breaches makes the sample (and its judgement) now.
  void wait_for_sample(TimePoint due);
  std::optional<Trip> judge_load(LoadProcess* load);
  Result<Outcome> tripped(const Trip& trip, TimePoint at);

  const Request& request_;
  const Plan& plan_;
  Router& router_;
  Signals& signals_;
  Journal& journal_;
  const Clock& clock_;
  TimePoint began_;
  Outcome outcome_;
  int percent_ = 0;
};

Result<void> Loop::route(int percent, const std::string& why) {
  if (auto ok = record({{"event", "route"}, {"percent", percent}, {"why", why}}); !ok) return ok;
  const TimePoint asked = clock_.now();
  if (auto ok = router_.route(percent); !ok) {
    (void)record(
        {{"event", "route_failed"}, {"percent", percent}, {"error", ok.error().to_string()}});
    return ok;
  }
  percent_ = percent;
  const double ms = std::chrono::duration<double, std::milli>(clock_.now() - asked).count();
  return record({{"event", "routed"}, {"percent", percent}, {"took_ms", ms}});
}

void Loop::wait_for_sample(TimePoint due) {
  for (TimePoint now = clock_.now(); now < due; now = clock_.now()) {
    sleep(std::min(std::chrono::duration_cast<Ms>(due - now), kCheckEvery));
    if (clock_.now() >= due) return;
    if (request_.interrupted != nullptr && request_.interrupted->load()) return;
    if (judge(plan_, signals_.peek(plan_.window, plan_.sample_interval))) return;
  }
}

std::optional<Trip> Loop::judge_load(LoadProcess* load) {
  if (load == nullptr) return std::nullopt;
  auto status = load->poll();
  if (!status || *status == 0) return std::nullopt;
  return Trip{"load", fmt::format("the load test failed (exit status {}): {}", *status,
                                  plan_.load_command)};
}

Result<std::optional<Trip>> Loop::hold(int index) {
  std::unique_ptr<LoadProcess> load;
  if (!plan_.load_command.empty()) {
    auto started = LoadProcess::start(plan_.load_command, percent_, request_.migration);
    if (!started) return std::unexpected(started.error());
    load = std::move(*started);
  }
  const TimePoint step_began = clock_.now();
  std::optional<TimePoint> judged_since;
  // A step that never gathers enough probes on the new route is not judged: it trips.
  const Ms give_up = plan_.hold + 10 * plan_.window + Ms(10000);
  TimePoint next = step_began;
  for (;;) {
    next += plan_.sample_interval;
    wait_for_sample(next);
    if (request_.interrupted != nullptr && request_.interrupted->load()) {
      return fail(ErrorCode::kGateFailed,
                  fmt::format("interrupted at step {} ({}%): routing stays at {}%; `keel rollout "
                              "--resume` goes on from this step",
                              index + 1, plan_.steps[index], percent_));
    }
    Sample sample = signals_.take(plan_.window, plan_.sample_interval);
    const TimePoint taken = clock_.now();
    sample.t_s = since_begin(taken);
    sample.percent = percent_;
    ++outcome_.samples;
    std::optional<Trip> trip = judge_load(load.get());
    if (!trip) trip = judge(plan_, sample);
    if (auto ok = record(sample_json(plan_, sample)); !ok) return std::unexpected(ok.error());
    if (trip) {
      if (load) load->stop();
      return trip;
    }
    const bool enough = sample.new_route.probes - sample.new_route.errors >= plan_.min_samples &&
                        taken - step_began >= plan_.window;
    if (enough && !judged_since) judged_since = taken;
    if (judged_since && taken - *judged_since >= plan_.hold) break;
    if (!judged_since && taken - step_began >= give_up) {
      if (load) load->stop();
      return Trip{"samples",
                  fmt::format("only {} probes reached the new version in the last {} ms (at "
                              "least {} are needed to judge a step)",
                              sample.new_route.probes - sample.new_route.errors,
                              plan_.window.count(), plan_.min_samples)};
    }
  }
  if (load) {
    load->stop();
    if (auto trip = judge_load(load.get())) return trip;
  }
  return std::optional<Trip>();
}

Result<Outcome> Loop::tripped(const Trip& trip, TimePoint at) {
  outcome_.trip = trip;
  if (auto ok = record({{"event", "trip"},
                        {"breaker", trip.breaker},
                        {"reason", trip.reason},
                        {"percent", percent_}});
      !ok) {
    (void)router_.route(0);
    return std::unexpected(ok.error());
  }
  if (auto ok = route(0, "breaker " + trip.breaker); !ok) return std::unexpected(ok.error());
  outcome_.restore_ms = std::chrono::duration<double, std::milli>(clock_.now() - at).count();
  return outcome_;
}

Result<Outcome> Loop::run() {
  const std::vector<int>& steps = plan_.steps;
  int first = 0;
  if (request_.resume) {
    first = request_.resume->step_index;
    percent_ = request_.resume->routed_percent;
    if (auto ok = record({{"event", "resumed"}, {"step_index", first}, {"percent", percent_}});
        !ok) {
      return std::unexpected(ok.error());
    }
  } else if (auto ok = record({{"event", "begin"},
                               {"migration", request_.migration},
                               {"environment", request_.environment},
                               {"router", router_.describe()},
                               {"plan", plan_json(plan_)}});
             !ok) {
    return std::unexpected(ok.error());
  }
  if (auto ok = signals_.start(); !ok) return std::unexpected(ok.error());
  // Both versions are probed for one window before any session moves (again, on a resume):
  // the first judgement then rests on a full window, not on a few probes of cold sessions.
  sleep(plan_.window);
  if (auto ok = record({{"event", "warmed_up"}, {"window_ms", plan_.window.count()}}); !ok) {
    return std::unexpected(ok.error());
  }
  for (int i = first; i < static_cast<int>(steps.size()); ++i) {
    if (auto ok = record({{"event", "step"}, {"index", i}, {"percent", steps[i]}}); !ok) {
      return std::unexpected(ok.error());
    }
    if (auto ok = route(steps[i], fmt::format("step {} of {}", i + 1, steps.size())); !ok) {
      (void)route(0, "routing failed");
      return std::unexpected(ok.error());
    }
    outcome_.reached_percent = steps[i];
    auto held = hold(i);
    if (!held) {
      if (held.error().code != ErrorCode::kGateFailed) (void)route(0, "rollout failed");
      return std::unexpected(held.error());
    }
    if (*held) return tripped(**held, clock_.now());
  }
  outcome_.completed_steps = true;
  return outcome_;
}

}  // namespace

Result<Outcome> run(const Request& request, Router& router, Signals& signals, Journal& journal,
                    const Clock& clock) {
  if (auto ok = check_steps(request.plan.steps); !ok) return std::unexpected(ok.error());
  if (request.plan.sample_interval.count() <= 0 || request.plan.window.count() <= 0) {
    return fail(ErrorCode::kUsage, "rollout sample_interval and window must be above zero");
  }
  const auto began = clock.now();
  Loop loop(request, router, signals, journal, clock);
  auto outcome = loop.run();
  signals.stop();
  const double elapsed = std::chrono::duration<double>(clock.now() - began).count();
  nlohmann::json done = {{"event", "done"}, {"elapsed_s", elapsed}};
  if (outcome) {
    outcome->elapsed_s = elapsed;
    done["result"] = outcome->trip ? "tripped" : "held";
    done["reached_percent"] = outcome->reached_percent;
    if (outcome->trip) {
      done["breaker"] = outcome->trip->breaker;
      done["reason"] = outcome->trip->reason;
    }
    if (outcome->restore_ms) done["restore_ms"] = *outcome->restore_ms;
  } else if (outcome.error().code == ErrorCode::kGateFailed) {
    return outcome;  // interrupted: not done, --resume goes on
  } else {
    done["result"] = "failed";
    done["error"] = outcome.error().to_string();
  }
  if (auto ok = journal.append(done); !ok && outcome) return std::unexpected(ok.error());
  if (request.on_event) request.on_event(done);
  return outcome;
}

}  // namespace keel::rollout
