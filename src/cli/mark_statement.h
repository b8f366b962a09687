// --mark-statement-done VERSION:N, shared by keel apply and keel rollback.
#pragma once

#include <string>

#include "cli/migrate_cli.h"

namespace keel::cli {

// Registers --mark-statement-done on `command`; `script` is "up" or "down".
CLI::Option* add_mark_statement_option(CLI::App& command, std::string& spec, const char* script);

// Records the statements as done (migrate::mark_statements_done) and prints
// what the next run does; runs nothing else.
int run_mark_statement(const GlobalOptions& options, MigrateContext& ctx, const std::string& spec,
                       migrate::MarkDirection direction);

}  // namespace keel::cli
