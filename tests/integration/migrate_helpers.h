// Helpers for the migration tests: a migrations folder in a temp dir, and
// running keel against a URL from it.
#pragma once

#include <signal.h>
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

}  // namespace keel::test
