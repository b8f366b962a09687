// Issue 16 item 5 on PostgreSQL: the first backfill touches every row once
// in keyset batches (counted by a BEFORE UPDATE trigger, which is how the
// engine's dual-write triggers see it), resumes after a given key, walks
// composite and odd text keys, and retries a batch that met a lock.
#include <gtest/gtest.h>

#include <pqxx/pqxx>

#include <chrono>
#include <iostream>
#include <memory>
#include <string>
#include <vector>

#include "dialects/postgres/ops/backfill.h"
#include "dialects/postgres/session.h"
#include "integration/pg_fixture.h"
#include "util/quote.h"

namespace keel::test {
namespace {

using std::chrono::milliseconds;

class BackfillPg : public PgTest {};

std::unique_ptr<pg::Session> open_session(const PgDatabase& db) {
  auto url = parse_connection_url(db.url());
  EXPECT_TRUE(url.has_value());
  auto session = pg::Session::open(*url);
  EXPECT_TRUE(session.has_value()) << session.error().to_string();
  return session ? std::move(*session) : nullptr;
}

// `table` (a quoted, qualified name) gets a column `touches` and a BEFORE
// UPDATE trigger that counts each row's touches in it.
void count_touches(const PgDatabase& db, const std::string& table) {
  db.sql("ALTER TABLE " + table +
         " ADD COLUMN touches int NOT NULL DEFAULT 0;"
         "CREATE OR REPLACE FUNCTION public.count_touch() RETURNS trigger LANGUAGE plpgsql AS "
         "$$BEGIN NEW.touches := OLD.touches + 1; RETURN NEW; END$$;"
         "CREATE TRIGGER count_touch BEFORE UPDATE ON " +
         table + " FOR EACH ROW EXECUTE FUNCTION public.count_touch()");
}

void fill(const PgDatabase& db, int rows) {
  db.sql(
      "CREATE TABLE public.items (id bigint PRIMARY KEY, payload text);"
      "INSERT INTO public.items SELECT g, 'row ' || g FROM generate_series(1, " +
      std::to_string(rows) + ") g");
  count_touches(db, "public.items");
}

TEST_F(BackfillPg, TouchesEveryRowOnceIn100BatchesOf1000) {
  PgDatabase db;
  fill(db, 100000);
  auto session = open_session(db);
  ASSERT_TRUE(session);
  pg::ops::BackfillOptions options;
  options.batch_size = 1000;
  std::vector<pg::ops::BackfillProgress> seen;
  options.on_batch = [&](const pg::ops::BackfillProgress& p) -> Result<void> {
    seen.push_back(p);
    return {};
  };
  auto start = std::chrono::steady_clock::now();
  auto done = pg::ops::backfill(*session, {"public", "items"}, options);
  auto backfill_ms =
      std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count();
  ASSERT_TRUE(done) << done.error().to_string();
  EXPECT_EQ(done->rows_done, 100000);
  EXPECT_EQ(done->last_key, R"(["100000"])");
  EXPECT_EQ(done->batches, 100);
  EXPECT_EQ(done->retries, 0);
  EXPECT_EQ(db.scalar("SELECT count(*) FROM public.items WHERE touches <> 1"), "0");
  ASSERT_EQ(seen.size(), 100u);
  EXPECT_EQ(seen[0].rows_done, 1000);
  EXPECT_EQ(seen[0].last_key, R"(["1000"])");
  EXPECT_EQ(seen[41].last_key, R"(["42000"])");

  // The same table touched by one plain UPDATE, for the figure.
  start = std::chrono::steady_clock::now();
  db.sql("UPDATE public.items SET id = id");
  auto plain_ms =
      std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count();
  EXPECT_EQ(db.scalar("SELECT count(*) FROM public.items WHERE touches <> 2"), "0");
  std::cout << "backfill of 100000 rows in batches of 1000: " << backfill_ms << " ms ("
            << 100000.0 / backfill_ms * 1000 << " rows/s); one plain UPDATE: " << plain_ms
            << " ms (" << 100000.0 / plain_ms * 1000 << " rows/s)\n";
}

TEST_F(BackfillPg, ResumesAfterTheGivenKeyOnly) {
  PgDatabase db;
  fill(db, 1000);
  auto session = open_session(db);
  ASSERT_TRUE(session);
  pg::ops::BackfillOptions options;
  options.batch_size = 100;
  options.resume = {.rows_done = 600, .last_key = R"(["600"])"};
  auto done = pg::ops::backfill(*session, {"public", "items"}, options);
  ASSERT_TRUE(done) << done.error().to_string();
  EXPECT_EQ(done->rows_done, 1000);
  EXPECT_EQ(done->last_key, R"(["1000"])");
  EXPECT_EQ(done->batches, 4);
  EXPECT_EQ(db.scalar("SELECT count(*) FROM public.items WHERE touches = 1 AND id > 600"), "400");
  EXPECT_EQ(db.scalar("SELECT count(*) FROM public.items WHERE touches <> 0 AND id <= 600"), "0");

  // A key that does not fit the table's: refused before any batch.
  options.resume = {.rows_done = 0, .last_key = R"(["1", "2"])"};
  auto refused = pg::ops::backfill(*session, {"public", "items"}, options);
  ASSERT_FALSE(refused);
  EXPECT_EQ(refused.error().code, ErrorCode::kConfig);
}

TEST_F(BackfillPg, CompositeKeysWithOddTextAndNamesNeedingQuotes) {
  PgDatabase db;
  db.sql(R"(CREATE SCHEMA "my app";
CREATE TABLE "my app"."Order""s" ("Tenant" text NOT NULL, "line no" int NOT NULL,
  PRIMARY KEY ("Tenant", "line no"));
INSERT INTO "my app"."Order""s" SELECT t, n FROM unnest(ARRAY['a', 'a"b', 'c,d', 'e''f',
  'g\h', ' space', 'ü', 'x)y']) t, generate_series(1, 3) n)");
  count_touches(db, R"("my app"."Order""s")");
  auto session = open_session(db);
  ASSERT_TRUE(session);
  pg::ops::BackfillOptions options;
  options.batch_size = 5;
  std::vector<std::string> keys;
  options.on_batch = [&](const pg::ops::BackfillProgress& p) -> Result<void> {
    keys.push_back(p.last_key);
    return {};
  };
  auto done = pg::ops::backfill(*session, {"my app", "Order\"s"}, options);
  ASSERT_TRUE(done) << done.error().to_string();
  EXPECT_EQ(done->rows_done, 24);
  EXPECT_EQ(done->batches, 5);
  EXPECT_EQ(db.scalar(R"(SELECT count(*) FROM "my app"."Order""s" WHERE touches <> 1)"), "0");
  ASSERT_EQ(keys.size(), 5u);

  EXPECT_EQ(keys.back(), db.scalar(R"(SELECT json_build_array("Tenant", "line no"::text)::text
FROM "my app"."Order""s" ORDER BY "Tenant" DESC, "line no" DESC LIMIT 1)"));

  // Resuming from each recorded key touches exactly the rows after it.
  for (const std::string& key : keys) {
    db.sql(R"(ALTER TABLE "my app"."Order""s" DISABLE TRIGGER count_touch;
UPDATE "my app"."Order""s" SET touches = 0;
ALTER TABLE "my app"."Order""s" ENABLE TRIGGER count_touch)");
    options.resume = {.rows_done = 0, .last_key = key};
    options.on_batch = nullptr;
    auto resumed = pg::ops::backfill(*session, {"my app", "Order\"s"}, options);
    ASSERT_TRUE(resumed) << key << ": " << resumed.error().to_string();
    std::string k = quote_literal(key);
    EXPECT_EQ(
        db.scalar(
            R"(SELECT count(*) FROM "my app"."Order""s" WHERE touches = 1 AND ("Tenant", "line no") > ()" +
            k + "::json->>0, (" + k + "::json->>1)::int)"),
        std::to_string(resumed->rows_done))
        << key;
    EXPECT_EQ(db.scalar(R"(SELECT count(*) FROM "my app"."Order""s" WHERE touches = 1)"),
              std::to_string(resumed->rows_done))
        << key;
  }
}

TEST_F(BackfillPg, AnEmptyTableIsDoneAtOnce) {
  PgDatabase db;
  fill(db, 0);
  auto session = open_session(db);
  ASSERT_TRUE(session);
  auto done = pg::ops::backfill(*session, {"public", "items"}, {});
  ASSERT_TRUE(done) << done.error().to_string();
  EXPECT_EQ(done->rows_done, 0);
  EXPECT_EQ(done->last_key, "");
}

TEST_F(BackfillPg, AnIdentityAlwaysKeyIsWalkedButAnotherColumnIsTouched) {
  PgDatabase db;
  db.sql(
      "CREATE TABLE public.items (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY, "
      "doubled bigint GENERATED ALWAYS AS (id * 2) STORED, payload text);"
      "INSERT INTO public.items (payload) SELECT 'row ' || g FROM generate_series(1, 250) g");
  count_touches(db, "public.items");
  db.sql("CREATE TABLE public.only_identity (id int GENERATED ALWAYS AS IDENTITY PRIMARY KEY)");
  auto session = open_session(db);
  ASSERT_TRUE(session);
  auto touch = pg::ops::backfill_touch_column(*session, {"public", "items"}, {"id"});
  ASSERT_TRUE(touch) << touch.error().to_string();
  EXPECT_EQ(*touch, "payload");
  pg::ops::BackfillOptions options;
  options.batch_size = 100;
  auto done = pg::ops::backfill(*session, {"public", "items"}, options);
  ASSERT_TRUE(done) << done.error().to_string();
  EXPECT_EQ(done->rows_done, 250);
  EXPECT_EQ(db.scalar("SELECT count(*) FROM public.items WHERE touches <> 1"), "0");
  auto none = pg::ops::backfill(*session, {"public", "only_identity"}, options);
  ASSERT_FALSE(none);
  EXPECT_EQ(none.error().code, ErrorCode::kConfig);
  EXPECT_NE(none.error().message.find("table public.only_identity has no column an UPDATE can set"),
            std::string::npos)
      << none.error().message;
}

TEST_F(BackfillPg, KeyIsThePrimaryKeyElseAUniqueIndexOverNotNullColumns) {
  PgDatabase db;
  db.sql(R"(CREATE TABLE public.nokey (a int, b text);
CREATE TABLE public.nullable (a int UNIQUE, b text);
CREATE TABLE public.uniq (a int, b text NOT NULL, c int NOT NULL, d int NOT NULL);
CREATE UNIQUE INDEX uniq_partial ON public.uniq (b) WHERE c > 0;
CREATE UNIQUE INDEX uniq_cd ON public.uniq (c, d);
CREATE UNIQUE INDEX uniq_b_lower ON public.uniq (lower(b));
CREATE TABLE public.pk (a int UNIQUE NOT NULL, b int, c int, PRIMARY KEY (c, b));)");
  auto session = open_session(db);
  ASSERT_TRUE(session);
  auto uniq = pg::ops::backfill_key(*session, {"public", "uniq"});
  ASSERT_TRUE(uniq) << uniq.error().to_string();
  EXPECT_EQ(*uniq, (std::vector<std::string>{"c", "d"}));
  auto pk = pg::ops::backfill_key(*session, {"public", "pk"});
  ASSERT_TRUE(pk) << pk.error().to_string();
  EXPECT_EQ(*pk, (std::vector<std::string>{"c", "b"}));
  // No usable key: the walk goes by pages.
  for (const char* table : {"nokey", "nullable"}) {
    auto none = pg::ops::backfill_key(*session, {"public", table});
    ASSERT_TRUE(none) << table << ": " << none.error().to_string();
    EXPECT_TRUE(none->empty()) << table;
  }
  auto missing = pg::ops::backfill(*session, {"public", "absent"}, {});
  ASSERT_FALSE(missing);
  EXPECT_NE(missing.error().message.find("public.absent"), std::string::npos)
      << missing.error().message;
}

TEST_F(BackfillPg, ATableWithoutKeyIsWalkedByPagesAndResumesFromOne) {
  PgDatabase db;
  db.sql(
      "CREATE TABLE public.events (at int, note text);"
      "INSERT INTO public.events SELECT g % 7, repeat('x', 40) FROM generate_series(1, 20000) g;"
      "ANALYZE public.events");
  count_touches(db, "public.events");
  const int64_t pages = std::stoll(
      db.scalar("SELECT pg_relation_size('public.events') / current_setting('block_size')::int"));
  ASSERT_GT(pages, 50);
  auto session = open_session(db);
  ASSERT_TRUE(session);
  pg::ops::BackfillOptions options;
  options.batch_size = 1000;
  std::vector<pg::ops::BackfillProgress> seen;
  options.on_batch = [&](const pg::ops::BackfillProgress& p) -> Result<void> {
    seen.push_back(p);
    return {};
  };
  auto done = pg::ops::backfill(*session, {"public", "events"}, options);
  ASSERT_TRUE(done) << done.error().to_string();
  // Every row at least once; the versions the batches appended past the table's first size
  // not again. A row whose new version went into a page not walked yet is touched twice
  // (harmless to the triggers): a few, counted in rows_done.
  EXPECT_EQ(db.scalar("SELECT count(*) FROM public.events WHERE touches = 0"), "0");
  EXPECT_EQ(db.scalar("SELECT sum(touches) FROM public.events"), std::to_string(done->rows_done));
  EXPECT_LT(std::stoi(db.scalar("SELECT count(*) FROM public.events WHERE touches > 1")), 400);
  EXPECT_EQ(done->last_key, "[\"(" + std::to_string(pages) + ",0)\"]");
  EXPECT_GE(done->batches, 15);
  ASSERT_FALSE(seen.empty());
  EXPECT_LT(seen.front().rows_done, 20000);

  // From a recorded page: the rows in the pages before it are left alone.
  db.sql(
      "TRUNCATE public.events;"
      "INSERT INTO public.events SELECT g % 7, repeat('x', 40) FROM generate_series(1, 20000) g");
  const std::string before =
      db.scalar("SELECT count(*) FROM public.events WHERE (ctid::text::point)[0] < 30");
  options.on_batch = nullptr;
  options.resume = {.rows_done = 5, .last_key = R"k(["(30,0)"])k"};
  auto resumed = pg::ops::backfill(*session, {"public", "events"}, options);
  ASSERT_TRUE(resumed) << resumed.error().to_string();
  EXPECT_EQ(db.scalar("SELECT count(*) FROM public.events WHERE touches = 0"), before);
  EXPECT_EQ(std::to_string(resumed->rows_done - 5),
            db.scalar("SELECT sum(touches) FROM public.events"));
  EXPECT_LT(std::stoi(db.scalar("SELECT count(*) FROM public.events WHERE touches > 1")), 400);

  // A key position on a table without key: refused before any batch.
  options.resume = {.rows_done = 0, .last_key = R"(["600"])"};
  auto refused = pg::ops::backfill(*session, {"public", "events"}, options);
  ASSERT_FALSE(refused);
  EXPECT_EQ(refused.error().code, ErrorCode::kConfig);
  EXPECT_NE(refused.error().message.find("no key now"), std::string::npos)
      << refused.error().message;
}

TEST_F(BackfillPg, ABatchThatMeetsALockIsRetriedOnceItIsReleased) {
  PgDatabase db;
  fill(db, 300);
  auto session = open_session(db);
  ASSERT_TRUE(session);
  pqxx::connection other(db.url());
  auto blocker = std::make_unique<pqxx::work>(other);
  blocker->exec("LOCK TABLE public.items IN EXCLUSIVE MODE");
  pg::ops::BackfillOptions options;
  options.batch_size = 100;
  std::vector<milliseconds> waits;
  options.sleep = [&](milliseconds wait) {
    waits.push_back(wait);
    if (blocker) {
      blocker->commit();
      blocker.reset();
    }
  };
  auto done = pg::ops::backfill(*session, {"public", "items"}, options);
  ASSERT_TRUE(done) << done.error().to_string();
  EXPECT_EQ(done->retries, 1);
  ASSERT_EQ(waits.size(), 1u);
  EXPECT_GE(waits[0], milliseconds(100));  // half of the 200 ms before try 2
  EXPECT_LE(waits[0], milliseconds(200));
  EXPECT_EQ(done->rows_done, 300);
  EXPECT_EQ(db.scalar("SELECT count(*) FROM public.items WHERE touches <> 1"), "0");
}

TEST_F(BackfillPg, ABatchStillLockedAfterItsTriesFailsClearly) {
  PgDatabase db;
  fill(db, 300);
  auto session = open_session(db);
  ASSERT_TRUE(session);
  pqxx::connection other(db.url());
  pqxx::work blocker(other);
  blocker.exec("SELECT * FROM public.items WHERE id = 150 FOR UPDATE");
  pg::ops::BackfillOptions options;
  options.batch_size = 100;
  options.retry.attempts = 3;
  int waits = 0;
  options.sleep = [&](milliseconds) { ++waits; };
  std::vector<std::string> keys;
  options.on_batch = [&](const pg::ops::BackfillProgress& p) -> Result<void> {
    keys.push_back(p.last_key);
    return {};
  };
  auto done = pg::ops::backfill(*session, {"public", "items"}, options);
  ASSERT_FALSE(done);
  EXPECT_EQ(done.error().sqlstate, "55P03");
  EXPECT_EQ(waits, 2);
  EXPECT_NE(done.error().message.find("backfill of public.items: the batch after key [\"100\"] "
                                      "was still locked after 3 tries"),
            std::string::npos)
      << done.error().message;
  EXPECT_EQ(keys, (std::vector<std::string>{R"(["100"])"}));
  blocker.abort();
  // The first batch committed; the second left nothing behind.
  EXPECT_EQ(db.scalar("SELECT count(*) FROM public.items WHERE touches = 1"), "100");
}

TEST_F(BackfillPg, AProgressCallbackErrorStopsTheBackfill) {
  PgDatabase db;
  fill(db, 300);
  auto session = open_session(db);
  ASSERT_TRUE(session);
  pg::ops::BackfillOptions options;
  options.batch_size = 100;
  options.on_batch = [](const pg::ops::BackfillProgress&) -> Result<void> {
    return fail(ErrorCode::kIo, "cannot record the progress");
  };
  auto done = pg::ops::backfill(*session, {"public", "items"}, options);
  ASSERT_FALSE(done);
  EXPECT_EQ(done.error().message, "cannot record the progress");
  EXPECT_EQ(db.scalar("SELECT count(*) FROM public.items WHERE touches = 1"), "100");
}

}  // namespace
}  // namespace keel::test
