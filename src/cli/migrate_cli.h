// What apply, validate, status and rollback share: the target, the
// migrations folder and the run options from keel.toml and flags.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "cli/cli.h"
#include "keel/expand.h"
#include "keel/migrate.h"

namespace keel::cli {

struct MigrateArgs {
  std::string dir;  // --dir; empty: [migrations] dir from keel.toml
  std::string lock_wait = "60s";
  // keel apply: a missing database the dialect can create (SQLite's file) is created, and
  // said; every other command refuses a missing one.
  bool create_missing = false;
};

struct MigrateContext {
  Config config;
  run::Target env;    // the environment acted on (its name, tier, rto)
  ConnectionUrl url;  // env.url
  std::vector<migrate::Migration> files;
  std::unique_ptr<migrate::MigrationTarget> target;
  migrate::RunOptions run;
};

// Registers --dir (and --lock-wait when `locks`) on a subcommand.
void add_migrate_options(CLI::App& command, MigrateArgs& args, bool locks);

// Loads keel.toml, resolves the target (run::resolve), reads the folder,
// builds the run options (run::run_options) and (unless `session` is false)
// opens the migration session.
Result<MigrateContext> open_migrate(const GlobalOptions& options, const MigrateArgs& args,
                                    bool session = true);

// complete / finalize / abort / revert of the current operation migration on ctx's target,
// with [backfill] and the backfill's bar or JSON lines (keel complete ..., keel rollout).
Result<expand::Report> act_on(const GlobalOptions& options, MigrateContext& ctx,
                              expand::Action action);

// Where keel plan saves VALIDATED plans and apply --require-validated
// reads them (relative to the current directory).
extern const char* const kPlansDir;

}  // namespace keel::cli
