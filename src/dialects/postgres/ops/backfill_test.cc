// The backfill's pure parts, without a database: its exact SQL, the last
// key's form and the jittered waits. The batches themselves run on a real
// server in tests/integration/backfill_pg_test.cc.
#include "dialects/postgres/ops/backfill.h"

#include <gtest/gtest.h>

namespace keel::pg::ops {
namespace {

using std::chrono::milliseconds;

TEST(Backfill, FirstBatchSqlQuotesEveryName) {
  EXPECT_EQ(backfill_bound_sql({"my app", "Order\"s"}, {"id"}, /*after_key=*/false, 1000),
            "SELECT json_build_array(\"id\"::text)::text FROM \"my app\".\"Order\"\"s\" ORDER BY "
            "\"id\" OFFSET 999 LIMIT 1");
  EXPECT_EQ(backfill_batch_sql({"my app", "Order\"s"}, {"id"}, "id", /*after_key=*/false,
                               /*bounded=*/true),
            "WITH keel_touched AS (UPDATE \"my app\".\"Order\"\"s\" SET \"id\" = \"id\" WHERE "
            "(\"id\") <= ($1) RETURNING 1) SELECT count(*) FROM keel_touched");
}

TEST(Backfill, LaterBatchesStartAfterTheCompositeKey) {
  EXPECT_EQ(backfill_bound_sql({"public", "t"}, {"Tenant", "line no"}, /*after_key=*/true, 50),
            "SELECT json_build_array(\"Tenant\"::text, \"line no\"::text)::text FROM "
            "\"public\".\"t\" WHERE (\"Tenant\", \"line no\") > ($1, $2) ORDER BY \"Tenant\", "
            "\"line no\" OFFSET 49 LIMIT 1");
  EXPECT_EQ(backfill_batch_sql({"public", "t"}, {"Tenant", "line no"}, "Tenant",
                               /*after_key=*/true, /*bounded=*/true),
            "WITH keel_touched AS (UPDATE \"public\".\"t\" SET \"Tenant\" = \"Tenant\" WHERE "
            "(\"Tenant\", \"line no\") > ($1, $2) AND (\"Tenant\", \"line no\") <= ($3, $4) "
            "RETURNING 1) SELECT count(*) FROM keel_touched");
}

TEST(Backfill, TheLastBatchHasNoUpperBoundAndReturnsItsLastKey) {
  EXPECT_EQ(backfill_batch_sql({"s", "t"}, {"id"}, "Note", /*after_key=*/true, /*bounded=*/false),
            "WITH keel_touched AS (UPDATE \"s\".\"t\" SET \"Note\" = \"Note\" WHERE (\"id\") > "
            "($1) RETURNING \"id\") SELECT (SELECT count(*) FROM keel_touched), (SELECT "
            "json_build_array(\"id\"::text)::text FROM keel_touched ORDER BY \"id\" DESC LIMIT 1)");
  EXPECT_EQ(backfill_batch_sql({"s", "t"}, {"id"}, "id", /*after_key=*/false, /*bounded=*/false),
            "WITH keel_touched AS (UPDATE \"s\".\"t\" SET \"id\" = \"id\" RETURNING \"id\") SELECT "
            "(SELECT count(*) FROM keel_touched), (SELECT json_build_array(\"id\"::text)::text "
            "FROM keel_touched ORDER BY \"id\" DESC LIMIT 1)");
}

TEST(Backfill, ATableWithoutKeyIsWalkedByPageRanges) {
  EXPECT_EQ(backfill_page_sql({"s", "Log"}, "msg"),
            "WITH keel_touched AS (UPDATE \"s\".\"Log\" SET \"msg\" = \"msg\" WHERE ctid >= "
            "$1::tid AND ctid < $2::tid RETURNING 1) SELECT count(*) FROM keel_touched");
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
