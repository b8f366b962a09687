// --mark-statement-done VERSION:N of keel apply and keel rollback.
#include "cli/mark_statement.h"

#include <fmt/format.h>

#include <iostream>

namespace keel::cli {

CLI::Option* add_mark_statement_option(CLI::App& command, std::string& spec, const char* script) {
  return command.add_option(
      "--mark-statement-done", spec,
      fmt::format("VERSION:N: record that statements 1 to N of the {} script a stopped "
                  "no-transaction run of VERSION was in have taken effect (after checking the "
                  "database by hand), then stop; the next run continues with statement N+1",
                  script));
}

int run_mark_statement(const GlobalOptions& options, MigrateContext& ctx, const std::string& spec,
                       migrate::MarkDirection direction) {
  auto marked = migrate::mark_statements_done(*ctx.target, ctx.files, spec, direction, ctx.run);
  if (!marked) return report(options, marked.error());
  const char* command = direction == migrate::MarkDirection::kUp ? "apply" : "rollback";
  if (options.json()) {
    print_json(run::marked_json(ctx.url.masked, *marked));
  } else {
    std::cout << fmt::format("{}: statements 1 to {} of {} recorded as done on {}\n", marked->path,
                             marked->done, marked->total, ctx.url.masked);
    if (marked->next.empty()) {
      std::cout << fmt::format("every statement is done: `keel {}` records it as finished\n",
                               command);
    } else {
      std::cout << fmt::format("`keel {}` continues with statement {} ({})\n", command,
                               marked->done + 1, marked->next);
    }
  }
  return kExitOk;
}

}  // namespace keel::cli
