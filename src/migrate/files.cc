// Reading a migrations folder: file names, formats, dbmate sections,
// pairing ups with downs, checksums and version order.
#include <fmt/format.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>

#include "keel/migrations.h"
#include "migrate/dbmate.h"
#include "migrate/directives.h"
#include "ops/document.h"
#include "util/sha256.h"

namespace keel::migrate {
namespace {

namespace fs = std::filesystem;

constexpr std::string_view kBom = "\xEF\xBB\xBF";

enum class Kind { kNativeUp, kNativeDown, kFlywayUp, kFlywayDown, kDbmate, kOperations };

struct FileName {
  Kind kind;
  std::string version;
  std::string name;
};

bool all_digits(std::string_view s) {
  return !s.empty() && std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
}

// Flyway versions: digits, with single '.' or '_' between groups (1, 1.1, 1_2_3).
bool is_flyway_version(std::string_view s) {
  size_t start = 0;
  while (true) {
    size_t end = s.find_first_of("._", start);
    if (!all_digits(s.substr(start, end == std::string_view::npos ? end : end - start))) {
      return false;
    }
    if (end == std::string_view::npos) return true;
    start = end + 1;
  }
}

bool ends_with_sql(std::string_view name) {
  if (name.size() < 4) return false;
  std::string ext(name.substr(name.size() - 4));
  std::transform(ext.begin(), ext.end(), ext.begin(),
                 [](unsigned char c) { return std::tolower(c); });
  return ext == ".sql";
}

// keel plan's expectation file next to a migration, "<version>_<name>.expect.json": not a
// migration (src/plan/plan.cc).
bool is_plan_expectation(std::string_view name) {
  constexpr std::string_view kSuffix = ".expect.json";
  if (name.size() < kSuffix.size()) return false;
  std::string tail(name.substr(name.size() - kSuffix.size()));
  std::transform(tail.begin(), tail.end(), tail.begin(),
                 [](unsigned char c) { return std::tolower(c); });
  return tail == kSuffix;
}

// .sql scripts and .yaml / .yml / .json operation files are migrations (but not keel plan's
// .expect.json files); the rest is ignored.
bool is_migration_candidate(std::string_view name) {
  if (is_plan_expectation(name)) return false;
  return ends_with_sql(name) || ops::syntax_of(name).has_value();
}

Error name_error(const std::string& path, std::string_view expected) {
  return Error{ErrorCode::kConfig,
               fmt::format("not a valid migration file name: expected {}, or move the file out "
                           "of the migrations folder",
                           expected),
               path,
               {}};
}

// "<digits>_<name>" split into version and name.
std::optional<std::pair<std::string, std::string>> split_native(std::string_view stem) {
  size_t underscore = stem.find('_');
  if (underscore == std::string_view::npos) return std::nullopt;
  std::string_view version = stem.substr(0, underscore);
  std::string_view name = stem.substr(underscore + 1);
  if (!all_digits(version) || name.empty()) return std::nullopt;
  return std::pair{std::string(version), std::string(name)};
}

// The format a file name announces, or an error naming the expected shape.
Result<FileName> classify(std::string_view file, const std::string& path) {
  if (ops::syntax_of(file)) {
    size_t dot = file.rfind('.');
    auto parts = split_native(file.substr(0, dot));
    if (!parts) {
      return std::unexpected(name_error(
          path, fmt::format("<version>_<name>{} with a version of digits for an operation file, "
                            "e.g. 0001_rename_column{}",
                            file.substr(dot), file.substr(dot))));
    }
    return FileName{Kind::kOperations, parts->first, parts->second};
  }
  for (auto [suffix, kind] : {std::pair{std::string_view(".up.sql"), Kind::kNativeUp},
                              std::pair{std::string_view(".down.sql"), Kind::kNativeDown}}) {
    if (!file.ends_with(suffix)) continue;
    auto parts = split_native(file.substr(0, file.size() - suffix.size()));
    if (!parts) {
      return std::unexpected(
          name_error(path, fmt::format("<version>_<name>{} with a version of digits, e.g. "
                                       "0001_create_users{}",
                                       suffix, suffix)));
    }
    return FileName{kind, parts->first, parts->second};
  }
  if (file.starts_with("R__")) {
    return fail(ErrorCode::kUnsupported,
                "Flyway repeatable migrations (R__) are not supported: turn it into a versioned "
                "migration or move it out of the migrations folder",
                path);
  }
  if (file.size() > 1 && (file[0] == 'V' || file[0] == 'U') && file[1] >= '0' && file[1] <= '9') {
    size_t separator = file.find("__");
    std::string_view version =
        file.substr(1, separator == std::string_view::npos ? 0 : separator - 1);
    std::string_view name = separator == std::string_view::npos
                                ? ""
                                : file.substr(separator + 2, file.size() - 4 - separator - 2);
    if (separator == std::string_view::npos || !file.ends_with(".sql") ||
        !is_flyway_version(version) || name.empty()) {
      return std::unexpected(name_error(
          path, fmt::format("Flyway's {}<version>__<name>.sql with a version of digits, dots or "
                            "underscores, e.g. {}1.1__create_users.sql",
                            file[0], file[0])));
    }
    return FileName{file[0] == 'V' ? Kind::kFlywayUp : Kind::kFlywayDown, std::string(version),
                    std::string(name)};
  }
  if (file[0] >= '0' && file[0] <= '9' && file.ends_with(".sql")) {
    if (auto parts = split_native(file.substr(0, file.size() - 4))) {
      return FileName{Kind::kDbmate, parts->first, parts->second};
    }
  }
  return std::unexpected(
      name_error(path,
                 "<version>_<name>.up.sql (+ .down.sql), V<version>__<name>.sql (Flyway) or "
                 "<version>_<name>.sql with -- migrate:up (dbmate)"));
}

Result<std::string> read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream buffer;
  buffer << in.rdbuf();
  if (!in || in.bad()) {
    return fail(ErrorCode::kIo,
                "cannot read the migration file: check that it exists and is "
                "readable",
                path);
  }
  return buffer.str();
}

std::string without_bom(std::string text) {
  if (std::string_view(text).starts_with(kBom)) text.erase(0, kBom.size());
  return text;
}

struct VersionLess {
  bool operator()(const std::string& a, const std::string& b) const {
    return compare_versions(a, b) < 0;
  }
};

struct Found {
  std::string up_path;
  std::string down_path;
  Kind up_kind = Kind::kNativeUp;
  Kind down_kind = Kind::kNativeDown;
  Migration migration;
};

Format format_of(Kind kind) {
  switch (kind) {
    case Kind::kFlywayUp:
    case Kind::kFlywayDown:
      return Format::kFlyway;
    case Kind::kDbmate:
      return Format::kDbmate;
    case Kind::kOperations:
      return Format::kOperations;
    case Kind::kNativeUp:
    case Kind::kNativeDown:
      return Format::kNative;
  }
  return Format::kNative;
}

Error duplicate(const std::string& version, const std::string& first, const std::string& second) {
  return Error{ErrorCode::kConfig,
               fmt::format("duplicate version {}: {} and {}; give one of them a new version",
                           version, first, second),
               second,
               {}};
}

Error down_of_operations(const std::string& operations, const std::string& down) {
  return Error{ErrorCode::kConfig,
               fmt::format("a down script for the operation migration {}: operation migrations "
                           "have no down file (keel abort and keel revert undo them); remove "
                           "this file or give it its own version",
                           operations),
               down,
               {}};
}

// An operation file: its text is the migration's up (for checksums and messages) and its
// parsed operations; it has no down script.
Result<void> add_operation_file(Found& entry, const FileName& file, const std::string& path,
                                std::string text) {
  if (!entry.up_path.empty()) return std::unexpected(duplicate(file.version, entry.up_path, path));
  if (!entry.down_path.empty()) return std::unexpected(down_of_operations(path, entry.down_path));
  auto operations = ops::parse_operations(path, text);
  if (!operations) return std::unexpected(operations.error());
  entry.up_path = path;
  entry.up_kind = Kind::kOperations;
  Migration& m = entry.migration;
  m.version = file.version;
  m.name = file.name;
  m.format = Format::kOperations;
  m.checksum = checksum(text);
  m.up = Script{path, without_bom(std::move(text)), 1, {}};
  m.operations = std::move(*operations);
  return {};
}

// Adds one file to its version's entry.
Result<void> add_file(std::map<std::string, Found, VersionLess>& found, const FileName& file,
                      const std::string& path) {
  auto text = read_file(path);
  if (!text) return std::unexpected(text.error());
  Found& entry = found[file.version];
  if (file.kind == Kind::kOperations) {
    return add_operation_file(entry, file, path, std::move(*text));
  }
  bool is_down = file.kind == Kind::kNativeDown || file.kind == Kind::kFlywayDown;
  if (!is_down) {
    if (!entry.up_path.empty())
      return std::unexpected(duplicate(file.version, entry.up_path, path));
    if (file.kind == Kind::kDbmate && !entry.down_path.empty()) {
      return std::unexpected(duplicate(file.version, entry.down_path, path));
    }
    entry.up_path = path;
    entry.up_kind = file.kind;
    Migration& m = entry.migration;
    m.version = file.version;
    m.name = file.name;
    m.format = format_of(file.kind);
    m.checksum = checksum(*text);
    if (file.kind == Kind::kDbmate) {
      auto sections = dbmate_sections(path, without_bom(std::move(*text)));
      if (!sections) return std::unexpected(sections.error());
      m.up = std::move(sections->first);
      m.down = std::move(sections->second);
      entry.down_path = path;
      entry.down_kind = Kind::kDbmate;
      return {};
    }
    auto up = make_script(path, without_bom(std::move(*text)), 1);
    if (!up) return std::unexpected(up.error());
    m.up = std::move(*up);
    return {};
  }
  if (!entry.down_path.empty()) {
    return std::unexpected(duplicate(file.version, entry.down_path, path));
  }
  if (entry.up_kind == Kind::kOperations && !entry.up_path.empty()) {
    return std::unexpected(down_of_operations(entry.up_path, path));
  }
  auto down = make_script(path, without_bom(std::move(*text)), 1);
  if (!down) return std::unexpected(down.error());
  entry.down_path = path;
  entry.down_kind = file.kind;
  entry.migration.down = std::move(*down);
  return {};
}

}  // namespace

namespace {

// A version's numeric groups: leading zeros and trailing zero groups dropped.
std::vector<std::string_view> version_parts(std::string_view v) {
  std::vector<std::string_view> out;
  size_t start = 0;
  while (true) {
    size_t end = v.find_first_of("._", start);
    std::string_view part = v.substr(start, end == std::string_view::npos ? end : end - start);
    while (part.size() > 1 && part.front() == '0') part.remove_prefix(1);
    out.push_back(part);
    if (end == std::string_view::npos) break;
    start = end + 1;
  }
  // "1.0" is "1": trailing zero groups do not count.
  while (out.size() > 1 && out.back() == "0") out.pop_back();
  return out;
}

}  // namespace

std::string version_key(const std::string& version) {
  std::string key;
  for (std::string_view part : version_parts(version)) {
    if (!key.empty()) key += '.';
    key += part;
  }
  return key;
}

int compare_versions(const std::string& a, const std::string& b) {
  auto pa = version_parts(a);
  auto pb = version_parts(b);
  for (size_t i = 0; i < std::max(pa.size(), pb.size()); ++i) {
    std::string_view x = i < pa.size() ? pa[i] : "0";
    std::string_view y = i < pb.size() ? pb[i] : "0";
    if (all_digits(x) && all_digits(y) && x.size() != y.size()) return x.size() < y.size() ? -1 : 1;
    if (x != y) return x < y ? -1 : 1;
  }
  return 0;
}

std::string checksum(std::string_view text) {
  if (text.starts_with(kBom)) text.remove_prefix(kBom.size());
  std::string normalized;
  normalized.reserve(text.size());
  for (size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '\r') {
      normalized += '\n';
      if (i + 1 < text.size() && text[i + 1] == '\n') ++i;
    } else {
      normalized += text[i];
    }
  }
  return "sha256:" + util::sha256_hex(normalized);
}

Result<std::vector<Migration>> load_migrations(const std::string& dir) {
  std::error_code ec;
  if (!fs::is_directory(dir, ec)) {
    return fail(ErrorCode::kIo,
                "the migrations folder does not exist: create it (keel new NAME does) or pass "
                "--dir",
                dir);
  }
  std::vector<fs::path> files;
  for (fs::directory_iterator it(dir, ec), end; !ec && it != end; it.increment(ec)) {
    std::string file = it->path().filename().string();
    // Subfolders, hidden files and anything but .sql, .yaml, .yml, .json are not migrations.
    if (file.starts_with('.') || !is_migration_candidate(file) || it->is_directory(ec)) continue;
    files.push_back(it->path());
  }
  if (ec) return fail(ErrorCode::kIo, fmt::format("cannot list the folder: {}", ec.message()), dir);
  std::sort(files.begin(), files.end());

  std::map<std::string, Found, VersionLess> found;
  for (const auto& file : files) {
    std::string path = file.string();
    auto name = classify(file.filename().string(), path);
    if (!name) return std::unexpected(name.error());
    auto added = add_file(found, *name, path);
    if (!added) return std::unexpected(added.error());
  }

  std::vector<Migration> out;
  for (auto& [version, entry] : found) {
    if (entry.up_path.empty()) {
      return fail(ErrorCode::kConfig,
                  fmt::format("a down migration without its up: add the up file for version {} "
                              "or remove this one",
                              version),
                  entry.down_path);
    }
    if (entry.migration.down && format_of(entry.up_kind) != format_of(entry.down_kind)) {
      return fail(ErrorCode::kConfig,
                  fmt::format("the down migration is not in the format of its up {}: name it "
                              "{}",
                              entry.up_path,
                              entry.up_kind == Kind::kFlywayUp ? "U<version>__<name>.sql"
                                                               : "<version>_<name>.down.sql"),
                  entry.down_path);
    }
    out.push_back(std::move(entry.migration));
  }
  return out;
}

}  // namespace keel::migrate
