// A rollout's journal (keel/rollout.h): JSON lines, each appended with one write() and
// fsync'd, so that what a killed keel had done (and was about to do) is on disk.
#include <fcntl.h>
#include <fmt/format.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>

#include "keel/rollout.h"

namespace keel::rollout {
namespace {

namespace fs = std::filesystem;

Error io_error(const std::string& what, const std::string& path) {
  return Error{ErrorCode::kIo, fmt::format("{}: {}", what, std::strerror(errno)), path, {}};
}

}  // namespace

Result<Journal> Journal::create(const std::string& dir, const std::string& run_id) {
  std::error_code ec;
  fs::create_directories(dir, ec);
  if (ec) {
    return fail(ErrorCode::kIo,
                fmt::format("cannot create the rollout journal's folder: {}", ec.message()), dir);
  }
  Journal journal;
  journal.path_ = (fs::path(dir) / (run_id + ".jsonl")).string();
  journal.run_id_ = run_id;
  int fd = ::open(journal.path_.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
  if (fd < 0) return std::unexpected(io_error("cannot create the rollout journal", journal.path_));
  ::close(fd);
  return journal;
}

Result<Journal> Journal::open(const std::string& path) {
  if (!fs::is_regular_file(path)) {
    return fail(ErrorCode::kIo, "no such rollout journal", path);
  }
  Journal journal;
  journal.path_ = path;
  journal.run_id_ = fs::path(path).stem().string();
  return journal;
}

Result<void> Journal::append(nlohmann::json event) {
  std::string line = event.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  int fd = ::open(path_.c_str(), O_RDWR | O_APPEND | O_CLOEXEC);  // read: its last byte
  if (fd < 0) return std::unexpected(io_error("cannot open the rollout journal", path_));
  // A line torn by a kill mid-write must not swallow this one.
  off_t end = ::lseek(fd, 0, SEEK_END);
  if (end > 0) {
    char last = '\n';
    if (::pread(fd, &last, 1, end - 1) == 1 && last != '\n') line.insert(line.begin(), '\n');
  }
  line += '\n';
  ssize_t written = ::write(fd, line.data(), line.size());
  bool ok = written == static_cast<ssize_t>(line.size()) && ::fsync(fd) == 0;
  Error error = io_error("cannot write the rollout journal", path_);
  ::close(fd);
  if (!ok) return std::unexpected(error);
  return {};
}

Result<std::vector<nlohmann::json>> read_journal(const std::string& path) {
  std::ifstream in(path);
  if (!in) return std::unexpected(io_error("cannot read the rollout journal", path));
  std::vector<nlohmann::json> events;
  std::string line;
  while (std::getline(in, line)) {
    auto event = nlohmann::json::parse(line, nullptr, /*allow_exceptions=*/false);
    if (event.is_object() && event.contains("event") && event["event"].is_string()) {
      events.push_back(std::move(event));
    }
  }
  return events;
}

Result<std::string> unfinished_journal(const std::string& dir) {
  std::error_code ec;
  if (!fs::is_directory(dir, ec)) return std::string();
  std::vector<fs::path> files;
  for (const auto& entry : fs::directory_iterator(dir, ec)) {
    if (entry.path().extension() == ".jsonl") files.push_back(entry.path());
  }
  if (ec) {
    return fail(ErrorCode::kIo, fmt::format("cannot list rollout journals: {}", ec.message()), dir);
  }
  // Run ids begin with their UTC start time: the newest sorts last.
  std::sort(files.begin(), files.end());
  for (auto it = files.rbegin(); it != files.rend(); ++it) {
    auto events = read_journal(it->string());
    if (!events) return std::unexpected(events.error());
    bool done = std::any_of(events->begin(), events->end(),
                            [](const nlohmann::json& e) { return e["event"] == "done"; });
    if (!done) return it->string();
  }
  return std::string();
}

namespace {

Result<Resume> resume_point_of(const std::vector<nlohmann::json>& events) {
  if (events.empty() || events.front()["event"] != "begin") {
    return fail(ErrorCode::kUsage, "the rollout journal has no begin line");
  }
  Resume resume;
  for (const auto& e : events) {
    const std::string kind = e["event"].get<std::string>();
    // An asked routing counts as made: routing again to the same percent is harmless, and
    // leaving it unrecorded is what must never happen.
    if (kind == "route" || kind == "routed") resume.routed_percent = e.value("percent", 0);
    if (kind == "step") resume.step_index = e.value("index", 0);
    if (kind == "trip") {
      return fail(ErrorCode::kGateFailed,
                  fmt::format("this rollout tripped its {} breaker; start a new one (keel "
                              "rollout) or abort the migration (keel abort)",
                              e.value("breaker", std::string("?"))));
    }
  }
  return resume;
}

}  // namespace

Result<Resume> resume_point(const std::vector<nlohmann::json>& events) {
  try {
    return resume_point_of(events);
  } catch (const nlohmann::json::exception& e) {
    return fail(ErrorCode::kIo,
                fmt::format("the rollout journal holds a malformed line ({}); it was not written "
                            "by keel: start a new rollout",
                            e.what()));
  }
}

}  // namespace keel::rollout
