// Issue 14 items 3 and 18: `diff` reads from -> to; drift refuses a manifest
// of another dialect and a directory; object names that need quotes are
// quoted; "server server" is said once; functions' SET clauses compare by
// meaning.
#include <nlohmann/json.hpp>

#include <filesystem>

#include "integration/pg_fixture.h"
#include "integration/run.h"

namespace keel::test {
namespace {

size_t count_of(const std::string& text, const std::string& what) {
  size_t n = 0;
  for (size_t at = text.find(what); at != std::string::npos; at = text.find(what, at + 1)) ++n;
  return n;
}

TEST_F(PgTest, DiffFix14ReadsFromTo) {
  PgDatabase a, b;
  a.sql(
      "CREATE EXTENSION citext VERSION '1.5'; CREATE TABLE kept (id int, n integer);"
      "CREATE TABLE only_a (id int)");
  b.sql(
      "CREATE EXTENSION citext VERSION '1.6'; CREATE TABLE kept (id int, n bigint);"
      "CREATE TABLE only_b (id int)");
  RunResult r = run_keel({"diff", "--from", a.url(), "--to", b.url()});
  EXPECT_EQ(r.status, 3) << r.out << r.err;
  EXPECT_NE(r.out.find("extension citext: version: 1.5 -> 1.6"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("column public.kept.n: type: integer -> bigint"), std::string::npos)
      << r.out;
  EXPECT_NE(r.out.find("table public.only_b: added (only in --to)"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("table public.only_a: removed (only in --from)"), std::string::npos)
      << r.out;
  EXPECT_EQ(r.out.find("reference"), std::string::npos) << r.out;
  EXPECT_EQ(r.out.find("expected"), std::string::npos) << r.out;

  // The reverse comparison reads the other way round.
  RunResult back = run_keel({"diff", "--from", b.url(), "--to", a.url()});
  EXPECT_NE(back.out.find("extension citext: version: 1.6 -> 1.5"), std::string::npos) << back.out;
  EXPECT_NE(back.out.find("table public.only_a: added (only in --to)"), std::string::npos)
      << back.out;

  RunResult j = run_keel({"--format", "json", "diff", "--from", a.url(), "--to", b.url()});
  nlohmann::json doc = nlohmann::json::parse(j.out, nullptr, false);
  ASSERT_FALSE(doc.is_discarded()) << j.out << j.err;
  bool seen = false;
  for (const auto& d : doc["differences"]) {
    EXPECT_FALSE(d.contains("expected")) << d.dump();
    if (d["object"] == "citext" && d["property"] == "version") {
      seen = true;
      EXPECT_EQ(d.value("from", ""), "1.5");
      EXPECT_EQ(d.value("to", ""), "1.6");
    }
    if (d["object"] == "public.only_b") {
      EXPECT_EQ(d.value("to", ""), "present") << d.dump();
    }
  }
  EXPECT_TRUE(seen) << j.out;

  // drift keeps its own words: the reference is expected, the target actual.
  TempDir dir;
  ASSERT_EQ(run_keel({"--url", b.url(), "baseline", "capture", "-o", dir.file("b.json")}).status,
            0);
  RunResult drift = run_keel({"--url", a.url(), "drift", "--against", dir.file("b.json")});
  EXPECT_EQ(drift.status, 3);
  EXPECT_NE(drift.out.find("extension citext: version: 1.6 -> 1.5"), std::string::npos)
      << drift.out;
  EXPECT_NE(drift.out.find("table public.only_b: missing (present in the reference)"),
            std::string::npos)
      << drift.out;
  EXPECT_NE(drift.out.find("table public.only_a: unexpected (not in the reference)"),
            std::string::npos)
      << drift.out;
}

TEST_F(PgTest, DriftFix14RefusesASqliteManifest) {
  PgDatabase db;
  db.sql("CREATE TABLE t (id int)");
  TempDir dir;
  dir.write("lite.db", "");  // an empty file is an empty SQLite database
  RunResult cap = run_keel(
      {"--url", "sqlite:" + dir.file("lite.db"), "baseline", "capture", "-o", dir.file("l.json")});
  ASSERT_EQ(cap.status, 0) << cap.err;
  RunResult r = run_keel({"--url", db.url(), "drift", "--against", dir.file("l.json")});
  EXPECT_EQ(r.status, 2) << r.out << r.err;
  EXPECT_NE(r.err.find("is a postgresql schema and " + dir.file("l.json") + " is a sqlite schema"),
            std::string::npos)
      << r.err;
  EXPECT_EQ(count_of(r.out, "\n"), 0u) << r.out;
}

TEST_F(PgTest, DriftFix14SaysADirectoryIsADirectory) {
  PgDatabase db;
  TempDir dir;
  std::filesystem::create_directories(dir.file("baselines"));
  RunResult r = run_keel({"--url", db.url(), "drift", "--against", dir.file("baselines")});
  EXPECT_EQ(r.status, 2) << r.out << r.err;
  EXPECT_NE(r.err.find("is a directory, not a manifest file"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("baselines/<env>.json"), std::string::npos) << r.err;
  EXPECT_EQ(r.err.find("not valid JSON"), std::string::npos) << r.err;
  RunResult diff = run_keel({"diff", "--from", dir.file("baselines"), "--to", db.url()});
  EXPECT_EQ(diff.status, 2) << diff.out << diff.err;
  EXPECT_NE(diff.err.find("is a directory"), std::string::npos) << diff.err;
}

TEST_F(PgTest, DriftFix14QuotesNamesThatNeedIt) {
  PgDatabase a, b;
  a.sql(
      "CREATE SCHEMA a; CREATE TABLE a.b (e int); CREATE TABLE public.\"a.b\" (e int);"
      "CREATE TABLE \"Users\" (\"Email\" text)");
  b.sql(
      "CREATE SCHEMA a; CREATE TABLE a.b (e int NOT NULL);"
      "CREATE TABLE public.\"a.b\" (e bigint); CREATE TABLE \"Users\" (\"Email\" varchar)");
  TempDir dir;
  ASSERT_EQ(run_keel({"--url", a.url(), "baseline", "capture", "-o", dir.file("a.json")}).status,
            0);
  RunResult r = run_keel({"--url", b.url(), "drift", "--against", dir.file("a.json")});
  EXPECT_EQ(r.status, 3) << r.out << r.err;
  EXPECT_NE(r.out.find("column a.b.e: not_null: false -> true"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("column public.\"a.b\".e: type: integer -> bigint"), std::string::npos)
      << r.out;
  EXPECT_NE(r.out.find("column public.\"Users\".\"Email\": type: text -> character varying"),
            std::string::npos)
      << r.out;
}

TEST_F(PgTest, DriftFix14NamesTheServerOnce) {
  PgDatabase db;
  TempDir dir;
  ASSERT_EQ(run_keel({"--url", db.url(), "baseline", "capture", "-o", dir.file("m.json")}).status,
            0);
  nlohmann::json m = nlohmann::json::parse(slurp(dir.file("m.json")));
  m["server"]["major"] = 14;
  m["server"]["version"] = "14.9";
  m["encoding"]["encoding"] = "LATIN1";
  std::ofstream(dir.file("old.json")) << m.dump(2);
  RunResult r = run_keel({"--url", db.url(), "drift", "--against", dir.file("old.json")});
  EXPECT_EQ(r.status, 3) << r.out << r.err;
  EXPECT_NE(r.out.find("  server: major version: 14 -> 15"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("  database: encoding: LATIN1 -> UTF8"), std::string::npos) << r.out;
  EXPECT_EQ(r.out.find("server server"), std::string::npos) << r.out;
  EXPECT_EQ(r.out.find("database database"), std::string::npos) << r.out;
}

// Functions' SET clauses: the same settings in another order or spelling
// are the same function; another value is not.
TEST_F(PgTest, DriftFix14FunctionSetClausesCompareByMeaning) {
  expect_same(
      "CREATE FUNCTION f() RETURNS int LANGUAGE sql SET work_mem = '1MB' SET search_path = "
      "public, pg_temp SET jit = off SET statement_timeout = '1min' AS 'SELECT 1'",
      "CREATE FUNCTION f() RETURNS int LANGUAGE sql SET statement_timeout = 60000 SET jit = "
      "false SET search_path = public, pg_temp SET work_mem = '1024kB' AS 'SELECT 1'");
  expect_same(
      "CREATE FUNCTION f() RETURNS int LANGUAGE sql AS 'SELECT 1';"
      "ALTER FUNCTION f() SET enable_seqscan = 'OFF'; ALTER FUNCTION f() SET work_mem = 2048",
      "CREATE FUNCTION f() RETURNS int LANGUAGE sql SET work_mem = '2MB' SET enable_seqscan = no "
      "AS 'SELECT 1'");
  expect_named("CREATE FUNCTION f() RETURNS int LANGUAGE sql SET work_mem = '1MB' AS 'SELECT 1'",
               "CREATE FUNCTION f() RETURNS int LANGUAGE sql SET work_mem = '1000kB' AS 'SELECT 1'",
               "public.f()");
  // The normalised clauses are still valid SQL: diff --sql recreates them.
  PgDatabase a, b;
  b.sql(
      "CREATE FUNCTION f() RETURNS int LANGUAGE sql SET work_mem = 1024 SET jit = 'false' "
      "SET statement_timeout = 1500 AS 'SELECT 1'");
  RunResult sql = run_keel({"diff", "--from", a.url(), "--to", b.url(), "--sql"});
  ASSERT_EQ(sql.status, 0) << sql.out << sql.err;
  a.sql(sql.out);
  EXPECT_EQ(a.hash(), b.hash());
  EXPECT_EQ(a.scalar("SELECT array_to_string(proconfig, ',') FROM pg_proc WHERE proname = 'f'"),
            "jit=off,statement_timeout=1500ms,work_mem=1MB");
}

}  // namespace
}  // namespace keel::test
