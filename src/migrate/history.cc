// The history table's status column and who applies migrations.
#include <pwd.h>
#include <unistd.h>

#include <array>
#include <cstdlib>

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
