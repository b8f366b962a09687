#include "cli/migrate_cli.h"

#include <fmt/format.h>

#include "cli/progress.h"

namespace keel::cli {

void add_migrate_options(CLI::App& command, MigrateArgs& args, bool locks) {
  command.add_option(
      "--dir", args.dir,
      "Migrations folder (default: [migrations] dir in keel.toml, else ./migrations)");
  if (locks) {
    command.add_option("--lock-wait", args.lock_wait,
                       "How long to wait for another deploy's lock (default 60s)");
  }
}

Result<MigrateContext> open_migrate(const GlobalOptions& options, const MigrateArgs& args,
                                    bool session) {
  MigrateContext ctx;
  auto config = load(options);
  if (!config) return std::unexpected(config.error());
  ctx.config = std::move(*config);
  auto env = run::resolve(ctx.config, options.env, options.url);
  if (!env) return std::unexpected(env.error());
  ctx.env = std::move(*env);
  ctx.url = ctx.env.url;
  auto lock_wait = migrate::parse_duration(args.lock_wait);
  if (!lock_wait) {
    return fail(
        ErrorCode::kUsage,
        fmt::format("--lock-wait {}: not a duration; write e.g. 60s or 500ms", args.lock_wait));
  }
  auto files = migrate::load_migrations(args.dir.empty() ? ctx.config.migrations.dir : args.dir);
  if (!files) return std::unexpected(files.error());
  ctx.files = std::move(*files);
  if (session && args.create_missing) {
    auto made = migrate::create_database_if_missing(ctx.url);
    if (!made) return std::unexpected(made.error());
    if (*made) note(options, fmt::format("created {} (it did not exist)", ctx.url.masked));
  }
  if (session) {
    auto target = migrate::open_migration_target(ctx.url);
    if (!target) return std::unexpected(target.error());
    ctx.target = std::move(*target);
  }

  ctx.run = run::run_options(ctx.config, *lock_wait,
                             [&options](const std::string& line) { note(options, line); });
  return ctx;
}

Result<expand::Report> act_on(const GlobalOptions& options, MigrateContext& ctx,
                              expand::Action action) {
  auto dialect = expand::open_expand_contract(ctx.url);
  if (!dialect) return std::unexpected(dialect.error());
  expand::Options expand_options;
  expand_options.run = ctx.run;
  expand_options.backfill = ctx.config.backfill;
  expand_options.on_backfill = backfill_view(options);
  return expand::act(*ctx.target, **dialect, ctx.files, action, expand_options);
}

}  // namespace keel::cli
