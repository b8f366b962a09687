// The public entry points that open a dialect's session for a URL: each asks
// the URL's driver (include/keel/dialect.h), none names a dialect.
#include <fmt/format.h>

#include "keel/dialect.h"
#include "keel/expand.h"

namespace keel {
namespace {

// REQUIRES nothing: a default-constructed ConnectionUrl (no dialect) is an
// internal error rather than a crash.
Result<Dialect> dialect_of(const ConnectionUrl& url) {
  if (!url.dialect) return fail(ErrorCode::kInternal, "the connection URL has no dialect");
  return url.dialect;
}

}  // namespace

Result<std::unique_ptr<Connection>> connect(const ConnectionUrl& url) {
  auto dialect = dialect_of(url);
  if (!dialect) return std::unexpected(dialect.error());
  return (*dialect)->connect(url);
}

namespace migrate {
Result<std::unique_ptr<MigrationTarget>> open_migration_target(const ConnectionUrl& url) {
  auto dialect = dialect_of(url);
  if (!dialect) return std::unexpected(dialect.error());
  return (*dialect)->open_migration_target(url);
}
Result<bool> create_database_if_missing(const ConnectionUrl& url) {
  auto dialect = dialect_of(url);
  if (!dialect) return std::unexpected(dialect.error());
  if ((*dialect)->create_database == nullptr) return false;
  return (*dialect)->create_database(url);
}
}  // namespace migrate

namespace plan {
Result<std::unique_ptr<PlanTarget>> open_plan_target(const ConnectionUrl& url) {
  auto dialect = dialect_of(url);
  if (!dialect) return std::unexpected(dialect.error());
  return (*dialect)->open_plan_target(url);
}
}  // namespace plan

namespace ledger {
Result<std::unique_ptr<Ledger>> open_ledger(const ConnectionUrl& url, Access access) {
  auto dialect = dialect_of(url);
  if (!dialect) return std::unexpected(dialect.error());
  return (*dialect)->open_ledger(url, access);
}
}  // namespace ledger

namespace expand {
Result<std::unique_ptr<ExpandContract>> open_expand_contract(const ConnectionUrl& url) {
  auto dialect = dialect_of(url);
  if (!dialect) return std::unexpected(dialect.error());
  if (!(*dialect)->capabilities.expand_contract) {
    return fail(ErrorCode::kUnsupported,
                fmt::format("expand/contract operation migrations run on {}, not {}; write the "
                            "change as a plain SQL migration for this database",
                            dialects::names_with(&dialects::Capabilities::expand_contract),
                            (*dialect)->display_name),
                url.masked);
  }
  return (*dialect)->open_expand_contract(url);
}
}  // namespace expand

namespace lint {
Result<std::unique_ptr<Catalog>> open_catalog(const ConnectionUrl& url) {
  auto dialect = dialect_of(url);
  if (!dialect) return std::unexpected(dialect.error());
  if (!(*dialect)->capabilities.lints) {
    return fail(
        ErrorCode::kUnsupported,
        fmt::format("keel lint checks {} migrations, not {}: give a URL of a server "
                    "it checks, or --pg-version N without a connection",
                    dialects::names_with(&dialects::Capabilities::lints), (*dialect)->display_name),
        url.masked);
  }
  return (*dialect)->open_lint_catalog(url);
}
}  // namespace lint

namespace flags {
Result<std::unique_ptr<Store>> open_flags(const ConnectionUrl& url) {
  auto dialect = dialect_of(url);
  if (!dialect) return std::unexpected(dialect.error());
  if (!(*dialect)->capabilities.flags) {
    return fail(
        ErrorCode::kUnsupported,
        fmt::format("{} keeps no feature flags (its driver lacks the 'flags' "
                    "capability); keel keeps them in {}: give the URL of such a database",
                    (*dialect)->display_name, dialects::names_with(&dialects::Capabilities::flags)),
        url.masked);
  }
  return (*dialect)->open_flags(url);
}
}  // namespace flags

namespace rollout {
namespace {
Result<Dialect> rollout_dialect(const ConnectionUrl& url) {
  auto dialect = dialect_of(url);
  if (!dialect) return std::unexpected(dialect.error());
  if (!(*dialect)->capabilities.rollout) {
    return fail(ErrorCode::kUnsupported,
                fmt::format("keel rollout does not read {} yet (its driver lacks the 'rollout' "
                            "capability); it reads {}",
                            (*dialect)->display_name,
                            dialects::names_with(&dialects::Capabilities::rollout)),
                url.masked);
  }
  return dialect;
}
}  // namespace

Result<std::unique_ptr<Probe>> open_probe(const ConnectionUrl& route, const std::string& query) {
  auto dialect = rollout_dialect(route);
  if (!dialect) return std::unexpected(dialect.error());
  return (*dialect)->open_rollout_probe(route, query);
}

Result<std::unique_ptr<ServerStats>> open_server_stats(const ConnectionUrl& primary) {
  auto dialect = rollout_dialect(primary);
  if (!dialect) return std::unexpected(dialect.error());
  return (*dialect)->open_rollout_stats(primary);
}
}  // namespace rollout

}  // namespace keel
