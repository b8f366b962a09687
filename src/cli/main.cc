// keel: zero-downtime schema changes and environment parity.
#include <iostream>

#include "cli/cli.h"

int main(int argc, char** argv) {
  using keel::cli::GlobalOptions;
  CLI::App app{"keel: capture schema baselines, detect drift between environments"};
  app.set_version_flag("--version", std::string("keel ") + KEEL_VERSION);
  app.require_subcommand(1);
  app.fallthrough();

  GlobalOptions options;
  app.add_option("--config", options.config_path, "Config file (default ./keel.toml)")
      ->each([&](const std::string&) { options.config_given = true; });
  app.add_option("--env", options.env, "Environment name from keel.toml");
  app.add_option("--url", options.url,
                 "Connection URL (overrides the environment's url): postgresql://..., a libpq "
                 "key/value string ('host=... dbname=...') or sqlite:path.db");
  app.add_option("--format", options.format, "Output format: text, json, github (lint only)")
      ->check(CLI::IsMember({"text", "json", "github"}));
  app.add_flag("--quiet,-q", options.quiet, "Print only results, no progress");

  keel::cli::Invocation invocation;
  for (const keel::cli::Command& command : keel::cli::commands()) {
    command.set_up(app, options, invocation);
  }

  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForAllHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForVersion& e) {
    return app.exit(e);
  } catch (const CLI::ParseError& e) {
    app.exit(e);
    return keel::kExitUsage;
  }
  if (!invocation.run) {
    std::cerr << app.help();
    return keel::kExitUsage;
  }
  if (options.format == "github" && !app.got_subcommand("lint")) {
    std::cerr << "keel: error: --format github is for keel lint only; use text or json\n";
    return keel::kExitUsage;
  }
  options.command = app.get_subcommands().front()->get_name();
  keel::cli::Invocation guarded = invocation;
  guarded.run = [&] {
    try {
      return invocation.run();
    } catch (const std::exception& e) {
      return keel::cli::report(
          options,
          keel::Error{keel::ErrorCode::kInternal, std::string("unexpected: ") + e.what(), {}, {}});
    }
  };
  const keel::cli::Command* command = keel::cli::find_command(options.command);
  if (command == nullptr) return guarded.run();  // every subcommand is in the table
  return keel::cli::run_recorded(options, *command, std::vector<std::string>(argv + 1, argv + argc),
                                 guarded);
}
