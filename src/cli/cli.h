// The keel command line: shared options and output helpers. Each subcommand
// lives in its own file and only parses, calls the library, and prints.
#pragma once

#include <CLI/CLI.hpp>
#include <functional>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "keel/config.h"
#include "keel/connection.h"
#include "keel/error.h"

namespace keel::cli {

struct GlobalOptions {
  std::string config_path = "keel.toml";
  bool config_given = false;
  std::string env;
  std::string url;
  std::string format = "text";  // "text" | "json" | "github" (lint only)
  bool quiet = false;
  std::string command;  // the subcommand run (set by main after parsing)

  bool json() const { return format == "json"; }
};

// What a subcommand's run function returns: an exit status.
using Runner = std::function<int()>;

// Loads keel.toml (required only when --config was given). For the commands
// that send webhooks (apply, rollback, verify), an unset ${VAR} of [notify]
// is an error here; the other commands never read [notify].
Result<Config> load(const GlobalOptions& options);

// Prints an error (stderr in text, stdout as {"error": ...} in json) and
// returns its exit status.
int report(const GlobalOptions& options, const Error& error);

// Progress and notes for people: stderr, silenced by --quiet and --format json.
void note(const GlobalOptions& options, const std::string& text);

// Prints a JSON document to stdout.
void print_json(const nlohmann::json& j);

// The environment's name for logs and webhooks: --env, else the masked URL.
std::string environment_name(const GlobalOptions& options, const ConnectionUrl& url);

// Sends a webhook event when [notify] webhook_url is set, and says whether it
// was delivered; never fails the command (a database change stands).
void notify_event(const GlobalOptions& options, const Config& config, const std::string& event,
                  const nlohmann::json& body);

// Subcommand registration; each returns the runner for its subcommand.
void add_baseline(CLI::App& app, GlobalOptions& options, Runner& runner);
void add_drift(CLI::App& app, GlobalOptions& options, Runner& runner);
void add_new(CLI::App& app, GlobalOptions& options, Runner& runner);
void add_apply(CLI::App& app, GlobalOptions& options, Runner& runner);
void add_validate(CLI::App& app, GlobalOptions& options, Runner& runner);
void add_status(CLI::App& app, GlobalOptions& options, Runner& runner);
void add_rollback(CLI::App& app, GlobalOptions& options, Runner& runner);
void add_lint(CLI::App& app, GlobalOptions& options, Runner& runner);
void add_plan(CLI::App& app, GlobalOptions& options, Runner& runner);
void add_verify(CLI::App& app, GlobalOptions& options, Runner& runner);
void add_log(CLI::App& app, GlobalOptions& options, Runner& runner);
void add_diff(CLI::App& app, GlobalOptions& options, Runner& runner);
void add_generate(CLI::App& app, GlobalOptions& options, Runner& runner);

// Runs the subcommand `command` and returns its exit status. When the
// command touches a database (baseline, drift, apply, validate, status,
// rollback, plan, verify; lint with --url/--env) and its target resolves,
// the run is recorded (record.cc): a line in <[log] dir>/<env>.jsonl at its
// start and one at its end; for apply and rollback (and the others when
// [log] record_read_only_in_target is set) also a row in the environment's
// keel.runs / keel_runs, inserted at the start and closed at the end.
// `verify --all` records on each of [parity] environments. `arguments`: the
// command line after "keel" (masked before recording). A failure to record
// is a warning.
int run_recorded(const GlobalOptions& options, const std::string& command,
                 const std::vector<std::string>& arguments, const Runner& runner);

// The error a run failed with, for its record (record.cc): report() calls it
// for every error it prints; verify --all for the environment an error
// concerns (which then wins over the last printed one for that environment).
void remember_error(const Error& error, const std::string& environment = {});

}  // namespace keel::cli
