// keel log [--env E | --url U] [--limit N] [--source db|file]: the runs
// recorded on an environment, newest first, from its keel.runs / keel_runs
// table (default) or from <[log] dir>/<env>.jsonl. Not itself recorded.
#include <fmt/format.h>

#include <iostream>

#include "cli/cli.h"
#include "keel/archive.h"
#include "keel/environment.h"
#include "keel/ledger.h"

namespace keel::cli {
namespace {

struct LogArgs {
  int limit = 20;
  std::string source = "db";
};

std::string duration_text(int64_t ms) {
  if (ms < 1000) return fmt::format("{}ms", ms);
  return fmt::format("{:.1f}s", static_cast<double>(ms) / 1000.0);
}

std::string or_dash(const std::string& text) { return text.empty() ? "-" : text; }

int run(const GlobalOptions& options, const LogArgs& args) {
  auto config = load(options);
  if (!config) return report(options, config.error());
  auto url = resolve_target(*config, options.env, options.url);
  if (!url) return report(options, url.error());

  std::vector<ledger::RunRow> runs;
  std::string source;
  if (args.source == "file") {
    // Named as the recording names it: --url wins over --env.
    std::string name = archive::log_name(options.url.empty() ? options.env : "", *url);
    source = archive::log_path(config->log.dir, name);
    auto read = archive::read_runs(config->log.dir, name, args.limit);
    if (!read) return report(options, read.error());
    runs = std::move(*read);
  } else {
    source = fmt::format("{} of {}", url->dialect == Dialect::kPostgres ? "keel.runs" : "keel_runs",
                         url->masked);
    auto ledger = ledger::open_ledger(*url);
    if (!ledger) return report(options, ledger.error());
    auto read = (*ledger)->runs(args.limit);
    if (!read) return report(options, read.error());
    runs = std::move(*read);
  }

  if (options.json()) {
    nlohmann::json list = nlohmann::json::array();
    for (const auto& run : runs) list.push_back(archive::run_to_json(run));
    print_json(list);
    return kExitOk;
  }
  if (runs.empty()) {
    std::cout << fmt::format("no runs recorded in {}\n", source);
    return kExitOk;
  }
  std::cout << fmt::format("runs recorded in {}, newest first\n\n", source);
  std::cout << fmt::format("{:<20}  {:<10} {:<11} {:>4}  {:<24} {:>8}  {}\n", "STARTED AT",
                           "COMMAND", "OUTCOME", "EXIT", "VERSIONS", "DURATION", "BY");
  for (const auto& run : runs) {
    std::cout << fmt::format(
        "{:<20}  {:<10} {:<11} {:>4}  {:<24} {:>8}  {}@{}\n", run.started_at, run.command,
        run.outcome, run.exit_code,
        fmt::format("{} -> {}", or_dash(run.version_before), or_dash(run.version_after)),
        duration_text(run.duration_ms), run.user, run.host);
  }
  return kExitOk;
}

}  // namespace

void add_log(CLI::App& app, GlobalOptions& options, Runner& runner) {
  auto args = std::make_shared<LogArgs>();
  CLI::App* log =
      app.add_subcommand("log", "Show the keel commands run against an environment, newest first");
  log->add_option("--limit", args->limit, "How many runs to show (default 20)")
      ->check(CLI::PositiveNumber);
  log->add_option("--source", args->source,
                  "Where to read: db (the environment's keel.runs table, default) or file "
                  "(the [log] dir's <env>.jsonl)")
      ->check(CLI::IsMember({"db", "file"}));
  log->callback([&, args] { runner = [&, args] { return run(options, *args); }; });
}

}  // namespace keel::cli
