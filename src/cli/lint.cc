// keel lint FILE|DIR... [--pg-version N] [--fail-on error|warning|info]:
// static checks of PostgreSQL migration scripts; exit 3 when a finding at or
// above --fail-on exists. With --url/--env, the server's version and catalog
// (function volatility, current column types) sharpen the checks.
#include <fmt/format.h>

#include <iostream>

#include "cli/cli.h"
#include "keel/environment.h"
#include "keel/lint.h"

namespace keel::cli {
namespace {

struct LintArgs {
  std::vector<std::string> paths;
  int pg_version = 0;  // 0: the server's, else 15
  std::string fail_on = "warning";
};

// GitHub workflow command escaping: data, and property values.
std::string escape_data(std::string_view text) {
  std::string out;
  for (char c : text) {
    if (c == '%') {
      out += "%25";
    } else if (c == '\r') {
      out += "%0D";
    } else if (c == '\n') {
      out += "%0A";
    } else {
      out += c;
    }
  }
  return out;
}

std::string escape_property(std::string_view text) {
  std::string out;
  for (char c : escape_data(text)) {
    if (c == ':') {
      out += "%3A";
    } else if (c == ',') {
      out += "%2C";
    } else {
      out += c;
    }
  }
  return out;
}

std::string_view github_level(lint::Severity severity) {
  switch (severity) {
    case lint::Severity::kError:
      return "error";
    case lint::Severity::kWarning:
      return "warning";
    case lint::Severity::kInfo:
      return "notice";
  }
  return "error";
}

std::string plural(size_t n, std::string_view one, std::string_view many) {
  return fmt::format("{} {}", n, n == 1 ? one : many);
}

int run(const GlobalOptions& options, const LintArgs& args) {
  auto config = load(options);
  if (!config) return report(options, config.error());
  lint::LintOptions lint_options;
  lint_options.disabled = config->lint.disable;
  std::unique_ptr<lint::Catalog> catalog;
  if (!options.url.empty() || !options.env.empty()) {
    auto url = resolve_target(*config, options.env, options.url);
    if (!url) return report(options, url.error());
    auto opened = lint::open_catalog(*url);
    if (!opened) return report(options, opened.error());
    catalog = std::move(*opened);
    lint_options.catalog = catalog.get();
    lint_options.pg_version = catalog->server_major_version();
    note(options,
         fmt::format("linting for PostgreSQL {} at {}", lint_options.pg_version, url->masked));
  }
  if (args.pg_version != 0) lint_options.pg_version = args.pg_version;
  auto fail_on = lint::parse_severity(args.fail_on);

  auto result = lint::lint_paths(args.paths, lint_options);
  if (!result) return report(options, result.error());
  size_t counts[3] = {0, 0, 0};
  bool failed = false;
  for (const auto& f : result->findings) {
    ++counts[static_cast<int>(f.severity)];
    failed = failed || f.severity >= *fail_on;
  }
  std::string summary =
      fmt::format("{} linted: {}, {}, {} info; {} at --fail-on {}",
                  plural(result->scripts, "script", "scripts"),
                  plural(counts[2], "error", "errors"), plural(counts[1], "warning", "warnings"),
                  counts[0], failed ? "FAILED" : "passed", args.fail_on);

  if (options.format == "json") {
    nlohmann::json list = nlohmann::json::array();
    for (const auto& f : result->findings) {
      list.push_back({{"rule", f.rule},
                      {"severity", lint::severity_name(f.severity)},
                      {"file", f.file},
                      {"line", f.line},
                      {"column", f.column},
                      {"message", f.message},
                      {"fix", f.fix}});
    }
    print_json({{"findings", std::move(list)},
                {"scripts", result->scripts},
                {"failed", failed},
                {"fail_on", args.fail_on}});
  } else if (options.format == "github") {
    for (const auto& f : result->findings) {
      std::string message = f.message;
      message += "\nfix: ";
      message += f.fix;
      std::cout << fmt::format("::{} file={},line={},col={},title={}::{}\n",
                               github_level(f.severity), escape_property(f.file), f.line, f.column,
                               escape_property(f.rule), escape_data(message));
    }
    if (!options.quiet) std::cerr << summary << "\n";
  } else {
    for (const auto& f : result->findings) {
      std::cout << fmt::format("{}:{}:{}: {} {}: {}\n  fix: {}\n", f.file, f.line, f.column,
                               lint::severity_name(f.severity), f.rule, f.message, f.fix);
    }
    std::cout << summary << "\n";
  }
  return failed ? kExitGate : kExitOk;
}

}  // namespace

void add_lint(CLI::App& app, GlobalOptions& options, Invocation& invocation) {
  auto args = std::make_shared<LintArgs>();
  CLI::App* lint = app.add_subcommand(
      "lint",
      "Check PostgreSQL migration files for locks and breaking changes (exit 3 on findings)");
  lint->add_option("paths", args->paths, "Migration folders (every format keel reads) or SQL files")
      ->required();
  lint->add_option("--pg-version", args->pg_version,
                   "Target PostgreSQL major version (default: the server's with --url/--env, "
                   "else 15)")
      ->check(CLI::Range(9, 30));
  lint->add_option("--fail-on", args->fail_on,
                   "Lowest severity that fails the run with exit 3 (default warning)")
      ->check(CLI::IsMember({"error", "warning", "info"}));
  lint->callback([&, args] { invocation.run = [&, args] { return run(options, *args); }; });
}

}  // namespace keel::cli
