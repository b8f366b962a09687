// Tamper and gap detection: the files against the history table.
#include <fmt/format.h>

#include <map>

#include "keel/migrate.h"

namespace keel::migrate {

std::string Problem::to_string() const { return fmt::format("{}: {}", path, detail); }

std::vector<Problem> validate(const std::vector<Migration>& files,
                              const std::vector<HistoryRow>& history, bool allow_out_of_order) {
  std::vector<Problem> problems;
  for (const VersionStatus& v : status(files, history)) {
    if (v.state == State::kChanged) {
      problems.push_back({ProblemKind::kChanged, v.version, v.path,
                          fmt::format("changed since it was applied (applied {}, file {}); "
                                      "restore the file, or write a new migration instead",
                                      v.row->checksum, v.checksum)});
    } else if (v.state == State::kMissing) {
      problems.push_back(
          {ProblemKind::kMissing, v.version, fmt::format("version {} ({})", v.version, v.name),
           fmt::format("applied {} by {} but no migration file has this version any more; "
                       "restore it from version control",
                       v.row->applied_at, v.row->applied_by)});
    } else if (v.state == State::kRollingBack) {
      problems.push_back(
          {ProblemKind::kRollingBack, v.version, v.path.empty() ? v.version : v.path,
           fmt::format("partly rolled back: {} of {} statements of its down script committed "
                       "(ROLLING_BACK); run `keel rollback` to finish it (it resumes after "
                       "statement {}) before applying",
                       v.row->statements_applied, v.row->statements_total,
                       v.row->statements_applied)});
    } else if (v.out_of_order && !allow_out_of_order) {
      problems.push_back(
          {ProblemKind::kOutOfOrder, v.version, v.path,
           "pending but older than the newest applied migration; renumber it above the newest "
           "applied version, or pass --allow-out-of-order"});
    }
  }
  return problems;
}

Error problems_error(const std::vector<Problem>& problems) {
  std::string message = fmt::format("{} migration file{} failed validation:", problems.size(),
                                    problems.size() == 1 ? "" : "s");
  for (const Problem& p : problems) message += "\n  " + p.to_string();
  return Error{ErrorCode::kGateFailed, std::move(message), {}, {}};
}

}  // namespace keel::migrate
