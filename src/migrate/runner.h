// Internal to src/migrate/: runs one script (up or down) of a migration with
// its timeouts and lock-timeout retries, recording its history row.
#pragma once

#include <optional>

#include "keel/migrate.h"

namespace keel::migrate {

enum class Direction { kUp, kDown };

// Runs `direction`'s script of `migration`. `previous` is the version's
// history row, if any: a RUNNING or FAILED no-transaction up migration
// resumes after its statements_applied. Up: the row ends SUCCESS (or FAILED,
// with the error, in a separate transaction). Down: the row ends ROLLED_BACK;
// a failed down leaves the row as it was.
Result<Applied> run_script(MigrationTarget& target, const Migration& migration, Direction direction,
                           const std::optional<HistoryRow>& previous, const RunOptions& options);

// Releases the deploy lock when it goes out of scope.
class LockGuard {
 public:
  explicit LockGuard(MigrationTarget& target) : target_(target) {}
  ~LockGuard() { target_.unlock(); }
  LockGuard(const LockGuard&) = delete;
  LockGuard& operator=(const LockGuard&) = delete;

 private:
  MigrationTarget& target_;
};

// lock() + ensure_history() + history(), the start of apply and rollback.
Result<std::vector<HistoryRow>> lock_and_read(MigrationTarget& target, const RunOptions& options);

// The row of `version` (compared as numbers), if any.
std::optional<HistoryRow> row_for(const std::vector<HistoryRow>& history,
                                  const std::string& version);

}  // namespace keel::migrate
