// The keel command line: shared options and output helpers. Each subcommand
// lives in its own file and only parses, calls the library, and prints.
#pragma once

#include <CLI/CLI.hpp>
#include <functional>
#include <nlohmann/json.hpp>
#include <string>

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

  bool json() const { return format == "json"; }
};

// What a subcommand's run function returns: an exit status.
using Runner = std::function<int()>;

// Loads keel.toml (required only when --config was given).
Result<Config> load(const GlobalOptions& options);

// Prints an error (stderr in text, stdout as {"error": ...} in json) and
// returns its exit status.
int report(const GlobalOptions& options, const Error& error);

// Progress and notes for people: stderr, silenced by --quiet and --format json.
void note(const GlobalOptions& options, const std::string& text);

// Prints a JSON document to stdout.
void print_json(const nlohmann::json& j);

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

}  // namespace keel::cli
