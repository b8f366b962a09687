// The run archive around every database-touching command: the newest
// applied version read before and after the command, a line in
// <[log] dir>/<env>.jsonl when the run starts (outcome "running") and one
// when it ends, with the same run id. Commands that change the target
// (apply, rollback) also get a row in its keel.runs / keel_runs, inserted
// at the start and closed at the end, so a killed run leaves a trace there
// too; read-only commands write nothing to the database they read unless
// keel.toml says [log] record_read_only_in_target = true.
// Recording never changes the command's exit status: a failure is a warning.
#include <fmt/format.h>

#include <algorithm>
#include <chrono>
#include <iostream>
#include <map>
#include <optional>
#include <set>

#include "cli/cli.h"
#include "keel/archive.h"
#include "keel/dialect.h"
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

// The errors the run failed with: the last one report() printed, and per
// environment the ones verify --all met (remember_error).
struct RememberedErrors {
  std::optional<Error> last;
  std::map<std::string, Error> by_environment;
};

RememberedErrors& remembered() {
  static RememberedErrors errors;
  return errors;
}

bool is_recorded(const GlobalOptions& options, const std::string& command) {
  static const std::set<std::string> kCommands = {"baseline", "drift",    "apply", "validate",
                                                  "status",   "rollback", "plan",  "verify"};
  if (command == "lint") return !options.url.empty() || !options.env.empty();
  return kCommands.contains(command);
}

// The commands that change the database they act on. plan rolls back all
// it does, and verify writes only its verdict (keel.parity, verify.cc): both
// are read-only here.
bool changes_target(const std::string& command) {
  return command == "apply" || command == "rollback";
}

std::string table_name(Dialect dialect) { return dialect->keel.display(dialect->keel.runs); }

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
// creates it; a reading ledger cannot write) and reads the version before
// the command.
void open(Recorded& r, ledger::Access access) {
  auto ledger = ledger::open_ledger(r.url, access);
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

void append(const std::string& log_dir, const Recorded& r, const ledger::RunRow& row) {
  if (auto ok = archive::append_run(log_dir, r.log_name, row); !ok) {
    warn(archive::log_path(log_dir, r.log_name), ok.error());
  }
}

// The start of the run: its "running" line, and its row when recorded in
// the target.
void start(Recorded& r, ledger::RunRow row, const std::string& log_dir, bool in_target) {
  row.environment = r.environment;
  row.version_before = r.version_before;
  if (in_target && r.ledger) {
    // A failure here is said at the end, unless closing the row works.
    if (auto ok = r.ledger->record_run(row); !ok) r.ledger_error = ok.error();
  }
  append(log_dir, r, row);
}

// The error the run failed with on this environment, masked.
void fill_error(ledger::RunRow& row, const std::string& environment,
                const std::vector<std::string>& secrets) {
  if (row.exit_code == kExitOk) return;
  const RememberedErrors& errors = remembered();
  const Error* error = nullptr;
  if (auto it = errors.by_environment.find(environment); it != errors.by_environment.end()) {
    error = &it->second;
  } else if (errors.last) {
    error = &*errors.last;
  }
  if (error == nullptr) return;
  row.error = mask_secrets(error->to_string(), secrets);
  row.error_code = archive::error_code_name(error->code);
}

// The end of the run: the closing line, and the row closed when recorded in
// the target.
void finish(Recorded& r, ledger::RunRow row, const std::string& log_dir, bool in_target,
            const std::vector<std::string>& secrets) {
  row.environment = r.environment;
  row.version_before = r.version_before;
  fill_error(row, r.environment, secrets);
  if (r.ledger) {
    auto version = r.ledger->latest_version();
    if (version) {
      row.version_after = version->value_or("");
      if (in_target) {
        auto ok = r.ledger->finish_run(row);
        r.ledger_error = ok ? std::nullopt : std::optional<Error>(ok.error());
      }
    } else if (in_target) {
      r.ledger_error = version.error();
    }
  }
  // When the ledger could not even open and the command failed, the
  // command's own error already says why the database was out of reach.
  bool said = !r.ledger && row.exit_code == kExitOperational;
  if (in_target && r.ledger_error && !said) warn(table_name(r.url.dialect), *r.ledger_error);
  append(log_dir, r, row);
}

}  // namespace

void remember_error(const Error& error, const std::string& environment) {
  if (environment.empty()) {
    remembered().last = error;
  } else {
    remembered().by_environment.insert_or_assign(environment, error);
  }
}

int run_recorded(const GlobalOptions& options, const std::string& command,
                 const std::vector<std::string>& arguments, const Runner& runner) {
  if (!is_recorded(options, command)) return runner();
  auto config = load(options);
  if (!config) return runner();  // the command reports the bad config
  std::vector<Recorded> recorded = targets(*config, options, command, arguments);
  if (recorded.empty()) return runner();

  const bool in_target = changes_target(command) || config->log.record_read_only_in_target;
  std::vector<std::string> secrets = archive::config_secrets(*config);
  for (const Recorded& r : recorded) secrets.push_back(r.url.password);
  ledger::RunRow row = archive::make_run_row("", command, arguments, secrets);
  for (Recorded& r : recorded) open(r, in_target ? ledger::Access::kWrite : ledger::Access::kRead);

  row.started_at = archive::utc_now();
  row.outcome = std::string(archive::kRunning);
  row.exit_code = -1;
  for (Recorded& r : recorded) start(r, row, config->log.dir, in_target);

  auto begin = std::chrono::steady_clock::now();
  int status = runner();
  row.duration_ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                        std::chrono::steady_clock::now() - begin)
                        .count();
  row.exit_code = status;
  row.outcome = archive::outcome_name(command, status);
  for (Recorded& r : recorded) finish(r, row, config->log.dir, in_target, secrets);
  return status;
}

}  // namespace keel::cli
