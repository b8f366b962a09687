// The ledger (keel/ledger.h) on both dialects: runs and parity verdicts
// round trip newest first, nothing is created by a read, concurrent first
// recordings do not collide; and what the CLI records and what it does not
// (new, log, lint without a target; verify --all on each environment; a
// missing SQLite file is never created). archive_pg_test.cc covers the
// end-to-end lines and rows of apply/status/drift.
#include <gtest/gtest.h>
#include <sqlite3.h>

#include <future>
#include <map>
#include <sstream>

#include "integration/migrate_helpers.h"
#include "integration/pg_fixture.h"
#include "keel/ledger.h"

namespace keel::test {
namespace {

// The runs of a log file in start order: a run's start line ("running")
// replaced by its closing line (same run_id).
std::vector<nlohmann::json> json_lines(const std::string& path) {
  std::vector<nlohmann::json> out;
  std::map<std::string, size_t> at;
  std::istringstream in(slurp(path));
  for (std::string line; std::getline(in, line);) {
    nlohmann::json j = nlohmann::json::parse(line);
    std::string id = j.value("run_id", "");
    if (auto it = at.find(id); !id.empty() && it != at.end()) {
      out[it->second] = j;
      continue;
    }
    at[id] = out.size();
    out.push_back(j);
  }
  return out;
}

std::string make_sqlite(const TempDir& dir, const std::string& name) {
  std::string path = dir.file(name);
  sqlite3* handle = nullptr;
  sqlite3_open(path.c_str(), &handle);
  sqlite3_exec(handle, "CREATE TABLE t (id INTEGER PRIMARY KEY)", nullptr, nullptr, nullptr);
  sqlite3_close(handle);
  return path;
}

std::unique_ptr<ledger::Ledger> open(const std::string& text) {
  auto url = parse_connection_url(text);
  EXPECT_TRUE(url.has_value()) << text;
  if (!url) return nullptr;
  auto l = ledger::open_ledger(*url);
  EXPECT_TRUE(l.has_value()) << l.error().to_string();
  return l ? std::move(*l) : nullptr;
}

ledger::ParityRow verdict(const std::string& status, std::vector<std::string> differences) {
  ledger::ParityRow row;
  row.environment = "prod";
  row.schema_hash = "sha256:abc";
  row.status = status;
  row.reference = "env:staging";
  row.differences = std::move(differences);
  row.verified_by = "ana@ci";
  row.keel_version = KEEL_VERSION;
  return row;
}

ledger::RunRow run_row(const std::string& command, const std::string& after) {
  ledger::RunRow row;
  row.environment = "prod";
  row.command = command;
  row.arguments = {"--env", "prod", command};
  row.version_after = after;
  row.outcome = "ok";
  row.duration_ms = 7;
  row.user = "ana";
  row.host = "ci";
  row.keel_version = KEEL_VERSION;
  row.started_at = "2026-11-25T06:30:00Z";
  return row;
}

// The same checks on either dialect's ledger.
void expect_round_trip(ledger::Ledger& l) {
  auto none = l.runs(10);
  ASSERT_TRUE(none.has_value()) << none.error().to_string();
  EXPECT_TRUE(none->empty());
  auto version = l.latest_version();
  ASSERT_TRUE(version.has_value()) << version.error().to_string();
  EXPECT_FALSE(version->has_value());

  ASSERT_TRUE(l.record_parity(verdict("LOCKED", {})).has_value());
  auto drifted = l.record_parity(verdict("DRIFTED", {"public.users.email: missing", "x \"y\""}));
  ASSERT_TRUE(drifted.has_value()) << drifted.error().to_string();
  auto bad = l.record_parity(verdict("MAYBE", {}));
  ASSERT_FALSE(bad.has_value());
  EXPECT_EQ(bad.error().code, ErrorCode::kSql);

  auto parity = l.parity(10);
  ASSERT_TRUE(parity.has_value()) << parity.error().to_string();
  ASSERT_EQ(parity->size(), 2u);
  const ledger::ParityRow& newest = (*parity)[0];
  EXPECT_EQ(newest.status, "DRIFTED");
  EXPECT_EQ(newest.differences,
            (std::vector<std::string>{"public.users.email: missing", "x \"y\""}));
  EXPECT_EQ(newest.environment, "prod");
  EXPECT_EQ(newest.schema_hash, "sha256:abc");
  EXPECT_EQ(newest.reference, "env:staging");
  EXPECT_EQ(newest.verified_by, "ana@ci");
  EXPECT_EQ(newest.keel_version, KEEL_VERSION);
  ASSERT_EQ(newest.verified_at.size(), 20u) << newest.verified_at;  // set by the database
  EXPECT_EQ(newest.verified_at.back(), 'Z');
  EXPECT_EQ((*parity)[1].status, "LOCKED");
  EXPECT_TRUE((*parity)[1].differences.empty());
  EXPECT_EQ(l.parity(1)->size(), 1u);

  ASSERT_TRUE(l.record_run(run_row("apply", "0002")).has_value());
  ASSERT_TRUE(l.record_run(run_row("status", "")).has_value());
  auto runs = l.runs(10);
  ASSERT_TRUE(runs.has_value()) << runs.error().to_string();
  ASSERT_EQ(runs->size(), 2u);
  EXPECT_EQ((*runs)[0].command, "status");
  EXPECT_EQ((*runs)[0].version_after, "");
  EXPECT_EQ((*runs)[1].command, "apply");
  EXPECT_EQ((*runs)[1].version_after, "0002");
  EXPECT_EQ((*runs)[1].arguments, (std::vector<std::string>{"--env", "prod", "apply"}));
  EXPECT_EQ((*runs)[1].duration_ms, 7);
  EXPECT_EQ((*runs)[1].started_at, "2026-11-25T06:30:00Z");
  EXPECT_EQ((*runs)[1].user, "ana");
  EXPECT_EQ((*runs)[1].host, "ci");
}

class ArchiveLedgerPg : public PgTest {};

TEST_F(ArchiveLedgerPg, ParityAndRunsRoundTripNewestFirstWithoutChangingTheHash) {
  PgDatabase db;
  db.sql("CREATE TABLE users (id bigint PRIMARY KEY, email text)");
  const std::string hash = db.hash();
  auto l = open(db.url());
  ASSERT_NE(l, nullptr);
  expect_round_trip(*l);
  EXPECT_EQ(db.scalar("SELECT count(*) FROM keel.parity"), "2");
  EXPECT_EQ(db.scalar("SELECT jsonb_typeof(differences) FROM keel.parity ORDER BY id LIMIT 1"),
            "array");
  EXPECT_EQ(db.scalar("SELECT count(*) FROM keel.runs WHERE recorded_at IS NOT NULL"), "2");
  EXPECT_EQ(db.hash(), hash);
}

TEST_F(ArchiveLedgerPg, ReadingCreatesNothing) {
  PgDatabase db;
  auto l = open(db.url());
  ASSERT_NE(l, nullptr);
  EXPECT_TRUE(l->runs(5)->empty());
  EXPECT_TRUE(l->parity(5)->empty());
  EXPECT_FALSE(l->latest_version()->has_value());
  EXPECT_EQ(db.scalar("SELECT count(*) FROM pg_namespace WHERE nspname = 'keel'"), "0");
}

TEST_F(ArchiveLedgerPg, LatestVersionIsTheHighestSuccessfulOne) {
  PgDatabase db;
  MigrationFolder folder(db.url());
  folder.write("0009_a.up.sql", "CREATE TABLE a (id int);\n");
  folder.write("0010_b.up.sql", "CREATE TABLE b (id int);\n");
  folder.write("0011_c.up.sql", "CREATE TABLE c (id int); SELECT nonsense_column FROM a;\n");
  EXPECT_EQ(folder.keel("apply").status, 1);
  auto l = open(db.url());
  ASSERT_NE(l, nullptr);
  auto version = l->latest_version();
  ASSERT_TRUE(version.has_value()) << version.error().to_string();
  EXPECT_EQ(version->value_or(""), "0010");  // numeric order; FAILED 0011 does not count
}

// Several keel processes finishing together on a database without the
// tables: the advisory lock serialises the CREATEs, every row lands.
TEST_F(ArchiveLedgerPg, ConcurrentFirstRecordingsCreateTheTablesOnce) {
  PgDatabase db;
  std::vector<std::future<std::string>> done;
  for (int i = 0; i < 6; ++i) {
    done.push_back(std::async(std::launch::async, [&, i]() -> std::string {
      auto url = parse_connection_url(db.url());
      if (!url) return url.error().to_string();
      auto l = ledger::open_ledger(*url);
      if (!l) return l.error().to_string();
      auto ok = (*l)->record_run(run_row("status", std::to_string(i)));
      if (!ok) return ok.error().to_string();
      auto parity = (*l)->record_parity(verdict("LOCKED", {}));
      return parity ? std::string() : parity.error().to_string();
    }));
  }
  for (auto& d : done) EXPECT_EQ(d.get(), "");
  EXPECT_EQ(db.scalar("SELECT count(*) FROM keel.runs"), "6");
  EXPECT_EQ(db.scalar("SELECT count(*) FROM keel.parity"), "6");
}

TEST_F(ArchiveLedgerPg, BaselineHashIsTheSameBeforeAndAfterTheFirstRecording) {
  PgDatabase db;
  db.sql("CREATE TABLE users (id bigint PRIMARY KEY)");
  TempDir dir;
  // Read-only runs are recorded in the target only when asked to.
  dir.write("keel.toml", "[log]\nrecord_read_only_in_target = true\n");
  RunResult first = run_keel({"--url", db.url(), "-q", "baseline", "hash"}, dir.path);
  ASSERT_EQ(first.status, 0) << first.err;
  EXPECT_EQ(db.scalar("SELECT count(*) FROM keel.runs"), "1");
  RunResult second = run_keel({"--url", db.url(), "-q", "baseline", "hash"}, dir.path);
  ASSERT_EQ(second.status, 0) << second.err;
  EXPECT_EQ(second.out, first.out);
  EXPECT_EQ(db.scalar("SELECT count(*) FROM keel.runs"), "2");
  EXPECT_EQ(db.scalar("SELECT env FROM keel.runs LIMIT 1"), parse_connection_url(db.url())->masked);

  RunResult text = run_keel({"--url", db.url(), "log"}, dir.path);
  ASSERT_EQ(text.status, 0) << text.err;
  for (const char* column : {"STARTED AT", "COMMAND", "OUTCOME", "EXIT", "VERSIONS", "DURATION",
                             "BY", "baseline", "- -> -", "@"}) {
    EXPECT_NE(text.out.find(column), std::string::npos) << column << "\n" << text.out;
  }
  EXPECT_EQ(db.scalar("SELECT count(*) FROM keel.runs"), "2") << "keel log is not recorded";
}

TEST(ArchiveLedgerSqlite, ParityAndRunsRoundTripNewestFirst) {
  TempDir dir;
  std::string path = make_sqlite(dir, "app.db");
  auto l = open("sqlite:" + path);
  ASSERT_NE(l, nullptr);
  expect_round_trip(*l);
  EXPECT_EQ(sqlite_scalar(path, "SELECT count(*) FROM keel_parity"), "2");
  EXPECT_EQ(sqlite_scalar(path,
                          "SELECT json_array_length(differences) FROM keel_parity "
                          "ORDER BY id DESC LIMIT 1"),
            "2");
}

TEST(ArchiveLedgerSqlite, AMissingFileIsAnErrorAndIsNotCreated) {
  TempDir dir;
  auto url = parse_connection_url("sqlite:" + dir.file("missing.db"));
  ASSERT_TRUE(url.has_value());
  auto l = ledger::open_ledger(*url);
  ASSERT_FALSE(l.has_value());
  EXPECT_EQ(l.error().code, ErrorCode::kConnection);
  EXPECT_FALSE(std::filesystem::exists(dir.file("missing.db")));
}

// What the CLI records, and what it leaves alone.
TEST(ArchiveCli, RecordsDatabaseCommandsOnlyAndNeverCreatesAMissingFile) {
  TempDir dir;
  std::string dev = make_sqlite(dir, "dev.db");
  make_sqlite(dir, "stage.db");
  std::filesystem::create_directories(dir.file("migrations"));
  dir.write("migrations/0001_u.up.sql", "CREATE TABLE u (id INTEGER);\n");
  dir.write("keel.toml",
            "[environments.dev]\nurl = \"sqlite:dev.db\"\n"
            "[environments.stage]\nurl = \"sqlite:stage.db\"\n"
            "[parity]\nenvironments = [\"dev\", \"stage\"]\n");
  const std::string logs = dir.file(".keel/log");

  // Not recorded: new, lint without a target, log.
  ASSERT_EQ(run_keel({"new", "add_v"}, dir.path).status, 0);
  run_keel({"lint", "migrations"}, dir.path);
  ASSERT_EQ(run_keel({"--env", "dev", "log"}, dir.path).status, 0);
  EXPECT_FALSE(std::filesystem::exists(logs));
  std::filesystem::remove_all(dir.file("migrations"));
  std::filesystem::create_directories(dir.file("migrations"));
  dir.write("migrations/0001_u.up.sql", "CREATE TABLE u (id INTEGER);\n");

  // Drift is an outcome of its own.
  ASSERT_EQ(run_keel({"--env", "dev", "baseline", "capture", "-o", "dev.json"}, dir.path).status,
            0);
  ASSERT_EQ(run_keel({"--env", "dev", "apply"}, dir.path).status, 0);
  RunResult drift = run_keel({"--env", "dev", "drift", "--against", "dev.json"}, dir.path);
  EXPECT_EQ(drift.status, 3) << drift.out << drift.err;
  auto runs = json_lines(logs + "/dev.jsonl");
  ASSERT_EQ(runs.size(), 3u);
  EXPECT_EQ(runs[2]["command"], "drift");
  EXPECT_EQ(runs[2]["outcome"], "drift");
  EXPECT_EQ(runs[2]["exit_code"], 3);
  EXPECT_EQ(runs[2]["version_before"], "0001");
  // Only the command that changed the database is in its table.
  EXPECT_EQ(sqlite_scalar(dev,
                          "SELECT group_concat(command || ':' || outcome, ',') FROM "
                          "(SELECT command, outcome FROM keel_runs ORDER BY id)"),
            "apply:ok");

  // verify --all: one run on each [parity] environment.
  RunResult verify = run_keel({"verify", "--all"}, dir.path);
  EXPECT_EQ(verify.err.find("could not record"), std::string::npos) << verify.err;
  for (const char* env : {"dev", "stage"}) {
    auto lines = json_lines(logs + "/" + env + ".jsonl");
    ASSERT_FALSE(lines.empty()) << env;
    EXPECT_EQ(lines.back()["command"], "verify") << env;
    EXPECT_EQ(lines.back()["environment"], env);
    EXPECT_EQ(lines.back()["exit_code"], verify.status);
    // verify's run is not in the table; its verdict is (keel_parity).
    EXPECT_EQ(sqlite_scalar(dir.file(std::string(env) + ".db"),
                            "SELECT count(*) FROM keel_runs WHERE command = 'verify'"),
              std::string(env) == "dev" ? "0" : "")
        << env;
    EXPECT_EQ(sqlite_scalar(dir.file(std::string(env) + ".db"), "SELECT count(*) FROM keel_parity"),
              "1")
        << env;
  }

  // A missing file: the line is written, the database file never is.
  RunResult missing = run_keel({"--url", "sqlite:missing.db", "status"}, dir.path);
  EXPECT_EQ(missing.status, 1);
  EXPECT_FALSE(std::filesystem::exists(dir.file("missing.db")));
  EXPECT_FALSE(std::filesystem::exists(dir.file("missing.db.keel-lock")));
  EXPECT_EQ(missing.err.find("could not record"), std::string::npos) << missing.err;
  auto gone = json_lines(logs + "/url-missing.jsonl");
  ASSERT_EQ(gone.size(), 1u);
  EXPECT_EQ(gone[0]["outcome"], "error");
  EXPECT_EQ(gone[0]["environment"], "sqlite:missing.db");
  EXPECT_TRUE(gone[0]["version_before"].is_null());
}

}  // namespace
}  // namespace keel::test
