// The operation_progress column's JSON (docs/history_format.md).
#include <gtest/gtest.h>

#include "keel/migrate.h"

namespace keel::migrate {
namespace {

TEST(OperationProgress, RoundTripsThroughItsJson) {
  std::vector<OperationProgress> progress = {{0, 1200, "id=1200"}, {3, 0, "\"quoted\" \xc3\xa9"}};
  const std::string json = progress_to_json(progress);
  EXPECT_EQ(json, R"([{"last_key":"id=1200","operation":0,"rows_done":1200},)"
                  R"({"last_key":"\"quoted\" é","operation":3,"rows_done":0}])");
  EXPECT_EQ(parse_progress(json), progress);
  EXPECT_EQ(progress_to_json({}), "[]");
  EXPECT_EQ(parse_progress("[]"), std::vector<OperationProgress>{});
}

TEST(OperationProgress, RejectsWhatIsNotAProgressList) {
  EXPECT_FALSE(parse_progress("not json"));
  EXPECT_FALSE(parse_progress(R"({"operation": 0})"));
  EXPECT_FALSE(parse_progress(R"([{"rows_done": 5}])"));    // no operation index
  EXPECT_FALSE(parse_progress(R"([{"operation": "0"}])"));  // not an integer
  auto partial = parse_progress(R"([{"operation": 2}])");   // the rest defaults
  ASSERT_TRUE(partial);
  EXPECT_EQ(*partial, (std::vector<OperationProgress>{{2, 0, ""}}));
}

TEST(OperationProgress, ABackfillKeepsItsFiguresAndSaysWhereItIs) {
  OperationProgress p{.operation = 1, .rows_done = 1200000, .last_key = R"(["1200000"])"};
  p.table = "users";
  p.rows_total = 5000000;
  p.rows_per_second = 40000;
  p.throttle = "standby lag 800 ms > 500 ms";
  p.updated_at = "2026-12-07T14:20:00Z";
  const std::string json = progress_to_json({p});
  EXPECT_NE(json.find(R"("rows_total":5000000)"), std::string::npos) << json;
  EXPECT_NE(json.find(R"("backfill_done":false)"), std::string::npos) << json;
  EXPECT_EQ(parse_progress(json), std::vector<OperationProgress>{p});
  // 3,800,000 rows left at 40,000 rows/s.
  EXPECT_EQ(eta_seconds(p), 95);
  EXPECT_EQ(describe_backfill(p),
            "backfill users: 1200000 rows of ~5000000 (24%), 40000 rows/s, ETA 1m35s, "
            "throttled: standby lag 800 ms > 500 ms");
  p.rows_per_second = 0;  // no rate yet: no ETA
  EXPECT_EQ(eta_seconds(p), std::nullopt);
  p.rows_total = 0;  // never analyzed: no estimate
  p.throttle.clear();
  EXPECT_EQ(describe_backfill(p), "backfill users: 1200000 rows, 0 rows/s");
  p.backfill_done = true;
  p.rows_per_second = 52000.4;
  EXPECT_EQ(describe_backfill(p), "backfill users: done, 1200000 rows, 52000 rows/s");
  EXPECT_EQ(eta_seconds(p), std::nullopt);
}

}  // namespace
}  // namespace keel::migrate
