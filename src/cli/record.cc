// The run archive around every archived command (commands.cc): which
// databases the run acts on, and the error it failed with on each; the
// recording itself is run::Recorder's (src/run/recorder.cc).
// Recording never changes the command's exit status: a failure is a warning.
#include <algorithm>
#include <chrono>
#include <iostream>
#include <map>
#include <optional>

#include "cli/cli.h"

namespace keel::cli {
namespace {

// The errors the run failed with: the last one report() printed, and per
// environment the ones verify --all met (remember_error).
struct RememberedErrors {
  std::optional<Error> last;
  std::map<std::string, Error> by_environment;
  std::string details;  // remember_details()
};

RememberedErrors& remembered() {
  static RememberedErrors errors;
  return errors;
}

// The databases the run acts on that resolve (a bad URL or environment
// name: the command reports it, there is nothing to record there).
std::vector<run::Target> targets(const Config& config, const GlobalOptions& options,
                                 const Invocation& invocation) {
  std::vector<TargetSpec> named;
  if (invocation.targets) {
    named = invocation.targets(config);
  } else {
    named.emplace_back(options.env, options.url);
  }
  std::vector<run::Target> out;
  std::vector<TargetSpec> seen;
  for (const TargetSpec& spec : named) {
    if (std::find(seen.begin(), seen.end(), spec) != seen.end()) continue;
    seen.push_back(spec);
    auto target = run::resolve(config, spec.first, spec.second);
    if (target) out.push_back(std::move(*target));
  }
  return out;
}

}  // namespace

void remember_error(const Error& error, const std::string& environment) {
  if (environment.empty()) {
    remembered().last = error;
  } else {
    remembered().by_environment.insert_or_assign(environment, error);
  }
}

void remember_details(std::string details) { remembered().details = std::move(details); }

int run_recorded(const GlobalOptions& options, const Command& command,
                 const std::vector<std::string>& arguments, const Invocation& invocation) {
  if (!command.archived) return invocation.run();
  auto config = load(options);
  if (!config) return invocation.run();  // the command reports the bad config
  std::vector<run::Target> recorded = targets(*config, options, invocation);
  if (recorded.empty()) return invocation.run();

  run::Recorder recorder(
      *config, command.name, arguments, std::move(recorded),
      run::records_in_target(*config, command.changes_target),
      [](const std::string& line) { std::cerr << "keel: warning: " << line << "\n"; });
  recorder.start();
  auto begin = std::chrono::steady_clock::now();
  int status = invocation.run();
  int64_t duration_ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                            std::chrono::steady_clock::now() - begin)
                            .count();
  recorder.set_details(remembered().details);
  recorder.finish(status, duration_ms, [](const std::string& environment) -> const Error* {
    const RememberedErrors& errors = remembered();
    if (auto it = errors.by_environment.find(environment); it != errors.by_environment.end()) {
      return &it->second;
    }
    return errors.last ? &*errors.last : nullptr;
  });
  return status;
}

}  // namespace keel::cli
