// The keel command line: shared options and output helpers. Each subcommand
// lives in its own file and only parses, calls the library, and prints.
#pragma once

#include <CLI/CLI.hpp>
#include <functional>
#include <nlohmann/json.hpp>
#include <string>
#include <utility>
#include <vector>

#include "keel/config.h"
#include "keel/connection.h"
#include "keel/error.h"
#include "keel/run.h"

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

// (environment, url) as a user names a database: --env NAME or --url URL
// (the URL wins, as in run::resolve).
using TargetSpec = std::pair<std::string, std::string>;

// What a parsed subcommand will do: its runner and, for the run archive,
// the databases it acts on. `targets` unset: the one of --env / --url.
struct Invocation {
  Runner run;
  std::function<std::vector<TargetSpec>(const Config&)> targets;
};

// Registers a subcommand (its flags) and, once parsed, fills the Invocation.
using SetUp = void (*)(CLI::App& app, GlobalOptions& options, Invocation& invocation);

// The table of commands (commands.cc): each command once, with its set-up,
// whether its runs are archived (every command that reads a database: a
// line per run in <[log] dir>/<env>.jsonl, see run::Recorder) and whether
// it changes the database it acts on (its runs then always get a row in
// keel.runs / keel_runs too), and whether it sends webhooks (an unset
// ${VAR} of [notify] is then its error; the others never read [notify]).
struct Command {
  const char* name;
  SetUp set_up;
  bool archived;
  bool changes_target;
  bool sends_webhooks;
};
const std::vector<Command>& commands();
// The entry of `name`; nullptr when there is none.
const Command* find_command(const std::string& name);

// Loads keel.toml (required only when --config was given). For the commands
// that send webhooks (Command::sends_webhooks: apply, rollback, verify), an
// unset ${VAR} of [notify] is an error here; the others never read [notify].
Result<Config> load(const GlobalOptions& options);

// Prints an error (stderr in text, stdout as {"error": ...} in json) and
// returns its exit status.
int report(const GlobalOptions& options, const Error& error);

// Progress and notes for people: stderr, silenced by --quiet and --format json.
void note(const GlobalOptions& options, const std::string& text);

// Prints a JSON document to stdout.
void print_json(const nlohmann::json& j);

// The run's webhook observer: delivers each event when [notify]
// webhook_url is set and says whether it was delivered; never fails the
// command (a database change stands).
run::Observer notifier(const GlobalOptions& options, const Config& config);

// Subcommand registration; each returns the runner for its subcommand.
void add_baseline(CLI::App& app, GlobalOptions& options, Invocation& invocation);
void add_drift(CLI::App& app, GlobalOptions& options, Invocation& invocation);
void add_new(CLI::App& app, GlobalOptions& options, Invocation& invocation);
void add_apply(CLI::App& app, GlobalOptions& options, Invocation& invocation);
void add_complete(CLI::App& app, GlobalOptions& options, Invocation& invocation);
void add_finalize(CLI::App& app, GlobalOptions& options, Invocation& invocation);
void add_abort(CLI::App& app, GlobalOptions& options, Invocation& invocation);
void add_revert(CLI::App& app, GlobalOptions& options, Invocation& invocation);
void add_pause(CLI::App& app, GlobalOptions& options, Invocation& invocation);
void add_resume(CLI::App& app, GlobalOptions& options, Invocation& invocation);
void add_validate(CLI::App& app, GlobalOptions& options, Invocation& invocation);
void add_status(CLI::App& app, GlobalOptions& options, Invocation& invocation);
void add_rollback(CLI::App& app, GlobalOptions& options, Invocation& invocation);
void add_lint(CLI::App& app, GlobalOptions& options, Invocation& invocation);
void add_plan(CLI::App& app, GlobalOptions& options, Invocation& invocation);
void add_verify(CLI::App& app, GlobalOptions& options, Invocation& invocation);
void add_log(CLI::App& app, GlobalOptions& options, Invocation& invocation);
void add_convert(CLI::App& app, GlobalOptions& options, Invocation& invocation);
void add_diff(CLI::App& app, GlobalOptions& options, Invocation& invocation);
void add_generate(CLI::App& app, GlobalOptions& options, Invocation& invocation);
void add_flag(CLI::App& app, GlobalOptions& options, Invocation& invocation);
void add_rollout(CLI::App& app, GlobalOptions& options, Invocation& invocation);
void add_report(CLI::App& app, GlobalOptions& options, Invocation& invocation);

// Runs the parsed subcommand and returns its exit status. When the command
// is archived (commands()) and a database it acts on resolves, the run is
// recorded on each (run::Recorder): a line in <[log] dir>/<env>.jsonl at
// its start and one at its end; for commands that change the target (and
// the others when [log] record_read_only_in_target is set) also a row in
// the environment's keel.runs / keel_runs, inserted at the start and closed
// at the end. `arguments`: the command line after "keel" (masked before
// recording). A failure to record is a warning.
int run_recorded(const GlobalOptions& options, const Command& command,
                 const std::vector<std::string>& arguments, const Invocation& invocation);

// The error a run failed with, for its record (record.cc): report() calls it
// for every error it prints; verify --all for the environment an error
// concerns (which then wins over the last printed one for that environment).
void remember_error(const Error& error, const std::string& environment = {});

// What the run changed beyond the schema, for its record's closing line
// (RunRow::details: a JSON object's text, as run:: builds it).
void remember_details(std::string details);

}  // namespace keel::cli
