// Child processes of a rollout (process.h), through posix_spawn and /bin/sh -c.
#include "rollout/process.h"

#include <fcntl.h>
#include <fmt/format.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstring>
#include <thread>
#include <vector>

extern char** environ;

namespace keel::rollout {
namespace {

int decode(int status) {
  if (WIFEXITED(status)) return WEXITSTATUS(status);
  if (WIFSIGNALED(status)) return 128 + WTERMSIG(status);
  return 1;
}

// The environment with KEEL_ROLLOUT_PERCENT and KEEL_ROLLOUT_MIGRATION set.
std::vector<std::string> child_environment(int percent, const std::string& migration) {
  std::vector<std::string> env;
  for (char** e = environ; *e != nullptr; ++e) {
    std::string_view entry(*e);
    if (entry.starts_with("KEEL_ROLLOUT_PERCENT=") ||
        entry.starts_with("KEEL_ROLLOUT_MIGRATION=")) {
      continue;
    }
    env.emplace_back(entry);
  }
  env.push_back(fmt::format("KEEL_ROLLOUT_PERCENT={}", percent));
  env.push_back("KEEL_ROLLOUT_MIGRATION=" + migration);
  return env;
}

// Spawns /bin/sh -c command keel-rollout <percent> in its own process group, with `out` as
// its stdout and stderr (-1: stdout to keel's stderr, stderr kept).
Result<pid_t> spawn(const std::string& command, int percent, const std::string& migration,
                    int out) {
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  if (out >= 0) {
    posix_spawn_file_actions_adddup2(&actions, out, 1);
    posix_spawn_file_actions_adddup2(&actions, out, 2);
  } else {
    posix_spawn_file_actions_adddup2(&actions, 2, 1);
  }
  posix_spawnattr_t attributes;
  posix_spawnattr_init(&attributes);
  posix_spawnattr_setflags(&attributes, POSIX_SPAWN_SETPGROUP);
  posix_spawnattr_setpgroup(&attributes, 0);
  const std::string percent_text = std::to_string(percent);
  std::vector<std::string> args = {"/bin/sh", "-c", command, "keel-rollout", percent_text};
  std::vector<char*> argv;
  for (auto& a : args) argv.push_back(a.data());
  argv.push_back(nullptr);
  std::vector<std::string> env = child_environment(percent, migration);
  std::vector<char*> envp;
  for (auto& e : env) envp.push_back(e.data());
  envp.push_back(nullptr);
  pid_t pid = -1;
  int rc = posix_spawn(&pid, "/bin/sh", &actions, &attributes, argv.data(), envp.data());
  posix_spawn_file_actions_destroy(&actions);
  posix_spawnattr_destroy(&attributes);
  if (rc != 0) {
    return fail(ErrorCode::kIo, fmt::format("cannot run /bin/sh: {}", std::strerror(rc)), command);
  }
  return pid;
}

// Waits for `pid` at most `limit`; its raw status, or nullopt when it still runs.
std::optional<int> wait_for(pid_t pid, std::chrono::milliseconds limit) {
  const auto until = std::chrono::steady_clock::now() + limit;
  for (;;) {
    int status = 0;
    pid_t done = waitpid(pid, &status, WNOHANG);
    if (done == pid) return status;
    if (done < 0 && errno != EINTR) return 0;
    if (std::chrono::steady_clock::now() >= until) return std::nullopt;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
}

// SIGTERM to the group, SIGKILL after 5 s; the raw status.
int end_group(pid_t pid) {
  kill(-pid, SIGTERM);
  if (auto status = wait_for(pid, std::chrono::seconds(5))) return *status;
  kill(-pid, SIGKILL);
  int status = 0;
  while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  return status;
}

}  // namespace

Result<std::unique_ptr<LoadProcess>> LoadProcess::start(const std::string& command, int percent,
                                                        const std::string& migration) {
  auto pid = spawn(command, percent, migration, -1);
  if (!pid) return std::unexpected(pid.error());
  return std::unique_ptr<LoadProcess>(new LoadProcess(*pid));
}

LoadProcess::~LoadProcess() { stop(); }

std::optional<int> LoadProcess::poll() {
  if (!status_) {
    if (auto status = wait_for(pid_, std::chrono::milliseconds(0))) status_ = decode(*status);
  }
  return status_;
}

void LoadProcess::stop() {
  if (poll()) return;
  end_group(pid_);
  status_ = 0;
}

Result<CommandResult> run_command(const std::string& command, int percent,
                                  const std::string& migration, int timeout_seconds) {
  int fds[2];
  if (pipe2(fds, O_CLOEXEC) != 0) {
    return fail(ErrorCode::kIo, fmt::format("cannot make a pipe: {}", std::strerror(errno)));
  }
  auto pid = spawn(command, percent, migration, fds[1]);
  close(fds[1]);
  if (!pid) {
    close(fds[0]);
    return std::unexpected(pid.error());
  }
  CommandResult result;
  const auto until = std::chrono::steady_clock::now() + std::chrono::seconds(timeout_seconds);
  bool overran = false;
  for (;;) {
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
        until - std::chrono::steady_clock::now());
    if (left.count() <= 0) {
      overran = true;
      break;
    }
    pollfd p{fds[0], POLLIN, 0};
    int ready = ::poll(&p, 1, static_cast<int>(left.count()));
    if (ready < 0 && errno == EINTR) continue;
    if (ready <= 0) continue;
    char buffer[4096];
    ssize_t n = read(fds[0], buffer, sizeof buffer);
    if (n <= 0) break;  // every writer closed: the command ended (or closed its output)
    if (result.output.size() < 4096) result.output.append(buffer, static_cast<size_t>(n));
  }
  close(fds[0]);
  if (overran) {
    end_group(*pid);
    result.status = 124;
    return result;
  }
  auto status = wait_for(*pid, std::chrono::seconds(timeout_seconds));
  result.status = status ? decode(*status) : (end_group(*pid), 124);
  if (result.output.size() > 4096) result.output.resize(4096);
  return result;
}

}  // namespace keel::rollout
