// The backfill's throttle (issue 17, throttle.h): `keel pause` holds a running backfill after
// its current batch until `keel resume`; a probe slower than its baseline slows the backfill
// down and lets go when it is fast again; progress lines carry the rate and the reason.
#include <pqxx/pqxx>

#include <chrono>
#include <cstdlib>
#include <future>
#include <iostream>
#include <mutex>
#include <sstream>
#include <thread>

#include "integration/expand_helpers.h"
#include "integration/migrate_helpers.h"

namespace keel::test {
namespace {

using namespace std::chrono_literals;

class ExpandThrottlePg : public PgTest {
 protected:
  void SetUp() override {
    PgTest::SetUp();
    add_migrations(50000);
    x.options.backfill.batch_size = 100;
    x.options.backfill.target_batch_time = 0ms;
    x.options.backfill.progress_interval = 0ms;
    x.options.run.progress = [this](const std::string& line) {
      std::lock_guard lock(mutex);
      lines.push_back(line);
    };
  }
  // 0001: `rows` items (and the probe's helpers); 0002: add_column cents = price * 100.
  void add_migrations(int rows) {
    x.add_sql("0001", "init",
              "CREATE TABLE items (id int PRIMARY KEY, price int NOT NULL); "
              "INSERT INTO items SELECT g, g % 97 FROM generate_series(1, " +
                  std::to_string(rows) +
                  ") g; "
                  "CREATE TABLE fast (on_ boolean); CREATE SEQUENCE probe_calls");
    keel::ops::AddColumn add;
    add.table = "items";
    add.column.name = "cents";
    add.column.type = "bigint";
    add.up = "price * 100";
    x.add_ops("0002", "cents", {add});
  }
  // Waits (up to 30 s) for a progress line holding `text`.
  bool saw(const std::string& text) {
    for (int i = 0; i < 300; ++i) {
      {
        std::lock_guard lock(mutex);
        for (const auto& l : lines) {
          if (l.find(text) != std::string::npos) return true;
        }
      }
      std::this_thread::sleep_for(100ms);
    }
    return false;
  }
  std::string dump() {
    std::lock_guard lock(mutex);
    std::string out;
    for (const auto& l : lines) out += l + "\n";
    return out;
  }
  Result<void> set_paused(bool paused) {
    auto url = parse_connection_url(x.db.url());
    if (!url) return std::unexpected(url.error());
    auto dialect = expand::open_expand_contract(*url);
    if (!dialect) return std::unexpected(dialect.error());
    return (*dialect)->set_paused(paused, "test");
  }
  std::string rows_done() {
    return x.sql_value(
        "SELECT coalesce((SELECT (operation_progress::json->0->>'rows_done') FROM "
        "keel.schema_migrations WHERE version = '0002'), 'none')");
  }
  // The same change as files for the CLI: 20,000 items, then add_column cents, backfilled in
  // batches of 500 with progress after each.
  static void write_cents(const MigrationFolder& folder) {
    folder.write(
        "0001_init.up.sql",
        "CREATE TABLE items (id int PRIMARY KEY, price int NOT NULL); "
        "INSERT INTO items SELECT g, g % 97 FROM generate_series(1, 20000) g; ANALYZE items;");
    folder.write("0002_cents.yaml",
                 "operations:\n"
                 "  - add_column:\n"
                 "      table: items\n"
                 "      up: price * 100\n"
                 "      column: {name: cents, type: bigint}\n");
    folder.dir.write("keel.toml",
                     "[backfill]\nbatch_size = 500\ntarget_batch_time = \"0ms\"\n"
                     "latency_limit_percent = 0\nprogress_interval = \"0ms\"\n");
  }
  ExpandDb x;
  std::mutex mutex;
  std::vector<std::string> lines;
};

TEST_F(ExpandThrottlePg, PauseHoldsTheBackfillAfterItsBatchUntilResume) {
  x.options.backfill.latency_limit_percent = 0;
  ASSERT_OK(set_paused(true));
  auto applied = std::async(std::launch::async, [this] { return x.apply(); });
  ASSERT_TRUE(saw("paused by keel pause"));
  const std::string held = rows_done();
  std::this_thread::sleep_for(1s);
  EXPECT_EQ(rows_done(), held);  // nothing moved while paused
  EXPECT_EQ(held, "100");        // the batch under way when it paused
  EXPECT_EQ(applied.wait_for(0s), std::future_status::timeout);
  ASSERT_OK(set_paused(false));
  auto done = applied.get();
  ASSERT_TRUE(done.has_value()) << done.error().to_string();
  EXPECT_EQ(rows_done(), "50000");
  EXPECT_EQ(x.scalar_as("public_0002_cents",
                        "SELECT count(*) FROM items WHERE cents IS DISTINCT FROM price * 100"),
            "0");
}

TEST_F(ExpandThrottlePg, ASlowProbeSlowsTheBackfillAndItGoesOnWhenFastAgain) {
  x.options.backfill.latency_limit_percent = 115;
  // Fast for its first 45 runs (the baseline), 20 ms slower after, until `fast` has a row.
  x.options.backfill.probe_query =
      "SELECT pg_sleep(CASE WHEN nextval('public.probe_calls') > 45 AND NOT EXISTS (SELECT FROM "
      "public.fast) THEN 0.02 ELSE 0 END)";
  auto applied = std::async(std::launch::async, [this] { return x.apply(); });
  ASSERT_TRUE(saw("throttled: probe p90")) << dump();
  x.sql("INSERT INTO fast VALUES (true)");
  ASSERT_TRUE(saw("throttle released")) << dump();
  auto done = applied.get();
  ASSERT_TRUE(done.has_value()) << done.error().to_string();
  EXPECT_EQ(rows_done(), "50000");
  EXPECT_TRUE(saw("backfilled 50000 rows of items"));
}

// A probe that stays slow while the backfill pauses is the load's latency, not the backfill's:
// after a whole longest pause it becomes the baseline and the backfill finishes.
TEST_F(ExpandThrottlePg, LatencyThatStaysWhileThePauseIsTheLoadsOwnAndBecomesTheBaseline) {
  x.options.backfill.latency_limit_percent = 115;
  x.options.backfill.probe_query =
      "SELECT pg_sleep(CASE WHEN nextval('public.probe_calls') > 45 THEN 0.02 ELSE 0 END)";
  auto done = x.apply();
  ASSERT_TRUE(done.has_value()) << done.error().to_string();
  EXPECT_TRUE(saw("throttled: probe p90")) << dump();
  EXPECT_TRUE(saw("the load's own latency, not the backfill's; it is the new baseline")) << dump();
  EXPECT_EQ(rows_done(), "50000");
  EXPECT_EQ(x.scalar_as("public_0002_cents",
                        "SELECT count(*) FROM items WHERE cents IS DISTINCT FROM price * 100"),
            "0");
}

TEST_F(ExpandThrottlePg, PauseAndResumeCommandsAnswerInJson) {
  MigrationFolder folder(x.db.url());
  RunResult paused = run_keel({"--url", folder.url, "--format", "json", "pause"}, folder.dir.path);
  ASSERT_EQ(paused.status, 0) << paused.err;
  EXPECT_EQ(nlohmann::json::parse(paused.out)["backfill_paused"], true);
  EXPECT_EQ(x.sql_value("SELECT count(*) FROM keel.backfill_pause"), "1");
  RunResult resumed = folder.keel("resume");
  ASSERT_EQ(resumed.status, 0) << resumed.err;
  EXPECT_NE(resumed.out.find("backfills resumed"), std::string::npos) << resumed.out;
  EXPECT_EQ(x.sql_value("SELECT count(*) FROM keel.backfill_pause"), "0");
}

TEST_F(ExpandThrottlePg, AWalCapHoldsTheServersWalRateDownOnAverage) {
  x.options.backfill.latency_limit_percent = 0;
  x.options.backfill.max_wal_mb_per_second = 2;
  x.options.backfill.target_batch_time = 25ms;
  x.options.backfill.progress_interval = 1s;
  // 100,000 items rather than the fixture's 50,000: with 50,000 a fast first second left as
  // little as 3 MB between the first and the last progress line.
  x.files.clear();
  add_migrations(100000);
  // The WAL position at each progress line: the cap is held between the first and the last
  // (the start's DDL before and the constraint's validation after are not the backfill's).
  pqxx::connection watch(x.db.url());
  std::vector<std::pair<std::chrono::steady_clock::time_point, int64_t>> marks;
  x.options.run.progress = [&](const std::string& line) {
    {
      std::lock_guard lock(mutex);
      lines.push_back(line);
    }
    if (line.find("backfill items:") == std::string::npos) return;
    pqxx::nontransaction q(watch);
    marks.emplace_back(
        std::chrono::steady_clock::now(),
        q.exec1("SELECT pg_wal_lsn_diff(pg_current_wal_lsn(), '0/0')::bigint")[0].as<int64_t>());
  };
  auto done = x.apply();
  ASSERT_TRUE(done.has_value()) << done.error().to_string();
  ASSERT_GE(marks.size(), 3u) << dump();
  const double secs =
      std::chrono::duration<double>(marks.back().first - marks.front().first).count();
  const double mb =
      static_cast<double>(marks.back().second - marks.front().second) / (1024.0 * 1024.0);
  std::cout << "WAL cap 2 MB/s: " << mb << " MB in " << secs << " s (" << mb / secs << " MB/s)"
            << std::endl;
  EXPECT_TRUE(saw("throttled: WAL")) << dump();
  // Enough WAL for the cap to matter, and its average held (a batch's worth over at most: the
  // cap is checked between batches).
  ASSERT_GT(mb, 4.0);
  EXPECT_LT(mb / secs, 2.0 * 1.25) << dump();
  EXPECT_EQ(x.scalar_as("public_0002_cents",
                        "SELECT count(*) FROM items WHERE cents IS DISTINCT FROM price * 100"),
            "0");
}

// A real streaming standby (scripts/with-postgres.sh) that stops replaying (here
// pg_wal_replay_pause(); in production a query conflict or a slow disk): its replay_lag in
// pg_stat_replication grows, the backfill holds after its batch, and goes on once the standby
// caught up.
TEST_F(ExpandThrottlePg, AStandbyThatStopsReplayingHoldsTheBackfillUntilItCatchesUp) {
  const char* standby_url = std::getenv("KEEL_TEST_PG_STANDBY_URL");
  if (standby_url == nullptr) GTEST_SKIP() << "no standby (KEEL_TEST_STANDBY=0)";
  x.options.backfill.latency_limit_percent = 0;
  x.options.backfill.max_replication_lag = 300ms;
  pqxx::connection standby(standby_url);
  pqxx::nontransaction on_standby(standby);
  on_standby.exec("SELECT pg_wal_replay_pause()");
  // Replay resumes however the test ends: a paused standby would hold every later backfill.
  struct Resume {
    pqxx::nontransaction& on;
    ~Resume() {
      try {
        on.exec("SELECT pg_wal_replay_resume()");
      } catch (const std::exception&) {
      }
    }
  } resume{on_standby};
  auto applied = std::async(std::launch::async, [this] { return x.apply(); });
  ASSERT_TRUE(saw("throttled: standby replay lag")) << dump();
  const std::string held = rows_done();
  std::this_thread::sleep_for(1s);
  EXPECT_EQ(rows_done(), held);  // nothing moved while the standby lagged
  EXPECT_NE(held, "50000");
  EXPECT_EQ(applied.wait_for(0s), std::future_status::timeout);
  on_standby.exec("SELECT pg_wal_replay_resume()");
  auto done = applied.get();
  ASSERT_TRUE(done.has_value()) << done.error().to_string();
  EXPECT_EQ(rows_done(), "50000");
  EXPECT_TRUE(saw("throttle released")) << dump();
  EXPECT_EQ(x.scalar_as("public_0002_cents",
                        "SELECT count(*) FROM items WHERE cents IS DISTINCT FROM price * 100"),
            "0");
}

TEST_F(ExpandThrottlePg, ProgressIsJsonLinesOffATerminalAndKeelStatusShowsTheFigures) {
  MigrationFolder folder(x.db.url());
  write_cents(folder);
  RunResult applied = folder.keel("apply");
  ASSERT_EQ(applied.status, 0) << applied.err;
  // stderr is a pipe here: one JSON object per line, the last one done.
  std::vector<nlohmann::json> events;
  std::istringstream err(applied.err);
  for (std::string line; std::getline(err, line);) {
    if (!line.starts_with("{")) continue;
    auto j = nlohmann::json::parse(line, nullptr, false);
    ASSERT_FALSE(j.is_discarded()) << line;
    if (j.value("event", "") == "backfill") events.push_back(j);
  }
  ASSERT_GE(events.size(), 10u) << applied.err;
  EXPECT_EQ(events.front()["table"], "items");
  EXPECT_EQ(events.front()["rows_done"], 500);
  EXPECT_EQ(events.front()["rows_total"], 20000);
  EXPECT_EQ(events.front()["percent"], 2);
  EXPECT_EQ(events.front()["done"], false);
  EXPECT_EQ(events.back()["rows_done"], 20000);
  EXPECT_EQ(events.back()["done"], true);
  EXPECT_GT(events.back()["rows_per_second"].get<int64_t>(), 0);
  EXPECT_EQ(applied.err.find("backfill items: "), std::string::npos) << applied.err;

  RunResult status = folder.keel("status");
  ASSERT_EQ(status.status, 0) << status.err;
  EXPECT_NE(status.out.find("backfill items: done, 20000 rows"), std::string::npos) << status.out;
  RunResult json = run_keel({"--url", folder.url, "--format", "json", "status"}, folder.dir.path);
  ASSERT_EQ(json.status, 0) << json.err;
  auto versions = nlohmann::json::parse(json.out)["migrations"];
  ASSERT_EQ(versions.size(), 2u) << json.out;
  const auto& progress = versions[1]["operation_progress"][0];
  EXPECT_EQ(progress["table"], "items");
  EXPECT_EQ(progress["rows_done"], 20000);
  EXPECT_EQ(progress["rows_total"], 20000);
  EXPECT_EQ(progress["backfill_done"], true);
  EXPECT_TRUE(progress["eta_seconds"].is_null());
  EXPECT_TRUE(progress.contains("updated_at")) << progress.dump();

  // --quiet: no progress at all.
  RunResult quiet = run_keel({"--url", folder.url, "--quiet", "status"}, folder.dir.path);
  EXPECT_EQ(quiet.err, "");
}

// On a terminal (a pseudo-terminal from script(1)): the bar, redrawn in place, ending with the
// backfill done; no JSON line.
TEST_F(ExpandThrottlePg, OnATerminalProgressIsABarRedrawnInPlace) {
  if (std::system("command -v script >/dev/null 2>&1") != 0) GTEST_SKIP() << "no script(1)";
  MigrationFolder folder(x.db.url());
  write_cents(folder);
  TempDir io;
  std::string inner = shell_quote(KEEL_BINARY) + " --url " + shell_quote(folder.url) + " apply";
  std::string cmd = "cd " + shell_quote(folder.dir.path) + " && script -qfec " +
                    shell_quote(inner) + " /dev/null >" + shell_quote(io.file("out")) +
                    " 2>&1 </dev/null";
  ASSERT_EQ(std::system(cmd.c_str()), 0) << slurp(io.file("out"));
  const std::string out = slurp(io.file("out"));
  EXPECT_NE(out.find("\r\x1b[Kitems [#"), std::string::npos) << out;
  EXPECT_NE(out.find("] 100% 20000 rows"), std::string::npos) << out;
  EXPECT_EQ(out.find("{\"event\""), std::string::npos) << out;
  EXPECT_EQ(x.scalar_as("public_0002_cents",
                        "SELECT count(*) FROM items WHERE cents IS DISTINCT FROM price * 100"),
            "0");
}

// After a backfill, autovacuum comes for the table and holds SHARE UPDATE EXCLUSIVE, the lock
// VALIDATE CONSTRAINT and CREATE INDEX CONCURRENTLY need. It cancels itself only for a request
// that waited deadlock_timeout: a 20 ms lock_timeout retried never outwaits it (the bench's
// unthrottled start failed so). Here a real autovacuum worker, slowed to hold the table for
// minutes, let in once the start's transaction committed (at the backfill's first progress
// line), and the NOT NULL column VALIDATEd after the backfill.
TEST(ExpandAutovacuumPg, AnAutovacuumHoldingTheTableIsOutwaitedNotRetriedForever) {
  ExpandDb y;
  y.add_sql("0001", "init",
            "CREATE TABLE items (id int PRIMARY KEY, price int NOT NULL) WITH ("
            "autovacuum_enabled = false, autovacuum_vacuum_cost_delay = 100, "
            "autovacuum_vacuum_cost_limit = 1, autovacuum_vacuum_threshold = 0, "
            "autovacuum_vacuum_scale_factor = 0, autovacuum_analyze_threshold = 2000000000); "
            "INSERT INTO items SELECT g, g % 97 FROM generate_series(1, 100000) g");
  ASSERT_OK(y.apply());
  y.sql("UPDATE items SET price = price");  // 100,000 dead rows for autovacuum
  keel::ops::AddColumn add;
  add.table = "items";
  add.column.name = "cents";
  add.column.type = "bigint";
  add.column.nullable = false;
  add.up = "price * 100";
  y.add_ops("0002", "cents", {add});
  y.options.backfill.latency_limit_percent = 0;
  y.options.backfill.progress_interval = 0ms;
  PgDatabase::admin("ALTER SYSTEM SET autovacuum_naptime = '1s'");
  PgDatabase::admin("SELECT pg_reload_conf()");
  struct Reset {
    ~Reset() {
      PgDatabase::admin("ALTER SYSTEM RESET autovacuum_naptime");
      PgDatabase::admin("SELECT pg_reload_conf()");
    }
  } reset;
  bool vacuuming = false;
  bool let_in = false;
  std::chrono::steady_clock::time_point vacuum_seen;
  std::string lines;
  y.options.run.progress = [&](const std::string& line) {
    lines += line + "\n";
    if (let_in || line.find("backfill items:") == std::string::npos) return;
    let_in = true;
    y.sql("ALTER TABLE items SET (autovacuum_enabled = true)");
    for (int i = 0; i < 300 && !vacuuming; ++i) {
      vacuuming = y.sql_value(
                      "SELECT count(*) FROM pg_stat_activity WHERE backend_type = 'autovacuum "
                      "worker' AND datname = current_database() AND query LIKE '%items%'") != "0";
      if (!vacuuming) std::this_thread::sleep_for(100ms);
    }
    vacuum_seen = std::chrono::steady_clock::now();
  };
  auto done = y.apply();
  const double secs =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - vacuum_seen).count();
  ASSERT_TRUE(done.has_value()) << done.error().to_string() << "\n" << lines;
  ASSERT_TRUE(vacuuming) << "no autovacuum worker came for items in 30 s\n" << lines;
  std::cout << "the rest of the start once a slowed autovacuum held the table: " << secs << " s"
            << std::endl;
  // The autovacuum (~10 pages a second over ~1,000) would hold the table for minutes, and 30
  // retries of 20 ms (about 47 s of waits) would not outlast it: it was cancelled.
  EXPECT_LT(secs, 30.0) << lines;
  EXPECT_EQ(y.sql_value("SELECT count(*) FROM pg_stat_user_tables WHERE relname = 'items' AND "
                        "last_autovacuum IS NOT NULL"),
            "0");
  EXPECT_EQ(y.scalar_as("public_0002_cents", "SELECT count(*) FROM items WHERE cents IS NULL"),
            "0");
}

}  // namespace
}  // namespace keel::test
