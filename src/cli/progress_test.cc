// The backfill's bar and JSON lines (issue 17 item 3).
#include "cli/progress.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

namespace keel::cli {
namespace {

migrate::OperationProgress running() {
  migrate::OperationProgress p{.operation = 0, .rows_done = 2600000, .last_key = R"(["2600000"])"};
  p.table = "users";
  p.rows_total = 5000000;
  p.rows_per_second = 41200;
  return p;
}

TEST(BackfillProgress, TheBarShowsRowsRateAndEta) {
  migrate::OperationProgress p = running();
  EXPECT_EQ(backfill_bar(p, 200),
            "users [##########----------]  52% 2600000/~5000000 rows 41200 rows/s ETA 0m59s");
  p.throttle = "probe p90 9.10 ms > 115% of its baseline 3.00 ms";
  EXPECT_EQ(backfill_bar(p, 200),
            "users [##########----------]  52% 2600000/~5000000 rows 41200 rows/s ETA 0m59s "
            "throttled: probe p90 9.10 ms > 115% of its baseline 3.00 ms");
  // Cut to the terminal's width, less one column (no wrap).
  EXPECT_EQ(backfill_bar(p, 40).size(), 39u);
  EXPECT_EQ(backfill_bar(p, 5).size(), 19u);  // at least 20 columns
  p.backfill_done = true;
  p.throttle.clear();
  EXPECT_EQ(backfill_bar(p, 200),
            "users [####################] 100% 2600000 rows 41200 rows/s done");
}

TEST(BackfillProgress, JsonLinesCarryTheSameFigures) {
  migrate::OperationProgress p = running();
  auto j = nlohmann::json::parse(backfill_json_line(p));
  EXPECT_EQ(j["event"], "backfill");
  EXPECT_EQ(j["table"], "users");
  EXPECT_EQ(j["rows_done"], 2600000);
  EXPECT_EQ(j["rows_total"], 5000000);
  EXPECT_EQ(j["percent"], 52);
  EXPECT_EQ(j["rows_per_second"], 41200);
  EXPECT_EQ(j["eta_seconds"], 59);
  EXPECT_TRUE(j["throttle"].is_null());
  EXPECT_EQ(j["done"], false);
  EXPECT_EQ(backfill_json_line(p).find('\n'), std::string::npos);
  p.rows_total = 0;  // unknown size: no percent, no ETA
  p.throttle = "paused by keel pause";
  j = nlohmann::json::parse(backfill_json_line(p));
  EXPECT_TRUE(j["percent"].is_null());
  EXPECT_TRUE(j["eta_seconds"].is_null());
  EXPECT_EQ(j["throttle"], "paused by keel pause");
}

}  // namespace
}  // namespace keel::cli
