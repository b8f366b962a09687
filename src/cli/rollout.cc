// keel rollout [--resume] [--no-complete]: moves the sessions of the active operation
// migration's table from the old version to the new one step by step, judging each step by the
// breakers (keel/rollout.h), then keel complete. docs/rollout.md.
// keel report RUN [-o FILE]: the HTML page of a rollout's journal.
#include <fcntl.h>
#include <fmt/format.h>
#include <sys/file.h>
#include <unistd.h>

#include <atomic>
#include <csignal>
#include <filesystem>
#include <fstream>
#include <iostream>

#include "cli/migrate_cli.h"
#include "keel/archive.h"
#include "keel/expand.h"
#include "keel/rollout.h"
#include "keel/rollout_options.h"

namespace keel::cli {
namespace {

std::atomic<bool> g_interrupted{false};

struct RolloutArgs {
  MigrateArgs migrate;
  bool resume = false;
  bool no_complete = false;
};

// One line for an event on a terminal or in a log; "" for none.
std::string describe(const nlohmann::json& e) {
  const std::string kind = e.value("event", "");
  const double t = e.value("t", 0.0);
  if (kind == "step") {
    return fmt::format("+{:.1f}s step {}: {}% of sessions", t, e.value("index", 0) + 1,
                       e.value("percent", 0));
  }
  if (kind == "routed") {
    return fmt::format("+{:.1f}s routed {}% to the new version ({:.0f} ms)", t,
                       e.value("percent", 0), e.value("took_ms", 0.0));
  }
  if (kind == "sample") {
    const auto o = e.value("old", nlohmann::json::object());
    const auto n = e.value("new", nlohmann::json::object());
    const nlohmann::json lag_ms = e.value("lag_ms", nlohmann::json());
    std::string lag =
        lag_ms.is_number() ? fmt::format("{:.0f} ms", lag_ms.get<double>()) : std::string("-");
    std::string line = fmt::format(
        "+{:.1f}s {}%: p99 new {:.2f} ms / old {:.2f} ms (limit {:.2f}), errors new {}/{}, lag {}",
        t, e.value("percent", 0), n.value("p99_ms", 0.0), o.value("p99_ms", 0.0),
        e.value("p99_limit_ms", 0.0), n.value("errors", 0), n.value("probes", 0), lag);
    for (const auto& note : e.value("notes", nlohmann::json::array())) {
      line += "\n  note: " + note.get<std::string>();
    }
    return line;
  }
  if (kind == "trip") {
    return fmt::format("+{:.1f}s BREAKER {}: {}", t, e.value("breaker", std::string()),
                       e.value("reason", std::string()));
  }
  if (kind == "route_failed") return "routing failed: " + e.value("error", std::string());
  if (kind == "resumed") {
    return fmt::format("resumed at step {} (routing recorded at {}%)", e.value("step_index", 0) + 1,
                       e.value("percent", 0));
  }
  return "";
}

// Holds <dir>/lock for the process's life: two rollouts of one target never run at once.
Result<int> lock_dir(const std::string& dir) {
  std::error_code ec;
  std::filesystem::create_directories(dir, ec);
  const std::string path = dir + "/lock";
  int fd = ::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
  if (fd < 0) return fail(ErrorCode::kIo, "cannot open the rollout lock file", path);
  if (flock(fd, LOCK_EX | LOCK_NB) != 0) {
    ::close(fd);
    return fail(ErrorCode::kGateFailed,
                "another keel rollout of this target is running (it holds " + path + ")");
  }
  return fd;
}

// The active operation migration, named "<version>_<name>".
Result<std::string> active_migration(MigrateContext& ctx) {
  auto history = ctx.target->history();
  if (!history) return std::unexpected(history.error());
  auto current = expand::current(ctx.files, *history);
  if (!current) return std::unexpected(current.error());
  const std::string name = current->row.version + "_" + current->row.name;
  if (current->row.phase.value_or("") != expand::kActive) {
    return fail(ErrorCode::kGateFailed,
                fmt::format("{} is {}, not active: a rollout moves sessions between the two "
                            "versions of an active migration (keel apply starts one)",
                            name, current->row.phase.value_or("?")));
  }
  return name;
}

// The journal to write: a new one, or (--resume) the unfinished one and where it stood.
Result<std::pair<rollout::Journal, std::optional<rollout::Resume>>> open_journal(
    const std::string& dir, const std::string& migration, bool resume) {
  auto unfinished = rollout::unfinished_journal(dir);
  if (!unfinished) return std::unexpected(unfinished.error());
  if (!resume) {
    if (!unfinished->empty()) {
      auto events = rollout::read_journal(*unfinished);
      if (events && !events->empty() && events->front().value("migration", "") == migration) {
        return fail(ErrorCode::kGateFailed,
                    fmt::format("a rollout of {} did not finish ({}): `keel rollout --resume` goes "
                                "on from its recorded step",
                                migration, *unfinished));
      }
    }
    // Sortable by time (unfinished_journal takes the newest), unique per process.
    std::string stamp = archive::utc_now();
    std::erase_if(stamp, [](char c) { return c == '-' || c == ':'; });
    const std::string run_id =
        fmt::format("{}-{:06x}", stamp, static_cast<unsigned>(getpid()) & 0xffffff);
    auto journal = rollout::Journal::create(dir, run_id);
    if (!journal) return std::unexpected(journal.error());
    return std::pair{std::move(*journal), std::optional<rollout::Resume>()};
  }
  if (unfinished->empty()) {
    return fail(ErrorCode::kGateFailed, "no unfinished rollout to resume for this target (" + dir +
                                            "); start one with "
                                            "keel rollout");
  }
  auto events = rollout::read_journal(*unfinished);
  if (!events) return std::unexpected(events.error());
  auto point = rollout::resume_point(*events);
  if (!point) return std::unexpected(point.error());
  if (events->front().value("migration", "") != migration) {
    return fail(ErrorCode::kGateFailed,
                fmt::format("the unfinished rollout ({}) is of {}, but the active migration is {}",
                            *unfinished, events->front().value("migration", ""), migration));
  }
  auto journal = rollout::Journal::open(*unfinished);
  if (!journal) return std::unexpected(journal.error());
  return std::pair{std::move(*journal), std::optional<rollout::Resume>(*point)};
}

nlohmann::json result_json(const MigrateContext& ctx, const std::string& migration,
                           const rollout::Outcome& o, const rollout::Journal& journal,
                           std::optional<bool> completed) {
  nlohmann::json j = {
      {"environment", ctx.env.environment},
      {"migration", migration},
      {"result", o.trip ? "tripped" : "held"},
      {"reached_percent", o.reached_percent},
      {"samples", o.samples},
      {"elapsed_s", o.elapsed_s},
      {"run_id", journal.run_id()},
      {"journal", std::filesystem::absolute(journal.path()).string()},
      {"breaker", o.trip ? nlohmann::json(o.trip->breaker) : nlohmann::json()},
      {"reason", o.trip ? nlohmann::json(o.trip->reason) : nlohmann::json()},
      {"restore_ms", o.restore_ms ? nlohmann::json(*o.restore_ms) : nlohmann::json()},
      {"completed", completed ? nlohmann::json(*completed) : nlohmann::json()}};
  return j;
}

int complete(const GlobalOptions& options, MigrateContext& ctx) {
  auto done = act_on(options, ctx, expand::Action::kComplete);
  if (!done) return report(options, done.error());
  note(options, fmt::format("complete {}_{}: {} -> {} ({} ms)", done->version, done->name,
                            done->phase_before, done->phase_after, done->elapsed_ms));
  return kExitOk;
}

int run(const GlobalOptions& options, const RolloutArgs& args) {
  auto ctx = open_migrate(options, args.migrate);
  if (!ctx) return report(options, ctx.error());
  auto migration = active_migration(*ctx);
  if (!migration) return report(options, migration.error());
  const rollout::Plan plan = run::rollout_plan(ctx->config.rollout, ctx->env.tier);
  auto sources = run::rollout_sources(ctx->config.rollout, ctx->url);
  if (!sources) return report(options, sources.error());
  const std::string by =
      ctx->run.applied_by.empty() ? migrate::default_applied_by() : ctx->run.applied_by;
  auto router = run::rollout_router(ctx->config.rollout, ctx->url, *migration, by);
  if (!router) return report(options, router.error());
  const std::string dir =
      run::rollout_dir(ctx->config, ctx->env.from_env ? ctx->env.env : "", ctx->url);
  auto lock = lock_dir(dir);
  if (!lock) return report(options, lock.error());
  auto journal = open_journal(dir, *migration, args.resume);
  if (!journal) return report(options, journal.error());
  auto signals = rollout::open_signals(*sources);
  if (!signals) return report(options, signals.error());
  std::unique_ptr<rollout::Metrics> metrics;
  if (!ctx->config.rollout.metrics_listen.empty()) {
    auto served = rollout::serve_metrics(ctx->config.rollout.metrics_listen, *migration);
    if (!served) return report(options, served.error());
    metrics = std::move(*served);
    note(options, fmt::format("metrics: http://{}/metrics", metrics->address()));
  }
  note(options, fmt::format("rollout of {} on {} ({}): steps {}, journal {}", *migration,
                            ctx->env.environment, (*router)->describe(),
                            nlohmann::json(plan.steps).dump(), journal->first.path()));
  rollout::Request request;
  request.plan = plan;
  request.migration = *migration;
  request.environment = ctx->env.environment;
  request.resume = journal->second;
  request.interrupted = &g_interrupted;
  request.on_event = [&](const nlohmann::json& e) {
    if (metrics) metrics->observe(e);
    if (std::string line = describe(e); !line.empty()) note(options, line);
  };
  g_interrupted = false;
  auto previous = std::signal(SIGINT, [](int) { g_interrupted = true; });
  auto outcome = rollout::run(request, **router, **signals, journal->first);
  std::signal(SIGINT, previous);
  if (!outcome) return report(options, outcome.error());
  notifier(options, ctx->config)(
      run::rollout_event(ctx->env.environment, *migration, *outcome, journal->first.path()));
  std::optional<bool> completed;
  int status = kExitOk;
  if (!outcome->trip && ctx->config.rollout.complete && !args.no_complete) {
    status = complete(options, *ctx);
    completed = status == kExitOk;
    (void)journal->first.append({{"event", "completed"}, {"ok", *completed}});
  }
  if (options.json()) {
    print_json(result_json(*ctx, *migration, *outcome, journal->first, completed));
  } else if (outcome->trip) {
    std::cout << fmt::format(
        "rollout of {} TRIPPED at {}%: {}: {}; routed back to the old version in {:.0f} ms. "
        "The expand stays: keel rollout tries again, keel abort undoes it. Report: keel report "
        "{}\n",
        *migration, outcome->reached_percent, outcome->trip->breaker, outcome->trip->reason,
        outcome->restore_ms.value_or(0), journal->first.run_id());
  } else {
    std::cout << fmt::format("rollout of {} held at every step ({} samples, {:.0f} s){}\n",
                             *migration, outcome->samples, outcome->elapsed_s,
                             completed ? (*completed ? "; completed" : "; complete FAILED")
                                       : "; not completed (keel complete)");
  }
  if (outcome->trip) return kExitGate;
  return status;
}

// The journal a RUN names: a path, or a run id under <[log] dir>/rollouts/*/.
Result<std::string> find_journal(const Config& config, const std::string& run) {
  namespace fs = std::filesystem;
  std::error_code ec;
  if (fs::is_regular_file(run, ec)) return run;
  const fs::path root = fs::path(config.log.dir) / "rollouts";
  if (fs::is_directory(root, ec)) {
    for (const auto& target : fs::directory_iterator(root, ec)) {
      fs::path candidate = target.path() / (run + ".jsonl");
      if (fs::is_regular_file(candidate, ec)) return candidate.string();
    }
  }
  return fail(ErrorCode::kUsage,
              fmt::format("no rollout journal '{}' (looked for a file, and for {}/*/{}.jsonl); "
                          "keel rollout prints its run id",
                          run, root.string(), run));
}

int report_page(const GlobalOptions& options, const std::string& run, const std::string& out) {
  auto config = load(options);
  if (!config) return report(options, config.error());
  auto path = find_journal(*config, run);
  if (!path) return report(options, path.error());
  auto events = rollout::read_journal(*path);
  if (!events) return report(options, events.error());
  auto page = rollout::report_html(*events);
  if (!page) return report(options, page.error());
  // Absolute: a browser (or a test) given the path needs no working directory.
  std::error_code ec;
  std::filesystem::path where = out.empty()
                                    ? std::filesystem::path(*path).replace_extension(".html")
                                    : std::filesystem::path(out);
  const std::string target = std::filesystem::absolute(where, ec).string();
  std::ofstream file(target, std::ios::binary | std::ios::trunc);
  file << *page;
  file.close();
  if (!file) return report(options, Error{ErrorCode::kIo, "cannot write the report", target, {}});
  if (options.json()) {
    print_json({{"journal", *path}, {"report", target}, {"events", events->size()}});
  } else {
    std::cout << target << "\n";
  }
  return kExitOk;
}

}  // namespace

void add_rollout(CLI::App& app, GlobalOptions& options, Invocation& invocation) {
  auto args = std::make_shared<RolloutArgs>();
  CLI::App* command = app.add_subcommand(
      "rollout",
      "Move sessions to the active operation migration's new version step by step "
      "(5 -> 25 -> 50 -> 100 % by default), judged by circuit breakers, then complete it");
  add_migrate_options(*command, args->migrate, true);
  command->add_flag("--resume", args->resume,
                    "Go on with the unfinished rollout of this target from its recorded step");
  command->add_flag("--no-complete", args->no_complete,
                    "Do not run keel complete once the last step held");
  command->callback([&, args] { invocation.run = [&, args] { return run(options, *args); }; });
}

void add_report(CLI::App& app, GlobalOptions& options, Invocation& invocation) {
  auto run_id = std::make_shared<std::string>();
  auto out = std::make_shared<std::string>();
  CLI::App* command =
      app.add_subcommand("report", "Write the HTML report of a rollout (its run id or journal)");
  command->add_option("run", *run_id, "The rollout's run id (keel rollout prints it) or journal")
      ->required();
  command->add_option("-o,--output", *out, "The HTML file (default: next to the journal)");
  command->callback([&, run_id, out] {
    invocation.run = [&, run_id, out] { return report_page(options, *run_id, *out); };
  });
}

}  // namespace keel::cli
