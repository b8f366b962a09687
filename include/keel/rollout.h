// keel: staged rollout of a schema version (issue 18; docs/rollout.md). While an expand/contract
// migration is active both versions are served (keel/expand.h); a rollout moves a share of the
// database sessions from the old version to the new one step by step (5 -> 25 -> 50 -> 100 %),
// holds each step while it samples what the sessions feel, and on a breach routes everything
// back to the old version at once.
//
//   Router    moves the share (HAProxy's runtime API, the flag table, a hook command)
//   Signals   one sample per interval: the probes through each route (latency percentiles and
//             errors over a sliding window), standby lag, connection saturation, PgBouncer pools
//   Journal   every routing change (written before it is made and after), sample and decision,
//             one JSON line each, flushed to disk: the run archive, what --resume reads, what
//             `keel report` draws
//   judge()   the circuit breakers, a pure function of one sample and the thresholds
//
// run() is dialect-neutral and has no SQL: the dialect supplies the probes and the server's
// figures (src/dialects/postgres/rollout.cc), src/rollout/ the routers and the loop.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "keel/connection.h"
#include "keel/error.h"

namespace keel::rollout {

// The breakers' limits. A breaker trips on one sample that breaches it once the step has
// enough probe samples (Plan::min_samples) on the new route.
struct Thresholds {
  // p99: the new route's p99 above p99_tolerance × the reference trips, where the reference is
  // the larger of the SLO (when set) and the old route's p99 over the same window: a regression
  // is the new version being slower than both what was promised and what the old version does
  // now (when both are slow alike, routing back would not help, and nothing trips). When the
  // old route misses the SLO too (or there is no SLO), the new route's p95 since the previous
  // sample must also exceed the old one's window p95 by the tolerance: a p99 is a window's few
  // slowest probes, and on a busy server noise alone moves it; a slower version moves the body
  // of the distribution, and the probes since the last sample show it first.
  double p99_tolerance = 1.15;
  std::optional<double> slo_p99_ms;
  // Below this many milliseconds of difference a p99 is not a regression (noise of a
  // sub-millisecond probe).
  double p99_min_delta_ms = 1.0;
  double max_error_rate = 0.001;           // errors / probes on the new route over the window
  std::chrono::milliseconds max_lag{500};  // any standby's replay lag; 0: not checked
  double max_saturation = 0.9;             // connections in use / max_connections; 0: not checked
};

// One tier's steps (keel.toml [rollout.<tier>]; defaults from the guide: dev straight to
// 100 %, staging 100 % under a load test, prod 5 -> 25 -> 50 -> 100 %).
struct Plan {
  std::vector<int> steps{5, 25, 50, 100};  // percent of sessions on the new version, rising
  std::chrono::milliseconds hold{std::chrono::minutes(5)};  // per step, after min_samples
  std::chrono::milliseconds sample_interval{1000};
  std::chrono::milliseconds window{std::chrono::seconds(10)};  // percentiles over this
  int min_samples = 100;  // probes on the new route before a step is judged
  Thresholds thresholds;
  // Run during each step (staging's load test: pgbench at a fixed rate against the new
  // version); a non-zero exit trips the "load" breaker. Empty: none.
  std::string load_command;
};

// Latency and errors of one route's probes over the window.
struct RouteStats {
  int64_t probes = 0;
  int64_t errors = 0;
  double p50_ms = 0, p95_ms = 0, p99_ms = 0, max_ms = 0;
  std::string last_error;  // masked
  double error_rate() const { return probes > 0 ? static_cast<double>(errors) / probes : 0; }
};

// One PgBouncer pool (SHOW POOLS), recorded, not judged.
struct PoolStats {
  std::string name;  // "<database>/<user>"
  int64_t clients_active = 0, clients_waiting = 0, servers_active = 0, servers_idle = 0;
  double max_wait_ms = 0;
};

struct Sample {
  double t_s = 0;   // seconds since the rollout began
  int percent = 0;  // share routed to the new version when it was taken
  RouteStats old_route, new_route;
  RouteStats new_recent;  // the new route since the previous sample (the p99 breaker's guard)
  std::optional<double> lag_ms;      // the largest standby replay lag; nullopt: no standby
  std::optional<double> saturation;  // connections / max_connections; nullopt: unreadable
  std::vector<PoolStats> pools;
  std::vector<std::string> notes;  // a signal that could not be read, said once
};

// A breaker that tripped: its name (p99, errors, lag, saturation, load) and why, with figures.
struct Trip {
  std::string breaker;
  std::string reason;
};

// The breakers on one sample: the first that trips, nullopt when all hold. Before the new
// route has min_samples probes only lag, saturation and errors are judged.
std::optional<Trip> judge(const Plan& plan, const Sample& sample);
// The p99 the new route may reach: max(reference × p99_tolerance, reference +
// p99_min_delta_ms), the reference being max(SLO, the old route's p99).
double p99_limit(const Plan& plan, double old_p99_ms);

// Moves the share of sessions. Idempotent: routing the same percent twice is harmless.
class Router {
 public:
  virtual ~Router() = default;
  // What it routes with, for the journal and messages ("haproxy 127.0.0.1:9999 pg/v_old,v_new").
  virtual std::string describe() const = 0;
  virtual Result<void> route(int percent_new) = 0;
};

// Samples what the sessions feel. take() returns the figures of the last window (and the new
// route's over the last `recent`, the time since the previous sample) with the server's;
// peek() only the probes' (no server read: cheap enough to judge between samples). Probes run
// on their own threads from start() to stop().
class Signals {
 public:
  virtual ~Signals() = default;
  virtual Result<void> start() = 0;
  virtual Sample take(std::chrono::milliseconds window, std::chrono::milliseconds recent) = 0;
  virtual Sample peek(std::chrono::milliseconds window, std::chrono::milliseconds recent) = 0;
  virtual void stop() = 0;
};

// A dialect's probe through one route: one query on its own session. connect() opens the
// session when there is none (its time is not the probe's latency: a pooler's first login
// costs tens of milliseconds once); run_once() runs the query and returns its error (masked),
// after which the session is opened again by the next connect().
class Probe {
 public:
  virtual ~Probe() = default;
  virtual Result<void> connect() = 0;
  virtual Result<void> run_once() = 0;
};

// A dialect's figures of the primary: the largest standby replay lag (nullopt without
// standbys) and the share of max_connections in use.
class ServerStats {
 public:
  virtual ~ServerStats() = default;
  virtual Result<std::optional<double>> lag_ms() = 0;
  virtual Result<double> saturation() = 0;
  // PgBouncer's SHOW POOLS on its admin console (`url` names the pgbouncer database).
  virtual Result<std::vector<PoolStats>> pools(const ConnectionUrl& admin) = 0;
};

// Through the URL's dialect (kUsage for a dialect without the `rollout` capability). A probe
// opens its session lazily: an unreachable route is a failed probe, not an error here.
Result<std::unique_ptr<Probe>> open_probe(const ConnectionUrl& route, const std::string& query);
Result<std::unique_ptr<ServerStats>> open_server_stats(const ConnectionUrl& primary);

// Where the signals come from (keel.toml [rollout]).
struct SignalSources {
  ConnectionUrl old_route, new_route;  // a session through each route (PgBouncer, HAProxy...)
  ConnectionUrl primary;               // lag and saturation
  std::vector<ConnectionUrl> pgbouncer_admin;
  std::string probe_query;  // run through each route with that route's search_path
  // Each route is probed every probe_interval, by probe_sessions sessions in turn (each on its
  // own thread and session): a slow probe does not stop the route's probing, and a probe still
  // running counts with the time it has run so far.
  std::chrono::milliseconds probe_interval{20};
  int probe_sessions = 4;
};
// Probes on probe_sessions threads per route and the server's figures read at each take().
Result<std::unique_ptr<Signals>> open_signals(const SignalSources& sources);

// HAProxy's runtime API (a `stats socket ... level admin`, "host:port" or a unix socket path):
// `set weight <backend>/<server>` for the two servers of one backend, the one whose weight
// rises first, so that no instant has both at 0. Weights are the percents (0..100).
struct HaproxyRoute {
  std::string admin;  // "127.0.0.1:9999" or "/run/haproxy/admin.sock"
  std::string backend;
  std::string old_server;
  std::string new_server;
};
std::unique_ptr<Router> haproxy_router(HaproxyRoute route);
// The HAProxy runtime API's answer to one command (its text; "" for a silent success).
// Sent again on a new connection when it got no answer within 1 s (every command keel sends is
// idempotent), three times at most. Errors: kConnection (cannot reach it, or no answer).
Result<std::string> haproxy_command(const std::string& admin, const std::string& command);
// keel's flag table (keel/flags.h): the flag's percent is the share.
std::unique_ptr<Router> flag_router(const ConnectionUrl& url, std::string flag, std::string by);
// A hook: `command` run by /bin/sh with the percent as $1 and in KEEL_ROLLOUT_PERCENT (and
// KEEL_ROLLOUT_MIGRATION); exit 0 is success, anything else an error with its output.
std::unique_ptr<Router> command_router(std::string command, std::string migration);

// What drives the clock, so tests of the loop need no real time.
struct Clock {
  std::function<std::chrono::steady_clock::time_point()> now = [] {
    return std::chrono::steady_clock::now();
  };
  std::function<void(std::chrono::milliseconds)> sleep;  // unset: std::this_thread::sleep_for
};

// The run archive of one rollout: <dir>/<run_id>.jsonl, one JSON object per line ("event":
// "begin", "warmed_up", "route", "routed", "route_failed", "sample", "step", "trip", "resumed",
// "done",
// "completed"; "t": seconds since the run began, "at_ms": the wall clock in ms since the
// epoch), each written with one write() and fsync'd before run() goes on.
class Journal {
 public:
  // Creates the file (and its folders). Errors: kIo.
  static Result<Journal> create(const std::string& dir, const std::string& run_id);
  // Opens an existing journal to append to (resume). Errors: kIo.
  static Result<Journal> open(const std::string& path);
  Result<void> append(nlohmann::json event);
  const std::string& path() const { return path_; }
  const std::string& run_id() const { return run_id_; }

 private:
  std::string path_;
  std::string run_id_;
};

// Every line of a journal that parses (a torn last line is skipped). Errors: kIo.
Result<std::vector<nlohmann::json>> read_journal(const std::string& path);
// The newest journal in `dir` whose rollout did not end (no "done" line), or "" when none.
Result<std::string> unfinished_journal(const std::string& dir);

// Where an unfinished rollout stands, from its journal.
struct Resume {
  int step_index = 0;      // the step to hold (again)
  int routed_percent = 0;  // the share last recorded as routed (or asked: routed again)
};
Result<Resume> resume_point(const std::vector<nlohmann::json>& events);

struct Outcome {
  bool completed_steps = false;  // every step held (100 %)
  std::optional<Trip> trip;
  int reached_percent = 0;  // the highest step that was routed
  // From the sample that tripped to routing recorded back at 0 % (ms).
  std::optional<double> restore_ms;
  int samples = 0;
  double elapsed_s = 0;
};

struct Request {
  Plan plan;
  std::string migration;  // "0013_rename_column"
  std::string environment;
  std::optional<Resume> resume;
  // Each event as it is journaled (for the terminal and /metrics).
  std::function<void(const nlohmann::json&)> on_event;
  // Set to stop between two samples (SIGINT): routing stays recorded where it is.
  const std::atomic<bool>* interrupted = nullptr;
};

// Probes both versions for one window before moving any session (a `warmed_up` line), then
// walks the steps: for each, records then routes, starts the load command, samples every
// sample_interval, judges each sample; holds the step for `hold` once min_samples probes
// reached the new route. On a trip: routes 0 % at once (recorded), journals the trip and
// returns it (the expand stays; `keel abort` or another rollout decides). Errors: a router or
// journal that fails (routing back to 0 % is still tried first), kUsage for bad steps.
Result<Outcome> run(const Request& request, Router& router, Signals& signals, Journal& journal,
                    const Clock& clock = {});

// One self-contained HTML page of a rollout's journal: its result and reason, and SVG charts
// over time of p99 per route (with the p99 threshold), error rate, standby lag and the share
// routed to the new version, with step markers and the trip. Errors: kUsage when the journal
// holds no "begin" line.
Result<std::string> report_html(const std::vector<nlohmann::json>& events);

// /metrics in Prometheus's text format while a rollout runs (prometheus-cpp's exposer):
// keel_rollout_share_percent, keel_rollout_step, keel_rollout_p50_ms / p99_ms /
// error_ratio / window_probes {version="old"|"new"}, keel_rollout_standby_lag_ms,
// keel_rollout_saturation_ratio, keel_rollout_samples_total, keel_rollout_tripped, each
// labelled with the migration.
class Metrics {
 public:
  virtual ~Metrics() = default;
  // Updates the figures from one journal event.
  virtual void observe(const nlohmann::json& event) = 0;
  // The address bound ("127.0.0.1:9187"; a port 0 asked is the one given).
  virtual std::string address() const = 0;
};
// Errors: kUsage when `listen` cannot be bound.
Result<std::unique_ptr<Metrics>> serve_metrics(const std::string& listen,
                                               const std::string& migration);

// Checks steps: 1..100, rising, ending at 100. Errors: kUsage naming the bad step.
Result<void> check_steps(const std::vector<int>& steps);

}  // namespace keel::rollout
