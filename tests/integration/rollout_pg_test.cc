// Issue 18: keel rollout through real routing. Clients open one session per transaction through
// a real HAProxy whose backend has two servers, one PgBouncer per schema version (each pool's
// connect_query sets its version's search_path); keel moves HAProxy's weights through its
// runtime API step by step, probing each version through its PgBouncer, reading the streaming
// standby's lag and PgBouncer's pools. A healthy rollout reaches 100 % and completes; one whose
// new version turns slow (its view made slow with pg_sleep) trips the p99 breaker within one
// sample interval and routes everything back. No client transaction fails in either. The
// report is loaded in headless Chromium (its DOM and a screenshot).
#include <arpa/inet.h>
#include <fmt/format.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>

#include <atomic>
#include <filesystem>
#include <future>
#include <thread>

#include "integration/expand_helpers.h"
#include "integration/haproxy.h"
#include "integration/migrate_helpers.h"
#include "integration/pgbouncer.h"
#include "integration/webhook_receiver.h"
#include "keel/rollout.h"

namespace keel::test {
namespace {

using namespace std::chrono_literals;

// Clients through HAProxy, each transaction on a new session (pgbench -C): a read and a write
// that both versions serve; counts the sessions each version got and every failure.
class SessionLoad {
 public:
  explicit SessionLoad(std::string url) : url_(std::move(url)) {
    for (int c = 0; c < 3; ++c) threads_.emplace_back([this, c] { loop(c); });
  }
  ~SessionLoad() { stop(); }
  void stop() {
    stop_ = true;
    for (auto& t : threads_) {
      if (t.joinable()) t.join();
    }
  }
  std::atomic<int> old_sessions{0}, new_sessions{0}, failed{0}, total{0};
  std::string last_error() {
    std::lock_guard lock(mutex_);
    return last_error_;
  }
  // Sessions on each version since the last call.
  std::pair<int, int> take() { return {old_sessions.exchange(0), new_sessions.exchange(0)}; }

 private:
  void loop(int client) {
    int k = client;
    while (!stop_) {
      try {
        pqxx::connection conn(url_);
        pqxx::work t(conn);
        const std::string path = t.exec1("SHOW search_path")[0].as<std::string>();
        t.exec(fmt::format("SELECT id FROM users WHERE id = {}", 1 + k % 1000));
        t.exec(fmt::format("UPDATE users SET id = id WHERE id = {}", 1 + k % 1000));
        t.commit();
        (path.find("0002") != std::string::npos ? new_sessions : old_sessions)++;
      } catch (const std::exception& e) {
        ++failed;
        std::lock_guard lock(mutex_);
        last_error_ = e.what();
      }
      ++total;
      k += 3;
      std::this_thread::sleep_for(5ms);
    }
  }
  std::string url_;
  std::atomic<bool> stop_{false};
  std::vector<std::thread> threads_;
  std::mutex mutex_;
  std::string last_error_;
};

// GET http://127.0.0.1:port/path: the body, "" when it cannot be read.
std::string http_get(int port, const std::string& path) {
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  addr.sin_port = htons(static_cast<uint16_t>(port));
  if (connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) {
    close(fd);
    return "";
  }
  const std::string request = "GET " + path + " HTTP/1.0\r\nHost: 127.0.0.1\r\n\r\n";
  if (send(fd, request.data(), request.size(), 0) < 0) {
    close(fd);
    return "";
  }
  std::string out;
  char buffer[4096];
  for (ssize_t n; (n = recv(fd, buffer, sizeof buffer, 0)) > 0;) out.append(buffer, n);
  close(fd);
  return out;
}

class RolloutPg : public PgTest {
 protected:
  void SetUp() override {
    PgTest::SetUp();
    folder = std::make_unique<MigrationFolder>(db.url());
    folder->write("0001_init.up.sql",
                  "CREATE TABLE users (id int PRIMARY KEY, name text NOT NULL); "
                  "INSERT INTO users SELECT g, 'user ' || g FROM generate_series(1, 1000) g;");
    folder->write("0002_rename.yaml",
                  "operations:\n"
                  "  - rename_column: {table: users, from: name, to: full_name}\n");
    auto applied = folder->keel("apply");
    ASSERT_EQ(applied.status, 0) << applied.err;
    old_pool = std::make_unique<PgBouncer>(entry("public_0001_init"));
    new_pool = std::make_unique<PgBouncer>(entry("public_0002_rename"));
    haproxy = std::make_unique<HaProxy>(old_pool->port(), new_pool->port());
    metrics_port = free_loopback_port();
  }
  std::string entry(const std::string& search_path) const {
    return fmt::format("{} = {} dbname={} user=postgres connect_query='SET search_path = {}'\n",
                       db.name(), PgBouncer::server(), db.name(), search_path);
  }
  void write_config(const std::string& sample_interval, const std::string& slo,
                    const std::string& webhook = "") const {
    folder->dir.write(
        "keel.toml",
        (webhook.empty() ? "" : "[notify]\nwebhook_url = \"" + webhook + "\"\n\n") +
            fmt::format("[environments.prod]\nurl = \"{}\"\ntier = \"prod\"\n\n"
                        "[rollout]\nrouter = \"haproxy\"\nhaproxy_admin = \"{}\"\n"
                        "old_url = \"{}\"\nnew_url = \"{}\"\n"
                        "pgbouncer_admin_urls = [\"{}\"]\n"
                        "probe_query = \"SELECT id FROM users WHERE id = 1\"\n"
                        "probe_interval = \"10ms\"\nsample_interval = \"{}\"\nwindow = \"2s\"\n"
                        "min_samples = 30\nslo_p99 = \"{}\"\nmetrics_listen = \"127.0.0.1:{}\"\n\n"
                        "[rollout.prod]\nsteps = [5, 25, 50, 100]\nhold = \"2s\"\n",
                        db.url(), haproxy->admin(), old_pool->url(db.name()),
                        new_pool->url(db.name()), old_pool->url("pgbouncer"), sample_interval, slo,
                        metrics_port));
  }
  // keel.toml for the flag router (probes through both pools), prod steps 50 and 100 with
  // `tier_keys` added to [rollout.prod].
  void write_flag_config(const std::string& tier_keys) const {
    folder->dir.write(
        "keel.toml",
        fmt::format("[environments.prod]\nurl = \"{}\"\ntier = \"prod\"\n\n"
                    "[rollout]\nrouter = \"flag\"\nold_url = \"{}\"\nnew_url = \"{}\"\n"
                    "probe_interval = \"10ms\"\nsample_interval = \"200ms\"\nwindow = \"1s\"\n"
                    "min_samples = 20\nslo_p99 = \"200ms\"\ncomplete = false\n\n"
                    "[rollout.prod]\nsteps = [50, 100]\nhold = \"1s\"\n{}",
                    db.url(), old_pool->url(db.name()), new_pool->url(db.name()), tier_keys));
  }
  RunResult rollout(std::vector<std::string> extra = {}) const {
    std::vector<std::string> args = {"--env", "prod", "--format", "json", "rollout"};
    args.insert(args.end(), extra.begin(), extra.end());
    return run_keel(args, folder->dir.path);
  }
  // The journal of this test's rollouts (the only file in the target's folder).
  std::string journal() const {
    const auto root = std::filesystem::path(folder->dir.path) / ".keel/log/rollouts/prod";
    std::error_code ec;
    for (const auto& e : std::filesystem::directory_iterator(root, ec)) {
      if (e.path().extension() == ".jsonl") return e.path().string();
    }
    return "";
  }
  std::string weight(const std::string& server) const {
    auto answer = rollout::haproxy_command(haproxy->admin(), "get weight postgres/" + server);
    return answer ? *answer : answer.error().to_string();
  }
  std::string phase() const {
    return db.scalar("SELECT phase FROM keel.schema_migrations WHERE version = '0002'");
  }

  PgDatabase db;
  std::unique_ptr<MigrationFolder> folder;
  std::unique_ptr<PgBouncer> old_pool, new_pool;
  std::unique_ptr<HaProxy> haproxy;
  int metrics_port = 0;
};

TEST_F(RolloutPg, AHealthyRolloutReachesEverySessionAndCompletesWithoutAFailedTransaction) {
  write_config("250ms", "200ms");  // a generous SLO: CI machines are noisy
  SessionLoad load(haproxy->url(db.name()));
  std::this_thread::sleep_for(500ms);
  EXPECT_EQ(load.take().second, 0);  // before: every session on the old version
  // /metrics while it runs.
  std::string metrics;
  auto scraped = std::async(std::launch::async, [&] {
    for (int i = 0; i < 200 && metrics.find("keel_rollout_p99_ms") == std::string::npos; ++i) {
      std::this_thread::sleep_for(100ms);
      metrics = http_get(metrics_port, "/metrics");
    }
  });
  RunResult r = rollout();
  scraped.get();
  ASSERT_EQ(r.status, 0) << r.out << r.err;
  auto result = nlohmann::json::parse(r.out);
  EXPECT_EQ(result["result"], "held");
  EXPECT_EQ(result["reached_percent"], 100);
  EXPECT_EQ(result["completed"], true);
  EXPECT_EQ(phase(), "completed");
  EXPECT_EQ(weight("new"), "100 (initial 0)\n\n");
  EXPECT_EQ(weight("old"), "0 (initial 100)\n\n");
  // After: every new session on the new version.
  // (Sessions opened before the last routing change may still finish on the old version.)
  std::this_thread::sleep_for(1s);
  load.take();
  std::this_thread::sleep_for(1s);
  auto [old_after, new_after] = load.take();
  load.stop();
  EXPECT_EQ(old_after, 0);
  EXPECT_GT(new_after, 0);
  EXPECT_EQ(load.failed.load(), 0) << load.last_error();
  EXPECT_GT(load.total.load(), 100);
  EXPECT_NE(metrics.find("keel_rollout_share_percent{migration=\"0002_rename\"}"),
            std::string::npos)
      << metrics;
  // The journal: every routing recorded before and after it was made, samples with the
  // standby's lag when there is one, and PgBouncer's pools.
  auto events = rollout::read_journal(journal());
  ASSERT_TRUE(events);
  std::vector<int> routed;
  bool pools = false, lag = false;
  for (const auto& e : *events) {
    if (e["event"] == "routed") routed.push_back(e["percent"]);
    if (e["event"] == "sample" && e.contains("pools")) pools = true;
    if (e["event"] == "sample" && e["lag_ms"].is_number()) lag = true;
  }
  EXPECT_EQ(routed, (std::vector<int>{5, 25, 50, 100}));
  EXPECT_TRUE(pools);
  if (std::getenv("KEEL_TEST_PG_STANDBY_URL") != nullptr) {
    EXPECT_TRUE(lag);
  }
  std::cout << "healthy rollout: " << load.total.load() << " client transactions, 0 failed; "
            << result["samples"] << " samples in " << result["elapsed_s"] << " s" << std::endl;
}

TEST_F(RolloutPg, ASlowNewVersionTripsTheP99BreakerWithinOneSampleAndRoutesBack) {
  testing::WebhookReceiver receiver;
  // An SLO the old version meets even on a loaded CI machine, and a regression well past it: the
  // p99 alone then decides (the noise guard is for both versions missing the SLO).
  write_config("500ms", "100ms", receiver.url());
  SessionLoad load(haproxy->url(db.name()));
  auto running = std::async(std::launch::async, [this] { return rollout(); });
  // Once 25 % of sessions go to the new version, its view turns slow: 150 ms a row read.
  int64_t regressed_at_ms = 0;
  for (int i = 0; i < 600 && regressed_at_ms == 0; ++i) {
    std::this_thread::sleep_for(50ms);
    auto events = rollout::read_journal(journal());
    if (!events) continue;
    for (const auto& e : *events) {
      if (e["event"] == "routed" && e["percent"] == 25) {
        // Still a simple updatable view: the clients' writes keep working, only slower.
        db.sql(
            "CREATE FUNCTION public.slow() RETURNS boolean LANGUAGE plpgsql VOLATILE AS "
            "$$BEGIN PERFORM pg_sleep(0.15); RETURN true; END$$; "
            "DO $$BEGIN EXECUTE format('CREATE OR REPLACE VIEW public_0002_rename.users WITH "
            "(security_invoker = true) AS %s WHERE public.slow()', rtrim(pg_get_viewdef("
            "'public_0002_rename.users'::regclass), ';')); END$$");
        regressed_at_ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                              std::chrono::system_clock::now().time_since_epoch())
                              .count();
        break;
      }
    }
  }
  RunResult r = running.get();
  ASSERT_NE(regressed_at_ms, 0) << "the rollout never reached 25 %: " << r.out << r.err
                                << slurp(journal());
  std::this_thread::sleep_for(300ms);
  load.stop();
  ASSERT_EQ(r.status, 3) << r.out << r.err;
  auto result = nlohmann::json::parse(r.out);
  EXPECT_EQ(result["result"], "tripped");
  EXPECT_EQ(result["breaker"], "p99");
  EXPECT_EQ(result["reached_percent"], 25);
  EXPECT_EQ(phase(), "active");  // the expand stays for keel abort or another try
  EXPECT_EQ(weight("new"), "0 (initial 0)\n\n");
  EXPECT_EQ(weight("old"), "100 (initial 100)\n\n");
  EXPECT_EQ(load.failed.load(), 0) << load.last_error();
  // The webhook: rollout.tripped with the breaker and the time to route back.
  ASSERT_TRUE(receiver.wait_for(1, 5s));
  auto hook = nlohmann::json::parse(receiver.requests().front().body);
  EXPECT_EQ(hook["event"], "rollout.tripped");
  EXPECT_EQ(hook["breaker"], "p99");
  EXPECT_EQ(hook["migration"], "0002_rename");
  EXPECT_TRUE(hook["restore_ms"].is_number());
  auto events = rollout::read_journal(journal());
  ASSERT_TRUE(events);
  int64_t tripped_at_ms = 0;
  for (const auto& e : *events) {
    if (e["event"] == "trip") tripped_at_ms = e["at_ms"];
  }
  ASSERT_NE(tripped_at_ms, 0);
  const int64_t detect_ms = tripped_at_ms - regressed_at_ms;
  // Within one sample interval (500 ms) wherever the regression falls between two samples: the
  // probes are judged every 50 ms between samples, and a probe still running counts.
  EXPECT_LE(detect_ms, 500) << "tripped " << detect_ms << " ms after the regression";
  std::cout << "regressed rollout: tripped " << detect_ms << " ms after the regression, routed "
            << "back in " << result["restore_ms"] << " ms; " << load.total.load()
            << " client transactions, 0 failed" << std::endl;

  // The report, loaded in headless Chromium: its DOM holds the four charts, and a screenshot.
  RunResult page = run_keel({"--format", "json", "report", result["run_id"]}, folder->dir.path);
  ASSERT_EQ(page.status, 0) << page.out << page.err;
  const std::string html = nlohmann::json::parse(page.out)["report"];
  const char* chromium = "/usr/bin/chromium";
  ASSERT_EQ(access(chromium, X_OK), 0) << "chromium not found: run make deps";
  const std::string shot = folder->dir.file("report.png");
  const std::string flags =
      " --headless --no-sandbox --disable-gpu --disable-dev-shm-usage --no-first-run "
      "--user-data-dir=" +
      shell_quote(folder->dir.file("chromium")) + " ";
  RunResult dom = run_shell(std::string(chromium) + flags + "--dump-dom file://" + html);
  ASSERT_EQ(dom.status, 0) << dom.err;
  size_t charts = 0;
  for (size_t at = dom.out.find("<svg"); at != std::string::npos;
       at = dom.out.find("<svg", at + 1)) {
    ++charts;
  }
  EXPECT_EQ(charts, 4u) << dom.out.substr(0, 2000);
  EXPECT_NE(dom.out.find("breaker tripped"), std::string::npos);
  RunResult screenshot = run_shell(std::string(chromium) + flags + "--window-size=960,1300 " +
                                   "--screenshot=" + shell_quote(shot) + " file://" + html);
  ASSERT_EQ(screenshot.status, 0) << screenshot.err;
  EXPECT_GT(std::filesystem::file_size(shot), 20000u);
  if (const char* keep = std::getenv("KEEL_TEST_KEEP_SCREENSHOT")) {
    std::filesystem::copy_file(shot, keep, std::filesystem::copy_options::overwrite_existing);
  }
}

// keel killed (kill -9) while a step holds: the journal says where routing stands; another
// `keel rollout` refuses to start over it, `--resume` routes that step again and goes on to
// 100 %, and the sessions never saw a failed transaction.
TEST_F(RolloutPg, AKilledRolloutResumesFromItsRecordedStep) {
  write_config("250ms", "200ms");
  SessionLoad load(haproxy->url(db.name()));
  pid_t pid = fork();
  if (pid == 0) {
    if (chdir(folder->dir.path.c_str()) != 0) _exit(127);
    FILE* null = freopen("/dev/null", "w", stdout);
    null = freopen("/dev/null", "w", stderr);
    (void)null;
    execl(KEEL_BINARY, KEEL_BINARY, "--env", "prod", "rollout", static_cast<char*>(nullptr));
    _exit(127);
  }
  bool at_25 = false;
  for (int i = 0; i < 600 && !at_25; ++i) {
    std::this_thread::sleep_for(50ms);
    auto events = rollout::read_journal(journal());
    if (!events) continue;
    for (const auto& e : *events) at_25 = at_25 || (e["event"] == "routed" && e["percent"] == 25);
  }
  ASSERT_TRUE(at_25);
  kill(pid, SIGKILL);
  waitpid(pid, nullptr, 0);
  EXPECT_EQ(weight("new"), "25 (initial 0)\n\n");

  RunResult again = rollout();
  EXPECT_EQ(again.status, 3) << again.out << again.err;
  EXPECT_NE(again.out.find("--resume"), std::string::npos) << again.out;

  RunResult resumed = rollout({"--resume"});
  ASSERT_EQ(resumed.status, 0) << resumed.out << resumed.err;
  auto result = nlohmann::json::parse(resumed.out);
  EXPECT_EQ(result["result"], "held");
  EXPECT_EQ(result["completed"], true);
  EXPECT_EQ(phase(), "completed");
  EXPECT_EQ(weight("new"), "100 (initial 0)\n\n");
  load.stop();
  EXPECT_EQ(load.failed.load(), 0) << load.last_error();
  auto events = rollout::read_journal(journal());
  ASSERT_TRUE(events);
  std::vector<int> routed;
  int resumes = 0;
  for (const auto& e : *events) {
    if (e["event"] == "routed") routed.push_back(e["percent"]);
    if (e["event"] == "resumed") ++resumes;
  }
  EXPECT_EQ(resumes, 1);
  // 25 % again after the resume (the step is held anew), then on.
  EXPECT_EQ(routed, (std::vector<int>{5, 25, 25, 50, 100}));
  // Nothing left to resume.
  RunResult nothing = rollout({"--resume"});
  EXPECT_EQ(nothing.status, 3) << nothing.out;
}

// Router "flag": applications that route in code follow keel's flag table; each step sets the
// flag (named after the migration) to its percent, and a trip would set it to 0.
TEST_F(RolloutPg, TheFlagRouterSetsTheMigrationsFlagStepByStep) {
  // Staging's load test, here at every step: pgbench at a fixed rate against the new version.
  const char* pg_bin = std::getenv("KEEL_TEST_PG_BIN");
  folder->dir.write("load.sql", "SELECT id FROM users WHERE id = 1;\n");
  const std::string load = fmt::format("{}/pgbench -n -c 2 -R 50 -T 120 -f {} '{}'",
                                       pg_bin != nullptr ? pg_bin : "/usr/lib/postgresql/15/bin",
                                       folder->dir.file("load.sql"), new_pool->url(db.name()));
  write_flag_config("load_command = \"" + load + "\"\n");
  RunResult r = rollout();
  ASSERT_EQ(r.status, 0) << r.out << r.err;
  auto result = nlohmann::json::parse(r.out);
  EXPECT_EQ(result["result"], "held");
  EXPECT_TRUE(result["completed"].is_null());  // complete = false
  EXPECT_EQ(phase(), "active");
  EXPECT_EQ(db.scalar("SELECT percent FROM keel.flags WHERE name = '0002_rename'"), "100");
  // HAProxy untouched.
  EXPECT_EQ(weight("new"), "0 (initial 0)\n\n");
  auto events = rollout::read_journal(journal());
  ASSERT_TRUE(events);
  std::vector<int> routed;
  for (const auto& e : *events) {
    if (e["event"] == "routed") routed.push_back(e["percent"]);
  }
  EXPECT_EQ(routed, (std::vector<int>{50, 100}));
}

// A load test that fails trips the "load" breaker: the flag goes back to 0.
TEST_F(RolloutPg, AFailingLoadTestTripsAndTheFlagGoesBackToZero) {
  write_flag_config("load_command = \"sleep 0.3; echo the load test failed >&2; exit 7\"\n");
  RunResult r = rollout();
  ASSERT_EQ(r.status, 3) << r.out << r.err;
  auto result = nlohmann::json::parse(r.out);
  EXPECT_EQ(result["breaker"], "load");
  EXPECT_NE(result["reason"].get<std::string>().find("exit status 7"), std::string::npos);
  EXPECT_EQ(db.scalar("SELECT percent FROM keel.flags WHERE name = '0002_rename'"), "0");
  EXPECT_EQ(phase(), "active");
}

}  // namespace
}  // namespace keel::test
