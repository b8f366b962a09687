// The expand/contract lifecycle: which action fits which phase, the history row of an
// operation migration, and what a failed start leaves (nothing: it is aborted at once).
// Dialect-neutral: the database work is the ExpandContract role's.
#include <fmt/format.h>

#include <algorithm>

#include "keel/expand.h"
#include "migrate/runner.h"
#include "util/sha256.h"

namespace keel::expand {

using migrate::HistoryRow;
using migrate::Migration;
using migrate::RowStatus;

const char* action_name(Action action) {
  switch (action) {
    case Action::kStart:
      return "start";
    case Action::kComplete:
      return "complete";
    case Action::kFinalize:
      return "finalize";
    case Action::kAbort:
      return "abort";
    case Action::kRevert:
      return "revert";
  }
  return "?";
}

namespace {

constexpr size_t kMaxIdentifier = 63;  // PostgreSQL's NAMEDATALEN - 1

std::string bounded(const std::string& name) { return util::bounded_name(name, kMaxIdentifier); }

bool is_operations(const Migration& m) { return m.format == migrate::Format::kOperations; }

// The migration before `migration` in version order, if any.
const Migration* previous_of(const std::vector<Migration>& files, const Migration& migration) {
  const Migration* before = nullptr;
  for (const Migration& m : files) {
    if (migrate::compare_versions(m.version, migration.version) >= 0) break;
    before = &m;
  }
  return before;
}

VersionSchemas schemas_of(const std::vector<Migration>& files, const Migration& migration,
                          const std::string& schema) {
  VersionSchemas s;
  s.schema = schema;
  s.next = version_schema_name(schema, migration);
  const Migration* before = previous_of(files, migration);
  if (before != nullptr && is_operations(*before)) {
    s.previous = version_schema_name(schema, *before);
    s.owns_previous = false;
  } else {
    s.previous = before != nullptr
                     ? bounded(fmt::format("{}_{}_{}", schema, before->version, before->name))
                     : bounded(schema + "_initial");
    s.owns_previous = true;
  }
  return s;
}

PhaseRequest request_for(const Migration& migration, const VersionSchemas& schemas,
                         const Options& options) {
  PhaseRequest r;
  r.migration = &migration;
  r.schemas = schemas;
  r.lock_timeout = options.lock_timeout;
  r.lock_retries = options.lock_retries;
  r.backfill = options.backfill;
  r.progress = options.run.progress;
  r.on_backfill = options.on_backfill;
  return r;
}

void say(const Options& options, const std::string& line) {
  if (options.run.progress) options.run.progress(line);
}

// Whether a start stopped by `e` after its transaction committed is worth resuming: the run
// was cut off or refused for now (SQLSTATE classes 08 connection, 40 rollback, 53 resources,
// 55 object state: lock_not_available, 57 operator intervention: a restart, a cancel, 58 system
// I/O), or the connection itself was lost. Anything else (bad data, a broken expression) would
// fail again: that start is undone at once.
bool transient(const Error& e) {
  if (e.code == ErrorCode::kConnection) return true;
  if (e.sqlstate.size() != 5) return false;
  const std::string cls = e.sqlstate.substr(0, 2);
  return cls == "08" || cls == "40" || cls == "53" || cls == "55" || cls == "57" || cls == "58";
}

std::string rows_done_note(const std::vector<migrate::OperationProgress>& progress) {
  int64_t rows = 0;
  for (const auto& p : progress) rows += p.rows_done;
  return rows > 0 ? fmt::format(" ({} row{} backfilled so far)", rows, rows == 1 ? "" : "s") : "";
}

HistoryRow row_for_start(const Migration& migration, const std::vector<HistoryRow>& history,
                         const Options& options) {
  HistoryRow row;
  if (auto previous = migrate::row_for(history, migration.version)) row = *previous;
  // The history's spelling of the version, one row per version.
  if (row.version.empty()) row.version = migration.version;
  row.name = migration.name;
  row.checksum = migration.checksum;
  row.applied_by =
      options.run.applied_by.empty() ? migrate::default_applied_by() : options.run.applied_by;
  row.keel_version = KEEL_VERSION;
  row.statements_applied = 0;
  row.statements_total = static_cast<int>(migration.operations->operations.size());
  row.completed.reset();
  row.error.clear();
  row.operations.clear();
  return row;
}

// The phase an action needs, and the command that fits another phase.
Result<void> check_phase(const Current& current, Action action,
                         const std::vector<HistoryRow>& history) {
  const std::string& phase = current.row.phase.value_or("");
  const std::string label =
      fmt::format("{}_{}", current.migration->version, current.migration->name);
  auto refuse = [&](const std::string& what) -> Result<void> {
    return fail(ErrorCode::kGateFailed,
                fmt::format("keel {}: {} is {}; {}", action_name(action), label, phase, what));
  };
  switch (action) {
    case Action::kStart:
      break;
    case Action::kComplete:
      if (phase == kStarting) {
        return refuse("its start was stopped part-way: `keel apply` resumes it (or `keel abort`)");
      }
      if (phase != kActive) return refuse("only an active migration can be completed");
      break;
    case Action::kAbort:
      if (phase != kActive && phase != kStarting) {
        return refuse(
            "only an active migration can be aborted; `keel revert` makes the old version "
            "primary again first");
      }
      break;
    case Action::kFinalize:
      if (phase != kCompleted) {
        return refuse(
            "run `keel complete` first: finalize removes the old shape of a completed "
            "migration");
      }
      break;
    case Action::kRevert: {
      if (phase != kCompleted) {
        return refuse(phase == kActive ? "it is not completed: `keel abort` undoes it"
                                       : "only a completed, not yet finalized migration can be "
                                         "reverted");
      }
      for (const HistoryRow& other : history) {
        if (other.status == RowStatus::kSuccess && migrate::written_before(current.row, other) &&
            migrate::compare_versions(other.version, current.row.version) != 0) {
          return refuse(fmt::format("{}_{} was applied after it; roll that back first",
                                    other.version, other.name));
        }
      }
      break;
    }
  }
  return {};
}

Result<Report> run_action(const migrate::Roles& db, ExpandContract& dialect,
                          const std::vector<Migration>& files, const Current& current,
                          Action action, const Options& options) {
  const Migration& migration = *current.migration;
  const auto started = options.run.clock.read();
  Report report;
  report.version = migration.version;
  report.name = migration.name;
  report.path = migration.up.path;
  report.action = action;
  report.phase_before = current.row.phase.value_or("");
  report.schemas = schemas_of(files, migration, options.schema);
  PhaseRequest request = request_for(migration, report.schemas, options);
  request.recorded = current.row.operations;
  say(options, fmt::format("{} {}_{} ...", action_name(action), migration.version, migration.name));
  auto done = dialect.run(action, request);
  if (!done) {
    Error e = done.error();
    e.message = fmt::format(
        "keel {} of {}_{} failed, nothing recorded: {}; fix the cause and "
        "run `keel {}` again",
        action_name(action), migration.version, migration.name, e.message, action_name(action));
    return std::unexpected(e);
  }
  HistoryRow row = current.row;
  switch (action) {
    case Action::kComplete:
      row.phase = kCompleted;
      break;
    case Action::kFinalize:
      row.phase = kFinalized;
      break;
    case Action::kRevert:
      row.phase = kActive;
      break;
    case Action::kAbort:
      row.phase = kAborted;
      row.status = RowStatus::kRolledBack;
      break;
    case Action::kStart:
      break;
  }
  if (auto ok = db.history.record(row); !ok) return std::unexpected(ok.error());
  report.phase_after = *row.phase;
  report.operations = std::move(*done);
  report.elapsed_ms = options.run.clock.ms_since(started);
  return report;
}

}  // namespace

std::string version_schema_name(const std::string& schema, const Migration& migration) {
  if (migration.operations && migration.operations->version_schema) {
    return *migration.operations->version_schema;
  }
  return bounded(fmt::format("{}_{}_{}", schema, migration.version, migration.name));
}

Result<Current> current(const std::vector<Migration>& files,
                        const std::vector<HistoryRow>& history) {
  const HistoryRow* found = nullptr;
  for (const HistoryRow& row : history) {
    const std::string phase = row.phase.value_or("");
    bool live = (row.status == RowStatus::kSuccess && (phase == kActive || phase == kCompleted)) ||
                phase == kStarting;
    if (!live) continue;
    if (found == nullptr || migrate::written_before(*found, row)) found = &row;
  }
  if (found == nullptr) {
    return fail(ErrorCode::kGateFailed,
                "no operation migration is active or completed (keel status lists the "
                "migrations; keel apply starts the next operation migration)");
  }
  for (const Migration& m : files) {
    if (migrate::compare_versions(m.version, found->version) == 0) {
      if (!is_operations(m)) break;
      return Current{&m, *found};
    }
  }
  return fail(ErrorCode::kGateFailed,
              fmt::format("the history says {}_{} is {}, but its operation file is not in the "
                          "migrations folder; restore the file",
                          found->version, found->name, found->phase.value_or("")));
}

Result<Report> start(const migrate::Roles& db, ExpandContract& dialect,
                     const std::vector<Migration>& files, const Migration& migration,
                     const Options& options) {
  if (!migration.operations) {
    return fail(ErrorCode::kUsage,
                fmt::format("{} is not an operation migration", migration.up.path));
  }
  auto history = db.history.history();
  if (!history) return std::unexpected(history.error());
  const auto started = options.run.clock.read();
  Report report;
  report.version = migration.version;
  report.name = migration.name;
  report.path = migration.up.path;
  report.action = Action::kStart;
  report.schemas = schemas_of(files, migration, options.schema);

  const auto before = migrate::row_for(*history, migration.version);
  const bool resume = before && before->phase.value_or("") == kStarting;
  HistoryRow row = row_for_start(migration, *history, options);
  if (resume && before->checksum != migration.checksum) {
    // What committed was built from the file as it was: resuming with another one would mix two.
    return fail(ErrorCode::kGateFailed,
                fmt::format("{} changed since its start was stopped part-way: `keel abort` undoes "
                            "that start, then keel apply starts the file as it is now",
                            migration.up.path));
  }
  if (resume) row.operations = before->operations;  // the backfill goes on from there
  row.status = RowStatus::kRunning;
  row.phase = kStarting;
  if (auto ok = db.history.record(row); !ok) return std::unexpected(ok.error());

  PhaseRequest request = request_for(migration, report.schemas, options);
  request.resume = resume;
  request.recorded = row.operations;
  bool expanded = false;
  request.on_expanded = [&expanded] { expanded = true; };
  request.on_progress = [&](const migrate::OperationProgress& p) {
    auto it = std::find_if(row.operations.begin(), row.operations.end(),
                           [&](const auto& o) { return o.operation == p.operation; });
    if (it == row.operations.end()) {
      row.operations.push_back(p);
    } else if (!p.saved.empty()) {
      it->saved = p.saved;  // a value kept for a later phase, not progress
    } else {
      std::string saved = std::move(it->saved);
      *it = p;
      it->saved = std::move(saved);
    }
    (void)db.history.record(row);  // progress only: a failed write loses a figure, not data
  };
  say(options, fmt::format("{} {}_{} ({} operation{}) ...", resume ? "resume start of" : "start",
                           migration.version, migration.name, row.statements_total,
                           row.statements_total == 1 ? "" : "s"));
  auto done = dialect.run(Action::kStart, request);
  if (!done && expanded && transient(done.error())) {
    // Stopped after the expand step by what another run need not meet again: kept, resumable.
    row.status = RowStatus::kFailed;
    row.error = done.error().message;
    (void)db.history.record(row);
    Error e = done.error();
    e.message = fmt::format(
        "start of {}_{} stopped: {}; nothing is lost and nothing was undone: run keel apply "
        "again to resume it after the last recorded batch{}, or `keel abort` to undo it",
        migration.version, migration.name, e.message, rows_done_note(row.operations));
    return std::unexpected(e);
  }
  if (!done) {
    // A start that failed part-way is undone at once, so nothing half-applied stays.
    request.recorded = row.operations;  // what start kept for abort
    auto undone = dialect.run(Action::kAbort, request);
    row.status = RowStatus::kFailed;
    row.phase = kAborted;
    row.error = done.error().message;
    (void)db.history.record(row);
    Error e = done.error();
    e.message =
        fmt::format("start of {}_{} failed: {}; {}", migration.version, migration.name, e.message,
                    undone ? "everything it had done was undone (the schema is as before "
                             "it); fix the migration and run keel apply again"
                           : "undoing it failed too (" + undone.error().message +
                                 "): run `keel abort` once the cause is fixed");
    return std::unexpected(e);
  }
  row.status = RowStatus::kSuccess;
  row.phase = kActive;
  row.statements_applied = row.statements_total;
  row.execution_ms = options.run.clock.ms_since(started);
  if (auto ok = db.history.record(row); !ok) return std::unexpected(ok.error());
  report.phase_after = kActive;
  report.operations = std::move(*done);
  report.elapsed_ms = row.execution_ms;
  return report;
}

Result<DryRun> dry_run_start(ExpandContract& dialect, const std::vector<Migration>& files,
                             const Migration& migration, const Options& options) {
  if (!migration.operations) {
    return fail(ErrorCode::kUsage,
                fmt::format("{} is not an operation migration", migration.up.path));
  }
  DryRun dry;
  PhaseRequest request =
      request_for(migration, schemas_of(files, migration, options.schema), options);
  request.dry_run = &dry;
  auto done = dialect.run(Action::kStart, request);
  if (!done) return std::unexpected(done.error());
  return dry;
}

Result<Report> act(const migrate::Roles& db, ExpandContract& dialect,
                   const std::vector<Migration>& files, Action action, const Options& options) {
  if (action == Action::kStart) {
    return fail(ErrorCode::kUsage, "keel apply starts operation migrations");
  }
  migrate::LockGuard guard(db.lock);
  auto history = migrate::lock_and_read(db, options.run);
  if (!history) return std::unexpected(history.error());
  return act_locked(db, dialect, files, action, options, std::move(*history));
}

Result<Report> act_locked(const migrate::Roles& db, ExpandContract& dialect,
                          const std::vector<Migration>& files, Action action,
                          const Options& options, std::vector<HistoryRow> history) {
  const std::vector<HistoryRow> rows = migrate::current_rows(std::move(history), files);
  auto found = current(files, rows);
  if (!found) return std::unexpected(found.error());
  if (auto ok = check_phase(*found, action, rows); !ok) return std::unexpected(ok.error());
  return run_action(db, dialect, files, *found, action, options);
}

}  // namespace keel::expand
