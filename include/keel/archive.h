// keel: the run archive on disk — one JSON line per keel command that
// touched a database, appended to <[log] dir>/<name>.jsonl — and what a run
// record holds (secrets masked). The same RunRow goes to the environment's
// keel.runs / keel_runs table through ledger::Ledger (keel/ledger.h).
//
// The line format (one JSON object, keys sorted, no newline inside):
//   {"arguments": ["--env", "prod", "apply"], "command": "apply",
//    "duration_ms": 1234, "environment": "prod", "error": null,
//    "exit_code": 0, "host": "ci-7", "keel_version": "0.1.0",
//    "outcome": "ok", "started_at": "2026-11-25T06:30:00Z", "user": "ana",
//    "version_after": "0004", "version_before": "0003"}
// environment is the --env name, or the masked URL of a --url run; versions
// are null when no migration was applied, error is null when none.
// Each line is appended with one write() on an O_APPEND descriptor, so lines
// of concurrent keel processes never interleave. Readers skip lines that do
// not parse (a line cut short by a full disk).
#pragma once

#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "keel/config.h"
#include "keel/connection.h"
#include "keel/error.h"
#include "keel/ledger.h"

namespace keel::archive {

// The outcome of a run from its exit status (error.h's table): 0 "ok";
// 3 "drift" for the commands whose gate is a comparison (drift, verify),
// "gate_failed" for the others; anything else "error".
std::string outcome_name(const std::string& command, int exit_code);

// The secret values of a config: every environment url's password and the
// notify webhook url and secret.
std::vector<std::string> config_secrets(const Config& config);

// The command line with secrets masked: every URL-looking argument (and
// the value of --url, --url=...) has its password replaced by ***, then
// each of `secrets` is masked wherever it appears.
std::vector<std::string> mask_arguments(const std::vector<std::string>& arguments,
                                        const std::vector<std::string>& secrets);

// The file name (without .jsonl) of a target's log: the environment name
// when the run named one (--env), else a name built from the URL:
// "url-<host>-<port>-<database>" (PostgreSQL) or "url-<file stem>"
// (SQLite). Never holds the password; characters other than letters,
// digits, '.', '_' and '-' become '_'.
std::string log_name(const std::string& env, const ConnectionUrl& url);

// The current time in UTC: "2026-11-25T06:30:00Z".
std::string utc_now();

// A run record with who, where and which keel filled in (user and host as
// in migrate::default_applied_by(), KEEL_VERSION) and started_at = now;
// `arguments` are masked with `secrets`.
ledger::RunRow make_run_row(const std::string& environment, const std::string& command,
                            const std::vector<std::string>& arguments,
                            const std::vector<std::string>& secrets);

// The JSON object of one line, and back. Empty versions and error are null.
nlohmann::json run_to_json(const ledger::RunRow& row);
Result<ledger::RunRow> run_from_json(const nlohmann::json& j);

// <dir>/<name>.jsonl.
std::string log_path(const std::string& dir, const std::string& name);

// Appends the run's line to <dir>/<name>.jsonl, creating the folder and the
// file when missing.
Result<void> append_run(const std::string& dir, const std::string& name, const ledger::RunRow& row);

// The newest `limit` runs of <dir>/<name>.jsonl, newest first; none when
// the file does not exist.
Result<std::vector<ledger::RunRow>> read_runs(const std::string& dir, const std::string& name,
                                              int limit);

}  // namespace keel::archive
