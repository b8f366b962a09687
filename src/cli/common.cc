#include <fmt/format.h>

#include <iostream>

#include "cli/cli.h"
#include "cli/progress.h"

namespace keel::cli {

Result<Config> load(const GlobalOptions& options) {
  auto config = load_config(options.config_path, options.config_given);
  const Command* command = find_command(options.command);
  if (config && config->notify.error && command != nullptr && command->sends_webhooks) {
    return std::unexpected(*config->notify.error);
  }
  return config;
}

int report(const GlobalOptions& options, const Error& error) {
  remember_error(error);  // for the run's record (record.cc)
  if (options.json()) {
    nlohmann::json j = {{"error",
                         {{"code", exit_status(error.code)},
                          {"message", error.message},
                          {"context", error.context},
                          {"sqlstate", error.sqlstate}}}};
    print_json(j);
  } else {
    clear_bar();
    std::cerr << "keel: error: " << error.to_string() << "\n";
  }
  return exit_status(error.code);
}

void note(const GlobalOptions& options, const std::string& text) {
  if (options.quiet || options.json()) return;
  clear_bar();
  std::cerr << text << "\n";
}

void print_json(const nlohmann::json& j) {
  std::cout << j.dump(2, ' ', false, nlohmann::json::error_handler_t::replace) << "\n";
}

}  // namespace keel::cli
