// The run archive around every database-touching command: the newest
// applied version read before and after the command, then one row in the
// environment's keel.runs / keel_runs and one line in <[log] dir>/<env>.jsonl.
// Recording never changes the command's exit status: a failure is a warning.
#include <fmt/format.h>

#include <algorithm>
#include <chrono>
#include <iostream>
#include <optional>
#include <set>

#include "cli/cli.h"
#include "keel/archive.h"
#include "keel/environment.h"
#include "keel/ledger.h"

namespace keel::cli {
namespace {

// One environment the command acts on.
struct Recorded {
  std::string environment;  // RunRow::environment: the env name or the masked URL
  std::string log_name;
  ConnectionUrl url;
  std::unique_ptr<ledger::Ledger> ledger;
  std::optional<Error> ledger_error;  // why there is no row in the table
  std::string version_before;
};

bool is_recorded(const GlobalOptions& options, const std::string& command) {
  static const std::set<std::string> kCommands = {"baseline", "drift",    "apply", "validate",
                                                  "status",   "rollback", "plan",  "verify"};
  if (command == "lint") return !options.url.empty() || !options.env.empty();
  return kCommands.contains(command);
}

std::string table_name(Dialect dialect) {
  return dialect == Dialect::kPostgres ? "keel.runs" : "keel_runs";
}

void warn(const std::string& where, const Error& error) {
  std::cerr << fmt::format("keel: warning: could not record the run in {}: {}\n", where,
                           error.to_string());
}

// The environments the command names: --url or --env, or for `verify --all`
// each of [parity] environments. Empty when none resolves (a bad URL or
// environment name: the command reports it, there is nothing to record).
std::vector<Recorded> targets(const Config& config, const GlobalOptions& options,
                              const std::string& command,
                              const std::vector<std::string>& arguments) {
  std::vector<std::pair<std::string, std::string>> named;  // env, url
  bool all = command == "verify" &&
             std::find(arguments.begin(), arguments.end(), "--all") != arguments.end();
  if (all) {
    for (const std::string& env : config.parity.environments) named.emplace_back(env, "");
  } else {
    named.emplace_back(options.env, options.url);
  }
  std::vector<Recorded> out;
  for (const auto& [env, url_text] : named) {
    auto url = resolve_target(config, env, url_text);
    if (!url) continue;
    Recorded r;
    // --url wins over --env (resolve_target): name the run after what was used.
    std::string name = url_text.empty() ? env : std::string();
    r.environment = name.empty() ? url->masked : name;
    r.log_name = archive::log_name(name, *url);
    r.url = std::move(*url);
    out.push_back(std::move(r));
  }
  return out;
}

// Opens the ledger (a missing SQLite file stays missing: the ledger never
// creates it) and reads the version before the command.
void open(Recorded& r) {
  auto ledger = ledger::open_ledger(r.url);
  if (!ledger) {
    r.ledger_error = ledger.error();
    return;
  }
  r.ledger = std::move(*ledger);
  auto version = r.ledger->latest_version();
  if (version) {
    r.version_before = version->value_or("");
  } else {
    r.ledger_error = version.error();
    r.ledger.reset();
  }
}

void record(Recorded& r, ledger::RunRow row, const std::string& log_dir) {
  row.environment = r.environment;
  row.version_before = r.version_before;
  if (r.ledger) {
    auto version = r.ledger->latest_version();
    if (version) {
      row.version_after = version->value_or("");
      if (auto ok = r.ledger->record_run(row); !ok) r.ledger_error = ok.error();
    } else {
      r.ledger_error = version.error();
    }
  }
  // When the ledger could not even open and the command failed, the
  // command's own error already says why the database was out of reach.
  bool said = !r.ledger && row.exit_code == kExitOperational;
  if (r.ledger_error && !said) warn(table_name(r.url.dialect), *r.ledger_error);
  if (auto ok = archive::append_run(log_dir, r.log_name, row); !ok) {
    warn(archive::log_path(log_dir, r.log_name), ok.error());
  }
}

}  // namespace

int run_recorded(const GlobalOptions& options, const std::string& command,
                 const std::vector<std::string>& arguments, const Runner& runner) {
  if (!is_recorded(options, command)) return runner();
  auto config = load(options);
  if (!config) return runner();  // the command reports the bad config
  std::vector<Recorded> recorded = targets(*config, options, command, arguments);
  if (recorded.empty()) return runner();

  std::vector<std::string> secrets = archive::config_secrets(*config);
  for (const Recorded& r : recorded) secrets.push_back(r.url.password);
  ledger::RunRow row = archive::make_run_row("", command, arguments, secrets);
  for (Recorded& r : recorded) open(r);

  row.started_at = archive::utc_now();
  auto start = std::chrono::steady_clock::now();
  int status = runner();
  row.duration_ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                        std::chrono::steady_clock::now() - start)
                        .count();
  row.exit_code = status;
  row.outcome = archive::outcome_name(command, status);
  for (Recorded& r : recorded) record(r, row, config->log.dir);
  return status;
}

}  // namespace keel::cli
