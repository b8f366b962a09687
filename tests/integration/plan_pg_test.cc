// keel plan against a real PostgreSQL: the dry run's locks, rewrites,
// proofs and gates, end to end through the keel binary.
#include <fmt/format.h>
#include <gtest/gtest.h>

#include <chrono>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <thread>

#include "integration/plan_fixture.h"

namespace keel::test {
namespace {

using namespace std::chrono_literals;

class PlanPg : public PlanFixture {};

TEST_F(PlanPg, AlterTypeBigintTakesAccessExclusiveAndRewritesAndChangesNothing) {
  PlanSetup target(
      "CREATE TABLE users (id int PRIMARY KEY, email text);"
      "INSERT INTO users SELECT g, g::text FROM generate_series(1, 500) g");
  auto& [db, folder] = target;
  std::string hash = db.hash();
  folder.write("0001_bigint.up.sql", "ALTER TABLE users ALTER COLUMN id TYPE bigint;\n");
  folder.write("0001_bigint.down.sql", "ALTER TABLE users ALTER COLUMN id TYPE int;\n");

  RunResult r;
  nlohmann::json j = plan_json(db, folder, r);
  // Proven idempotent and reversible, but keel lint's alter-column-type is an
  // error, and lint errors are a gate.
  ASSERT_EQ(r.status, 3) << r.err << r.out;
  EXPECT_EQ(j["verdict"], "REJECTED");
  const auto& m = j["migrations"][0];
  EXPECT_EQ(m["idempotent"], true);
  EXPECT_EQ(m["reversible"], true);
  ASSERT_EQ(m["reasons"].size(), 1u) << m.dump();
  EXPECT_EQ(m["reasons"][0].get<std::string>().rfind(
                "lint alter-column-type at migrations/0001_bigint.up.sql:1:", 0),
            0u)
      << m.dump();
  const auto& st = m["statements"][0];
  EXPECT_EQ(st["line"], 1);
  EXPECT_NE(
      std::find(st["locks"].begin(), st["locks"].end(),
                nlohmann::json{{"relation", "public.users"}, {"mode", "AccessExclusiveLock"}}),
      st["locks"].end())
      << st.dump();
  EXPECT_NE(std::find(st["rewrites"].begin(), st["rewrites"].end(), "public.users"),
            st["rewrites"].end())
      << st.dump();
  EXPECT_EQ(m["changed"], nlohmann::json::array({"column public.users.id"}));
  EXPECT_EQ(j["schema_hash_before"], hash);
  EXPECT_EQ(j["schema_hash_after"], hash);
  EXPECT_EQ(db.hash(), hash);
  EXPECT_EQ(db.scalar("SELECT format_type(atttypid, atttypmod) FROM pg_attribute "
                      "WHERE attrelid = 'users'::regclass AND attname = 'id'"),
            "integer");

  // The same as text: the lock, the rewrite, the verdict.
  RunResult text = folder.keel("plan");
  EXPECT_EQ(text.status, 3) << text.err;
  EXPECT_NE(text.out.find("lock AccessExclusiveLock public.users"), std::string::npos) << text.out;
  EXPECT_NE(text.out.find("REWRITES public.users"), std::string::npos) << text.out;
}

TEST_F(PlanPg, ABlockingSessionIsNamedAndNothingChanges) {
  PlanSetup target("CREATE TABLE users (id int PRIMARY KEY)");
  auto& [db, folder] = target;
  std::string hash = db.hash();
  folder.dir.write("keel.toml", "[migrations]\nlock_timeout = \"1s\"\n");
  folder.write("0001_col.up.sql", "ALTER TABLE users ADD COLUMN IF NOT EXISTS name text;\n");
  folder.write("0001_col.down.sql", "ALTER TABLE users DROP COLUMN name;\n");

  pqxx::connection blocker(db.url());
  pqxx::nontransaction tx(blocker);
  tx.exec("SET application_name = 'holder'");
  tx.exec("BEGIN");
  tx.exec("LOCK users IN ACCESS SHARE MODE");
  auto start = std::chrono::steady_clock::now();
  RunResult r;
  nlohmann::json j = plan_json(db, folder, r);
  auto took = std::chrono::steady_clock::now() - start;
  tx.exec("COMMIT");

  EXPECT_EQ(r.status, 3) << r.err << r.out;
  EXPECT_LT(took, 10s);
  ASSERT_TRUE(j.is_object()) << r.out;
  EXPECT_EQ(j["verdict"], "REJECTED");
  const auto& m = j["migrations"][0];
  ASSERT_FALSE(m["reasons"].empty());
  std::string reason = m["reasons"][0];
  EXPECT_NE(reason.find("lock_timeout"), std::string::npos) << reason;
  EXPECT_NE(reason.find(fmt::format("pid {}", blocker.backendpid())), std::string::npos) << reason;
  EXPECT_NE(reason.find("holder"), std::string::npos) << reason;
  const auto& blockers = m["statements"][0]["blockers"];
  ASSERT_EQ(blockers.size(), 1u) << m.dump();
  EXPECT_EQ(blockers[0]["pid"], blocker.backendpid());
  EXPECT_EQ(blockers[0]["state"], "idle in transaction");
  EXPECT_EQ(db.hash(), hash);
}

TEST_F(PlanPg, StatementTimeoutIsAGate) {
  PlanSetup target("CREATE TABLE users (id int PRIMARY KEY)");
  auto& [db, folder] = target;
  folder.write("0001_slow.up.sql",
               "-- keel:statement-timeout 500ms\nALTER TABLE users ADD COLUMN IF NOT EXISTS a "
               "text;\nSELECT pg_sleep(5);\n");
  folder.write("0001_slow.down.sql", "ALTER TABLE users DROP COLUMN IF EXISTS a;\n");
  // The reason below proves the 5 s sleep was cut by the timeout (a wall-clock
  // bound here failed on a loaded machine, where keel's start-up alone took
  // seconds).
  RunResult r;
  nlohmann::json j = plan_json(db, folder, r);
  EXPECT_EQ(r.status, 3) << r.err << r.out;
  ASSERT_TRUE(j.is_object()) << r.out;
  EXPECT_NE(j["migrations"][0]["reasons"][0].get<std::string>().find(
                "migrations/0001_slow.up.sql:3: statement_timeout hit"),
            std::string::npos)
      << j.dump();
  EXPECT_EQ(db.scalar("SELECT count(*) FROM pg_attribute WHERE attrelid = 'users'::regclass "
                      "AND attname = 'a'"),
            "0");
}

TEST_F(PlanPg, NotIdempotentOrNotReversibleIsRejectedAndAGoodOneValidated) {
  PlanSetup target("CREATE TABLE users (id int PRIMARY KEY)");
  auto& [db, folder] = target;
  // Cannot run twice.
  folder.write("0001_twice.up.sql", "ALTER TABLE users ADD COLUMN name text;\n");
  folder.write("0001_twice.down.sql", "ALTER TABLE users DROP COLUMN name;\n");
  RunResult r;
  nlohmann::json j = plan_json(db, folder, r);
  EXPECT_EQ(r.status, 3) << r.err;
  EXPECT_EQ(j["migrations"][0]["idempotent"], false);
  EXPECT_EQ(j["migrations"][0]["reversible"], true);
  EXPECT_NE(j["migrations"][0]["reasons"][0].get<std::string>().find("not idempotent"),
            std::string::npos);

  // Its down does not restore the schema (drops one column too few).
  folder.write("0001_twice.up.sql",
               "ALTER TABLE users ADD COLUMN IF NOT EXISTS name text;\n"
               "ALTER TABLE users ADD COLUMN IF NOT EXISTS nick text;\n");
  j = plan_json(db, folder, r);
  EXPECT_EQ(r.status, 3) << r.err;
  EXPECT_EQ(j["migrations"][0]["idempotent"], true);
  EXPECT_EQ(j["migrations"][0]["reversible"], false);
  EXPECT_NE(j["migrations"][0]["reasons"][0].get<std::string>().find("not reversible"),
            std::string::npos);

  // Without a down script.
  folder.remove("0001_twice.down.sql");
  j = plan_json(db, folder, r);
  EXPECT_EQ(r.status, 3);
  EXPECT_EQ(j["migrations"][0]["reasons"][0], "not reversible: it has no down script");

  // A good one.
  folder.write("0001_twice.down.sql",
               "ALTER TABLE users DROP COLUMN IF EXISTS nick;\n"
               "ALTER TABLE users DROP COLUMN IF EXISTS name;\n");
  j = plan_json(db, folder, r);
  EXPECT_EQ(r.status, 0) << r.out;
  EXPECT_EQ(j["verdict"], "VALIDATED");
  EXPECT_EQ(db.scalar("SELECT count(*) FROM pg_attribute WHERE attrelid = 'users'::regclass "
                      "AND attnum > 0"),
            "1");
}

TEST_F(PlanPg, ConcurrentIndexIsDryRunAsItsInTransactionEquivalent) {
  PlanSetup target("CREATE TABLE users (id int PRIMARY KEY, email text)");
  auto& [db, folder] = target;
  folder.write("0001_idx.up.sql",
               "CREATE INDEX CONCURRENTLY IF NOT EXISTS users_email_idx ON users (email);\n");
  folder.write("0001_idx.down.sql", "DROP INDEX CONCURRENTLY IF EXISTS users_email_idx;\n");
  RunResult r;
  nlohmann::json j = plan_json(db, folder, r);
  ASSERT_EQ(r.status, 0) << r.err << r.out;
  const auto& st = j["migrations"][0]["statements"][0];
  EXPECT_NE(st["note"].get<std::string>().find("in-transaction equivalent"), std::string::npos);
  EXPECT_EQ(st["ran"], "CREATE INDEX IF NOT EXISTS users_email_idx ON users (email)");
  EXPECT_NE(std::find(st["locks"].begin(), st["locks"].end(),
                      nlohmann::json{{"relation", "public.users"}, {"mode", "ShareLock"}}),
            st["locks"].end())
      << st.dump();
  EXPECT_EQ(db.scalar("SELECT to_regclass('users_email_idx')"), "");
}

TEST_F(PlanPg, BigRewriteAndLongExclusiveLockAreGates) {
  PlanSetup target(
      "CREATE TABLE big (id int PRIMARY KEY);"
      "INSERT INTO big SELECT generate_series(1, 2000); ANALYZE big");
  auto& [db, folder] = target;
  folder.dir.write("keel.toml", "[plan]\nmax_rewrite_rows = 1000\nmax_lock_ms = 100\n");
  folder.write("0001_slow.up.sql",
               "ALTER TABLE big ALTER COLUMN id TYPE bigint;\nSELECT pg_sleep(0.3);\n");
  folder.write("0001_slow.down.sql", "ALTER TABLE big ALTER COLUMN id TYPE int;\n");
  RunResult r;
  nlohmann::json j = plan_json(db, folder, r);
  EXPECT_EQ(r.status, 3) << r.err;
  std::string reasons = j["migrations"][0]["reasons"].dump();
  EXPECT_NE(reasons.find("rewrites public.big (2000 rows, max_rewrite_rows 1000)"),
            std::string::npos)
      << reasons;
  EXPECT_NE(reasons.find("ACCESS EXCLUSIVE lock on public.big"), std::string::npos) << reasons;
}

TEST_F(PlanPg, VerifyQueriesAreExplainedAndTempFilesCounted) {
  PlanSetup target(
      "CREATE TABLE events (id int PRIMARY KEY, payload text);"
      "INSERT INTO events SELECT g, md5(g::text) FROM generate_series(1, 200000) g");
  auto& [db, folder] = target;
  folder.dir.write("keel.toml",
                   "[plan]\nmax_rewrite_rows = 1000000\nverify_queries = [\"SELECT count(*) "
                   "FROM events WHERE payload = 'x'\"]\n");
  // A small maintenance_work_mem makes the index build sort on disk.
  folder.write("0001_idx.up.sql",
               "SET LOCAL maintenance_work_mem = '1MB';\n"
               "CREATE INDEX CONCURRENTLY IF NOT EXISTS events_payload_idx ON events (payload);\n");
  folder.write("0001_idx.down.sql", "DROP INDEX CONCURRENTLY IF EXISTS events_payload_idx;\n");
  RunResult r;
  nlohmann::json j = plan_json(db, folder, r);
  ASSERT_TRUE(j.is_object()) << r.err << r.out;
  const auto& explains = j["migrations"][0]["explains"];
  ASSERT_EQ(explains.size(), 1u) << j.dump();
  std::string plan = explains[0]["plan"];
  EXPECT_NE(plan.find("events_payload_idx"), std::string::npos) << plan;
  EXPECT_NE(plan.find("Execution Time"), std::string::npos) << plan;
  EXPECT_GT(j["temp_files"].get<int64_t>(), 0) << j.dump();
  EXPECT_GT(j["temp_bytes"].get<int64_t>(), 0) << j.dump();
  EXPECT_EQ(db.scalar("SELECT to_regclass('events_payload_idx')"), "");
}

TEST_F(PlanPg, ExpectedDiffMustMatchExactly) {
  PlanSetup target("CREATE TABLE users (id int PRIMARY KEY)");
  auto& [db, folder] = target;
  folder.write("0001_name.up.sql", "ALTER TABLE users ADD COLUMN IF NOT EXISTS name text;\n");
  folder.write("0001_name.down.sql", "ALTER TABLE users DROP COLUMN IF EXISTS name;\n");
  folder.write("0001_name.expect.json", R"(["column public.users.name"])");
  RunResult r;
  nlohmann::json j = plan_json(db, folder, r);
  EXPECT_EQ(r.status, 0) << r.out;
  EXPECT_EQ(j["migrations"][0]["expect"], "migrations/0001_name.expect.json");

  folder.write("0001_name.expect.json", R"(["column public.users.nick"])");
  j = plan_json(db, folder, r);
  EXPECT_EQ(r.status, 3) << r.out;
  EXPECT_EQ(j["migrations"][0]["reasons"][0],
            "the schema diff does not match migrations/0001_name.expect.json: changed but not "
            "expected: column public.users.name; expected but not changed: column "
            "public.users.nick");

  folder.write("0001_name.expect.json", R"({"column": "public.users.name"})");
  RunResult bad = folder.keel("plan");
  EXPECT_EQ(bad.status, 1);
  EXPECT_NE(bad.err.find("0001_name.expect.json: an expected-diff file must be a JSON array"),
            std::string::npos)
      << bad.err;
}

TEST_F(PlanPg, ApplyRequireValidatedTrustsOnlySavedValidatedPlans) {
  PlanSetup target("CREATE TABLE users (id int PRIMARY KEY)");
  auto& [db, folder] = target;
  folder.write("0001_name.up.sql", "ALTER TABLE users ADD COLUMN IF NOT EXISTS name text;\n");
  folder.write("0001_name.down.sql", "ALTER TABLE users DROP COLUMN IF EXISTS name;\n");

  RunResult refused = folder.keel("apply", {"--require-validated"});
  EXPECT_EQ(refused.status, 3) << refused.err;
  EXPECT_NE(refused.err.find("migrations/0001_name.up.sql"), std::string::npos) << refused.err;
  EXPECT_EQ(db.scalar("SELECT count(*) FROM pg_attribute WHERE attrelid = 'users'::regclass "
                      "AND attname = 'name'"),
            "0");

  RunResult r;
  nlohmann::json j = plan_json(db, folder, r);
  ASSERT_EQ(r.status, 0) << r.err << r.out;
  ASSERT_TRUE(j["saved"].is_string()) << r.out;
  EXPECT_TRUE(std::filesystem::exists(folder.dir.file(j["saved"].get<std::string>())));

  // Edited after the plan: its checksum was never validated.
  folder.write("0001_name.up.sql", "ALTER TABLE users ADD COLUMN IF NOT EXISTS name varchar;\n");
  EXPECT_EQ(folder.keel("apply", {"--require-validated"}).status, 3);
  folder.write("0001_name.up.sql", "ALTER TABLE users ADD COLUMN IF NOT EXISTS name text;\n");
  RunResult applied = folder.keel("apply", {"--require-validated"});
  EXPECT_EQ(applied.status, 0) << applied.err;
  EXPECT_EQ(db.scalar("SELECT count(*) FROM pg_attribute WHERE attrelid = 'users'::regclass "
                      "AND attname = 'name'"),
            "1");
}

}  // namespace
}  // namespace keel::test
