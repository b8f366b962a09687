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
  }
  return "pending";
}

namespace {

struct VersionLess {
  bool operator()(const std::string& a, const std::string& b) const {
    int c = compare_versions(a, b);
    return c != 0 ? c < 0 : a < b;
  }
};

}  // namespace

std::vector<VersionStatus> status(const std::vector<Migration>& files,
                                  const std::vector<HistoryRow>& history) {
  std::map<std::string, VersionStatus, VersionLess> by_version;
  // A history row matches a file of the same numeric version ("1" == "0001").
  auto find = [&](const std::string& version) {
    for (auto it = by_version.begin(); it != by_version.end(); ++it) {
      if (compare_versions(it->first, version) == 0) return it;
    }
    return by_version.end();
  };
  for (const Migration& m : files) {
    VersionStatus& v = by_version[m.version];
    v.version = m.version;
    v.name = m.name;
    v.path = m.up.path;
  }
  std::string newest_applied;
  for (const HistoryRow& row : history) {
    auto it = find(row.version);
    const Migration* file = nullptr;
    if (it == by_version.end()) {
      it = by_version.emplace(row.version, VersionStatus{}).first;
      it->second.version = row.version;
      it->second.name = row.name;
    } else {
      for (const Migration& m : files) {
        if (compare_versions(m.version, row.version) == 0) file = &m;
      }
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
