// The backfill's throttle (issue 17, throttle.h): `keel pause` holds a running backfill after
// its current batch until `keel resume`; a probe slower than its baseline slows the backfill
// down and lets go when it is fast again; progress lines carry the rate and the reason.
#include <chrono>
#include <future>
#include <mutex>
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
    x.add_sql("0001", "init",
              "CREATE TABLE items (id int PRIMARY KEY, price int NOT NULL); "
              "INSERT INTO items SELECT g, g % 97 FROM generate_series(1, 50000) g; "
              "CREATE TABLE fast (on_ boolean); CREATE SEQUENCE probe_calls");
    keel::ops::AddColumn add;
    add.table = "items";
    add.column.name = "cents";
    add.column.type = "bigint";
    add.up = "price * 100";
    x.add_ops("0002", "cents", {add});
    x.options.backfill.batch_size = 100;
    x.options.backfill.target_batch_time = 0ms;
    x.options.backfill.progress_interval = 0ms;
    x.options.run.progress = [this](const std::string& line) {
      std::lock_guard lock(mutex);
      lines.push_back(line);
    };
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

}  // namespace
}  // namespace keel::test
