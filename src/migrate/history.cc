// The history table's status column and who applies migrations.
#include <pwd.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <cstdlib>
#include <map>
#include <set>

#include "keel/migrate.h"

namespace keel::migrate {

const char* row_status_name(RowStatus status) {
  switch (status) {
    case RowStatus::kRunning:
      return "RUNNING";
    case RowStatus::kSuccess:
      return "SUCCESS";
    case RowStatus::kFailed:
      return "FAILED";
    case RowStatus::kRolledBack:
      return "ROLLED_BACK";
  }
  return "RUNNING";
}

std::optional<RowStatus> parse_row_status(const std::string& text) {
  for (RowStatus s :
       {RowStatus::kRunning, RowStatus::kSuccess, RowStatus::kFailed, RowStatus::kRolledBack}) {
    if (text == row_status_name(s)) return s;
  }
  return std::nullopt;
}

bool written_before(const HistoryRow& a, const HistoryRow& b) {
  if (a.change_seq != b.change_seq) return a.change_seq < b.change_seq;
  if (a.applied_at != b.applied_at) return a.applied_at < b.applied_at;
  return compare_versions(a.version, b.version) < 0;
}

std::vector<HistoryRow> current_rows(std::vector<HistoryRow> history,
                                     const std::vector<Migration>& files) {
  std::set<std::string> file_spellings;
  for (const Migration& m : files) file_spellings.insert(m.version);
  std::map<std::string, size_t> kept;  // version_key -> index in `out`
  std::vector<HistoryRow> out;
  out.reserve(history.size());
  for (HistoryRow& row : history) {
    auto [it, fresh] = kept.emplace(version_key(row.version), out.size());
    if (fresh) {
      out.push_back(std::move(row));
      continue;
    }
    HistoryRow& other = out[it->second];
    bool newer = written_before(other, row);
    if (other.change_seq == row.change_seq && other.applied_at == row.applied_at) {
      newer = file_spellings.contains(row.version) && !file_spellings.contains(other.version);
    }
    if (newer) other = std::move(row);
  }
  return out;
}

std::string default_applied_by() {
  std::string user;
  if (const char* env = std::getenv("USER"); env != nullptr && *env != '\0') {
    user = env;
  } else if (const passwd* pw = getpwuid(geteuid()); pw != nullptr) {
    user = pw->pw_name;
  } else {
    user = "uid" + std::to_string(geteuid());
  }
  std::array<char, 256> host{};
  if (gethostname(host.data(), host.size() - 1) != 0) host[0] = '\0';
  return user + "@" + (host[0] != '\0' ? std::string(host.data()) : std::string("localhost"));
}

}  // namespace keel::migrate
