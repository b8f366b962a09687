// A run record: outcome, masked arguments, who/where/when, and whether a
// run that never closed is still running.
#include <fmt/format.h>
#include <signal.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <ctime>
#include <fstream>
#include <random>
#include <sstream>

#include "keel/archive.h"
#include "keel/migrate.h"

namespace keel::archive {

std::string outcome_name(const std::string& command, int exit_code) {
  if (exit_code == kExitOk) return "ok";
  if (exit_code == kExitGate) {
    return command == "drift" || command == "verify" ? "drift" : "gate_failed";
  }
  return "error";
}

std::vector<std::string> config_secrets(const Config& config) {
  std::vector<std::string> out;
  auto add_password = [&out](const std::string& text) {
    auto url = parse_connection_url(text);
    if (url && !url->password.empty()) out.push_back(url->password);
  };
  for (const auto& [name, env] : config.environments) {
    for (const std::string& text : env.urls) add_password(text);
  }
  for (const std::string* text : {&config.rollout.old_url, &config.rollout.new_url}) {
    if (!text->empty()) add_password(*text);
  }
  for (const std::string& text : config.rollout.pgbouncer_admin_urls) add_password(text);
  for (const std::string* secret : {&config.notify.webhook_url, &config.notify.webhook_secret}) {
    if (!secret->empty()) out.push_back(*secret);
  }
  return out;
}

std::vector<std::string> mask_arguments(const std::vector<std::string>& arguments,
                                        const std::vector<std::string>& secrets) {
  std::vector<std::string> out;
  out.reserve(arguments.size());
  for (const std::string& argument : arguments) {
    // "--url=postgresql://u:p@h/db": the value after '=' on its own.
    size_t eq = argument.starts_with("--") ? argument.find('=') : std::string::npos;
    size_t start = eq == std::string::npos ? 0 : eq + 1;
    std::string value = argument.substr(start);
    // parse_connection_url also knows the percent-decoded password.
    std::vector<std::string> all = secrets;
    if (auto url = parse_connection_url(value); url && !url->password.empty()) {
      all.push_back(url->password);
    }
    out.push_back(mask_secrets(argument.substr(0, start) + mask_url(value), all));
  }
  return out;
}

std::string utc_now() {
  std::time_t now = std::chrono::system_clock::to_time_t(std::chrono::system_clock::now());
  std::tm utc{};
  gmtime_r(&now, &utc);
  return fmt::format("{:04}-{:02}-{:02}T{:02}:{:02}:{:02}Z", utc.tm_year + 1900, utc.tm_mon + 1,
                     utc.tm_mday, utc.tm_hour, utc.tm_min, utc.tm_sec);
}

ledger::RunRow make_run_row(const std::string& environment, const std::string& command,
                            const std::vector<std::string>& arguments,
                            const std::vector<std::string>& secrets) {
  ledger::RunRow row;
  row.environment = environment;
  row.command = command;
  row.arguments = mask_arguments(arguments, secrets);
  std::string who = migrate::default_applied_by();
  size_t at = who.rfind('@');  // host names hold no '@'
  row.user = who.substr(0, at);
  row.host = at == std::string::npos ? std::string() : who.substr(at + 1);
  row.keel_version = KEEL_VERSION;
  row.started_at = utc_now();
  row.run_id = new_run_id();
  row.pid = static_cast<int64_t>(::getpid());
  return row;
}

std::string new_run_id() {
  std::random_device device;
  std::uniform_int_distribution<uint32_t> part;
  return fmt::format("{:08x}{:08x}", part(device), part(device));
}

std::string error_code_name(ErrorCode code) {
  switch (code) {
    case ErrorCode::kUsage:
      return "usage";
    case ErrorCode::kConfig:
      return "config";
    case ErrorCode::kIo:
      return "io";
    case ErrorCode::kConnection:
      return "connection";
    case ErrorCode::kSql:
      return "sql";
    case ErrorCode::kUnsupported:
      return "unsupported";
    case ErrorCode::kInternal:
      return "internal";
    case ErrorCode::kGateFailed:
      return "gate_failed";
  }
  return "internal";
}

namespace {

// Whether a keel process with this pid runs on this machine. /proc (where
// there is one) tells a zombie (killed, not yet reaped) and a pid reused by
// another program apart; elsewhere kill(pid, 0) alone decides.
bool keel_process_alive(int64_t pid) {
  if (pid <= 0) return false;
  std::ifstream stat("/proc/" + std::to_string(pid) + "/stat");
  if (stat) {
    std::string text((std::istreambuf_iterator<char>(stat)), std::istreambuf_iterator<char>());
    // "<pid> (<comm>) <state> ...": comm may hold ')' itself, so the last one.
    size_t open = text.find('(');
    size_t close = text.rfind(')');
    if (open == std::string::npos || close == std::string::npos || close + 2 >= text.size()) {
      return false;
    }
    std::string comm = text.substr(open + 1, close - open - 1);
    char state = text[close + 2];
    return comm.starts_with("keel") && state != 'Z' && state != 'X';
  }
  if (std::ifstream("/proc/self/stat")) return false;  // /proc works: the pid is gone
  return ::kill(static_cast<pid_t>(pid), 0) == 0 || errno == EPERM;
}

}  // namespace

void mark_interrupted(std::vector<ledger::RunRow>& rows) {
  std::string who = migrate::default_applied_by();
  size_t at = who.rfind('@');
  const std::string host = at == std::string::npos ? std::string() : who.substr(at + 1);
  for (ledger::RunRow& row : rows) {
    if (row.outcome != kRunning || row.pid <= 0 || row.host != host) continue;
    if (!keel_process_alive(row.pid)) row.outcome = std::string(kInterrupted);
  }
}

}  // namespace keel::archive
