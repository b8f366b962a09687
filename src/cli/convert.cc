// keel convert FILE.sql [--output FILE] [--format yaml|json]: writes the operation migration
// (docs/operations_format.md) for a SQL migration, or refuses naming each statement it cannot
// convert (file:line and the reason).
#include <fmt/format.h>

#include <iostream>

#include "cli/cli.h"
#include "keel/convert.h"

namespace keel::cli {
namespace {

struct ConvertArgs {
  std::string file;
  std::string output;  // empty: standard output
  std::string syntax;  // yaml | json; empty: from --output's extension, else yaml
};

int run(const GlobalOptions& options, const ConvertArgs& args) {
  bool json = args.syntax == "json" || (args.syntax.empty() && args.output.ends_with(".json"));
  auto converted = ops::convert_file(args.file, json);
  if (!converted) return report(options, converted.error());
  if (args.output.empty()) {
    std::cout << converted->text;
  } else {
    auto written = ops::write_new_file(args.output, converted->text);
    if (!written) return report(options, written.error());
  }
  if (options.json() && !args.output.empty()) {
    print_json({{"output", args.output},
                {"operations", converted->operations},
                {"placeholders", converted->placeholders}});
  } else {
    note(options,
         fmt::format(
             "{} operation{}{}{}", converted->operations, converted->operations == 1 ? "" : "s",
             args.output.empty() ? "" : " written to " + args.output,
             converted->placeholders == 0
                 ? ""
                 : fmt::format("; replace the {} TODO: placeholder{} before "
                               "applying",
                               converted->placeholders, converted->placeholders == 1 ? "" : "s")));
  }
  return kExitOk;
}

}  // namespace

void add_convert(CLI::App& app, GlobalOptions& options, Invocation& invocation) {
  auto args = std::make_shared<ConvertArgs>();
  CLI::App* command = app.add_subcommand(
      "convert", "Write the operation migration (YAML or JSON) for a PostgreSQL SQL migration");
  command->add_option("file", args->file, "The SQL migration to convert")->required();
  command->add_option("--output,-o", args->output,
                      "The operation file to write, e.g. migrations/0007_rename.yaml (default: "
                      "standard output; an existing file is never overwritten)");
  command
      ->add_option("--format", args->syntax,
                   "yaml or json (default: from --output's extension, else yaml)")
      ->check(CLI::IsMember({"yaml", "json"}));
  command->callback([&, args] { invocation.run = [&, args] { return run(options, *args); }; });
}

}  // namespace keel::cli
