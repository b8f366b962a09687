// Issue 14, the run archive: read-only commands create nothing in the
// database they read (only the local log, unless keel.toml opts in); a run
// killed with kill -9 stays in keel log as "interrupted"; failed runs carry
// their error; verify --all names and announces an environment it could not
// read; keel log refuses --limit 0 and warns about unreadable lines.
#include <gtest/gtest.h>
#include <signal.h>
#include <sqlite3.h>
#include <sys/wait.h>

#include <chrono>
#include <map>
#include <set>
#include <sstream>
#include <thread>

#include "integration/migrate_helpers.h"
#include "integration/pg_fixture.h"
#include "integration/webhook_receiver.h"

namespace keel::test {
namespace {

using namespace std::chrono_literals;

// The lines of a log file, as written.
std::vector<nlohmann::json> raw_lines(const std::string& path) {
  std::vector<nlohmann::json> out;
  std::istringstream in(slurp(path));
  for (std::string line; std::getline(in, line);) out.push_back(nlohmann::json::parse(line));
  return out;
}

// run_id -> its lines, in order.
std::map<std::string, std::vector<nlohmann::json>> by_run(const std::string& path) {
  std::map<std::string, std::vector<nlohmann::json>> out;
  for (const auto& j : raw_lines(path)) out[j["run_id"].get<std::string>()].push_back(j);
  return out;
}

std::string sqlite_text(const std::string& path, const std::string& sql) {
  sqlite3* db = nullptr;
  sqlite3_open_v2(path.c_str(), &db, SQLITE_OPEN_READONLY, nullptr);
  sqlite3_stmt* stmt = nullptr;
  std::string out;
  if (sqlite3_prepare_v2(db, sql.c_str(), -1, &stmt, nullptr) == SQLITE_OK) {
    while (sqlite3_step(stmt) == SQLITE_ROW) {
      const unsigned char* text = sqlite3_column_text(stmt, 0);
      out +=
          (out.empty() ? "" : ",") + std::string(text ? reinterpret_cast<const char*>(text) : "");
    }
  }
  sqlite3_finalize(stmt);
  sqlite3_close(db);
  return out;
}

std::string make_sqlite(const TempDir& dir, const std::string& name, const std::string& sql) {
  std::string path = dir.file(name);
  sqlite3* handle = nullptr;
  sqlite3_open(path.c_str(), &handle);
  sqlite3_exec(handle, sql.c_str(), nullptr, nullptr, nullptr);
  sqlite3_close(handle);
  return path;
}

// Every read-only command against `env`. baseline, drift, status, validate
// and log must pass; plan, lint and diff may also say no (a gate, a dialect
// they do not cover): what matters here is what they leave behind.
void run_read_only(const TempDir& dir, const std::string& env) {
  std::vector<std::pair<std::vector<std::string>, bool>> commands = {
      {{"--env", env, "-q", "baseline", "hash"}, true},
      {{"--env", env, "-q", "baseline", "capture", "-o", "base.json"}, true},
      {{"--env", env, "-q", "drift", "--against", "base.json"}, true},
      {{"--env", env, "-q", "status"}, true},
      {{"--env", env, "-q", "validate"}, true},
      {{"--env", env, "-q", "plan"}, false},
      {{"--env", env, "-q", "lint", "migrations"}, false},
      {{"-q", "diff", "--from", "env:" + env, "--to", "env:" + env}, false},
      {{"--env", env, "log"}, true},
      {{"--env", env, "log", "--source", "file"}, true},
  };
  for (const auto& [args, must_pass] : commands) {
    RunResult r = run_keel(args, dir.path);
    if (must_pass) {
      EXPECT_EQ(r.status, 0) << args[3] << "\n" << r.out << r.err;
    } else {
      EXPECT_TRUE(r.status >= 0 && r.status <= 3) << args[3] << "\n" << r.out << r.err;
    }
  }
}

// diff reads databases, so it is recorded too (issue 15 item 5: it was not).
const std::set<std::string> kReadOnly = {"baseline", "drift", "status", "validate",
                                         "plan",     "lint",  "diff"};

// Each recorded read-only command has a start line and a closing line.
void expect_lines(const std::string& path) {
  std::set<std::string> seen;
  for (const auto& [id, lines] : by_run(path)) {
    ASSERT_EQ(lines.size(), 2u) << id << " in " << path;
    EXPECT_EQ(lines[0]["outcome"], "running");
    EXPECT_TRUE(lines[0]["exit_code"].is_null());
    EXPECT_NE(lines[1]["outcome"], "running") << lines[1].dump();
    EXPECT_TRUE(lines[1]["exit_code"].is_number_integer()) << lines[1].dump();
    EXPECT_EQ(lines[1]["pid"], lines[0]["pid"]);
    seen.insert(lines[1]["command"].get<std::string>());
  }
  EXPECT_EQ(seen, kReadOnly) << path;
}

class ArchiveFix14Pg : public PgTest {};

TEST_F(ArchiveFix14Pg, ReadOnlyCommandsCreateNothingInTheDatabase) {
  PgDatabase db;
  db.sql("CREATE TABLE users (id bigint PRIMARY KEY, email text)");
  TempDir dir;
  std::filesystem::create_directories(dir.file("migrations"));
  dir.write("migrations/0001_a.up.sql", "CREATE TABLE IF NOT EXISTS a (id int);\n");
  dir.write("migrations/0001_a.down.sql", "DROP TABLE IF EXISTS a;\n");
  dir.write("keel.toml", "[environments.prod]\nurl = \"" + db.url() + "\"\n");
  run_read_only(dir, "prod");
  EXPECT_EQ(db.scalar("SELECT string_agg(nspname, ',') FROM pg_namespace WHERE nspname = 'keel'"),
            "");
  EXPECT_EQ(db.scalar("SELECT count(*) FROM pg_class c JOIN pg_namespace n ON n.oid = "
                      "c.relnamespace WHERE n.nspname = 'public'"),
            "2");  // users and its primary key: plan rolled back table a
  expect_lines(dir.file(".keel/log/prod.jsonl"));

  // verify writes its verdict, and only that: keel.parity, no keel.runs.
  RunResult verify = run_keel({"--env", "prod", "verify", "--against", "base.json"}, dir.path);
  EXPECT_EQ(verify.status, 0) << verify.out << verify.err;
  EXPECT_EQ(db.scalar("SELECT string_agg(relname, ',' ORDER BY relname) FROM pg_class c JOIN "
                      "pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = 'keel' AND "
                      "relkind = 'r'"),
            "parity");

  // With the opt-in, a read-only run is recorded in the target too.
  dir.write("keel.toml", "[environments.prod]\nurl = \"" + db.url() +
                             "\"\n[log]\nrecord_read_only_in_target = true\n");
  ASSERT_EQ(run_keel({"--env", "prod", "-q", "status"}, dir.path).status, 0);
  EXPECT_EQ(db.scalar("SELECT command || ':' || outcome || ':' || exit_code FROM keel.runs"),
            "status:ok:0");
  EXPECT_EQ(db.scalar("SELECT count(*) FROM keel.runs WHERE run_id IS NOT NULL AND pid > 0"), "1");
}

TEST(ArchiveFix14Sqlite, ReadOnlyCommandsCreateNothingInTheFileAndTheOptInRecords) {
  TempDir dir;
  std::string db = make_sqlite(dir, "app.db", "CREATE TABLE users (id INTEGER PRIMARY KEY)");
  std::filesystem::create_directories(dir.file("migrations"));
  dir.write("migrations/0001_a.up.sql", "CREATE TABLE a (id INTEGER);\n");
  dir.write("keel.toml", "[environments.dev]\nurl = \"sqlite:app.db\"\n");
  run_read_only(dir, "dev");
  EXPECT_EQ(sqlite_text(db, "SELECT name FROM sqlite_master ORDER BY name"), "users");
  expect_lines(dir.file(".keel/log/dev.jsonl"));

  RunResult verify = run_keel({"--env", "dev", "verify", "--against", "base.json"}, dir.path);
  EXPECT_EQ(verify.status, 0) << verify.out << verify.err;
  EXPECT_EQ(sqlite_text(db, "SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name"),
            "keel_parity,users");

  dir.write("keel.toml",
            "[environments.dev]\nurl = \"sqlite:app.db\"\n[log]\nrecord_read_only_in_target = "
            "true\n");
  ASSERT_EQ(run_keel({"--env", "dev", "-q", "baseline", "hash"}, dir.path).status, 0);
  EXPECT_EQ(sqlite_text(db, "SELECT command || ':' || outcome || ':' || exit_code FROM keel_runs"),
            "baseline:ok:0");

  dir.write("keel.toml",
            "[environments.dev]\nurl = \"sqlite:app.db\"\n[log]\nrecord_read_only_in_target = "
            "\"yes\"\n");
  RunResult bad = run_keel({"--env", "dev", "status"}, dir.path);
  EXPECT_EQ(bad.status, 1);
  EXPECT_NE(bad.err.find("keel.toml:4"), std::string::npos) << bad.err;
}

// An apply blocked on a lock the test holds, killed with kill -9: its row
// and its line stay "running", and keel log calls the run interrupted.
TEST_F(ArchiveFix14Pg, AKilledApplyIsShownAsInterrupted) {
  PgDatabase db;
  db.sql("CREATE TABLE t (id int)");
  MigrationFolder folder(db.url());
  folder.write("0001_x.up.sql", "ALTER TABLE t ADD COLUMN x int;\n");
  folder.dir.write("keel.toml", "[migrations]\nlock_timeout = \"60s\"\nretries = 0\n");

  pqxx::connection holder(db.url());
  pqxx::work lock(holder);
  lock.exec("LOCK TABLE t IN ACCESS EXCLUSIVE MODE");

  pid_t keel = folder.spawn("apply");
  ASSERT_GT(keel, 0);
  // Wait until the apply waits on our lock (and so has written its start).
  bool waiting = false;
  for (int i = 0; i < 300 && !waiting; ++i) {
    std::this_thread::sleep_for(100ms);
    waiting = db.scalar(
                  "SELECT count(*) FROM pg_locks WHERE NOT granted AND relation = "
                  "'public.t'::regclass") != "0";
  }
  ASSERT_TRUE(waiting) << "keel apply never waited on the lock";
  EXPECT_EQ(db.scalar("SELECT outcome || ':' || pid FROM keel.runs"),
            "running:" + std::to_string(keel));
  ASSERT_EQ(kill(keel, SIGKILL), 0);
  ASSERT_EQ(waitpid(keel, nullptr, 0), keel);
  lock.abort();

  RunResult from_db = folder.keel("log");
  ASSERT_EQ(from_db.status, 0) << from_db.err;
  EXPECT_NE(from_db.out.find("interrupted"), std::string::npos) << from_db.out;
  RunResult json = folder.keel("log", {"--source", "file"});
  ASSERT_EQ(json.status, 0) << json.err;
  EXPECT_NE(json.out.find("interrupted"), std::string::npos) << json.out;
  RunResult as_json = run_keel({"--url", db.url(), "--format", "json", "log"}, folder.dir.path);
  ASSERT_EQ(as_json.status, 0) << as_json.err;
  auto runs = nlohmann::json::parse(as_json.out);
  ASSERT_EQ(runs.size(), 1u);
  EXPECT_EQ(runs[0]["outcome"], "interrupted");
  EXPECT_TRUE(runs[0]["exit_code"].is_null());
  EXPECT_EQ(runs[0]["pid"], keel);

  // The next apply runs, and closes its own row; the killed one stays.
  RunResult again = folder.keel("apply");
  ASSERT_EQ(again.status, 0) << again.err;
  EXPECT_EQ(db.scalar("SELECT string_agg(command || ':' || outcome, ',' ORDER BY id) FROM "
                      "keel.runs"),
            "apply:running,apply:ok");
  RunResult after = run_keel({"--url", db.url(), "--format", "json", "log"}, folder.dir.path);
  auto both = nlohmann::json::parse(after.out);
  ASSERT_EQ(both.size(), 2u);
  EXPECT_EQ(both[0]["outcome"], "ok");
  EXPECT_EQ(both[0]["version_after"], "0001");
  EXPECT_EQ(both[1]["outcome"], "interrupted");
}

TEST_F(ArchiveFix14Pg, AFailedRunRecordsItsErrorAndCodeWithoutThePassword) {
  PgDatabase db;
  PgDatabase::admin(
      "DO $$ BEGIN IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'keel_fix14_err') "
      "THEN CREATE ROLE keel_fix14_err LOGIN PASSWORD 'Err-pw-77'; END IF; END $$");
  PgDatabase::admin("ALTER DATABASE " + db.name() + " OWNER TO keel_fix14_err");
  std::string url = db.url();
  url.replace(url.find("://") + 3, url.find('@') - url.find("://") - 3, "keel_fix14_err:Err-pw-77");
  MigrationFolder folder(url);
  folder.write("0001_bad.up.sql", "SELECT * FROM no_such_table;\n");
  folder.dir.write("keel.toml", "[environments.prod]\nurl = \"" + url + "\"\n");
  RunResult failed = run_keel({"--env", "prod", "apply"}, folder.dir.path);
  ASSERT_EQ(failed.status, 1) << failed.err;

  EXPECT_EQ(db.scalar("SELECT error_code FROM keel.runs"), "sql");
  std::string error = db.scalar("SELECT error FROM keel.runs");
  EXPECT_NE(error.find("no_such_table"), std::string::npos) << error;
  EXPECT_NE(error.find("42P01"), std::string::npos) << error;
  auto lines = raw_lines(folder.dir.file(".keel/log/prod.jsonl"));
  ASSERT_EQ(lines.size(), 2u);
  EXPECT_EQ(lines[1]["error"], error);
  EXPECT_EQ(lines[1]["error_code"], "sql");
  EXPECT_EQ(lines[1]["outcome"], "error");

  // A read-only run that cannot connect: its line says why.
  RunResult down = run_keel(
      {"--url", "postgresql://keel_fix14_err:Err-pw-77@127.0.0.1:1/x", "status"}, folder.dir.path);
  EXPECT_EQ(down.status, 1);
  auto gone = raw_lines(folder.dir.file(".keel/log/url-127.0.0.1-1-x.jsonl"));
  ASSERT_EQ(gone.size(), 2u);
  EXPECT_EQ(gone[1]["error_code"], "connection");
  EXPECT_FALSE(gone[1]["error"].get<std::string>().empty());
  for (const std::string& file : {folder.dir.file(".keel/log/prod.jsonl"),
                                  folder.dir.file(".keel/log/url-127.0.0.1-1-x.jsonl")}) {
    EXPECT_EQ(slurp(file).find("Err-pw-77"), std::string::npos) << file;
  }
  EXPECT_EQ(db.scalar("SELECT count(*) FROM keel.runs WHERE error LIKE '%Err-pw-77%' OR "
                      "arguments::text LIKE '%Err-pw-77%'"),
            "0");
}

TEST(ArchiveFix14Verify, AnUnreachableEnvironmentIsInTheSummaryAndTheWebhook) {
  testing::WebhookReceiver receiver;
  TempDir dir;
  make_sqlite(dir, "dev.db", "CREATE TABLE t (id INTEGER)");
  make_sqlite(dir, "stage.db", "CREATE TABLE t (id INTEGER); CREATE TABLE extra (id INTEGER)");
  make_sqlite(dir, "prod.db", "CREATE TABLE t (id INTEGER)");
  auto config = [&](const std::string& dev_url) {
    dir.write("keel.toml", "[environments.dev]\nurl = \"" + dev_url +
                               "\"\n[environments.stage]\nurl = \"sqlite:stage.db\"\n"
                               "[environments.prod]\nurl = \"sqlite:prod.db\"\n"
                               "[environments.gone]\nurl = \"sqlite:gone.db\"\n"
                               "[parity]\nenvironments = [\"dev\", \"stage\", \"gone\", \"prod\"]\n"
                               "[notify]\nwebhook_url = \"" +
                               receiver.url("/hook") + "\"\nattempts = 1\n");
  };
  config("sqlite:dev.db");
  RunResult r = run_keel({"verify", "--all", "--no-baseline"}, dir.path);
  EXPECT_EQ(r.status, 3) << r.out << r.err;
  EXPECT_NE(r.out.find("PARITY BROKEN: 1 of 4 environments DRIFTED, 1 could not be verified "
                       "(gone)"),
            std::string::npos)
      << r.out;
  ASSERT_TRUE(receiver.wait_for(4, 5s));
  std::map<std::string, std::string> events;  // environment -> event
  for (const auto& request : receiver.requests()) {
    auto body = nlohmann::json::parse(request.body);
    events[body["environment"].get<std::string>()] = body["event"].get<std::string>();
    if (body["event"] == "parity.error") {
      EXPECT_EQ(request.header("x-keel-event"), "parity.error");
      EXPECT_EQ(body["error_code"], "connection");
      EXPECT_NE(body["error"].get<std::string>().find("gone.db"), std::string::npos);
      EXPECT_EQ(body["reference"], "env:dev");
    }
  }
  EXPECT_EQ(events, (std::map<std::string, std::string>{{"dev", "parity.locked"},
                                                        {"stage", "parity.drifted"},
                                                        {"gone", "parity.error"},
                                                        {"prod", "parity.locked"}}));
  // The unreachable environment's run line carries its own error.
  auto gone = raw_lines(dir.file(".keel/log/gone.jsonl"));
  ASSERT_EQ(gone.size(), 2u);
  EXPECT_EQ(gone[1]["error_code"], "connection");
  EXPECT_NE(gone[1]["error"].get<std::string>().find("gone.db"), std::string::npos);
  EXPECT_FALSE(std::filesystem::exists(dir.file("gone.db")));

  // Only unreachable ones: UNKNOWN names them; an unreadable reference
  // leaves every environment unverified, each announced.
  config("sqlite:missing-dev.db");
  size_t before = receiver.requests().size();
  RunResult unknown = run_keel({"verify", "--all", "--no-baseline"}, dir.path);
  EXPECT_EQ(unknown.status, 1) << unknown.out << unknown.err;
  EXPECT_NE(unknown.out.find("PARITY UNKNOWN: 4 of 4 environments could not be verified "
                             "(dev, stage, gone, prod)"),
            std::string::npos)
      << unknown.out;
  ASSERT_TRUE(receiver.wait_for(before + 4, 5s));
  for (size_t i = before; i < receiver.requests().size(); ++i) {
    EXPECT_EQ(nlohmann::json::parse(receiver.requests()[i].body)["event"], "parity.error");
  }
}

TEST(ArchiveFix14Log, LimitZeroOrNegativeIsAUsageErrorAndUnreadableLinesAreNamed) {
  TempDir dir;
  make_sqlite(dir, "app.db", "CREATE TABLE t (id INTEGER)");
  std::filesystem::create_directories(dir.file("migrations"));
  dir.write("keel.toml", "[environments.dev]\nurl = \"sqlite:app.db\"\n");
  for (const char* limit : {"0", "-1", "-2147483648", "abc", "1.5", "99999999999"}) {
    RunResult r = run_keel({"--env", "dev", "log", "--limit", limit}, dir.path);
    EXPECT_EQ(r.status, 2) << limit << ": " << r.err;
    EXPECT_NE(r.err.find("1 to 2147483647"), std::string::npos) << limit << ": " << r.err;
    EXPECT_EQ(r.err.find("179769"), std::string::npos) << r.err;
  }
  ASSERT_EQ(run_keel({"--env", "dev", "-q", "status"}, dir.path).status, 0);
  // A torn line at the end: the next run starts on a fresh line.
  std::ofstream(dir.file(".keel/log/dev.jsonl"), std::ios::app | std::ios::binary)
      << "{\"command\": \"sta";
  ASSERT_EQ(run_keel({"--env", "dev", "-q", "validate"}, dir.path).status, 0);
  RunResult log = run_keel({"--env", "dev", "log", "--source", "file", "--limit", "1"}, dir.path);
  ASSERT_EQ(log.status, 0) << log.err;
  EXPECT_NE(log.out.find("validate"), std::string::npos) << log.out;
  EXPECT_NE(log.err.find("dev.jsonl:3: not a keel run record"), std::string::npos) << log.err;
}

}  // namespace
}  // namespace keel::test
