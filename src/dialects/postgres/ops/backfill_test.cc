// The backfill's pure parts, without a database: its exact SQL, the last
// key's form and the jittered waits. The batches themselves run on a real
// server in tests/integration/backfill_pg_test.cc.
#include "dialects/postgres/ops/backfill.h"

#include <gtest/gtest.h>

namespace keel::pg::ops {
namespace {

using std::chrono::milliseconds;

TEST(Backfill, FirstBatchSqlQuotesEveryName) {
  EXPECT_EQ(
      backfill_batch_sql({"my app", "Order\"s"}, {"id"}, "id", /*after_key=*/false, 1000),
      "WITH keel_batch AS (SELECT \"id\" FROM \"my app\".\"Order\"\"s\" ORDER BY \"id\" LIMIT "
      "1000), keel_touched AS (UPDATE \"my app\".\"Order\"\"s\" AS keel_row SET \"id\" = "
      "keel_row.\"id\" FROM keel_batch WHERE (keel_row.\"id\") = (keel_batch.\"id\") RETURNING "
      "1) SELECT (SELECT count(*) FROM keel_touched), (SELECT count(*) FROM keel_batch), (SELECT "
      "json_build_array(\"id\"::text)::text FROM keel_batch ORDER BY \"id\" DESC LIMIT 1)");
}

TEST(Backfill, LaterBatchesStartAfterTheCompositeKey) {
  EXPECT_EQ(
      backfill_batch_sql({"public", "t"}, {"Tenant", "line no"}, "Tenant", /*after_key=*/true, 50),
      "WITH keel_batch AS (SELECT \"Tenant\", \"line no\" FROM \"public\".\"t\" WHERE "
      "(\"Tenant\", \"line no\") > ($1, $2) ORDER BY \"Tenant\", \"line no\" LIMIT 50), "
      "keel_touched AS (UPDATE \"public\".\"t\" AS keel_row SET \"Tenant\" = "
      "keel_row.\"Tenant\" FROM keel_batch WHERE (keel_row.\"Tenant\", keel_row.\"line "
      "no\") = (keel_batch.\"Tenant\", keel_batch.\"line no\") RETURNING 1) SELECT (SELECT "
      "count(*) FROM keel_touched), (SELECT count(*) FROM keel_batch), (SELECT "
      "json_build_array(\"Tenant\"::text, \"line no\"::text)::text FROM keel_batch ORDER "
      "BY \"Tenant\" DESC, \"line no\" DESC LIMIT 1)");
}

TEST(Backfill, TheTouchedColumnNeedNotBeTheKey) {
  EXPECT_EQ(backfill_batch_sql({"s", "t"}, {"id"}, "Note", /*after_key=*/true, 10),
            "WITH keel_batch AS (SELECT \"id\" FROM \"s\".\"t\" WHERE (\"id\") > ($1) ORDER BY "
            "\"id\" LIMIT 10), keel_touched AS (UPDATE \"s\".\"t\" AS keel_row SET \"Note\" = "
            "keel_row.\"Note\" FROM keel_batch WHERE (keel_row.\"id\") = (keel_batch.\"id\") "
            "RETURNING 1) SELECT (SELECT count(*) FROM keel_touched), (SELECT count(*) FROM "
            "keel_batch), (SELECT json_build_array(\"id\"::text)::text FROM keel_batch ORDER BY "
            "\"id\" DESC LIMIT 1)");
}

TEST(Backfill, LastKeyIsAJsonArrayOfOneStringPerKeyColumn) {
  auto values = parse_last_key(R"(["a \"quoted\", value", "2024-01-01 00:00:00+00"])", 2);
  ASSERT_TRUE(values.has_value()) << values.error().to_string();
  EXPECT_EQ(*values, (std::vector<std::string>{"a \"quoted\", value", "2024-01-01 00:00:00+00"}));

  for (const char* bad : {"", "id=1200", "[1200]", R"(["1"])", R"({"id": "1"})"}) {
    auto parsed = parse_last_key(bad, 2);
    ASSERT_FALSE(parsed.has_value()) << bad;
    EXPECT_EQ(parsed.error().code, ErrorCode::kConfig);
    EXPECT_NE(parsed.error().message.find("key column"), std::string::npos)
        << parsed.error().message;
  }
}

TEST(Backfill, RetryWaitsAreJitteredBetweenHalfAndTheFullDelay) {
  ddl::LockRetry retry;  // 200 ms doubled, at most 5 s
  EXPECT_EQ(backfill_delay(retry, 1, 0.5), milliseconds(0));
  EXPECT_EQ(backfill_delay(retry, 2, 0.0), milliseconds(100));
  EXPECT_EQ(backfill_delay(retry, 2, 0.999), milliseconds(199));
  EXPECT_EQ(backfill_delay(retry, 3, 0.0), milliseconds(200));
  EXPECT_EQ(backfill_delay(retry, 3, 0.5), milliseconds(300));
  EXPECT_EQ(backfill_delay(retry, 20, 1.0), milliseconds(5000));
}

}  // namespace
}  // namespace keel::pg::ops
