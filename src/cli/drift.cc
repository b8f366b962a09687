// keel drift --against FILE | URL | env:NAME
#include <fmt/format.h>

#include <iostream>

#include "cli/cli.h"
#include "keel/drift.h"
#include "keel/environment.h"

namespace keel::cli {
namespace {

struct DriftArgs {
  std::string against;
  bool strict_server_version = false;
  bool include_index_stats = false;
};

// Continuation lines of a multi-line value, indented under its label.
std::string indent(const std::string& text) {
  std::string out;
  for (char c : text) out += c == '\n' ? std::string("\n                ") : std::string(1, c);
  return out;
}

void print_text(const std::vector<Difference>& differences, const std::string& actual_label,
                const std::string& expected_label) {
  std::cout << fmt::format("comparing {} against {}\n", actual_label, expected_label);
  std::string category;
  for (const auto& d : differences) {
    if (d.category != category) {
      category = d.category;
      std::cout << "\n" << category << ":\n";
    }
    std::string prefix = fmt::format("  {}{} {}", d.info ? "(info) " : "", d.kind, d.object);
    if (d.property == "presence") {
      std::cout << fmt::format("{}: {}\n", prefix,
                               d.actual == "missing" ? "missing (present in the reference)"
                                                     : "unexpected (not in the reference)");
    } else if (d.expected.find('\n') != std::string::npos ||
               d.actual.find('\n') != std::string::npos) {
      std::cout << fmt::format("{}: {}:\n      expected: {}\n      actual:   {}\n", prefix,
                               d.property, indent(d.expected), indent(d.actual));
    } else {
      std::cout << fmt::format("{}: {}: {} -> {}\n", prefix, d.property, d.expected, d.actual);
    }
  }
  size_t n = drift_count(differences);
  if (!differences.empty()) std::cout << "\n";
  if (n == 0) {
    std::cout << "no drift\n";
  } else {
    std::cout << fmt::format("DRIFT DETECTED: {} difference{}\n", n, n == 1 ? "" : "s");
  }
}

int run(const GlobalOptions& options, const DriftArgs& args) {
  auto config = load(options);
  if (!config) return report(options, config.error());
  auto target = resolve_target(*config, options.env, options.url);
  if (!target) return report(options, target.error());
  std::string expected_label;
  note(options, fmt::format("reading reference {} ...", mask_url(args.against)));
  auto expected = load_reference(args.against, *config, expected_label);
  if (!expected) return report(options, expected.error());
  note(options, fmt::format("capturing {} ...", target->masked));
  auto actual = capture_manifest(*target, *config);
  if (!actual) return report(options, actual.error());

  DriftOptions drift_options;
  drift_options.strict_server_version = args.strict_server_version || config->strict_server_version;
  drift_options.include_index_stats = args.include_index_stats || config->include_index_stats;
  auto differences = compare_manifests(*expected, *actual, drift_options);
  size_t n = drift_count(differences);

  if (options.json()) {
    nlohmann::json list = nlohmann::json::array();
    for (const auto& d : differences) {
      list.push_back({{"category", d.category},
                      {"object", d.object},
                      {"kind", d.kind},
                      {"property", d.property},
                      {"expected", d.expected},
                      {"actual", d.actual},
                      {"severity", d.info ? "info" : "drift"}});
    }
    print_json({{"drift", n > 0},
                {"count", n},
                {"expected", expected_label},
                {"actual", target->masked},
                {"differences", std::move(list)}});
  } else {
    print_text(differences, target->masked, expected_label);
  }
  return n > 0 ? kExitGate : kExitOk;
}

}  // namespace

void add_drift(CLI::App& app, GlobalOptions& options, Runner& runner) {
  auto args = std::make_shared<DriftArgs>();
  CLI::App* drift = app.add_subcommand(
      "drift", "Compare an environment with a manifest or another environment (exit 3 on drift)");
  drift->add_option("--against", args->against, "Reference: manifest FILE, URL, or env:NAME")
      ->required();
  drift->add_flag("--strict-server-version", args->strict_server_version,
                  "A different minor server version is drift, not info");
  drift->add_flag("--include-index-stats", args->include_index_stats,
                  "Compare index statistics (size, reltuples, idx_scan) too");
  drift->callback([&, args] { runner = [&, args] { return run(options, *args); }; });
}

}  // namespace keel::cli
