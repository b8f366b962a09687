// keel new NAME [--dir DIR]: writes the next up/down pair.
#include <fmt/format.h>

#include <iostream>

#include "cli/cli.h"
#include "keel/migrations.h"

namespace keel::cli {
namespace {

struct NewArgs {
  std::string name;
  std::string dir;  // empty: [migrations] dir from keel.toml
};

int run(const GlobalOptions& options, const NewArgs& args) {
  auto config = load(options);
  if (!config) return report(options, config.error());
  auto paths =
      migrate::new_migration(args.dir.empty() ? config->migrations.dir : args.dir, args.name);
  if (!paths) return report(options, paths.error());
  if (options.json()) {
    print_json({{"up", paths->first}, {"down", paths->second}});
  } else {
    std::cout << fmt::format("created {}\ncreated {}\n", paths->first, paths->second);
  }
  return kExitOk;
}

}  // namespace

void add_new(CLI::App& app, GlobalOptions& options, Invocation& invocation) {
  auto args = std::make_shared<NewArgs>();
  CLI::App* command =
      app.add_subcommand("new", "Write the next migration pair <version>_<name>.up.sql/.down.sql");
  command->add_option("name", args->name, "Migration name, e.g. add_users_email")->required();
  command->add_option(
      "--dir", args->dir,
      "Migrations folder (default: [migrations] dir in keel.toml, else ./migrations)");
  command->callback([&, args] { invocation.run = [&, args] { return run(options, *args); }; });
}

}  // namespace keel::cli
