// keel: the run archive on disk — JSON lines per keel command that touched a
// database, appended to <[log] dir>/<name>.jsonl — and what a run record
// holds (secrets masked). The same RunRow goes to the environment's
// keel.runs / keel_runs table through ledger::Ledger (keel/ledger.h) for the
// commands that change the target (apply, rollback), and for read-only ones
// only when keel.toml says [log] record_read_only_in_target = true.
//
// A run writes two lines with the same run_id: one when it starts
// (outcome "running", exit_code and duration_ms null) and one when it ends;
// the later line of a run_id replaces the earlier. A run killed before its
// end keeps only the first, and readers call it "interrupted" once its
// process (pid on host) is gone. The line format (one JSON object, keys
// sorted, no newline inside):
//   {"arguments": ["--env", "prod", "apply"], "command": "apply",
//    "duration_ms": 1234, "environment": "prod", "error": null,
//    "error_code": null, "exit_code": 0, "host": "ci-7",
//    "keel_version": "0.1.0", "outcome": "ok", "pid": 4242,
//    "run_id": "9f86d081884c7d65", "started_at": "2026-11-25T06:30:00Z",
//    "user": "ana", "version_after": "0004", "version_before": "0003"}
// environment is the --env name, or the masked URL of a --url run; versions
// are null when no migration was applied; error (Error::to_string(), masked)
// and error_code (its ErrorCode name: "sql", "connection", ...) are null
// when none. Lines of older keels have no run_id, pid or error_code.
// Each line is appended with one write() on an O_APPEND descriptor under an
// flock, so lines of concurrent keel processes never interleave; when the
// file does not end with a newline (a writer killed mid-line) the line
// starts with one, so a torn line never swallows the next record. Readers
// skip what does not parse, say where (file:line), and recover a record
// that follows a torn line on the same line (written by an older keel).
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "keel/config.h"
#include "keel/connection.h"
#include "keel/error.h"
#include "keel/ledger.h"

namespace keel::archive {

// The outcome of a run that is under way, and of one that never closed and
// whose process is gone.
inline constexpr std::string_view kRunning = "running";
inline constexpr std::string_view kInterrupted = "interrupted";

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

// A new run id: 16 random lower-case hex digits.
std::string new_run_id();

// The name of an error code as recorded in error_code: "usage", "config",
// "io", "connection", "sql", "unsupported", "internal", "gate_failed".
std::string error_code_name(ErrorCode code);

// Says "interrupted" of each "running" row whose process is gone: its host
// is this machine and no keel process has its pid any more. A row from
// another host, or without a pid, stays "running" (keel cannot tell).
void mark_interrupted(std::vector<ledger::RunRow>& rows);

// The JSON object of one line, and back. Empty versions and error are null;
// exit_code and duration_ms are null while the outcome is "running";
// "details" (RunRow::details) is there only when the run has some.
nlohmann::json run_to_json(const ledger::RunRow& row);
Result<ledger::RunRow> run_from_json(const nlohmann::json& j);

// <dir>/<name>.jsonl.
std::string log_path(const std::string& dir, const std::string& name);

// Appends the run's line to <dir>/<name>.jsonl, creating the folder and the
// file when missing.
Result<void> append_run(const std::string& dir, const std::string& name, const ledger::RunRow& row);

// What read_runs found.
struct RunLog {
  std::vector<ledger::RunRow> runs;  // newest first (by their first line)
  std::string path;
  std::vector<int> unreadable;  // 1-based line numbers of what could not be read, in order
};

// The newest `limit` runs of <dir>/<name>.jsonl, newest first, each as its
// last line (the closing one when the run ended); none when the file does
// not exist. Lines that do not parse are skipped and listed in unreadable.
// REQUIRES: limit >= 0.
Result<RunLog> read_runs(const std::string& dir, const std::string& name, int limit);

}  // namespace keel::archive
