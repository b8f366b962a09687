// Test helpers: run the keel binary, make temporary directories.
#pragma once

#include <sys/wait.h>
#include <unistd.h>
#include <nlohmann/json.hpp>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

namespace keel {

struct RunResult {
  int status = -1;
  std::string out;
  std::string err;
};

inline std::string shell_quote(const std::string& s) {
  std::string out = "'";
  for (char c : s) out += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return out + "'";
}

inline std::string slurp(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

// A fresh directory, removed with everything in it at the end of the test.
struct TempDir {
  std::string path;
  TempDir() {
    std::string tmpl = (std::filesystem::temp_directory_path() / "keel-test-XXXXXX").string();
    path = mkdtemp(tmpl.data());
  }
  ~TempDir() {
    std::error_code ec;
    std::filesystem::remove_all(path, ec);
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  std::string file(const std::string& name) const { return path + "/" + name; }
  void write(const std::string& name, const std::string& text) const {
    std::ofstream(file(name), std::ios::binary) << text;
  }
};

// Runs `command` through /bin/sh; captures stdout, stderr and the exit status.
inline RunResult run_shell(const std::string& command) {
  TempDir io;
  std::string cmd = command;
  cmd += " >";
  cmd += shell_quote(io.file("out"));
  cmd += " 2>";
  cmd += shell_quote(io.file("err"));
  int raw = std::system(cmd.c_str());
  RunResult r;
  r.status = WIFEXITED(raw) ? WEXITSTATUS(raw) : -1;
  r.out = slurp(io.file("out"));
  r.err = slurp(io.file("err"));
  return r;
}

// Runs the keel binary with `args` in directory `cwd` (the current one if
// empty), with extra environment assignments `env` ("NAME=value");
// captures stdout, stderr and the exit status.
inline RunResult run_keel(const std::vector<std::string>& args, const std::string& cwd = "",
                          const std::string& env = "") {
  std::string cmd;
  if (!cwd.empty()) {
    cmd += "cd ";
    cmd += shell_quote(cwd);
    cmd += " && ";
  }
  // Appended piece by piece: GCC 12's -Wrestrict misfires on "literal" +
  // std::string in Release builds.
  if (!env.empty()) {
    cmd += "env ";
    cmd += shell_quote(env);
    cmd += ' ';
  }
  cmd += shell_quote(KEEL_BINARY);
  for (const auto& a : args) {
    cmd += ' ';
    cmd += shell_quote(a);
  }
  return run_shell(cmd);
}

}  // namespace keel
