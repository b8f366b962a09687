// Issue 16 item 7 on PostgreSQL: feature flags. keel flag set / list through
// the binary (text and JSON, bad input, the run archive's line), run as a
// role that only owns its database; flag_enabled() sticky per key, equal to
// the documented hash (flags::bucket), callable with EXECUTE and USAGE only,
// deaf to a hostile search_path; two sets at once.
#include <gtest/gtest.h>

#include <pqxx/pqxx>

#include <algorithm>
#include <set>
#include <sstream>
#include <thread>

#include "integration/pg_fixture.h"
#include "integration/run.h"
#include "keel/flags.h"

namespace keel::test {
namespace {

// The URL of `db` with `role` as its user (the test server trusts
// loopback connections).
std::string url_as(const PgDatabase& db, const std::string& role) {
  std::string url = db.url();
  size_t start = url.find("://") + 3;
  size_t at = url.find('@', start);
  return url.substr(0, start) + role + url.substr(at);
}

// A role (created once per server) that owns `db` and nothing else: no
// superuser, no CREATEROLE.
std::string owner_role(const PgDatabase& db) {
  PgDatabase::admin(
      "DO $$ BEGIN IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'keel_flags_owner') "
      "THEN CREATE ROLE keel_flags_owner LOGIN NOSUPERUSER; END IF; END $$");
  PgDatabase::admin("ALTER DATABASE " + db.name() + " OWNER TO keel_flags_owner");
  return url_as(db, "keel_flags_owner");
}

// The keys of 'user-0'..'user-999' for which flag_enabled(flag, key) is true
// in a session with `setup` run first (as `url`'s user).
std::set<int> enabled(const std::string& url, const std::string& flag,
                      const std::string& setup = "") {
  pqxx::connection conn(url);
  pqxx::nontransaction tx(conn);
  if (!setup.empty()) tx.exec(setup);
  std::set<int> out;
  pqxx::result r = tx.exec_params(
      "SELECT i FROM pg_catalog.generate_series(0, 999) i WHERE "
      "keel.flag_enabled($1, pg_catalog.concat('user-', i))",
      flag);
  for (const auto& row : r) out.insert(row[0].as<int>());
  return out;
}

std::set<int> by_bucket(const std::string& flag, int percent) {
  std::set<int> out;
  for (int i = 0; i < 1000; ++i) {
    if (flags::bucket(flag, "user-" + std::to_string(i)) < percent) out.insert(i);
  }
  return out;
}

class FlagsPg : public PgTest {};

TEST_F(FlagsPg, SetAndListThroughTheBinaryAreArchivedWithOldAndNewPercent) {
  PgDatabase db;
  const std::string url = owner_role(db);
  TempDir dir;
  dir.write("keel.toml", "[environments.prod]\nurl = \"" + url + "\"\n");
  auto keel = [&](const std::vector<std::string>& args) { return run_keel(args, dir.path); };
  const std::string odd = "it's \"odd\"; DROP TABLE x";

  RunResult created =
      keel({"--env", "prod", "flag", "set", "new checkout", "5", "--description", "checkout v2"});
  ASSERT_EQ(created.status, 0) << created.err;
  EXPECT_EQ(created.out, "flag new checkout: (new) -> 5%\n");
  RunResult raised = keel({"--env", "prod", "flag", "set", "new checkout", "25"});
  ASSERT_EQ(raised.status, 0) << raised.err;
  EXPECT_EQ(raised.out, "flag new checkout: 5% -> 25%\n");
  RunResult json = keel({"--env", "prod", "--format", "json", "flag", "set", odd, "100"});
  ASSERT_EQ(json.status, 0) << json.err;
  auto set_json = nlohmann::json::parse(json.out);
  EXPECT_EQ(set_json["flag"], odd);
  EXPECT_EQ(set_json["old_percent"], nullptr);
  EXPECT_EQ(set_json["new_percent"], 100);

  RunResult list = keel({"--env", "prod", "--format", "json", "flag", "list"});
  ASSERT_EQ(list.status, 0) << list.err;
  auto flags = nlohmann::json::parse(list.out)["flags"];
  ASSERT_EQ(flags.size(), 2u) << list.out;
  EXPECT_EQ(flags[0]["name"], odd);  // byte order: 'i' < 'n'
  EXPECT_EQ(flags[0]["percent"], 100);
  EXPECT_EQ(flags[0]["description"], nullptr);
  EXPECT_EQ(flags[1]["name"], "new checkout");
  EXPECT_EQ(flags[1]["percent"], 25);
  EXPECT_EQ(flags[1]["description"], "checkout v2");  // kept when not given again
  EXPECT_FALSE(flags[1]["updated_by"].get<std::string>().empty());
  EXPECT_EQ(flags[1]["updated_at"].get<std::string>().size(), 20u);
  RunResult text = keel({"--env", "prod", "flag", "list"});
  ASSERT_EQ(text.status, 0) << text.err;
  EXPECT_NE(text.out.find("new checkout"), std::string::npos) << text.out;
  EXPECT_NE(text.out.find(odd), std::string::npos) << text.out;
  EXPECT_EQ(db.scalar("SELECT percent FROM keel.flags WHERE name = 'new checkout'"), "25");
  EXPECT_EQ(db.scalar("SELECT pg_get_userbyid(proowner) FROM pg_proc WHERE oid = "
                      "'keel.flag_enabled(text, text)'::regprocedure"),
            "keel_flags_owner");

  // Each set's closing line in the archive names the flag, old and new.
  std::istringstream lines(slurp(dir.file(".keel/log/prod.jsonl")));
  std::vector<nlohmann::json> closed;
  for (std::string line; std::getline(lines, line);) {
    auto j = nlohmann::json::parse(line);
    if (j["outcome"] != "running" && j["arguments"].dump().find("\"set\"") != std::string::npos) {
      closed.push_back(j);
    }
  }
  ASSERT_EQ(closed.size(), 3u);
  EXPECT_EQ(closed[0]["command"], "flag");
  EXPECT_EQ(
      closed[0]["details"],
      nlohmann::json({{"flag", "new checkout"}, {"old_percent", nullptr}, {"new_percent", 5}}));
  EXPECT_EQ(closed[1]["details"],
            nlohmann::json({{"flag", "new checkout"}, {"old_percent", 5}, {"new_percent", 25}}));
  EXPECT_EQ(closed[2]["details"]["flag"], odd);
  // The run is in the target's keel.runs too (flag changes its target).
  EXPECT_EQ(db.scalar("SELECT count(*) FROM keel.runs WHERE command = 'flag'"), "5");
}

TEST_F(FlagsPg, BadInputIsAUsageErrorAndChangesNothing) {
  PgDatabase db;
  for (const std::string bad : {"-1", "101", "5.5", "abc", ""}) {
    RunResult r = run_keel({"--url", db.url(), "flag", "set", "x", bad});
    EXPECT_EQ(r.status, kExitUsage) << bad << ": " << r.err;
    EXPECT_NE(r.err.find("is not a whole number from 0 to 100"), std::string::npos)
        << bad << ": " << r.err;
  }
  RunResult empty = run_keel({"--url", db.url(), "flag", "set", "", "5"});
  EXPECT_EQ(empty.status, kExitUsage);
  EXPECT_NE(empty.err.find("the flag name is empty"), std::string::npos) << empty.err;
  RunResult newline = run_keel({"--url", db.url(), "flag", "set", "a\nb", "5"});
  EXPECT_EQ(newline.status, kExitUsage);
  RunResult missing = run_keel({"--url", db.url(), "flag", "set", "x"});
  EXPECT_EQ(missing.status, kExitUsage);
  EXPECT_EQ(db.scalar("SELECT to_regclass('keel.flags') IS NULL"), "t");
  // Listing creates nothing either.
  RunResult list = run_keel({"--url", db.url(), "flag", "list"});
  ASSERT_EQ(list.status, 0) << list.err;
  EXPECT_NE(list.out.find("no flags in"), std::string::npos) << list.out;
  EXPECT_EQ(db.scalar("SELECT to_regclass('keel.flags') IS NULL"), "t");
}

TEST(FlagsSqlite, ADialectWithoutFlagsIsRefusedNamingTheCapability) {
  TempDir dir;
  RunResult r = run_keel({"--url", "sqlite:app.db", "flag", "set", "x", "5"}, dir.path);
  EXPECT_EQ(r.status, kExitOperational) << r.err;
  EXPECT_NE(r.err.find("SQLite keeps no feature flags (its driver lacks the 'flags' capability); "
                       "keel keeps them in PostgreSQL"),
            std::string::npos)
      << r.err;
}

TEST_F(FlagsPg, FlagEnabledIsStickyAndIsTheDocumentedHash) {
  PgDatabase db;
  const std::string url = owner_role(db);
  const std::string hash = db.hash();
  ASSERT_EQ(run_keel({"--url", url, "flag", "set", "checkout", "5"}).status, 0);
  EXPECT_EQ(db.hash(), hash) << "keel's flags are left out of the schema, as its other tables";
  std::set<int> at5 = enabled(url, "checkout");
  EXPECT_EQ(at5, by_bucket("checkout", 5));
  ASSERT_EQ(run_keel({"--url", url, "flag", "set", "checkout", "25"}).status, 0);
  std::set<int> at25 = enabled(url, "checkout");
  EXPECT_EQ(at25, by_bucket("checkout", 25));
  EXPECT_TRUE(std::includes(at25.begin(), at25.end(), at5.begin(), at5.end()));
  EXPECT_GE(at25.size(), 190u);  // 250 expected; 3 standard deviations ~ 41
  EXPECT_LE(at25.size(), 310u);
  EXPECT_GE(at5.size(), 20u);
  EXPECT_LE(at5.size(), 80u);
  // Lowering turns keys off in reverse: back at 5, the same keys as before.
  ASSERT_EQ(run_keel({"--url", url, "flag", "set", "checkout", "5"}).status, 0);
  EXPECT_EQ(enabled(url, "checkout"), at5);
  ASSERT_EQ(run_keel({"--url", url, "flag", "set", "checkout", "0"}).status, 0);
  EXPECT_TRUE(enabled(url, "checkout").empty());
  ASSERT_EQ(run_keel({"--url", url, "flag", "set", "checkout", "100"}).status, 0);
  EXPECT_EQ(enabled(url, "checkout").size(), 1000u);

  // Unknown flags, NULL keys and NULL names are off; keys with odd text work.
  EXPECT_EQ(db.scalar("SELECT keel.flag_enabled('no such flag', 'user-1')"), "f");
  EXPECT_EQ(db.scalar("SELECT keel.flag_enabled('checkout', NULL)"), "f");
  EXPECT_EQ(db.scalar("SELECT keel.flag_enabled(NULL, 'user-1')"), "f");
  EXPECT_EQ(db.scalar("SELECT keel.flag_enabled('checkout', 'ü '' \" ;')"), "t");
  EXPECT_EQ(db.scalar("SELECT provolatile::text || proparallel::text || prosecdef::text || "
                      "array_to_string(proconfig, ',') FROM pg_proc WHERE oid = "
                      "'keel.flag_enabled(text, text)'::regprocedure"),
            "sstruesearch_path=pg_catalog, pg_temp");
}

TEST_F(FlagsPg, ARoleWithOnlyExecuteAndUsageCanAskButNotRead) {
  PgDatabase db;
  const std::string url = owner_role(db);
  ASSERT_EQ(run_keel({"--url", url, "flag", "set", "checkout", "25"}).status, 0);
  PgDatabase::admin(
      "DO $$ BEGIN IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'keel_flags_app') "
      "THEN CREATE ROLE keel_flags_app LOGIN NOSUPERUSER; END IF; END $$");
  // Granted by the owner, as a user would.
  {
    pqxx::connection conn(url);
    pqxx::nontransaction tx(conn);
    tx.exec("GRANT USAGE ON SCHEMA keel TO keel_flags_app");
    tx.exec("GRANT EXECUTE ON FUNCTION keel.flag_enabled(text, text) TO keel_flags_app");
  }
  const std::string app = url_as(db, "keel_flags_app");
  EXPECT_EQ(enabled(app, "checkout"), by_bucket("checkout", 25));
  pqxx::connection conn(app);
  pqxx::nontransaction tx(conn);
  EXPECT_THROW(tx.exec("SELECT * FROM keel.flags"), pqxx::insufficient_privilege);

  // Without the EXECUTE grant (EXECUTE is revoked from PUBLIC): refused.
  PgDatabase::admin(
      "DO $$ BEGIN IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'keel_flags_other') "
      "THEN CREATE ROLE keel_flags_other LOGIN NOSUPERUSER; END IF; END $$");
  {
    pqxx::connection owner(url);
    pqxx::nontransaction otx(owner);
    otx.exec("GRANT USAGE ON SCHEMA keel TO keel_flags_other");
  }
  pqxx::connection other(url_as(db, "keel_flags_other"));
  pqxx::nontransaction other_tx(other);
  EXPECT_THROW(other_tx.exec("SELECT keel.flag_enabled('checkout', 'user-1')"),
               pqxx::insufficient_privilege);
}

TEST_F(FlagsPg, AHostileSearchPathCannotHijackTheHash) {
  PgDatabase db;
  const std::string url = owner_role(db);
  ASSERT_EQ(run_keel({"--url", url, "flag", "set", "checkout", "25"}).status, 0);
  std::set<int> expected = by_bucket("checkout", 25);
  // Look-alikes of every function the body calls (and of md5 / hashtext),
  // each making every key "on", plus a text || operator.
  db.sql(R"(CREATE SCHEMA evil;
CREATE FUNCTION evil.sha256(bytea) RETURNS bytea LANGUAGE sql AS $$SELECT '\x00000000'::bytea$$;
CREATE FUNCTION evil.md5(text) RETURNS text LANGUAGE sql AS $$SELECT '00000000'$$;
CREATE FUNCTION evil.hashtext(text) RETURNS int LANGUAGE sql AS $$SELECT 0$$;
CREATE FUNCTION evil.encode(bytea, text) RETURNS text LANGUAGE sql AS $$SELECT '00000000'$$;
CREATE FUNCTION evil.substr(text, int, int) RETURNS text LANGUAGE sql AS $$SELECT '00000000'$$;
CREATE FUNCTION evil.convert_to(text, name) RETURNS bytea LANGUAGE sql AS $$SELECT '\x00'::bytea$$;
CREATE FUNCTION evil.cat(text, text) RETURNS text LANGUAGE sql AS $$SELECT 'x00000000'$$;
CREATE OPERATOR evil.|| (LEFTARG = text, RIGHTARG = text, FUNCTION = evil.cat);
GRANT USAGE ON SCHEMA evil TO PUBLIC;
GRANT ALL ON ALL FUNCTIONS IN SCHEMA evil TO PUBLIC;)");
  for (const char* path : {"SET search_path = evil, pg_catalog, public", "SET search_path = evil",
                           "SET search_path = ''", "SET search_path = pg_temp, evil, keel"}) {
    EXPECT_EQ(enabled(url, "checkout", path), expected) << path;
  }
  // The look-alikes do work where the path leads to them.
  EXPECT_EQ(db.scalar("SET search_path = evil, pg_catalog; SELECT 'a'::text || 'b'::text"),
            "x00000000");
}

TEST_F(FlagsPg, TwoSetsAtOnceOnAFreshDatabaseBothSucceedInSomeOrder) {
  PgDatabase db;
  const std::string url = owner_role(db);
  for (int round = 0; round < 2; ++round) {
    const std::string flag = "race " + std::to_string(round);
    std::vector<RunResult> results(4);
    std::vector<std::thread> threads;
    for (int i = 0; i < 4; ++i) {
      threads.emplace_back([&, i] {
        results[i] = run_keel({"--url", url, "flag", "set", flag, std::to_string(10 * (i + 1))});
      });
    }
    for (auto& t : threads) t.join();
    // Exactly one created the flag; each other one replaced a percent that
    // one of the others had set, so the changes form one chain.
    int created = 0;
    std::set<std::string> olds, news;
    for (const RunResult& r : results) {
      ASSERT_EQ(r.status, 0) << r.err;
      std::string out = r.out.substr(r.out.find(": ") + 2);
      std::string old = out.substr(0, out.find(" -> "));
      created += old == "(new)";
      olds.insert(old);
      news.insert(out.substr(out.find(" -> ") + 4, out.size() - out.find(" -> ") - 5));
    }
    EXPECT_EQ(created, 1);
    EXPECT_EQ(olds.size(), 4u);
    std::string last =
        db.scalar("SELECT percent || '%' FROM keel.flags WHERE name = '" + flag + "'");
    EXPECT_EQ(news.count(last), 1u);
    for (const std::string& old : olds) {
      if (old != "(new)") {
        EXPECT_TRUE(news.count(old)) << old;
      }
    }
    EXPECT_FALSE(olds.count(last)) << "the final percent was replaced by nobody";
  }
}

}  // namespace
}  // namespace keel::test
