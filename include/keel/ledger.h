// keel: what keel records on an environment besides the migration history —
// the run archive (keel.runs / keel_runs: one row per keel command that
// changed the database — apply, rollback —, and per read-only command when
// keel.toml opts in with [log] record_read_only_in_target) and parity
// verdicts (keel.parity / keel_parity: one row per `keel verify` of the
// environment, the one read-only command that writes there by design).
//
// Each dialect implements Ledger in src/dialects/<dialect>/ledger.cc; the
// tables live in the schema keel excludes from the manifest (PostgreSQL:
// keel; SQLite: keel_ prefix), so recording never changes the schema hash.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "keel/connection.h"
#include "keel/error.h"

namespace keel::ledger {

// One keel command run against an environment.
struct RunRow {
  std::string environment;             // env name, or the masked URL for --url runs
  std::string command;                 // "apply", "rollback", "verify", ...
  std::vector<std::string> arguments;  // the command line after "keel", secrets masked
  std::string version_before;          // newest applied migration; empty when none
  std::string version_after;
  // "running" from the start of a run until it ends; then "ok", "drift",
  // "gate_failed", "error" (see archive.h). "interrupted" is never stored:
  // readers say it of a "running" row whose process is gone.
  std::string outcome;
  int exit_code = 0;  // -1 (none) while running
  int64_t duration_ms = 0;
  std::string user;
  std::string host;
  std::string keel_version;
  std::string started_at;  // UTC "2026-11-25T06:30:00Z"
  std::string error;       // masked Error::to_string(); empty when none
  std::string error_code;  // the ErrorCode's name ("sql", "connection", ...); empty when none
  std::string run_id;      // random, the same on the start row and the closing update
  int64_t pid = 0;         // of the keel process on `host`; 0 when unknown (older rows)
  // What the run changed beyond the schema, as a JSON object (keel flag set:
  // {"flag", "old_percent", "new_percent"}); empty when nothing. Kept in the
  // run archive's closing line ("details"), not in keel.runs.
  std::string details;
};

// One verdict of keel verify for this environment.
struct ParityRow {
  std::string environment;
  std::string schema_hash;               // "sha256:<hex>" of this environment's schema
  std::string status;                    // "LOCKED" or "DRIFTED"
  std::string reference;                 // what it was compared with (env:NAME, masked URL or file)
  std::vector<std::string> differences;  // empty when LOCKED
  std::string verified_at;               // set by the database on record (UTC)
  std::string verified_by;               // user@host
  std::string keel_version;
};

class Ledger {
 public:
  virtual ~Ledger() = default;
  // Inserts a run row (at the start of a run, outcome "running"). Creates
  // keel.runs when missing, or adds the columns an older keel did not have
  // (safe when several keel processes race).
  virtual Result<void> record_run(const RunRow& row) = 0;
  // Closes the row of row.run_id with its outcome, exit code, duration,
  // version_after and error; inserts the row when there is none (its start
  // could not be recorded).
  virtual Result<void> finish_run(const RunRow& row) = 0;
  // Creates keel.parity (only) when missing.
  virtual Result<void> record_parity(const ParityRow& row) = 0;
  // Newest first; at most `limit` rows.
  virtual Result<std::vector<RunRow>> runs(int limit) = 0;
  virtual Result<std::vector<ParityRow>> parity(int limit) = 0;
  // The newest SUCCESS version in the migration history; nullopt when there
  // is no history table or no applied migration.
  virtual Result<std::optional<std::string>> latest_version() = 0;
};

enum class Access {
  kRead,   // reads only: a read-only session (PostgreSQL) or file (SQLite); record_* fail
  kWrite,  // may create the tables and record
};

// Opens its own session (PostgreSQL) or connection (SQLite; the file must
// exist, and is never created).
Result<std::unique_ptr<Ledger>> open_ledger(const ConnectionUrl& url,
                                            Access access = Access::kWrite);

}  // namespace keel::ledger
