// Helpers for the migration tests: a migrations folder in a temp dir, and
// running keel against a URL from it; SQLite targets read behind keel's back.
#pragma once

#include <gtest/gtest.h>
#include <signal.h>
#include <sqlite3.h>
#include <sys/wait.h>
#include <unistd.h>

#include <string>
#include <vector>

#include "integration/run.h"

namespace keel::test {

// A temp dir holding migrations/ and running keel from there.
struct MigrationFolder {
  TempDir dir;
  std::string url;

  explicit MigrationFolder(std::string target_url) : url(std::move(target_url)) {
    std::filesystem::create_directories(dir.file("migrations"));
  }
  void write(const std::string& name, const std::string& sql) const {
    dir.write("migrations/" + name, sql);
  }
  void remove(const std::string& name) const {
    std::filesystem::remove(dir.file("migrations/" + name));
  }
  RunResult keel(const std::string& command, std::vector<std::string> args = {}) const {
    std::vector<std::string> all = {"--url", url, command};
    all.insert(all.end(), args.begin(), args.end());
    return run_keel(all, dir.path);
  }
  // Starts keel in the background; returns its pid.
  pid_t spawn(const std::string& command) const {
    pid_t pid = fork();
    if (pid == 0) {
      if (chdir(dir.path.c_str()) != 0) _exit(127);
      FILE* null = freopen("/dev/null", "w", stdout);
      null = freopen("/dev/null", "w", stderr);
      (void)null;
      execl(KEEL_BINARY, KEEL_BINARY, "--url", url.c_str(), command.c_str(),
            static_cast<char*>(nullptr));
      _exit(127);
    }
    return pid;
  }
};

// SQLite: the first column of the first row `sql` returns from the database
// file `path` (opened read-only); empty when there is none or it is NULL.
inline std::string sqlite_scalar(const std::string& path, const std::string& sql) {
  sqlite3* db = nullptr;
  sqlite3_open_v2(path.c_str(), &db, SQLITE_OPEN_READONLY, nullptr);
  sqlite3_stmt* stmt = nullptr;
  std::string out;
  if (sqlite3_prepare_v2(db, sql.c_str(), -1, &stmt, nullptr) == SQLITE_OK &&
      sqlite3_step(stmt) == SQLITE_ROW && sqlite3_column_text(stmt, 0) != nullptr) {
    out = reinterpret_cast<const char*>(sqlite3_column_text(stmt, 0));
  }
  sqlite3_finalize(stmt);
  sqlite3_close(db);
  return out;
}

// SQLite: runs `sql` (statements separated by ';') on the database file
// `path`, creating it; a failure fails the test.
inline void sqlite_exec(const std::string& path, const std::string& sql) {
  sqlite3* db = nullptr;
  sqlite3_open(path.c_str(), &db);
  char* error = nullptr;
  if (sqlite3_exec(db, sql.c_str(), nullptr, nullptr, &error) != SQLITE_OK) {
    ADD_FAILURE() << (error != nullptr ? error : "sqlite3_exec failed") << ": " << sql;
  }
  sqlite3_free(error);
  sqlite3_close(db);
}

// A migrations folder whose target is the SQLite file app.db beside it,
// created with `setup` (SQL; empty: an empty database).
struct SqliteMigrationFolder : MigrationFolder {
  std::string db;

  explicit SqliteMigrationFolder(const std::string& setup = "") : MigrationFolder("") {
    db = dir.file("app.db");
    sqlite_exec(db, setup);
    url = "sqlite:" + db;
  }
  std::string scalar(const std::string& sql) const { return sqlite_scalar(db, sql); }
  // A column of the history row of `version`.
  std::string row(const std::string& version, const std::string& column) const {
    return scalar("SELECT " + column + " FROM keel_schema_migrations WHERE version = '" + version +
                  "'");
  }
  std::string status_of(const std::string& version) const { return row(version, "status"); }
  bool has_table(const std::string& name) const {
    return scalar("SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = '" + name +
                  "'") == "1";
  }
};

}  // namespace keel::test
