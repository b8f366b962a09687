// keel rollback: down scripts of applied migrations, newest first, drained,
// checked for integrity before COMMIT, and compared with the recorded hash.
#include <fmt/format.h>

#include <algorithm>
#include <chrono>
#include <set>

#include "keel/canonical.h"
#include "keel/drift.h"
#include "keel/migrate.h"
#include "migrate/integrity.h"
#include "migrate/runner.h"

namespace keel::migrate {
namespace {

void say(const RunOptions& options, const std::string& line) {
  if (options.progress) options.progress(line);
}

// The applied rows in the order they were applied (out-of-order ones where
// they ran, not where their version sorts).
std::vector<HistoryRow> applied_in_order(const std::vector<HistoryRow>& history) {
  std::vector<HistoryRow> applied;
  for (const HistoryRow& row : history) {
    // A down script that stopped part-way (ROLLING_BACK) is finished first.
    if (row.status == RowStatus::kSuccess || row.status == RowStatus::kRollingBack) {
      applied.push_back(row);
    }
  }
  std::sort(applied.begin(), applied.end(), written_before);
  return applied;
}

// The history rows of applied versions to undo, the last applied first:
// --steps N, the N applied last; --to V, every version above V.
std::vector<HistoryRow> rows_to_undo(const std::vector<HistoryRow>& applied,
                                     const RollbackOptions& options) {
  std::vector<HistoryRow> undo(applied.rbegin(), applied.rend());
  if (options.to) {
    std::erase_if(undo, [&](const HistoryRow& row) {
      return compare_versions(row.version, *options.to) <= 0;
    });
  } else if (undo.size() > static_cast<size_t>(options.steps.value_or(1))) {
    undo.resize(static_cast<size_t>(options.steps.value_or(1)));
  }
  return undo;
}

// What the schema must hash to once `undone` (the last applied first) are
// rolled back: the hash recorded after the migration applied last among
// those that stay, or, when none stays, the hash recorded before the first
// one undone. When a version that stays was applied after one undone
// (--to below an out-of-order migration), that schema was never recorded:
// nothing to compare with.
void expected_restoration(const std::vector<HistoryRow>& applied,
                          const std::vector<HistoryRow>& undone, RollbackReport& report) {
  const size_t kept = applied.size() - undone.size();
  for (size_t i = kept; i < applied.size(); ++i) {
    const HistoryRow& row = applied[i];
    bool is_undone = std::any_of(undone.begin(), undone.end(), [&](const HistoryRow& u) {
      return compare_versions(u.version, row.version) == 0;
    });
    if (is_undone) continue;
    report.unchecked_reason = fmt::format(
        "{} stays applied but was applied after {}, which was rolled back: no schema hash was "
        "recorded for what remains",
        row.version, undone.back().version);
    return;
  }
  if (kept > 0) {
    report.target_version = applied[kept - 1].version;
    report.expected_hash = applied[kept - 1].schema_hash_after.value_or("");
  } else {
    report.expected_hash = undone.back().schema_hash_before.value_or("");
  }
}

// --steps and --to: one or the other, --steps 1 or more, --to a version
// of the files or the history ("0": before the first).
Result<void> check_arguments(const Roles& db, const std::vector<Migration>& files,
                             const RollbackOptions& options) {
  if (options.steps && options.to) {
    return fail(ErrorCode::kUsage, "pass either --steps or --to, not both");
  }
  if (options.steps && *options.steps < 1) {
    return fail(ErrorCode::kUsage,
                fmt::format("--steps {}: must be 1 or more (how many migrations to roll back); "
                            "nothing was rolled back",
                            *options.steps));
  }
  if (!options.to) return {};
  auto known_version = [&](const std::vector<HistoryRow>& history) {
    if (compare_versions(*options.to, "0") == 0) return true;
    for (const Migration& m : files) {
      if (compare_versions(m.version, *options.to) == 0) return true;
    }
    for (const HistoryRow& row : history) {
      if (compare_versions(row.version, *options.to) == 0) return true;
    }
    return false;
  };
  if (known_version({})) return {};
  // Not among the files: it may still be in the history (its files gone).
  auto rows = db.history.history();
  if (!rows) return std::unexpected(rows.error());
  if (known_version(*rows)) return {};
  return fail(ErrorCode::kUsage,
              fmt::format("--to {}: no migration has this version; run `keel status` to list "
                          "them (--to 0 rolls back every migration); nothing was rolled back",
                          *options.to));
}

// Every down script of `undo`, split; refuses (nothing run) when one is
// missing or does not parse.
Result<std::vector<DownStep>> down_steps(const Roles& db, const std::vector<Migration>& files,
                                         const std::vector<HistoryRow>& undo) {
  std::vector<DownStep> steps;
  std::string missing;
  for (const HistoryRow& row : undo) {
    const Migration* file = nullptr;
    for (const Migration& m : files) {
      if (compare_versions(m.version, row.version) == 0) file = &m;
    }
    if (file == nullptr) {
      missing += fmt::format("\n  {}_{}: its migration files are missing", row.version, row.name);
    } else if (file->format == Format::kOperations) {
      return fail(ErrorCode::kGateFailed,
                  fmt::format("cannot roll back {}, nothing was run: an operation migration is "
                              "undone with `keel abort` while active or `keel revert` while "
                              "completed; once finalized, write a new migration",
                              file->up.path));
    } else if (!file->down) {
      missing += fmt::format("\n  {}: has no down script", file->up.path);
    } else {
      auto statements = split_statements(db.rules.dialect(), *file->down);
      if (!statements) return std::unexpected(statements.error());
      steps.push_back(DownStep{file, row, std::move(*statements)});
    }
  }
  if (!missing.empty()) {
    return fail(ErrorCode::kIo,
                "cannot roll back, nothing was run; write the missing down scripts or roll back "
                "fewer steps:" +
                    missing);
  }
  return steps;
}

// What the checks cover: what the down scripts touch, or everything when
// one of them does what cannot be read from it.
Result<IntegrityScope> integrity_scope_of(const Roles& db, const std::vector<DownStep>& steps) {
  IntegrityScope out;
  out.whole = false;
  std::set<std::string> scoped;
  for (const DownStep& step : steps) {
    auto scope = db.integrity.integrity_scope(step.statements);
    if (!scope) return std::unexpected(scope.error());
    if (scope->whole) {
      out = *scope;
      if (scope->why.starts_with("line ")) {
        out.why = step.migration->down->path + ":" + scope->why.substr(5);
      }
      return out;
    }
    scoped.insert(scope->relations.begin(), scope->relations.end());
  }
  out.relations = {scoped.begin(), scoped.end()};
  return out;
}

// Runs the integrity checks in the open transaction into report.findings;
// a failing one is a kGateFailed error and sets `failed`.
Result<void> run_checks(const Roles& db, const RollbackOptions& options, RollbackReport& report,
                        bool& failed) {
  auto checks = integrity_checks(db.integrity, options.integrity, report.integrity_scope);
  if (!checks) return std::unexpected(checks.error());
  auto findings = run_integrity_checks(db.integrity, *checks);
  if (!findings) return std::unexpected(findings.error());
  report.findings = *findings;  // a retried transaction reports its last run only
  std::string what;
  for (const IntegrityFinding& f : *findings) {
    if (!f.ok()) what += "\n  " + f.to_string();
  }
  if (what.empty()) return {};
  failed = true;
  return fail(ErrorCode::kGateFailed,
              "integrity checks failed; the rollback was not committed:" + what);
}

// A down script that cannot run in a transaction: each migration is undone
// and committed on its own, checks before each COMMIT. Returns false when
// the checks aborted it (the report says what stayed changed).
Result<bool> roll_back_one_at_a_time(const Roles& db, const std::vector<DownStep>& steps,
                                     const RollbackOptions& options, RollbackReport& report) {
  say(options.run,
      "a down script cannot run inside a transaction: rolling back one migration at a time "
      "(integrity checks before each commit)");
  bool checks_failed = false;
  RunOptions run = options.run;
  run.before_commit = [&](const Roles& t, const Migration&) {
    return run_checks(t, options, report, checks_failed);
  };
  for (const DownStep& step : steps) {
    report.findings.clear();
    auto ran = run_script(db, *step.migration, Direction::kDown, step.previous, run);
    if (ran) {
      report.rolled_back.push_back(*ran);
      continue;
    }
    if (!checks_failed) return std::unexpected(ran.error());
    report.aborted = true;
    report.abort_reason = ran.error().message;
    if (needs_no_transaction(db, *step.migration->down, step.statements)) {
      report.partial = true;
      report.abort_reason += fmt::format(
          "\n{} ran outside a transaction: its statements were NOT undone (they stay "
          "committed), and its history row says ROLLING_BACK; `keel rollback` checks again "
          "(and runs what is left of it) once the cause is fixed",
          step.migration->down->path);
    }
    if (!report.rolled_back.empty()) {
      report.partial = true;
      report.abort_reason +=
          fmt::format("\n{} newer migration{} stayed rolled back", report.rolled_back.size(),
                      report.rolled_back.size() == 1 ? "" : "s");
    }
    return false;
  }
  return true;
}

// Runs the down scripts (in one transaction when they can); false when the
// integrity checks aborted the rollback (the report says why).
Result<bool> run_downs(const Roles& db, const std::vector<DownStep>& steps,
                       const RollbackOptions& options, RollbackReport& report) {
  report.one_transaction = std::none_of(steps.begin(), steps.end(), [&](const DownStep& s) {
    return needs_no_transaction(db, *s.migration->down, s.statements) ||
           (s.previous && s.previous->status == RowStatus::kRollingBack);
  });
  if (!report.one_transaction) return roll_back_one_at_a_time(db, steps, options, report);
  bool checks_failed = false;
  auto done = run_downs_in_one_transaction(db, steps, options.run, [&](const Roles& t) {
    return run_checks(t, options, report, checks_failed);
  });
  if (!done && checks_failed) {
    report.aborted = true;
    report.abort_reason = done.error().message;
    return false;
  }
  if (!done) return std::unexpected(done.error());
  report.rolled_back = std::move(*done);
  return true;
}

// Exact restoration: the schema now against the hash recorded for the
// version rolled back to, read without what the down scripts set; when they
// differ, what differs from the snapshot kept when that hash was recorded.
Result<void> compare_restoration(const Roles& db, RollbackReport& report) {
  if (auto ok = db.session.reset_session(); !ok) return std::unexpected(ok.error());
  auto now = db.schema();
  if (!now) return std::unexpected(now.error());
  report.actual_hash = model::schema_hash(now->schema);
  if (report.restored()) return {};
  auto kept = db.history.load_snapshot(report.expected_hash);
  if (!kept || !*kept) return {};
  auto json = nlohmann::json::parse(**kept, nullptr, false);
  auto database =
      json.is_discarded() ? std::nullopt : std::optional(model::from_canonical_json(json));
  if (!database || !*database) return {};
  Manifest expected = *now;
  expected.schema = std::move(**database);
  for (const Difference& d : compare_manifests(expected, *now, {})) {
    report.restoration_differences.push_back(
        d.kind + " " + d.object + ": " +
        (d.property == "presence" ? (d.actual == "missing" ? "missing" : "left behind")
                                  : d.property + ": " + d.expected + " -> " + d.actual));
  }
  return {};
}

}  // namespace

Result<RollbackReport> rollback(const Roles& target, const std::vector<Migration>& files,
                                const RollbackOptions& options) {
  Roles db = target;
  db.ignore_column_order = options.run.ignore_column_order;
  if (auto ok = check_arguments(db, files, options); !ok) return std::unexpected(ok.error());
  const auto start = options.run.clock.read();
  RollbackReport report;
  auto finish = [&]() {
    report.elapsed_ms = options.run.clock.ms_since(start);
    return report;
  };
  LockGuard guard(db.lock);
  auto history = lock_and_read(db, options.run);
  if (!history) return std::unexpected(history.error());
  const std::vector<HistoryRow> applied = applied_in_order(current_rows(*history, files));
  const std::vector<HistoryRow> undo = rows_to_undo(applied, options);
  if (undo.empty()) return report;
  // Every down script must exist and parse before anything runs.
  auto steps = down_steps(db, files, undo);
  if (!steps) return std::unexpected(steps.error());
  expected_restoration(applied, undo, report);

  // The relations the down scripts touch: what draining waits on.
  std::vector<Statement> all;
  for (const DownStep& step : *steps) {
    all.insert(all.end(), step.statements.begin(), step.statements.end());
  }
  auto relations = db.locks.relations_of(all);
  if (!relations) return std::unexpected(relations.error());
  if (options.drain && !relations->empty()) {
    auto drained =
        drain(db.locks, *relations, *options.drain, options.run.progress, options.run.clock);
    if (!drained) {
      if (drained.error().code != ErrorCode::kGateFailed) return std::unexpected(drained.error());
      report.aborted = true;
      report.abort_reason = drained.error().message;
      return finish();
    }
    report.drained = *drained;
  }
  auto scope = integrity_scope_of(db, *steps);
  if (!scope) return std::unexpected(scope.error());
  report.integrity_scope = *scope;
  say(options.run, "integrity checks before commit: " + report.integrity_scope.to_string());
  auto ran = run_downs(db, *steps, options, report);
  if (!ran) return std::unexpected(ran.error());
  if (!*ran) return finish();
  for (const Applied& a : report.rolled_back) {
    say(options.run, fmt::format("rolled back {}_{} in {} ms", a.version, a.name, a.execution_ms));
  }
  if (auto ok = compare_restoration(db, report); !ok) return std::unexpected(ok.error());
  return finish();
}

}  // namespace keel::migrate
