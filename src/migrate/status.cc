// The state of each version: the files merged with the history table.
#include <algorithm>
#include <map>

#include "keel/migrate.h"

namespace keel::migrate {

const char* state_name(State state) {
  switch (state) {
    case State::kApplied:
      return "applied";
    case State::kPending:
      return "pending";
    case State::kFailed:
      return "failed";
    case State::kChanged:
      return "changed";
    case State::kMissing:
      return "missing";
    case State::kRolledBack:
      return "rolled back";
    case State::kPartial:
      return "partial";
    case State::kRollingBack:
      return "rolling back";
  }
  return "pending";
}

namespace {

// Orders normalised versions (version_key) numerically.
struct VersionLess {
  bool operator()(const std::string& a, const std::string& b) const {
    return compare_versions(a, b) < 0;
  }
};

}  // namespace

std::vector<VersionStatus> status(const std::vector<Migration>& files,
                                  const std::vector<HistoryRow>& all_rows) {
  const std::vector<HistoryRow> history = current_rows(all_rows, files);
  // Keyed by version_key: a history row matches a file of the same numeric
  // version ("1" == "0001").
  std::map<std::string, VersionStatus, VersionLess> by_version;
  std::map<std::string, const Migration*> file_of;
  for (const Migration& m : files) {
    std::string key = version_key(m.version);
    file_of[key] = &m;
    VersionStatus& v = by_version[key];
    v.version = m.version;
    v.name = m.name;
    v.path = m.up.path;
    v.checksum = m.checksum;
  }
  std::string newest_applied;
  for (const HistoryRow& row : history) {
    std::string key = version_key(row.version);
    auto it = by_version.find(key);
    const Migration* file = nullptr;
    if (it == by_version.end()) {
      it = by_version.emplace(key, VersionStatus{}).first;
      it->second.version = row.version;
      it->second.name = row.name;
    } else if (auto f = file_of.find(key); f != file_of.end()) {
      file = f->second;
    }
    VersionStatus& v = it->second;
    v.row = row;
    switch (row.status) {
      case RowStatus::kSuccess:
        v.state = file == nullptr                  ? State::kMissing
                  : file->checksum != row.checksum ? State::kChanged
                                                   : State::kApplied;
        break;
      case RowStatus::kRunning:
        // A no-transaction migration stopped part-way: its file must not change.
        v.state =
            file != nullptr && file->checksum != row.checksum ? State::kChanged : State::kPartial;
        break;
      case RowStatus::kFailed:
        v.state = State::kFailed;
        break;
      case RowStatus::kRolledBack:
        v.state = State::kRolledBack;
        break;
      case RowStatus::kRollingBack:
        v.state = State::kRollingBack;
        break;
    }
    if (row.status == RowStatus::kSuccess &&
        (newest_applied.empty() || compare_versions(row.version, newest_applied) > 0)) {
      newest_applied = row.version;
    }
  }
  std::vector<VersionStatus> out;
  for (auto& [version, v] : by_version) {
    bool pending = v.state == State::kPending || v.state == State::kFailed ||
                   v.state == State::kRolledBack || v.state == State::kPartial;
    v.out_of_order = pending && !v.path.empty() && !newest_applied.empty() &&
                     compare_versions(v.version, newest_applied) < 0;
    out.push_back(std::move(v));
  }
  return out;
}

}  // namespace keel::migrate
