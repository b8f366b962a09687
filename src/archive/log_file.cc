// The run archive on disk: <dir>/<name>.jsonl, one JSON line per run.
#include <fcntl.h>
#include <fmt/format.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <optional>
#include <sstream>
#include <system_error>
#include <unordered_map>

#include "keel/archive.h"
#include "keel/dialect.h"

namespace keel::archive {
namespace {

namespace fs = std::filesystem;

std::string file_safe(std::string_view text) {
  std::string out;
  for (char c : text) {
    bool safe = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                c == '.' || c == '_' || c == '-';
    out += safe ? c : '_';
  }
  return out;
}

nlohmann::json or_null(const std::string& text) {
  return text.empty() ? nlohmann::json(nullptr) : nlohmann::json(text);
}

std::string text_of(const nlohmann::json& j, const char* key) {
  auto it = j.find(key);
  return it != j.end() && it->is_string() ? it->get<std::string>() : std::string();
}

}  // namespace

std::string log_name(const std::string& env, const ConnectionUrl& url) {
  if (!env.empty()) return file_safe(env);
  // The dialect names its database from the parsed URL, never the text
  // (whose userinfo may hold a '?', '/' or '@' of the password).
  return "url-" + file_safe(url.dialect->target_name(url));
}

std::string log_path(const std::string& dir, const std::string& name) {
  return (fs::path(dir) / (name + ".jsonl")).string();
}

nlohmann::json run_to_json(const ledger::RunRow& row) {
  const bool open = row.outcome == kRunning || row.outcome == kInterrupted;
  nlohmann::json j = {
      {"started_at", row.started_at},
      {"environment", row.environment},
      {"command", row.command},
      {"arguments", row.arguments},
      {"version_before", or_null(row.version_before)},
      {"version_after", or_null(row.version_after)},
      {"outcome", row.outcome},
      {"exit_code", open ? nlohmann::json(nullptr) : nlohmann::json(row.exit_code)},
      {"duration_ms", open ? nlohmann::json(nullptr) : nlohmann::json(row.duration_ms)},
      {"user", row.user},
      {"host", row.host},
      {"pid", row.pid == 0 ? nlohmann::json(nullptr) : nlohmann::json(row.pid)},
      {"keel_version", row.keel_version},
      {"run_id", or_null(row.run_id)},
      {"error", or_null(row.error)},
      {"error_code", or_null(row.error_code)}};
  // "details" only for runs that have some: other lines are as before.
  if (!row.details.empty()) {
    auto details = nlohmann::json::parse(row.details, nullptr, false);
    if (!details.is_discarded()) j["details"] = std::move(details);
  }
  return j;
}

Result<ledger::RunRow> run_from_json(const nlohmann::json& j) {
  if (!j.is_object() || !j.contains("command") || !j["command"].is_string()) {
    return fail(ErrorCode::kIo, "not a keel run record (no \"command\")");
  }
  ledger::RunRow row;
  row.started_at = text_of(j, "started_at");
  row.environment = text_of(j, "environment");
  row.command = text_of(j, "command");
  if (auto it = j.find("arguments"); it != j.end() && it->is_array()) {
    for (const auto& a : *it) {
      if (a.is_string()) row.arguments.push_back(a.get<std::string>());
    }
  }
  row.version_before = text_of(j, "version_before");
  row.version_after = text_of(j, "version_after");
  row.outcome = text_of(j, "outcome");
  if (auto it = j.find("exit_code"); it != j.end() && it->is_number_integer()) {
    row.exit_code = it->get<int>();
  } else if (it != j.end() && it->is_null()) {
    row.exit_code = -1;  // running
  }
  if (auto it = j.find("duration_ms"); it != j.end() && it->is_number_integer()) {
    row.duration_ms = it->get<int64_t>();
  }
  row.user = text_of(j, "user");
  row.host = text_of(j, "host");
  row.keel_version = text_of(j, "keel_version");
  row.error = text_of(j, "error");
  row.error_code = text_of(j, "error_code");
  row.run_id = text_of(j, "run_id");
  if (auto it = j.find("pid"); it != j.end() && it->is_number_integer()) {
    row.pid = it->get<int64_t>();
  }
  if (auto it = j.find("details"); it != j.end() && it->is_object()) row.details = it->dump();
  return row;
}

Result<void> append_run(const std::string& dir, const std::string& name,
                        const ledger::RunRow& row) {
  std::error_code ec;
  fs::create_directories(dir, ec);
  if (ec) {
    return fail(ErrorCode::kIo, fmt::format("cannot create the log folder: {}", ec.message()), dir);
  }
  std::string path = log_path(dir, name);
  std::string line =
      run_to_json(row).dump(-1, ' ', false, nlohmann::json::error_handler_t::replace) + "\n";
  int fd = ::open(path.c_str(), O_RDWR | O_APPEND | O_CREAT | O_CLOEXEC, 0644);
  if (fd < 0) {
    return fail(ErrorCode::kIo, fmt::format("cannot open: {}", std::strerror(errno)), path);
  }
  // The flock makes "does the file end with a newline?" and the write one
  // step among keel processes (released by close). Where flock is not
  // supported the check is still made: a race then costs a blank line.
  (void)::flock(fd, LOCK_EX);
  struct stat st {};
  char last = '\n';
  if (::fstat(fd, &st) == 0 && st.st_size > 0 && ::pread(fd, &last, 1, st.st_size - 1) != 1) {
    last = '\n';
  }
  // A writer killed mid-line left no newline: start on a fresh line so
  // this record is not glued to the torn one.
  if (last != '\n') line.insert(line.begin(), '\n');
  // One write(): with O_APPEND, lines of concurrent keel processes do not
  // interleave.
  ssize_t written = ::write(fd, line.data(), line.size());
  int write_errno = errno;
  if (::close(fd) != 0 && written >= 0) {
    return fail(ErrorCode::kIo, fmt::format("cannot write: {}", std::strerror(errno)), path);
  }
  if (written < 0) {
    return fail(ErrorCode::kIo, fmt::format("cannot write: {}", std::strerror(write_errno)), path);
  }
  if (static_cast<size_t>(written) != line.size()) {
    return fail(ErrorCode::kIo,
                fmt::format("wrote {} of {} bytes (disk full?)", written, line.size()), path);
  }
  return {};
}

namespace {

// The run record of one line. A line that does not parse whole may be a
// torn line (a writer killed mid-line) with a whole record written after it
// by a keel that did not start on a fresh line: the first '{' after the
// line's own from which the rest of the line parses as a record is taken.
std::optional<ledger::RunRow> parse_line(const std::string& line, bool& torn) {
  torn = false;
  auto j = nlohmann::json::parse(line, nullptr, false);
  if (!j.is_discarded()) {
    auto row = run_from_json(j);
    if (row) return std::move(*row);
    torn = true;
    return std::nullopt;
  }
  torn = true;
  for (size_t at = line.find('{', 1); at != std::string::npos; at = line.find('{', at + 1)) {
    auto rest = nlohmann::json::parse(line.substr(at), nullptr, false);
    if (rest.is_discarded()) continue;
    if (auto row = run_from_json(rest)) return std::move(*row);
  }
  return std::nullopt;
}

}  // namespace

Result<RunLog> read_runs(const std::string& dir, const std::string& name, int limit) {
  RunLog log;
  log.path = log_path(dir, name);
  std::error_code ec;
  if (!fs::exists(log.path, ec)) return log;
  std::ifstream in(log.path, std::ios::binary);
  if (!in) return fail(ErrorCode::kIo, "cannot read the run log", log.path);
  // Every line is read: a run's closing line may be far below its start.
  std::vector<ledger::RunRow> runs;  // oldest first, by their first line
  std::unordered_map<std::string, size_t> by_id;
  int number = 0;
  for (std::string line; std::getline(in, line);) {
    ++number;
    if (line.empty()) continue;
    bool torn = false;
    std::optional<ledger::RunRow> row = parse_line(line, torn);
    if (torn) log.unreadable.push_back(number);
    if (!row) continue;
    if (!row->run_id.empty()) {
      auto [it, added] = by_id.emplace(row->run_id, runs.size());
      if (!added) {
        runs[it->second] = std::move(*row);  // the later line of a run wins
        continue;
      }
    }
    runs.push_back(std::move(*row));
  }
  if (in.bad()) return fail(ErrorCode::kIo, "cannot read the run log", log.path);
  for (auto it = runs.rbegin(); it != runs.rend() && std::ssize(log.runs) < limit; ++it) {
    log.runs.push_back(std::move(*it));
  }
  return log;
}

}  // namespace keel::archive
