// keel rollback: down scripts of applied migrations, newest first.
#include <fmt/format.h>

#include <algorithm>

#include "keel/migrate.h"
#include "migrate/runner.h"

namespace keel::migrate {

Result<std::vector<Applied>> rollback(MigrationTarget& target, const std::vector<Migration>& files,
                                      const RollbackOptions& options) {
  if (options.steps && options.to) {
    return fail(ErrorCode::kUsage, "pass either --steps or --to, not both");
  }
  if (options.steps && *options.steps < 1) {
    return fail(ErrorCode::kUsage, "--steps must be 1 or more");
  }
  LockGuard guard(target);
  auto history = lock_and_read(target, options.run);
  if (!history) return std::unexpected(history.error());

  std::vector<HistoryRow> applied;
  for (const HistoryRow& row : *history) {
    if (row.status == RowStatus::kSuccess) applied.push_back(row);
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

  // Every down script must exist before anything runs.
  std::vector<const Migration*> plan;
  std::string missing;
  for (const HistoryRow& row : applied) {
    const Migration* file = nullptr;
    for (const Migration& m : files) {
      if (compare_versions(m.version, row.version) == 0) file = &m;
    }
    if (file == nullptr) {
      missing += fmt::format("\n  {}_{}: its migration files are missing", row.version, row.name);
    } else if (!file->down) {
      missing += fmt::format("\n  {}: has no down script", file->up.path);
    } else {
      plan.push_back(file);
    }
  }
  if (!missing.empty()) {
    return fail(ErrorCode::kIo,
                "cannot roll back, nothing was run; write the missing down scripts or roll back "
                "fewer steps:" +
                    missing);
  }
  std::vector<Applied> done;
  for (const Migration* m : plan) {
    auto ran = run_script(target, *m, Direction::kDown, row_for(*history, m->version), options.run);
    if (!ran) return std::unexpected(ran.error());
    if (options.run.progress) {
      options.run.progress(
          fmt::format("rolled back {}_{} in {} ms", m->version, m->name, ran->execution_ms));
    }
    done.push_back(*ran);
  }
  return done;
}

}  // namespace keel::migrate
