// keel apply: pending migrations, in version order, under the deploy lock.
#include <fmt/format.h>

#include <map>

#include "keel/migrate.h"
#include "migrate/runner.h"

namespace keel::migrate {

Result<std::vector<Applied>> apply(MigrationTarget& target, const std::vector<Migration>& files,
                                   const ApplyOptions& options) {
  if (options.to) {
    bool known = false;
    for (const Migration& m : files) known = known || compare_versions(m.version, *options.to) == 0;
    if (!known) {
      return fail(ErrorCode::kUsage,
                  fmt::format("--to {}: no migration has this version; run `keel status` to "
                              "list them",
                              *options.to));
    }
  }
  LockGuard guard(target);
  // Read the history only under the lock: a concurrent run that held it
  // has finished, and what it applied is no longer pending.
  auto read = lock_and_read(target, options.run);
  if (!read) return std::unexpected(read.error());
  const std::vector<HistoryRow> history = current_rows(std::move(*read), files);
  if (auto problems = validate(files, history, options.allow_out_of_order); !problems.empty()) {
    return std::unexpected(problems_error(problems));
  }
  std::map<std::string, const HistoryRow*> rows;
  for (const HistoryRow& row : history) rows[version_key(row.version)] = &row;
  if (options.validated) {
    std::string missing;
    for (const Migration& m : files) {
      if (options.to && compare_versions(m.version, *options.to) > 0) break;
      auto it = rows.find(version_key(m.version));
      if (it != rows.end() && it->second->status == RowStatus::kSuccess) continue;
      if (!options.validated->contains(m.checksum)) missing += "\n  " + m.up.path;
    }
    if (!missing.empty()) {
      return fail(ErrorCode::kGateFailed,
                  "--require-validated: no VALIDATED plan covers these migrations as they are "
                  "now (run `keel plan` on a staging copy first; an edited file needs a new "
                  "plan); nothing was applied:" +
                      missing);
    }
  }
  std::vector<const Migration*> pending;
  std::vector<std::optional<HistoryRow>> previous;
  for (const Migration& m : files) {
    if (options.to && compare_versions(m.version, *options.to) > 0) break;
    std::optional<HistoryRow> row;
    if (auto it = rows.find(version_key(m.version)); it != rows.end()) row = *it->second;
    if (row && row->status == RowStatus::kSuccess) continue;
    pending.push_back(&m);
    previous.push_back(std::move(row));
  }
  std::vector<Applied> applied;
  std::string schema_hash;
  const SchemaHashes hashes = options.schema_hashes;
  if (hashes != SchemaHashes::kOff && !pending.empty()) {
    // The schema before the first pending migration; each later one starts
    // from the hash the one before it left.
    auto hash = snapshot_schema(target);
    if (!hash) return std::unexpected(hash.error());
    schema_hash = *hash;
  }
  for (size_t i = 0; i < pending.size(); ++i) {
    const Migration& m = *pending[i];
    const bool last = i + 1 == pending.size();
    auto done = run_script(target, m, Direction::kUp, previous[i], options.run,
                           hashes == SchemaHashes::kOff ? nullptr : &schema_hash,
                           hashes == SchemaHashes::kEach || last);
    if (!done) {
      if (options.on_failed) options.on_failed(m, done.error());
      return std::unexpected(done.error());
    }
    done->schema_hash = schema_hash;
    if (options.on_applied) options.on_applied(m, *done);
    if (options.run.progress) {
      options.run.progress(
          fmt::format("applied {}_{} in {} ms ({} statement{}{})", m.version, m.name,
                      done->execution_ms, done->statements, done->statements == 1 ? "" : "s",
                      done->attempts > 1 ? fmt::format(", {} attempts", done->attempts) : ""));
    }
    applied.push_back(*done);
  }
  return applied;
}

}  // namespace keel::migrate
