// keel plan [--dir DIR]: the dry run of the pending migrations (BEGIN ...
// ROLLBACK), with locks, rewrites, timings, proofs and a verdict.
#include <fmt/format.h>

#include <algorithm>
#include <iostream>

#include "cli/migrate_cli.h"
#include "keel/dialect.h"
#include "keel/expand.h"
#include "keel/plan.h"

namespace keel::cli {

const char* const kPlansDir = ".keel/plans";

namespace {

// "yes", "NO", "no (not required)" for a validated migration, "-" unproven.
std::string yes_no(const std::optional<bool>& v, bool validated) {
  if (!v) return "-";
  if (*v) return "yes";
  return validated ? "no (not required)" : "NO";
}

void print_text(const plan::Report& report, const std::string& url) {
  if (report.migrations.empty()) {
    std::cout << fmt::format("{}: nothing pending to plan\n", url);
  }
  for (const auto& m : report.migrations) {
    std::cout << fmt::format("{}_{}  {}  idempotent: {}  reversible: {}\n", m.version, m.name,
                             plan::verdict(m), yes_no(m.idempotent, m.validated),
                             yes_no(m.reversible, m.validated));
    for (const auto& s : m.statements) {
      std::string first_line = s.sql.substr(0, s.sql.find('\n'));
      if (first_line.size() > 60) first_line = first_line.substr(0, 57) + "...";
      std::cout << fmt::format("  {}:{}  {} ms  {} rows  {}\n", m.path, s.line, s.elapsed_ms,
                               s.rows, first_line);
      if (!s.note.empty()) std::cout << fmt::format("      note: {}\n", s.note);
      for (const auto& l : s.locks) {
        std::cout << fmt::format("      lock {} {}\n", l.mode, l.relation);
      }
      for (const auto& r : s.rewrites) std::cout << fmt::format("      REWRITES {}\n", r);
      if (!s.error.empty()) std::cout << fmt::format("      error: {}\n", s.error);
    }
    if (!m.changed.empty()) {
      std::cout << "  changes:";
      for (const auto& c : m.changed) std::cout << fmt::format(" {};", c);
      std::cout << "\n";
    }
    for (const auto& [query, text] : m.explains) {
      std::cout << fmt::format("  verify: {}\n", query);
      size_t start = 0;
      while (start < text.size()) {
        size_t end = text.find('\n', start);
        if (end == std::string::npos) end = text.size();
        std::cout << fmt::format("      {}\n", text.substr(start, end - start));
        start = end + 1;
      }
    }
    for (const auto& n : m.notes) std::cout << fmt::format("  note: {}\n", n);
    for (const auto& u : m.unproven) std::cout << fmt::format("  NOT PROVEN: {}\n", u);
    for (const auto& r : m.reasons) std::cout << fmt::format("  REJECTED: {}\n", r);
  }
  if (!report.sequences_advanced.empty()) {
    std::cout << "the dry run advanced sequences (nextval() is not undone by ROLLBACK, so the "
                 "next values skip these):";
    for (const auto& s : report.sequences_advanced) std::cout << fmt::format(" {};", s);
    std::cout << "\n";
  }
  if (report.hash_after != report.hash_before) {
    std::cout << fmt::format("the dry run changed the environment: schema hash {} -> {}\n",
                             report.hash_before, report.hash_after);
  }
  if (report.temp_files > 0) {
    std::cout << fmt::format("temporary files during the dry run: {} ({} bytes)\n",
                             report.temp_files, report.temp_bytes);
  }
  std::cout << fmt::format(
      "{} ({} migration{}; schema unchanged: {}{})\n", plan::verdict(report),
      report.migrations.size(), report.migrations.size() == 1 ? "" : "s",
      report.hash_after == report.hash_before ? "yes" : "NO",
      report.sequences_advanced.empty()
          ? ""
          : fmt::format("; sequences advanced: {}", report.sequences_advanced.size()));
}

int run(const GlobalOptions& options, const MigrateArgs& args) {
  auto ctx = open_migrate(options, args, /*session=*/false);
  if (!ctx) return report(options, ctx.error());
  auto target = plan::open_plan_target(ctx->url);
  if (!target) return report(options, target.error());

  plan::Options plan_options = run::plan_options(ctx->config, ctx->env.tier, ctx->run);
  // Lint errors are a gate (PostgreSQL): function volatility and column
  // types come from the server, as with `keel lint --url`.
  std::unique_ptr<lint::Catalog> catalog;
  if (ctx->url.dialect->capabilities.lints) {
    auto opened = lint::open_catalog(ctx->url);
    if (!opened) return report(options, opened.error());
    catalog = std::move(*opened);
    lint::LintOptions lint_options;
    lint_options.disabled = ctx->config.lint.disable;
    lint_options.catalog = catalog.get();
    plan_options.lint = lint_options;
  }

  // An operation migration's start is dry-run on the dialect's own session.
  std::unique_ptr<expand::ExpandContract> expand_contract;
  if (ctx->url.dialect->capabilities.expand_contract) {
    auto opened = expand::open_expand_contract(ctx->url);
    if (!opened) return report(options, opened.error());
    expand_contract = std::move(*opened);
    plan_options.dry_run_start = [&](const migrate::Migration& m) {
      return expand::dry_run_start(*expand_contract, ctx->files, m, expand::Options{});
    };
  }

  note(options, fmt::format("dry-running pending migrations on {} (BEGIN ... ROLLBACK) ...",
                            ctx->url.masked));
  auto done = plan::run(**target, ctx->files, plan_options);
  if (!done) return report(options, done.error());
  std::optional<std::string> saved;
  const bool any_validated =
      std::any_of(done->migrations.begin(), done->migrations.end(),
                  [](const plan::MigrationReport& m) { return m.validated; });
  if (plan::verdict(*done) != "REJECTED" && any_validated) {
    auto path = plan::save_validated(*done, kPlansDir, ctx->url.masked, ctx->env.environment);
    if (!path) return report(options, path.error());
    saved = *path;
  }
  if (options.json()) {
    print_json(run::plan_json(*done, ctx->url.masked, saved));
  } else {
    print_text(*done, ctx->url.masked);
    if (saved) {
      std::cout << fmt::format(
          "saved {} (apply --require-validated accepts {} migrations on this environment)\n",
          *saved, done->validated ? "these" : "the VALIDATED");
    }
  }
  return done->validated ? kExitOk : kExitGate;
}

}  // namespace

void add_plan(CLI::App& app, GlobalOptions& options, Invocation& invocation) {
  auto args = std::make_shared<MigrateArgs>();
  CLI::App* command = app.add_subcommand(
      "plan",
      "Dry-run pending migrations inside BEGIN ... ROLLBACK: locks, rewrites, timings, "
      "idempotency and reversibility; exit 3 when one is rejected");
  add_migrate_options(*command, *args, false);
  command->callback([&, args] { invocation.run = [&, args] { return run(options, *args); }; });
}

}  // namespace keel::cli
