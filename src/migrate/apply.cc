// keel apply: pending migrations, in version order, under the deploy lock.
#include <fmt/format.h>

#include <map>

#include "keel/canonical.h"
#include "keel/migrate.h"
#include "migrate/runner.h"

namespace keel::migrate {

namespace {

// Before anything runs: warns about (or, with require_validated, refuses)
// empty up scripts, then asks require_validated about the pending ones and
// the schema hash before the first (`schema_hash`, or read now when empty).
Result<void> check_pending(const Roles& db, const std::vector<const Migration*>& pending,
                           const ApplyOptions& options, const std::string& schema_hash) {
  // An empty up script (or only comments) would be recorded as applied with
  // nothing run: a forgotten migration looks done. Warned; refused when
  // only validated migrations may run.
  for (const Migration* m : pending) {
    if (m->format == Format::kOperations) continue;  // not a script
    auto statements = split_statements(db.rules.dialect(), m->up);
    if (!statements || !statements->empty()) continue;
    std::string what = fmt::format(
        "{} has no statements (empty, or only comments): apply records it as applied with "
        "nothing run",
        m->up.path);
    if (options.require_validated) {
      return fail(ErrorCode::kGateFailed,
                  fmt::format("--require-validated: {}; nothing was applied (write the "
                              "migration, or delete the file)",
                              what));
    }
    if (options.warn) options.warn(what);
  }
  if (options.require_validated && !pending.empty()) {
    std::string before = schema_hash;
    if (before.empty()) {
      auto manifest = db.schema();
      if (!manifest) return std::unexpected(manifest.error());
      before = model::schema_hash(manifest->schema);
    }
    if (auto ok = options.require_validated(pending, before); !ok) {
      return std::unexpected(ok.error());
    }
  }
  return {};
}

// An operation migration that is started holds everything after it back until it is completed
// or aborted (one part-way through its start is resumed first); one that is completed but not
// finalized holds back the next operation migration (one expand/contract change at a time).
Result<void> check_operations(const std::vector<HistoryRow>& history,
                              const std::vector<const Migration*>& pending,
                              const ApplyOptions& options) {
  if (pending.empty()) return {};
  bool operations_pending = false;
  for (const Migration* m : pending) {
    operations_pending = operations_pending || m->format == Format::kOperations;
  }
  for (const HistoryRow& row : history) {
    const std::string phase = row.phase.value_or("");
    const bool live = row.status == RowStatus::kSuccess || row.status == RowStatus::kRunning;
    // A start stopped part-way (killed, or cut off by a transient failure) is the first
    // pending migration: apply resumes it.
    if (phase == "starting" && compare_versions(row.version, pending.front()->version) == 0) {
      continue;
    }
    if (!live) continue;
    if (phase == "active" || phase == "starting") {
      return fail(ErrorCode::kGateFailed,
                  fmt::format("{}_{} is {} (expand/contract): nothing after it applies until "
                              "`keel complete` (or `keel abort`); nothing was applied",
                              row.version, row.name, phase));
    }
    if (phase == "completed" && operations_pending) {
      return fail(ErrorCode::kGateFailed,
                  fmt::format("{}_{} is completed but not finalized: run `keel finalize` (or "
                              "`keel revert`) before the next operation migration starts; "
                              "nothing was applied",
                              row.version, row.name));
    }
  }
  if (operations_pending && !options.run_operations) {
    return fail(ErrorCode::kUsage,
                "the pending migrations include an operation migration (expand/contract), which "
                "this database's dialect cannot run; nothing was applied");
  }
  return {};
}

// An operation migration's turn: options.run_operations starts it (and with apply --complete
// runs it to the end). True when apply goes on after it.
Result<bool> run_operations(const Roles& db, const Migration& m, const ApplyOptions& options,
                            std::vector<Applied>& applied, std::string& schema_hash) {
  auto read = db.history.history();
  if (!read) return std::unexpected(read.error());
  auto finished = options.run_operations(m, *read);
  if (!finished) {
    if (options.on_failed) options.on_failed(m, finished.error());
    return std::unexpected(finished.error());
  }
  Applied started{m.version, m.name, 0, 0, 1, {}};
  if (options.on_applied) options.on_applied(m, started);
  applied.push_back(started);
  if (*finished && options.schema_hashes != SchemaHashes::kOff) {
    auto hash = snapshot_schema(db);
    if (!hash) return std::unexpected(hash.error());
    schema_hash = *hash;
  }
  return *finished;
}

}  // namespace

Result<std::vector<Applied>> apply(const Roles& target, const std::vector<Migration>& files,
                                   const ApplyOptions& options) {
  Roles db = target;
  db.ignore_column_order = options.run.ignore_column_order;
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
  LockGuard guard(db.lock);
  // Read the history only under the lock: a concurrent run that held it
  // has finished, and what it applied is no longer pending.
  auto read = lock_and_read(db, options.run);
  if (!read) return std::unexpected(read.error());
  const std::vector<HistoryRow> history = current_rows(std::move(*read), files);
  if (auto problems = validate(files, history, options.allow_out_of_order); !problems.empty()) {
    return std::unexpected(problems_error(problems));
  }
  std::map<std::string, const HistoryRow*> rows;
  for (const HistoryRow& row : history) rows[version_key(row.version)] = &row;
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
    auto hash = snapshot_schema(db);
    if (!hash) return std::unexpected(hash.error());
    schema_hash = *hash;
  }
  if (auto ok = check_operations(history, pending, options); !ok) {
    return std::unexpected(ok.error());
  }
  if (auto ok = check_pending(db, pending, options, schema_hash); !ok) {
    return std::unexpected(ok.error());
  }
  for (size_t i = 0; i < pending.size(); ++i) {
    const Migration& m = *pending[i];
    const bool last = i + 1 == pending.size();
    if (m.format == Format::kOperations) {
      auto finished = run_operations(db, m, options, applied, schema_hash);
      if (!finished) return std::unexpected(finished.error());
      if (!*finished) break;  // active: what follows waits for keel complete
      continue;
    }
    auto done = run_script(db, m, Direction::kUp, previous[i], options.run,
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
