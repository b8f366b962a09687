// Child processes of a rollout: the staging load test that runs during a step, and the hook
// command of the command router. Both run through /bin/sh -c with the share in
// KEEL_ROLLOUT_PERCENT (and $1) and the migration in KEEL_ROLLOUT_MIGRATION.
#pragma once

#include <sys/types.h>

#include <memory>
#include <optional>
#include <string>

#include "keel/error.h"

namespace keel::rollout {

// A command that runs while a step holds; its stdout goes to keel's stderr (keel's stdout
// stays JSON under --format json).
class LoadProcess {
 public:
  static Result<std::unique_ptr<LoadProcess>> start(const std::string& command, int percent,
                                                    const std::string& migration);
  ~LoadProcess();
  LoadProcess(const LoadProcess&) = delete;
  LoadProcess& operator=(const LoadProcess&) = delete;
  // Its exit status once it has ended (128 + signal when killed), nullopt while it runs.
  std::optional<int> poll();
  // Ends it (SIGTERM to its process group, SIGKILL after 5 s) unless it ended; keeps its
  // status for poll() (a load stopped by keel counts as 0).
  void stop();

 private:
  explicit LoadProcess(pid_t pid) : pid_(pid) {}
  pid_t pid_;
  std::optional<int> status_;
};

// Runs `command` to its end with a time limit; its combined output (at most 4 KB kept).
struct CommandResult {
  int status = 0;  // exit status; 128 + signal; 124 when it overran the limit
  std::string output;
};
Result<CommandResult> run_command(const std::string& command, int percent,
                                  const std::string& migration, int timeout_seconds);

}  // namespace keel::rollout
