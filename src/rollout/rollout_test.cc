// The rollout loop, breakers, journal and report without a database: a scripted Signals, a
// Router that checks the journal before each change, and a clock that only moves when slept.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include <stdlib.h>
#include "keel/rollout.h"

#include <thread>

namespace keel::rollout {
namespace {

using std::chrono::milliseconds;

// A fresh directory, removed at the end of the test.
struct TempDir {
  std::string path;
  TempDir() {
    std::string tmpl = (std::filesystem::temp_directory_path() / "keel-rollout-XXXXXX").string();
    path = mkdtemp(tmpl.data());
  }
  ~TempDir() {
    std::error_code ec;
    std::filesystem::remove_all(path, ec);
  }
};

Sample healthy(int64_t probes = 500) {
  Sample s;
  s.old_route = {probes, 0, 1.0, 1.5, 2.0, 3.0, ""};
  s.new_route = {probes, 0, 1.0, 1.5, 2.1, 3.0, ""};
  s.lag_ms = 5;
  s.saturation = 0.1;
  return s;
}

// `s` with every new-route probe 55 ms slower.
Sample slowed(Sample s) {
  s.new_route.p95_ms += 55;
  s.new_route.p99_ms = 60;
  return s;
}

Plan quick_plan() {
  Plan plan;
  plan.steps = {5, 25, 50, 100};
  plan.hold = milliseconds(3000);
  plan.sample_interval = milliseconds(1000);
  plan.window = milliseconds(2000);
  plan.min_samples = 100;
  return plan;
}

struct FakeClock {
  std::chrono::steady_clock::time_point now{};
  Clock clock() {
    return {[this] { return now; }, [this](milliseconds d) { now += d; }};
  }
};

class ScriptedSignals final : public Signals {
 public:
  std::function<Sample(int)> script = [](int) { return healthy(); };
  int taken = 0;
  bool started = false, stopped = false;
  Result<void> start() override {
    started = true;
    return {};
  }
  Sample take(milliseconds, milliseconds) override { return script(taken++); }
  // Between samples: what the next sample will show (the server's figures left out).
  Sample peek(milliseconds, milliseconds) override {
    ++peeked;
    Sample s = script(taken);
    s.lag_ms.reset();
    s.saturation.reset();
    return s;
  }
  int peeked = 0;
  void stop() override { stopped = true; }
};

// Checks, at each change, that the journal already says which percent is being routed.
class CheckingRouter final : public Router {
 public:
  explicit CheckingRouter(const std::string* journal) : journal_(journal) {}
  std::vector<int> routed;
  std::optional<int> fail_at;
  std::string describe() const override { return "test router"; }
  Result<void> route(int percent) override {
    auto events = read_journal(*journal_);
    EXPECT_TRUE(events && !events->empty());
    if (events && !events->empty()) {
      EXPECT_EQ(events->back().value("event", ""), "route");
      EXPECT_EQ(events->back().value("percent", -1), percent);
    }
    if (fail_at && *fail_at == percent) return fail(ErrorCode::kConnection, "router down");
    routed.push_back(percent);
    return {};
  }

 private:
  const std::string* journal_;
};

std::vector<std::string> kinds(const std::vector<nlohmann::json>& events) {
  std::vector<std::string> out;
  for (const auto& e : events) {
    std::string k = e.value("event", "");
    if (k != "sample") out.push_back(k);
  }
  return out;
}

class RolloutLoopTest : public ::testing::Test {
 protected:
  TempDir dir;
  FakeClock fake;
  ScriptedSignals signals;
  Result<Journal> journal = Journal::create(dir.path, "20261207T100000Z-000001");
  std::string path = journal ? journal->path() : "";
  CheckingRouter router{&path};

  Result<Outcome> run_plan(const Plan& plan, std::optional<Resume> resume = {}) {
    Request request;
    request.plan = plan;
    request.migration = "0013_rename";
    request.environment = "prod";
    request.resume = resume;
    return run(request, router, signals, *journal, fake.clock());
  }
};

TEST_F(RolloutLoopTest, AHealthyRolloutHoldsEveryStepAndRecordsEachRoutingBeforeMakingIt) {
  ASSERT_TRUE(journal) << journal.error().to_string();
  auto outcome = run_plan(quick_plan());
  ASSERT_TRUE(outcome) << outcome.error().to_string();
  EXPECT_TRUE(outcome->completed_steps);
  EXPECT_FALSE(outcome->trip);
  EXPECT_EQ(outcome->reached_percent, 100);
  EXPECT_EQ(router.routed, (std::vector<int>{5, 25, 50, 100}));
  // Each step: 2 s until the window holds only its samples, then a 3 s hold: 5 samples.
  EXPECT_EQ(outcome->samples, 4 * 5);
  EXPECT_TRUE(signals.started);
  EXPECT_TRUE(signals.stopped);
  auto events = read_journal(path);
  ASSERT_TRUE(events);
  EXPECT_EQ(kinds(*events),
            (std::vector<std::string>{"begin", "warmed_up", "step", "route", "routed", "step",
                                      "route", "routed", "step", "route", "routed", "step", "route",
                                      "routed", "done"}));
  EXPECT_EQ(events->back().value("result", ""), "held");
}

TEST_F(RolloutLoopTest, ASlowNewVersionTripsOnTheFirstSampleThatShowsItAndRoutesBack) {
  ASSERT_TRUE(journal);
  // Step 1 (5 %) is 5 samples; the regression shows from sample 7 (step 2).
  signals.script = [](int n) { return n >= 7 ? slowed(healthy()) : healthy(); };
  auto outcome = run_plan(quick_plan());
  ASSERT_TRUE(outcome) << outcome.error().to_string();
  ASSERT_TRUE(outcome->trip);
  EXPECT_EQ(outcome->trip->breaker, "p99");
  EXPECT_NE(outcome->trip->reason.find("60.00 ms"), std::string::npos) << outcome->trip->reason;
  EXPECT_EQ(outcome->samples, 8);  // tripped on the sample that showed it
  EXPECT_EQ(outcome->reached_percent, 25);
  EXPECT_EQ(router.routed, (std::vector<int>{5, 25, 0}));
  ASSERT_TRUE(outcome->restore_ms);
  auto events = read_journal(path);
  ASSERT_TRUE(events);
  EXPECT_EQ(events->back().value("result", ""), "tripped");
  EXPECT_EQ(events->back().value("breaker", ""), "p99");
  // trip, then the routing back, recorded before and after.
  const size_t n = events->size();
  EXPECT_EQ((*events)[n - 4].value("event", ""), "trip");
  EXPECT_EQ((*events)[n - 3].value("event", ""), "route");
  EXPECT_EQ((*events)[n - 3].value("percent", -1), 0);
  EXPECT_EQ((*events)[n - 2].value("event", ""), "routed");
}

TEST_F(RolloutLoopTest, BetweenTwoSamplesTheProbesAreJudgedSoARegressionTripsWithoutWaiting) {
  ASSERT_TRUE(journal);
  // The warm-up ends at 2 s, the first sample of step 1 is due at 3 s, the second at 4 s; the
  // new version turns slow at 3.33 s.
  const auto regressed = std::chrono::steady_clock::time_point{} + milliseconds(3330);
  signals.script = [&](int) { return fake.now >= regressed ? slowed(healthy()) : healthy(); };
  auto outcome = run_plan(quick_plan());
  ASSERT_TRUE(outcome) << outcome.error().to_string();
  ASSERT_TRUE(outcome->trip);
  EXPECT_EQ(outcome->trip->breaker, "p99");
  EXPECT_EQ(outcome->samples, 2);  // the one due at 3 s, and the one the check made at once
  EXPECT_GT(signals.peeked, 0);
  EXPECT_EQ(router.routed, (std::vector<int>{5, 0}));
  auto events = read_journal(path);
  ASSERT_TRUE(events);
  double tripped_at = -1;
  for (const auto& e : *events) {
    if (e.value("event", "") == "trip") tripped_at = e.value("t", -1.0);
  }
  EXPECT_GT(tripped_at, 3.33);
  EXPECT_LE(tripped_at, 3.33 + 0.05 + 1e-9);  // within one check, not at the 4 s sample
}

TEST_F(RolloutLoopTest, AFailingRouterIsAnErrorAndRoutingBackIsTried) {
  ASSERT_TRUE(journal);
  router.fail_at = 25;
  auto outcome = run_plan(quick_plan());
  ASSERT_FALSE(outcome);
  EXPECT_EQ(outcome.error().code, ErrorCode::kConnection);
  EXPECT_EQ(router.routed, (std::vector<int>{5, 0}));
  auto events = read_journal(path);
  ASSERT_TRUE(events);
  EXPECT_EQ(events->back().value("result", ""), "failed");
}

TEST_F(RolloutLoopTest, AStepWithoutEnoughProbesOnTheNewRouteIsNotPassed) {
  ASSERT_TRUE(journal);
  signals.script = [](int) {
    Sample s = healthy();
    s.new_route.probes = 3;
    return s;
  };
  Plan plan = quick_plan();
  auto outcome = run_plan(plan);
  ASSERT_TRUE(outcome);
  ASSERT_TRUE(outcome->trip);
  EXPECT_EQ(outcome->trip->breaker, "samples");
  EXPECT_EQ(router.routed, (std::vector<int>{5, 0}));
}

TEST_F(RolloutLoopTest, AFailingLoadTestTripsTheLoadBreaker) {
  ASSERT_TRUE(journal);
  Plan plan = quick_plan();
  plan.steps = {100};
  plan.hold = milliseconds(60000);
  plan.load_command = "exit 3";
  // The fake clock does not wait for the shell: each sample takes real time so that it exits.
  signals.script = [](int) {
    std::this_thread::sleep_for(milliseconds(20));
    return healthy();
  };
  auto outcome = run_plan(plan);
  ASSERT_TRUE(outcome) << outcome.error().to_string();
  ASSERT_TRUE(outcome->trip);
  EXPECT_EQ(outcome->trip->breaker, "load");
  EXPECT_NE(outcome->trip->reason.find("exit status 3"), std::string::npos);
}

TEST_F(RolloutLoopTest, ResumeGoesOnFromTheRecordedStep) {
  ASSERT_TRUE(journal);
  ASSERT_TRUE(journal->append({{"event", "begin"}, {"migration", "0013_rename"}}));
  ASSERT_TRUE(journal->append({{"event", "step"}, {"index", 0}, {"percent", 5}}));
  ASSERT_TRUE(journal->append({{"event", "route"}, {"percent", 5}}));
  ASSERT_TRUE(journal->append({{"event", "routed"}, {"percent", 5}}));
  ASSERT_TRUE(journal->append({{"event", "step"}, {"index", 1}, {"percent", 25}}));
  // Killed after recording the routing it asked, before recording it made.
  ASSERT_TRUE(journal->append({{"event", "route"}, {"percent", 25}}));
  auto events = read_journal(path);
  ASSERT_TRUE(events);
  auto point = resume_point(*events);
  ASSERT_TRUE(point) << point.error().to_string();
  EXPECT_EQ(point->step_index, 1);
  EXPECT_EQ(point->routed_percent, 25);
  auto outcome = run_plan(quick_plan(), *point);
  ASSERT_TRUE(outcome) << outcome.error().to_string();
  EXPECT_EQ(router.routed, (std::vector<int>{25, 50, 100}));
  auto after = read_journal(path);
  ASSERT_TRUE(after);
  EXPECT_EQ((*after)[6].value("event", ""), "resumed");
}

TEST(RolloutJournalTest, ATornLastLineIsSkippedAndTheNextLineStartsFresh) {
  TempDir dir;
  auto journal = Journal::create(dir.path, "r1");
  ASSERT_TRUE(journal);
  ASSERT_TRUE(journal->append({{"event", "begin"}}));
  {
    std::ofstream torn(journal->path(), std::ios::app);
    torn << "{\"event\": \"ro";
  }
  ASSERT_TRUE(journal->append({{"event", "step"}, {"index", 0}}));
  auto events = read_journal(journal->path());
  ASSERT_TRUE(events);
  ASSERT_EQ(events->size(), 2u);
  EXPECT_EQ((*events)[1].value("event", ""), "step");
  // Not done: it is the unfinished one.
  auto unfinished = unfinished_journal(dir.path);
  ASSERT_TRUE(unfinished);
  EXPECT_EQ(*unfinished, journal->path());
  ASSERT_TRUE(journal->append({{"event", "done"}}));
  EXPECT_EQ(*unfinished_journal(dir.path), "");
  // A second journal of the same id is refused, not overwritten.
  EXPECT_FALSE(Journal::create(dir.path, "r1"));
}

TEST(RolloutJournalTest, ATrippedRolloutIsNotResumed) {
  std::vector<nlohmann::json> events = {{{"event", "begin"}},
                                        {{"event", "trip"}, {"breaker", "p99"}}};
  auto point = resume_point(events);
  ASSERT_FALSE(point);
  EXPECT_EQ(point.error().code, ErrorCode::kGateFailed);
  EXPECT_FALSE(resume_point({}));
}

TEST(RolloutBreakersTest, EachBreakerTripsOnItsSignalOnly) {
  Plan plan = quick_plan();
  EXPECT_FALSE(judge(plan, healthy()));
  Sample lag = healthy();
  lag.lag_ms = 501;
  EXPECT_EQ(judge(plan, lag)->breaker, "lag");
  lag.lag_ms = 500;
  EXPECT_FALSE(judge(plan, lag));
  Sample saturated = healthy();
  saturated.saturation = 0.95;
  EXPECT_EQ(judge(plan, saturated)->breaker, "saturation");
  Sample errors = healthy();
  errors.new_route.errors = 1;  // 1 of 500: 0.2 % > 0.1 %
  errors.new_route.last_error = "relation \"users\" does not exist";
  auto trip = judge(plan, errors);
  ASSERT_TRUE(trip);
  EXPECT_EQ(trip->breaker, "errors");
  EXPECT_NE(trip->reason.find("does not exist"), std::string::npos);
  // Both routes failing alike is not the new version's doing.
  errors.old_route.errors = 1;
  EXPECT_FALSE(judge(plan, errors));
}

TEST(RolloutBreakersTest, P99IsJudgedAgainstTheLargerOfTheSloAndTheOldVersion) {
  Plan plan = quick_plan();
  Sample s = healthy();
  s.old_route.p99_ms = 10;
  s.new_route.p99_ms = 11.4;  // under 11.5
  EXPECT_FALSE(judge(plan, s));
  s.new_route.p99_ms = 11.6;
  // Without an SLO the p99 alone is not enough: a few slow probes can be noise.
  EXPECT_FALSE(judge(plan, s));
  s.new_route.p95_ms = 2.6;  // 1.5 * 1.15 = 1.725 and 1.5 + 1 = 2.5
  EXPECT_EQ(judge(plan, s)->breaker, "p99");
  s.new_route.p95_ms = 1.5;
  // An SLO above the old version's p99 is the reference, and the old version meeting it makes
  // the new one's p99 alone a breach.
  plan.thresholds.slo_p99_ms = 20;
  EXPECT_FALSE(judge(plan, s));
  s.new_route.p99_ms = 23.1;
  auto trip = judge(plan, s);
  ASSERT_TRUE(trip);
  EXPECT_NE(trip->reason.find("the SLO 20.00 ms"), std::string::npos) << trip->reason;
  // Both versions over the SLO: the server is slow; only a shift of the new one's p95 trips.
  s.old_route.p99_ms = 30;
  s.new_route.p99_ms = 40;
  EXPECT_FALSE(judge(plan, s));
  s.new_route.p95_ms = 9;
  EXPECT_EQ(judge(plan, s)->breaker, "p99");
  // The probes since the last sample, when there are enough, are the body that must move:
  // a regression shows there before it moves the whole window's p95.
  s.new_route.p95_ms = 1.5;
  s.new_recent = {20, 0, 8, 9, 9.5, 10, ""};  // 20 probes: enough
  EXPECT_EQ(judge(plan, s)->breaker, "p99");
  s.new_recent.p95_ms = 1.6;
  EXPECT_FALSE(judge(plan, s));
  // Sub-millisecond noise is not a regression.
  Sample fast = healthy();
  fast.old_route.p99_ms = 0.3;
  fast.new_route.p99_ms = 1.2;
  plan.thresholds.slo_p99_ms.reset();
  EXPECT_FALSE(judge(plan, fast));
  // Before min_samples probes reached the new route, p99 is not judged.
  s.new_route.probes = 50;
  EXPECT_FALSE(judge(plan, s));
}

TEST(RolloutStepsTest, StepsArePercentsRisingToAHundred) {
  EXPECT_TRUE(check_steps({5, 25, 50, 100}));
  EXPECT_TRUE(check_steps({100}));
  for (const std::vector<int>& bad : std::vector<std::vector<int>>{
           {}, {0, 100}, {50, 25, 100}, {5, 25}, {5, 101}, {-5, 100}, {25, 25, 100}}) {
    auto ok = check_steps(bad);
    ASSERT_FALSE(ok);
    EXPECT_EQ(ok.error().code, ErrorCode::kUsage);
  }
}

TEST(RolloutReportTest, ThePageHasItsChartsAndEscapesWhatItQuotes) {
  std::vector<nlohmann::json> events = {
      {{"event", "begin"},
       {"t", 0},
       {"migration", "0013_<b>x</b>"},
       {"router", "r"},
       {"plan", {{"steps", {5, 100}}, {"max_error_rate", 0.001}, {"max_lag_ms", 500}}}},
      {{"event", "step"}, {"t", 0}, {"index", 0}, {"percent", 5}},
      {{"event", "routed"}, {"t", 0.1}, {"percent", 5}},
      {{"event", "sample"},
       {"t", 1},
       {"percent", 5},
       {"old", {{"p99_ms", 2}, {"probes", 50}}},
       {"new", {{"p99_ms", 2.5}, {"probes", 50}}},
       {"p99_limit_ms", 3},
       {"lag_ms", 4}},
      {{"event", "trip"}, {"t", 1}, {"breaker", "p99"}, {"reason", "<script>alert(1)</script>"}},
      {{"event", "routed"}, {"t", 1.1}, {"percent", 0}},
      {{"event", "done"},
       {"t", 1.1},
       {"result", "tripped"},
       {"breaker", "p99"},
       {"reason", "<script>alert(1)</script>"},
       {"restore_ms", 12}}};
  auto page = report_html(events);
  ASSERT_TRUE(page) << page.error().to_string();
  EXPECT_EQ(page->find("<script>"), std::string::npos);
  EXPECT_NE(page->find("&lt;script&gt;"), std::string::npos);
  EXPECT_NE(page->find("0013_&lt;b&gt;x&lt;/b&gt;"), std::string::npos);
  size_t charts = 0;
  for (size_t at = page->find("<svg"); at != std::string::npos; at = page->find("<svg", at + 1)) {
    ++charts;
  }
  EXPECT_EQ(charts, 4u);
  EXPECT_NE(page->find("trip: p99"), std::string::npos);
  EXPECT_NE(page->find("12 ms"), std::string::npos);
  EXPECT_FALSE(report_html({{{"event", "sample"}}}));
}

}  // namespace
}  // namespace keel::rollout

namespace keel::rollout {
namespace {

TEST(RolloutCommandRouterTest, TheHookGetsThePercentAndItsFailureIsAnErrorWithItsOutput) {
  TempDir dir;
  const std::string log = dir.path + "/routed";
  auto router = command_router(
      "echo \"$1 $KEEL_ROLLOUT_PERCENT $KEEL_ROLLOUT_MIGRATION\" >> '" + log + "'", "0013_x");
  ASSERT_TRUE(router->route(25));
  ASSERT_TRUE(router->route(0));
  std::ifstream in(log);
  std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  EXPECT_EQ(text, "25 25 0013_x\n0 0 0013_x\n");
  auto failing = command_router("echo 'no route to the mesh' >&2; exit 4", "0013_x");
  auto routed = failing->route(50);
  ASSERT_FALSE(routed);
  EXPECT_NE(routed.error().message.find("status 4"), std::string::npos) << routed.error().message;
  EXPECT_NE(routed.error().message.find("no route to the mesh"), std::string::npos);
}

}  // namespace
}  // namespace keel::rollout
