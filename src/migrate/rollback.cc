// keel rollback: down scripts of applied migrations, newest first, drained,
// checked for integrity before COMMIT, and compared with the recorded hash.
#include <fmt/format.h>

#include <algorithm>
#include <chrono>
#include <set>

#include "keel/canonical.h"
#include "keel/drift.h"
#include "keel/migrate.h"
#include "migrate/runner.h"

namespace keel::migrate {
namespace {

using Clock = std::chrono::steady_clock;

void say(const RunOptions& options, const std::string& line) {
  if (options.progress) options.progress(line);
}

// "public.users" -> "public".
std::vector<std::string> schemas_of(const std::vector<std::string>& relations) {
  std::set<std::string> schemas;
  for (const std::string& r : relations) {
    if (size_t dot = r.find('.'); dot != std::string::npos) schemas.insert(r.substr(0, dot));
  }
  return {schemas.begin(), schemas.end()};
}

// The history rows of applied versions to undo, newest first.
std::vector<HistoryRow> rows_to_undo(const std::vector<HistoryRow>& history,
                                     const RollbackOptions& options) {
  std::vector<HistoryRow> applied;
  for (const HistoryRow& row : history) {
    // A down script that stopped part-way (ROLLING_BACK) is finished first.
    if (row.status == RowStatus::kSuccess || row.status == RowStatus::kRollingBack) {
      applied.push_back(row);
    }
  }
  std::sort(applied.begin(), applied.end(), [](const HistoryRow& a, const HistoryRow& b) {
    return compare_versions(a.version, b.version) > 0;
  });
  if (options.to) {
    std::erase_if(applied, [&](const HistoryRow& row) {
      return compare_versions(row.version, *options.to) <= 0;
    });
  } else if (applied.size() > static_cast<size_t>(options.steps.value_or(1))) {
    applied.resize(static_cast<size_t>(options.steps.value_or(1)));
  }
  return applied;
}

// What the schema must hash to once `undone` (newest first) are rolled
// back: the hash recorded after the newest version that stays applied, or,
// when none stays, the hash recorded before the oldest one undone.
void expected_restoration(const std::vector<HistoryRow>& history,
                          const std::vector<HistoryRow>& undone, RollbackReport& report) {
  const std::string& oldest = undone.back().version;
  const HistoryRow* remaining = nullptr;
  for (const HistoryRow& row : history) {
    if (row.status != RowStatus::kSuccess || compare_versions(row.version, oldest) >= 0) continue;
    if (remaining == nullptr || compare_versions(row.version, remaining->version) > 0) {
      remaining = &row;
    }
  }
  if (remaining != nullptr) {
    report.target_version = remaining->version;
    report.expected_hash = remaining->schema_hash_after.value_or("");
  } else {
    report.expected_hash = undone.back().schema_hash_before.value_or("");
  }
}

}  // namespace

Result<RollbackReport> rollback(MigrationTarget& target, const std::vector<Migration>& files,
                                const RollbackOptions& options) {
  if (options.steps && options.to) {
    return fail(ErrorCode::kUsage, "pass either --steps or --to, not both");
  }
  if (options.steps && *options.steps < 1) {
    return fail(ErrorCode::kUsage, "--steps must be 1 or more");
  }
  const Clock::time_point start = Clock::now();
  RollbackReport report;
  LockGuard guard(target);
  auto history = lock_and_read(target, options.run);
  if (!history) return std::unexpected(history.error());
  const std::vector<HistoryRow> undo = rows_to_undo(*history, options);
  if (undo.empty()) return report;

  // Every down script must exist and parse before anything runs.
  std::vector<DownStep> steps;
  std::string missing;
  for (const HistoryRow& row : undo) {
    const Migration* file = nullptr;
    for (const Migration& m : files) {
      if (compare_versions(m.version, row.version) == 0) file = &m;
    }
    if (file == nullptr) {
      missing += fmt::format("\n  {}_{}: its migration files are missing", row.version, row.name);
    } else if (!file->down) {
      missing += fmt::format("\n  {}: has no down script", file->up.path);
    } else {
      auto statements = split_statements(target.dialect(), *file->down);
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
  expected_restoration(*history, undo, report);

  // The relations the down scripts touch: what draining waits on and whose
  // schemas the foreign-key checks cover.
  std::vector<Statement> all;
  for (const DownStep& step : steps) {
    all.insert(all.end(), step.statements.begin(), step.statements.end());
  }
  auto relations = target.relations_of(all);
  if (!relations) return std::unexpected(relations.error());
  if (options.drain && !relations->empty()) {
    auto drained = drain(target, *relations, *options.drain, options.run.progress);
    if (!drained) {
      if (drained.error().code != ErrorCode::kGateFailed) return std::unexpected(drained.error());
      report.aborted = true;
      report.abort_reason = drained.error().message;
      report.elapsed_ms =
          std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - start).count();
      return report;
    }
    report.drained = *drained;
  }

  const std::vector<std::string> schemas = schemas_of(*relations);
  bool checks_failed = false;
  auto check = [&](MigrationTarget& t) -> Result<void> {
    auto findings = t.check_integrity(options.integrity, schemas);
    if (!findings) return std::unexpected(findings.error());
    report.findings = *findings;  // a retried transaction reports its last run only
    std::string failed;
    for (const IntegrityFinding& f : *findings) {
      if (!f.ok()) failed += "\n  " + f.to_string();
    }
    if (failed.empty()) return {};
    checks_failed = true;
    return fail(ErrorCode::kGateFailed,
                "integrity checks failed; the rollback was not committed:" + failed);
  };

  report.one_transaction = std::none_of(steps.begin(), steps.end(), [&](const DownStep& s) {
    return needs_no_transaction(target, *s.migration->down, s.statements) ||
           (s.previous && s.previous->status == RowStatus::kRollingBack);
  });
  if (report.one_transaction) {
    auto done = run_downs_in_one_transaction(target, steps, options.run, check);
    if (!done && checks_failed) {
      report.aborted = true;
      report.abort_reason = done.error().message;
      report.elapsed_ms =
          std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - start).count();
      return report;
    }
    if (!done) return std::unexpected(done.error());
    report.rolled_back = std::move(*done);
  } else {
    // A down script that cannot run in a transaction: each migration is
    // undone and committed on its own, checks before each COMMIT.
    say(options.run,
        "a down script cannot run inside a transaction: rolling back one migration at a time "
        "(integrity checks before each commit)");
    RunOptions run = options.run;
    run.before_commit = [&](MigrationTarget& t, const Migration&) { return check(t); };
    for (const DownStep& step : steps) {
      report.findings.clear();
      auto ran = run_script(target, *step.migration, Direction::kDown, step.previous, run);
      if (!ran && checks_failed) {
        report.aborted = true;
        report.abort_reason = ran.error().message;
        if (needs_no_transaction(target, *step.migration->down, step.statements)) {
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
        report.elapsed_ms =
            std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - start).count();
        return report;
      }
      if (!ran) return std::unexpected(ran.error());
      report.rolled_back.push_back(*ran);
    }
  }
  for (const Applied& a : report.rolled_back) {
    say(options.run, fmt::format("rolled back {}_{} in {} ms", a.version, a.name, a.execution_ms));
  }

  // Exact restoration: the schema now against the hash recorded for the
  // version rolled back to.
  auto now = target.schema();
  if (!now) return std::unexpected(now.error());
  report.actual_hash = model::schema_hash(now->schema);
  if (!report.restored()) {
    // Name what differs from the snapshot kept when that hash was recorded.
    auto kept = target.load_snapshot(report.expected_hash);
    if (kept && *kept) {
      auto json = nlohmann::json::parse(**kept, nullptr, false);
      auto database =
          json.is_discarded() ? std::nullopt : std::optional(model::from_canonical_json(json));
      if (database && *database) {
        Manifest expected = *now;
        expected.schema = std::move(**database);
        for (const Difference& d : compare_manifests(expected, *now, {})) {
          report.restoration_differences.push_back(
              d.kind + " " + d.object + ": " +
              (d.property == "presence" ? (d.actual == "missing" ? "missing" : "left behind")
                                        : d.property + ": " + d.expected + " -> " + d.actual));
        }
      }
    }
  }
  report.elapsed_ms =
      std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - start).count();
  return report;
}

}  // namespace keel::migrate
