// The PostgreSQL driver: its names, URL forms, keel's tables, capabilities
// and the functions of this folder that open its sessions.
#include "dialects/postgres/driver.h"

#include <cstdlib>

#include "dialects/postgres/conninfo.h"
#include "dialects/postgres/ddl/postgres_ddl.h"
#include "dialects/postgres/flags.h"
#include "dialects/postgres/migrator.h"
#include "dialects/postgres/ops/operation.h"
#include "dialects/postgres/postgres.h"
#include "dialects/postgres/rollout.h"
#include "dialects/split.h"
#include "util/quote.h"
#include "util/url_text.h"

namespace keel::pg {
namespace {

std::vector<std::string> secrets_of(const Conninfo& info) {
  std::vector<std::string> out;
  for (const char* key : {"password", "sslpassword"}) {
    if (auto it = info.options.find(key); it != info.options.end()) out.push_back(it->second);
  }
  return out;
}

std::string first_of_list(const std::string& value) { return value.substr(0, value.find(',')); }

std::string option(const Conninfo& info, const std::string& key) {
  auto it = info.options.find(key);
  return it == info.options.end() ? std::string() : it->second;
}

bool reads_url(const std::string& text) { return is_uri(text) || looks_like_keyword_value(text); }

std::string mask_url(const std::string& url) {
  auto parsed = parse_conninfo(url);
  if (parsed && !parsed->stray_at) {
    return mask_secrets(replace_spans(url, parsed->secret_spans), secrets_of(*parsed));
  }
  // Not something libpq reads as one server: mask all that may be a password.
  return replace_spans(url, probable_secret_spans(url));
}

Result<ConnectionUrl> parse_url(const std::string& url) {
  auto parsed = parse_conninfo(url);
  if (!parsed) return std::unexpected(parsed.error());
  if (parsed->stray_at) {
    return fail(ErrorCode::kUsage,
                "the PostgreSQL URL has an '@' after its user:password@ part, so libpq would "
                "read a raw '@' or '/' of the user name or password as part of the host, port "
                "or database; percent-encode them in the URL ('@' as %40, '/' as %2F) "
                "(not shown: it may hold a password)");
  }
  ConnectionUrl out;
  out.url = url;
  out.masked = mask_url(url);
  out.password = option(*parsed, "password");
  if (const char* env = std::getenv("PGPASSWORD"); env != nullptr && out.password.empty()) {
    out.password = env;
  }
  out.host = first_of_list(option(*parsed, "host"));
  if (out.host.empty()) out.host = first_of_list(option(*parsed, "hostaddr"));
  out.port = first_of_list(option(*parsed, "port"));
  out.database = option(*parsed, "dbname");
  return out;
}

// "<host>-<port>-<database>" as libpq reads them (parse_url): never from the
// text itself, whose userinfo may hold a '?', '/' or '@' of the password.
std::string target_name(const ConnectionUrl& url) {
  std::string host = url.host;
  if (host.size() > 2 && host.front() == '[' && host.back() == ']') {
    host = host.substr(1, host.size() - 2);
  }
  if (host.empty()) host = "localhost";
  std::string out = host + "-" + (url.port.empty() ? "5432" : url.port);
  if (!url.database.empty()) out += "-" + url.database;
  return out;
}

}  // namespace

const std::vector<std::string>& default_settings() { return driver().default_settings; }

const dialects::Driver& driver() {
  static const dialects::Driver kDriver{
      .name = "postgresql",
      .display_name = "PostgreSQL",
      .url_schemes = {"postgresql", "postgres"},
      .url_forms = {"postgresql://user:pass@host:port/db",
                    "a libpq key/value string (host=... dbname=...)"},
      .keel = {.schema = "keel",
               .history = "schema_migrations",
               .snapshots = "schema_snapshots",
               .runs = "runs",
               .parity = "parity",
               .flags = "flags"},
      .capabilities = {.transactional_ddl = true,
                       .renders_ddl = true,
                       .observes_locks = true,
                       .lints = true,
                       .expand_contract = true,
                       .flags = true,
                       .rollout = true},
      .default_settings =
          {
              "server_encoding",
              "lc_collate",
              "lc_ctype",
              "TimeZone",
              "DateStyle",
              "standard_conforming_strings",
              "default_transaction_isolation",
              "statement_timeout",
              "lock_timeout",
              "idle_in_transaction_session_timeout",
              "search_path",
              "max_connections",
              "shared_preload_libraries",
          },
      .reads_url = reads_url,
      .parse_url = parse_url,
      .mask_url = mask_url,
      .target_name = target_name,
      .connect = connect,
      .open_migration_target = open_migration_target,
      .open_plan_target = open_plan_target,
      .open_ledger = open_ledger,
      .split_statements = split_statements,
      .plan_ddl = ddl::plan,
      .open_lint_catalog = open_lint_catalog,
      .open_expand_contract = ops::open_expand_contract,
      .open_flags = open_flags,
      .open_rollout_probe = open_rollout_probe,
      .open_rollout_stats = open_rollout_stats,
      .quote_identifier = keel::quote_identifier,
      .quote_literal = keel::quote_literal,
  };
  return kDriver;
}

}  // namespace keel::pg
