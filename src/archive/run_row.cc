// A run record: outcome, masked arguments, who/where/when.
#include <fmt/format.h>

#include <chrono>
#include <ctime>

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
  for (const auto& [name, env] : config.environments) {
    auto url = parse_connection_url(env.url);
    if (url && !url->password.empty()) out.push_back(url->password);
  }
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
  return row;
}

}  // namespace keel::archive
