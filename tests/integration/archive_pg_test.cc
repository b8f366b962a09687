// The run archive end to end: every database-touching command leaves one
// JSON line in .keel/log/<env>.jsonl and one row in keel.runs (PostgreSQL,
// with a password in the URL that must never be written) or keel_runs
// (SQLite); keel log shows them; recording never changes the schema hash.
#include <gtest/gtest.h>
#include <sqlite3.h>

#include <map>
#include <sstream>

#include "integration/migrate_helpers.h"
#include "integration/pg_fixture.h"

namespace keel::test {
namespace {

// The runs of a log file in start order: a run's start line ("running")
// replaced by its closing line (same run_id).
std::vector<nlohmann::json> lines(const std::string& path) {
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

class ArchivePg : public PgTest {};

TEST_F(ArchivePg, EveryCommandIsRecordedInTheFileAndTheTableWithSecretsMasked) {
  PgDatabase db;
  // A role whose password is in the URL (the server trusts loopback for it;
  // what matters is that the password is never written).
  PgDatabase::admin(
      "DO $$ BEGIN IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'keel_archive_test') "
      "THEN CREATE ROLE keel_archive_test LOGIN PASSWORD 'keel-pw-123'; END IF; END $$");
  PgDatabase::admin("ALTER DATABASE " + db.name() + " OWNER TO keel_archive_test");
  std::string url = db.url();
  url.replace(url.find("://") + 3, url.find('@') - url.find("://") - 3,
              "keel_archive_test:keel-pw-123");
  MigrationFolder folder(url);
  folder.write("0001_users.up.sql", "CREATE TABLE users (id int);\n");
  folder.write("0001_users.down.sql", "DROP TABLE users;\n");
  folder.write("0002_email.up.sql", "ALTER TABLE users ADD COLUMN email text;\n");
  folder.dir.write("keel.toml", "[environments.prod]\nurl = \"${KEEL_TEST_DB_URL}\"\n");
  const std::string env = "KEEL_TEST_DB_URL=" + url;
  auto keel = [&](std::vector<std::string> args) {
    RunResult r = run_keel(args, folder.dir.path, env);
    EXPECT_EQ(r.out.find("keel-pw-123"), std::string::npos) << r.out;
    EXPECT_EQ(r.err.find("keel-pw-123"), std::string::npos) << r.err;
    EXPECT_EQ(r.err.find("could not record"), std::string::npos) << r.err;
    return r;
  };

  ASSERT_EQ(keel({"--env", "prod", "apply", "--to", "0001"}).status, 0);
  const std::string hash = db.hash();
  ASSERT_EQ(keel({"--env", "prod", "status"}).status, 0);
  EXPECT_EQ(db.hash(), hash) << "recording must not change the schema";
  ASSERT_EQ(keel({"--env", "prod", "apply"}).status, 0);
  // A command that fails, and one given a --url with the password in it.
  EXPECT_EQ(keel({"--env", "prod", "drift", "--against", "missing.json"}).status, 1);
  ASSERT_EQ(keel({"--url", url, "status"}).status, 0);

  const std::string file = folder.dir.file(".keel/log/prod.jsonl");
  const std::string raw = slurp(file);
  EXPECT_EQ(raw.find("keel-pw-123"), std::string::npos);
  auto runs = lines(file);
  ASSERT_EQ(runs.size(), 4u) << raw;
  EXPECT_EQ(runs[0]["command"], "apply");
  EXPECT_EQ(runs[0]["version_before"], nullptr);
  EXPECT_EQ(runs[0]["version_after"], "0001");
  EXPECT_EQ(runs[0]["outcome"], "ok");
  EXPECT_EQ(runs[0]["environment"], "prod");
  EXPECT_EQ(runs[0]["arguments"], nlohmann::json({"--env", "prod", "apply", "--to", "0001"}));
  EXPECT_EQ(runs[2]["command"], "apply");
  EXPECT_EQ(runs[2]["version_before"], "0001");
  EXPECT_EQ(runs[2]["version_after"], "0002");
  EXPECT_EQ(runs[3]["command"], "drift");
  EXPECT_EQ(runs[3]["outcome"], "error");
  EXPECT_EQ(runs[3]["exit_code"], 1);
  for (const auto& run : runs) {
    EXPECT_FALSE(run["user"].get<std::string>().empty());
    EXPECT_FALSE(run["host"].get<std::string>().empty());
    EXPECT_EQ(run["keel_version"], KEEL_VERSION);
    EXPECT_GE(run["duration_ms"].get<int64_t>(), 0);
  }

  // The table holds the runs that changed the database (read-only ones
  // are in the file only).
  EXPECT_EQ(db.scalar("SELECT string_agg(command || ':' || coalesce(version_after, '-'), ',' "
                      "ORDER BY started_at, id) FROM keel.runs"),
            "apply:0001,apply:0002");
  EXPECT_EQ(db.scalar("SELECT count(*) FROM keel.runs WHERE arguments::text LIKE '%keel-pw-123%'"),
            "0");

  RunResult text = keel({"--env", "prod", "log"});
  ASSERT_EQ(text.status, 0) << text.err;
  EXPECT_NE(text.out.find("0001 -> 0002"), std::string::npos) << text.out;
  RunResult json = keel({"--env", "prod", "--format", "json", "log", "--limit", "2"});
  ASSERT_EQ(json.status, 0) << json.err;
  auto j = nlohmann::json::parse(json.out);
  ASSERT_EQ(j.size(), 2u);
  EXPECT_EQ(j[0]["version_after"], "0002");  // newest first
  RunResult from_file = keel({"--env", "prod", "--format", "json", "log", "--source", "file"});
  ASSERT_EQ(from_file.status, 0) << from_file.err;
  EXPECT_EQ(nlohmann::json::parse(from_file.out).size(), 4u);
  EXPECT_EQ(nlohmann::json::parse(from_file.out)[0]["command"], "drift");
}

TEST(ArchiveSqlite, RecordedInKeelRunsAndAMissingFileIsNeverCreated) {
  TempDir dir;
  const std::string db = dir.file("app.db");
  sqlite3* handle = nullptr;
  sqlite3_open(db.c_str(), &handle);
  sqlite3_close(handle);
  std::filesystem::create_directories(dir.file("migrations"));
  dir.write("migrations/0001_t.up.sql", "CREATE TABLE t (id INTEGER);\n");
  dir.write("keel.toml",
            "[environments.dev]\nurl = \"sqlite:app.db\"\n[environments.gone]\nurl = "
            "\"sqlite:gone.db\"\n[log]\ndir = \"var/log\"\n");
  RunResult applied = run_keel({"--env", "dev", "apply"}, dir.path);
  ASSERT_EQ(applied.status, 0) << applied.err;
  RunResult hash = run_keel({"--env", "dev", "-q", "baseline", "hash"}, dir.path);
  ASSERT_EQ(hash.status, 0);
  RunResult again = run_keel({"--env", "dev", "-q", "baseline", "hash"}, dir.path);
  EXPECT_EQ(again.out, hash.out) << "recording must not change the schema";
  auto runs = lines(dir.file("var/log/dev.jsonl"));
  ASSERT_EQ(runs.size(), 3u);
  EXPECT_EQ(runs[0]["version_after"], "0001");
  RunResult log = run_keel({"--env", "dev", "--format", "json", "log"}, dir.path);
  ASSERT_EQ(log.status, 0) << log.err;
  EXPECT_EQ(nlohmann::json::parse(log.out).size(), 1u);  // apply; the hashes read only
  RunResult file =
      run_keel({"--env", "dev", "--format", "json", "log", "--source", "file"}, dir.path);
  ASSERT_EQ(file.status, 0) << file.err;
  EXPECT_EQ(nlohmann::json::parse(file.out).size(), 3u);

  RunResult missing = run_keel({"--env", "gone", "status"}, dir.path);
  EXPECT_EQ(missing.status, 1);
  EXPECT_FALSE(std::filesystem::exists(dir.file("gone.db")));
}

}  // namespace
}  // namespace keel::test
