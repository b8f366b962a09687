// keel: what keel records on an environment besides the migration history —
// the run archive (keel.runs / keel_runs: one row per keel command that
// touched the database) and parity verdicts (keel.parity / keel_parity: one
// row per `keel verify` of the environment).
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
  std::string outcome;  // "ok", "drift", "gate_failed", "error", ... (see archive.h)
  int exit_code = 0;
  int64_t duration_ms = 0;
  std::string user;
  std::string host;
  std::string keel_version;
  std::string started_at;  // UTC "2026-11-25T06:30:00Z"
  std::string error;       // masked; empty when none
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
  // Creates the tables when missing (safe when several keel processes race).
  virtual Result<void> record_run(const RunRow& row) = 0;
  virtual Result<void> record_parity(const ParityRow& row) = 0;
  // Newest first; at most `limit` rows.
  virtual Result<std::vector<RunRow>> runs(int limit) = 0;
  virtual Result<std::vector<ParityRow>> parity(int limit) = 0;
  // The newest SUCCESS version in the migration history; nullopt when there
  // is no history table or no applied migration.
  virtual Result<std::optional<std::string>> latest_version() = 0;
};

// Opens its own session (PostgreSQL) or connection (SQLite; the file must
// exist).
Result<std::unique_ptr<Ledger>> open_ledger(const ConnectionUrl& url);

}  // namespace keel::ledger
