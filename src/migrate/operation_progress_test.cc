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

}  // namespace
}  // namespace keel::migrate
