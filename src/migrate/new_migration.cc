// keel new: the next native up/down pair.
#include <fmt/format.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <ctime>
#include <filesystem>

#include "keel/migrations.h"

namespace keel::migrate {
namespace {

namespace fs = std::filesystem;

// Folders whose versions have this many digits or more are numbered by time.
constexpr size_t kTimestampDigits = 12;
constexpr size_t kDefaultWidth = 4;

Result<std::string> normalize_name(const std::string& raw) {
  std::string name;
  for (char c : raw) {
    if (c == ' ' || c == '-') {
      name += '_';
    } else {
      name += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    }
  }
  bool valid = !name.empty() && std::all_of(name.begin(), name.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_';
  });
  if (!valid) {
    return fail(ErrorCode::kUsage,
                fmt::format("invalid migration name '{}': use letters, digits, underscores, "
                            "spaces or dashes (e.g. add_users_email)",
                            raw));
  }
  return name;
}

// "0009" + 1 = "0010"; the width grows only when the digits run out.
std::string increment(std::string digits) {
  for (size_t i = digits.size(); i-- > 0;) {
    if (digits[i] != '9') {
      ++digits[i];
      return digits;
    }
    digits[i] = '0';
  }
  return "1" + digits;
}

std::string utc_timestamp() {
  std::time_t now = std::chrono::system_clock::to_time_t(std::chrono::system_clock::now());
  std::tm utc{};
  gmtime_r(&now, &utc);
  return fmt::format("{:04}{:02}{:02}{:02}{:02}{:02}", utc.tm_year + 1900, utc.tm_mon + 1,
                     utc.tm_mday, utc.tm_hour, utc.tm_min, utc.tm_sec);
}

// The version after the folder's latest one.
std::string next_version(const std::vector<Migration>& migrations) {
  if (migrations.empty()) return increment(std::string(kDefaultWidth, '0'));
  const std::string& latest = migrations.back().version;
  // Flyway's 1.2 or 1_2: the next major version.
  std::string major = latest.substr(0, latest.find_first_of("._"));
  if (major.size() >= kTimestampDigits) {
    std::string now = utc_timestamp();
    return compare_versions(now, latest) > 0 ? now : increment(major);
  }
  return increment(major);
}

// Creates `path` with `text`; fails when it exists.
Result<void> write_new(const std::string& path, const std::string& text) {
  std::FILE* file = std::fopen(path.c_str(), "wx");
  if (file == nullptr) {
    std::error_code ec;
    if (fs::exists(path, ec)) {
      return fail(ErrorCode::kIo,
                  "the file already exists: keel new never overwrites; pick "
                  "another name",
                  path);
    }
    return fail(ErrorCode::kIo, "cannot create the file: check the folder's permissions", path);
  }
  bool ok = std::fwrite(text.data(), 1, text.size(), file) == text.size();
  ok = std::fclose(file) == 0 && ok;
  if (!ok) return fail(ErrorCode::kIo, "cannot write the file: check free disk space", path);
  return {};
}

}  // namespace

Result<std::pair<std::string, std::string>> new_migration(const std::string& dir,
                                                          const std::string& name) {
  auto normalized = normalize_name(name);
  if (!normalized) return std::unexpected(normalized.error());
  std::error_code ec;
  fs::create_directories(dir, ec);
  if (ec) {
    return fail(ErrorCode::kIo,
                fmt::format("cannot create the migrations folder: {}", ec.message()), dir);
  }
  auto existing = load_migrations(dir);
  if (!existing) return std::unexpected(existing.error());
  std::string version = next_version(*existing);
  std::string stem = fmt::format("{}_{}", version, *normalized);
  std::string up = (fs::path(dir) / (stem + ".up.sql")).string();
  std::string down = (fs::path(dir) / (stem + ".down.sql")).string();
  auto wrote_up = write_new(
      up, fmt::format("-- {}: up. Directives, if any, go on the comment lines at the top,\n"
                      "-- e.g. \"-- keel:lock-timeout 2s\" or \"-- keel:no-transaction\".\n\n",
                      stem));
  if (!wrote_up) return std::unexpected(wrote_up.error());
  auto wrote_down = write_new(down, fmt::format("-- {}: down. Undoes the up migration.\n\n", stem));
  if (!wrote_down) {
    fs::remove(up, ec);
    return std::unexpected(wrote_down.error());
  }
  return std::pair{up, down};
}

}  // namespace keel::migrate
