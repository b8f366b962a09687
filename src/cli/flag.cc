// keel flag set NAME PERCENT [--description TEXT] [--env E | --url U]
// keel flag list [--env E | --url U]
// Feature flags in keel's table of the database (keel.flags on PostgreSQL),
// read by the SQL function flag_enabled(name, key) (docs/flags.md). Each
// change is archived with the flag's old and new percent.
#include <fmt/format.h>

#include <iostream>
#include <memory>
#include <optional>

#include "cli/cli.h"
#include "keel/environment.h"
#include "keel/flag_report.h"
#include "keel/flags.h"

namespace keel::cli {
namespace {

struct FlagArgs {
  std::string name;
  std::string percent;
  std::optional<std::string> description;
};

std::string percent_text(const std::optional<int>& percent) {
  return percent ? fmt::format("{}%", *percent) : std::string("(new)");
}

int set(const GlobalOptions& options, const FlagArgs& args) {
  if (auto ok = flags::check_name(args.name); !ok) return report(options, ok.error());
  auto percent = flags::parse_percent(args.percent);
  if (!percent) return report(options, percent.error());
  auto config = load(options);
  if (!config) return report(options, config.error());
  auto url = resolve_target(*config, options.env, options.url);
  if (!url) return report(options, url.error());
  auto store = flags::open_flags(*url);
  if (!store) return report(options, store.error());
  auto change = (*store)->set({.name = args.name,
                               .percent = *percent,
                               .description = args.description,
                               .by = run::flag_setter(*config)});
  if (!change) return report(options, change.error());
  remember_details(run::flag_details(*change));
  if (options.json()) {
    print_json(run::flag_set_json(url->masked, *change));
  } else {
    std::cout << fmt::format("flag {}: {} -> {}%\n", change->name,
                             percent_text(change->old_percent), change->new_percent);
  }
  return kExitOk;
}

int list(const GlobalOptions& options) {
  auto config = load(options);
  if (!config) return report(options, config.error());
  auto url = resolve_target(*config, options.env, options.url);
  if (!url) return report(options, url.error());
  auto store = flags::open_flags(*url);
  if (!store) return report(options, store.error());
  auto all = (*store)->list();
  if (!all) return report(options, all.error());
  if (options.json()) {
    print_json(run::flags_json(url->masked, *all));
    return kExitOk;
  }
  if (all->empty()) {
    std::cout << fmt::format("no flags in {}\n", url->masked);
    return kExitOk;
  }
  std::cout << fmt::format("{:<32} {:>7}  {:<20}  {:<20}  {}\n", "FLAG", "PERCENT", "UPDATED AT",
                           "UPDATED BY", "DESCRIPTION");
  for (const flags::Flag& f : *all) {
    std::cout << fmt::format("{:<32} {:>6}%  {:<20}  {:<20}  {}\n", f.name, f.percent, f.updated_at,
                             f.updated_by, f.description);
  }
  return kExitOk;
}

}  // namespace

void add_flag(CLI::App& app, GlobalOptions& options, Invocation& invocation) {
  auto args = std::make_shared<FlagArgs>();
  CLI::App* flag = app.add_subcommand(
      "flag", "Set or list feature flags (keel.flags; flag_enabled(name, key) in SQL)");
  flag->require_subcommand(1);
  CLI::App* set_cmd = flag->add_subcommand(
      "set", "Roll a flag out to PERCENT % of the keys (sticky: raising it keeps the keys on)");
  set_cmd->add_option("NAME", args->name, "The flag's name")->required();
  set_cmd->add_option("PERCENT", args->percent, "A whole number from 0 to 100")->required();
  set_cmd->add_option("--description", args->description,
                      "What the flag guards (kept when not given)");
  set_cmd->callback([&, args] { invocation.run = [&, args] { return set(options, *args); }; });
  CLI::App* list_cmd = flag->add_subcommand("list", "List the flags and their percent");
  list_cmd->callback([&] { invocation.run = [&] { return list(options); }; });
}

}  // namespace keel::cli
