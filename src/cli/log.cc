// keel log [--env E | --url U] [--limit N] [--source db|file]: the runs
// recorded on an environment, newest first, from its keel.runs / keel_runs
// table (default; read through a read-only session, it creates nothing) or
// from <[log] dir>/<env>.jsonl. A run that never closed is "running" while
// its process lives and "interrupted" once it is gone. Not itself recorded.
#include <fmt/format.h>

#include <charconv>
#include <iostream>
#include <limits>

#include "cli/cli.h"
#include "keel/archive.h"
#include "keel/dialect.h"
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

bool closed(const ledger::RunRow& run) {
  return run.outcome != archive::kRunning && run.outcome != archive::kInterrupted;
}

// --limit: a whole number of 1 or more. 0 and negatives are refused (exit 2)
// rather than meaning "none" or "all": `keel log --limit 0` is a mistake
// worth saying.
std::string check_limit(const std::string& text) {
  int value = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc() || end != text.data() + text.size() || value < 1) {
    return fmt::format("must be a whole number from 1 to {} (got '{}')",
                       std::numeric_limits<int>::max(), text);
  }
  return {};
}

// Lines of the file that could not be read: each (the first ten) with its
// file:line, then how many in all.
void warn_unreadable(const archive::RunLog& log) {
  constexpr size_t kShown = 10;
  for (size_t i = 0; i < log.unreadable.size() && i < kShown; ++i) {
    std::cerr << fmt::format(
        "keel: warning: {}:{}: not a keel run record (a line cut short?); skipped\n", log.path,
        log.unreadable[i]);
  }
  if (log.unreadable.size() > 1) {
    std::cerr << fmt::format("keel: warning: {}: {} unreadable lines skipped\n", log.path,
                             log.unreadable.size());
  }
}

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
    warn_unreadable(*read);
    runs = std::move(read->runs);
  } else {
    source =
        fmt::format("{} of {}", url->dialect->keel.display(url->dialect->keel.runs), url->masked);
    auto ledger = ledger::open_ledger(*url, ledger::Access::kRead);
    if (!ledger) return report(options, ledger.error());
    auto read = (*ledger)->runs(args.limit);
    if (!read) return report(options, read.error());
    runs = std::move(*read);
  }
  archive::mark_interrupted(runs);

  if (options.json()) {
    print_json(run::log_json(runs));
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
        run.outcome, closed(run) ? std::to_string(run.exit_code) : "-",
        fmt::format("{} -> {}", or_dash(run.version_before),
                    closed(run) ? or_dash(run.version_after) : "?"),
        closed(run) ? duration_text(run.duration_ms) : "-", run.user, run.host);
    if (!run.error.empty()) std::cout << fmt::format("{:<22}error: {}\n", "", run.error);
  }
  return kExitOk;
}

}  // namespace

void add_log(CLI::App& app, GlobalOptions& options, Invocation& invocation) {
  auto args = std::make_shared<LogArgs>();
  CLI::App* log =
      app.add_subcommand("log", "Show the keel commands run against an environment, newest first");
  log->add_option("--limit", args->limit, "How many runs to show, 1 or more (default 20)")
      ->check(CLI::Validator(check_limit, "N>=1", "limit"));
  log->add_option("--source", args->source,
                  "Where to read: db (the environment's keel.runs table, default: apply and "
                  "rollback runs) or file (the [log] dir's <env>.jsonl: every run made from "
                  "this machine, read-only ones included)")
      ->check(CLI::IsMember({"db", "file"}));
  log->callback([&, args] { invocation.run = [&, args] { return run(options, *args); }; });
}

}  // namespace keel::cli
