// keel validate [--dir DIR] [--allow-out-of-order]: exit 3 on changed,
// missing or out-of-order migration files.
#include <fmt/format.h>

#include <iostream>

#include "cli/migrate_cli.h"

namespace keel::cli {
namespace {

struct ValidateArgs {
  MigrateArgs common;
  bool allow_out_of_order = false;
};

const char* kind_name(migrate::ProblemKind kind) {
  switch (kind) {
    case migrate::ProblemKind::kChanged:
      return "changed";
    case migrate::ProblemKind::kMissing:
      return "missing";
    case migrate::ProblemKind::kOutOfOrder:
      return "out_of_order";
    case migrate::ProblemKind::kRollingBack:
      return "rolling_back";
  }
  return "changed";
}

int run(const GlobalOptions& options, const ValidateArgs& args) {
  auto ctx = open_migrate(options, args.common);
  if (!ctx) return report(options, ctx.error());
  auto history = ctx->target->history();
  if (!history) return report(options, history.error());
  auto problems = migrate::validate(ctx->files, *history, args.allow_out_of_order);
  if (options.json()) {
    nlohmann::json list = nlohmann::json::array();
    for (const auto& p : problems) {
      list.push_back({{"kind", kind_name(p.kind)},
                      {"version", p.version},
                      {"path", p.path},
                      {"detail", p.detail}});
    }
    print_json({{"url", ctx->url.masked},
                {"valid", problems.empty()},
                {"migrations", ctx->files.size()},
                {"problems", std::move(list)}});
  } else if (problems.empty()) {
    std::cout << fmt::format("{} migration files match the history of {}\n", ctx->files.size(),
                             ctx->url.masked);
  } else {
    for (const auto& p : problems) std::cout << p.to_string() << "\n";
    std::cout << fmt::format("INVALID: {} problem{}\n", problems.size(),
                             problems.size() == 1 ? "" : "s");
  }
  return problems.empty() ? kExitOk : kExitGate;
}

}  // namespace

void add_validate(CLI::App& app, GlobalOptions& options, Runner& runner) {
  auto args = std::make_shared<ValidateArgs>();
  CLI::App* validate = app.add_subcommand(
      "validate", "Check migration files against the history (exit 3 on changed/missing files)");
  add_migrate_options(*validate, args->common, false);
  validate->add_flag("--allow-out-of-order", args->allow_out_of_order,
                     "Accept pending migrations older than the newest applied one");
  validate->callback([&, args] { runner = [&, args] { return run(options, *args); }; });
}

}  // namespace keel::cli
