// Internal to src/migrate/: runs one script (up or down) of a migration with
// its timeouts and lock-timeout retries, recording its history row.
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "keel/migrate.h"

namespace keel::migrate {

enum class Direction { kUp, kDown };

// Runs `direction`'s script of `migration`. `previous` is the version's
// history row, if any: a RUNNING or FAILED no-transaction up migration
// resumes after its statements_applied. Up: the row ends SUCCESS (or FAILED,
// with the error, in a separate transaction). Down: the row ends ROLLED_BACK;
// a failed down leaves the row as it was. When `schema_hash` is not null it
// holds the schema hash before the script (empty: unknown); an up script
// records it as schema_hash_before and the hash after it as
// schema_hash_after (unless `hash_after` is false: then the hash after stays
// unknown and `*schema_hash` becomes empty), and on success `*schema_hash`
// becomes the new hash.
Result<Applied> run_script(const Roles& db, const Migration& migration, Direction direction,
                           const std::optional<HistoryRow>& previous, const RunOptions& options,
                           std::string* schema_hash = nullptr, bool hash_after = true);

// The schema's hash as the session sees it now, its canonical JSON kept as
// a snapshot under that hash.
Result<std::string> snapshot_schema(const Roles& db);

// One down script of a rollback, split into statements up front.
struct DownStep {
  const Migration* migration = nullptr;
  std::optional<HistoryRow> previous;  // the version's history row
  std::vector<Statement> statements;
};

// True when a script has to run statement by statement (its no-transaction
// directive, or a statement the dialect refuses inside a transaction).
bool needs_no_transaction(const Roles& db, const Script& script,
                          const std::vector<Statement>& statements);

// Runs every step's down script, in order, in one transaction whose timeouts
// are the longest any of them asks for; each row becomes ROLLED_BACK. Then
// `before_commit` (may be empty), then COMMIT. A lock timeout retries the
// whole transaction like a migration; anything else rolls it all back.
Result<std::vector<Applied>> run_downs_in_one_transaction(
    const Roles& db, const std::vector<DownStep>& steps, const RunOptions& options,
    const std::function<Result<void>(const Roles&)>& before_commit);

// Releases the deploy lock when it goes out of scope.
class LockGuard {
 public:
  explicit LockGuard(DeployLock& lock) : lock_(lock) {}
  ~LockGuard() { lock_.unlock(); }
  LockGuard(const LockGuard&) = delete;
  LockGuard& operator=(const LockGuard&) = delete;

 private:
  DeployLock& lock_;
};

// lock() + ensure_history() + history(), the start of apply and rollback.
Result<std::vector<HistoryRow>> lock_and_read(const Roles& db, const RunOptions& options);

// The row of `version` (compared as numbers), if any.
std::optional<HistoryRow> row_for(const std::vector<HistoryRow>& history,
                                  const std::string& version);

}  // namespace keel::migrate
