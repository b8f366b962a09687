// The run archive on disk: <dir>/<name>.jsonl, one JSON line per run.
#include <fcntl.h>
#include <fmt/format.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <system_error>

#include "keel/archive.h"

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

// "<host>-<port>-<database>" of a PostgreSQL connection string, as libpq
// reads them (parse_connection_url): never from the text itself, whose
// userinfo may hold a '?', '/' or '@' of the password.
std::string postgres_name(const ConnectionUrl& url) {
  std::string host = url.host;
  if (host.size() > 2 && host.front() == '[' && host.back() == ']') {
    host = host.substr(1, host.size() - 2);
  }
  if (host.empty()) host = "localhost";
  std::string out = file_safe(host) + "-" + file_safe(url.port.empty() ? "5432" : url.port);
  if (!url.database.empty()) out += "-" + file_safe(url.database);
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
  if (url.dialect == Dialect::kSqlite)
    return "url-" + file_safe(fs::path(url.path).stem().string());
  return "url-" + postgres_name(url);
}

std::string log_path(const std::string& dir, const std::string& name) {
  return (fs::path(dir) / (name + ".jsonl")).string();
}

nlohmann::json run_to_json(const ledger::RunRow& row) {
  return {{"started_at", row.started_at},
          {"environment", row.environment},
          {"command", row.command},
          {"arguments", row.arguments},
          {"version_before", or_null(row.version_before)},
          {"version_after", or_null(row.version_after)},
          {"outcome", row.outcome},
          {"exit_code", row.exit_code},
          {"duration_ms", row.duration_ms},
          {"user", row.user},
          {"host", row.host},
          {"keel_version", row.keel_version},
          {"error", or_null(row.error)}};
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
  }
  if (auto it = j.find("duration_ms"); it != j.end() && it->is_number_integer()) {
    row.duration_ms = it->get<int64_t>();
  }
  row.user = text_of(j, "user");
  row.host = text_of(j, "host");
  row.keel_version = text_of(j, "keel_version");
  row.error = text_of(j, "error");
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
  int fd = ::open(path.c_str(), O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0644);
  if (fd < 0) {
    return fail(ErrorCode::kIo, fmt::format("cannot open: {}", std::strerror(errno)), path);
  }
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

Result<std::vector<ledger::RunRow>> read_runs(const std::string& dir, const std::string& name,
                                              int limit) {
  std::vector<ledger::RunRow> out;
  std::string path = log_path(dir, name);
  std::error_code ec;
  if (!fs::exists(path, ec)) return out;
  std::ifstream in(path, std::ios::binary);
  if (!in) return fail(ErrorCode::kIo, "cannot read the run log", path);
  std::vector<std::string> lines;
  for (std::string line; std::getline(in, line);) {
    if (!line.empty()) lines.push_back(std::move(line));
  }
  if (in.bad()) return fail(ErrorCode::kIo, "cannot read the run log", path);
  for (auto it = lines.rbegin(); it != lines.rend() && std::ssize(out) < limit; ++it) {
    auto j = nlohmann::json::parse(*it, nullptr, false);
    if (j.is_discarded()) continue;  // cut short: skipped (see archive.h)
    if (auto row = run_from_json(j)) out.push_back(std::move(*row));
  }
  return out;
}

}  // namespace keel::archive
