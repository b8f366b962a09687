// Issue 15 item 5 (a named defect): keel diff and keel generate read
// databases, so their runs are archived like every such command — a line
// in <[log] dir>/<env>.jsonl per database side (env:NAME or a URL; a
// manifest file is no database), shown by `keel log --source file`; as
// read-only runs they write nothing to the database they read.
#include <gtest/gtest.h>
#include <sqlite3.h>

#include <filesystem>
#include <nlohmann/json.hpp>
#include <sstream>

#include "integration/run.h"

namespace keel::test {
namespace {

std::vector<nlohmann::json> closed_runs(const std::string& path) {
  std::vector<nlohmann::json> out;
  std::istringstream in(slurp(path));
  for (std::string line; std::getline(in, line);) {
    nlohmann::json j = nlohmann::json::parse(line);
    if (j["outcome"] != "running") out.push_back(j);
  }
  return out;
}

void make_sqlite(const TempDir& dir, const std::string& name, const std::string& sql) {
  sqlite3* handle = nullptr;
  sqlite3_open(dir.file(name).c_str(), &handle);
  sqlite3_exec(handle, sql.c_str(), nullptr, nullptr, nullptr);
  sqlite3_close(handle);
}

bool has_table(const std::string& path, const std::string& table) {
  sqlite3* db = nullptr;
  sqlite3_open_v2(path.c_str(), &db, SQLITE_OPEN_READONLY, nullptr);
  sqlite3_stmt* stmt = nullptr;
  bool found = false;
  std::string sql = "SELECT 1 FROM sqlite_master WHERE name = '" + table + "'";
  if (sqlite3_prepare_v2(db, sql.c_str(), -1, &stmt, nullptr) == SQLITE_OK) {
    found = sqlite3_step(stmt) == SQLITE_ROW;
  }
  sqlite3_finalize(stmt);
  sqlite3_close(db);
  return found;
}

TEST(ArchiveDiffCli, DiffAgainstDatabasesIsInTheLogOfEachSide) {
  TempDir dir;
  make_sqlite(dir, "dev.db", "CREATE TABLE t (id INTEGER PRIMARY KEY)");
  make_sqlite(dir, "prod.db", "CREATE TABLE t (id INTEGER PRIMARY KEY, name TEXT)");
  dir.write("keel.toml",
            "[environments.dev]\nurl = \"sqlite:dev.db\"\n"
            "[environments.prod]\nurl = \"sqlite:prod.db\"\n");

  RunResult diff = run_keel({"diff", "--from", "env:dev", "--to", "env:prod"}, dir.path);
  EXPECT_EQ(diff.status, 3) << diff.out << diff.err;  // differences found
  EXPECT_EQ(diff.err.find("could not record"), std::string::npos) << diff.err;
  for (const char* env : {"dev", "prod"}) {
    auto runs = closed_runs(dir.file(std::string(".keel/log/") + env + ".jsonl"));
    ASSERT_EQ(runs.size(), 1u) << env;
    EXPECT_EQ(runs[0]["command"], "diff");
    EXPECT_EQ(runs[0]["environment"], env);
    EXPECT_EQ(runs[0]["exit_code"], 3);
    EXPECT_EQ(runs[0]["arguments"],
              (nlohmann::json{"diff", "--from", "env:dev", "--to", "env:prod"}));
    // Read-only: nothing written to the databases it read.
    EXPECT_FALSE(has_table(dir.file(std::string(env) + ".db"), "keel_runs")) << env;
  }
  RunResult log = run_keel({"--env", "dev", "log", "--source", "file"}, dir.path);
  ASSERT_EQ(log.status, 0) << log.err;
  EXPECT_NE(log.out.find(" diff "), std::string::npos) << log.out;

  // A URL side is logged under its URL's name; a manifest file side is not
  // a database: generate from dev's manifest to a URL records on the URL.
  ASSERT_EQ(run_keel({"--env", "dev", "baseline", "capture", "-o", "dev.json"}, dir.path).status,
            0);
  RunResult generate =
      run_keel({"generate", "sync", "--from", "dev.json", "--to", "sqlite:prod.db"}, dir.path);
  auto url_runs = closed_runs(dir.file(".keel/log/url-prod.jsonl"));
  ASSERT_EQ(url_runs.size(), 1u) << generate.out << generate.err;
  EXPECT_EQ(url_runs[0]["command"], "generate");
  EXPECT_EQ(url_runs[0]["environment"], "sqlite:prod.db");
  EXPECT_EQ(url_runs[0]["exit_code"], generate.status);
  // dev.jsonl holds diff and baseline, not generate (dev was a file there).
  auto dev_runs = closed_runs(dir.file(".keel/log/dev.jsonl"));
  ASSERT_EQ(dev_runs.size(), 2u);
  EXPECT_EQ(dev_runs[1]["command"], "baseline");
}

TEST(ArchiveDiffCli, DiffOfTwoManifestFilesRecordsNothing) {
  TempDir dir;
  make_sqlite(dir, "dev.db", "CREATE TABLE t (id INTEGER PRIMARY KEY)");
  RunResult capture =
      run_keel({"--url", "sqlite:dev.db", "baseline", "capture", "-o", "a.json"}, dir.path);
  ASSERT_EQ(capture.status, 0) << capture.err;
  std::filesystem::remove_all(dir.file(".keel"));
  RunResult diff = run_keel({"diff", "--from", "a.json", "--to", "a.json"}, dir.path);
  EXPECT_EQ(diff.status, 0) << diff.out << diff.err;
  EXPECT_FALSE(std::filesystem::exists(dir.file(".keel/log")));
}

}  // namespace
}  // namespace keel::test
