// The SQLite driver: its names, URL forms, keel's tables, capabilities and
// the functions of this folder that open its sessions.
#include "dialects/sqlite/driver.h"

#include <filesystem>

#include "dialects/split.h"
#include "dialects/sqlite/migrator.h"
#include "dialects/sqlite/sqlite.h"
#include "util/quote.h"
#include "util/url_text.h"

namespace keel::sqlite {
namespace {

bool reads_url(const std::string& text) { return text.starts_with("sqlite:"); }

// A SQLite URL holds no password.
std::string mask_url(const std::string& url) { return url; }

Result<ConnectionUrl> parse_url(const std::string& url) {
  ConnectionUrl out;
  out.url = url;
  out.masked = mask_url(url);
  std::string rest = url.substr(7);
  if (rest.starts_with("///")) {
    out.path = percent_decode(rest.substr(2));  // keep the leading '/'
  } else if (rest.starts_with("//")) {
    return fail(ErrorCode::kUsage,
                "a SQLite URL has no host; use sqlite:///abs/path.db or sqlite:rel/path.db",
                out.masked);
  } else {
    out.path = percent_decode(rest);
  }
  if (out.path.empty()) {
    return fail(ErrorCode::kUsage,
                "the SQLite URL names no file; use sqlite:///abs/path.db or sqlite:rel/path.db",
                out.masked);
  }
  return out;
}

// The database file's name without its folder and extension.
std::string target_name(const ConnectionUrl& url) {
  return std::filesystem::path(url.path).stem().string();
}

}  // namespace

const dialects::Driver& driver() {
  static const dialects::Driver kDriver{
      .name = "sqlite",
      .display_name = "SQLite",
      .url_schemes = {"sqlite"},
      .url_forms = {"sqlite:///abs/path.db", "sqlite:rel/path.db"},
      .keel = {.schema = "",
               .history = "keel_schema_migrations",
               .snapshots = "keel_schema_snapshots",
               .runs = "keel_runs",
               .parity = "keel_parity",
               .flags = ""},
      .capabilities = {.transactional_ddl = true,
                       .renders_ddl = false,
                       .observes_locks = false,
                       .lints = false,
                       .expand_contract = false,
                       .flags = false},
      // The manifest records every pragma (inspect.cc); there are no server
      // settings to choose from.
      .default_settings = {},
      .reads_url = reads_url,
      .parse_url = parse_url,
      .mask_url = mask_url,
      .target_name = target_name,
      .connect = connect,
      .open_migration_target = open_migration_target,
      .create_database = create_database,
      .open_plan_target = open_plan_target,
      .open_ledger = open_ledger,
      .split_statements = split_statements,
      .plan_ddl = nullptr,
      .open_lint_catalog = nullptr,
      .open_flags = nullptr,
      .open_rollout_probe = nullptr,
      .open_rollout_stats = nullptr,
      .quote_identifier = keel::quote_identifier,
      .quote_literal = keel::quote_literal,
  };
  return kDriver;
}

}  // namespace keel::sqlite
