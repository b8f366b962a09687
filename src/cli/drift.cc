// keel drift --against FILE | URL | env:NAME
#include <fmt/format.h>

#include <iostream>

#include "cli/differences.h"
#include "keel/drift.h"
#include "keel/environment.h"

namespace keel::cli {
namespace {

struct DriftArgs {
  std::string against;
  bool strict_server_version = false;
  bool include_index_stats = false;
};

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
  if (auto same = check_same_dialect(*expected, *actual, expected_label, target->masked); !same) {
    return report(options, same.error());
  }

  DriftOptions drift_options =
      run::drift_options(*config, args.strict_server_version, args.include_index_stats);
  auto differences = compare_manifests(*expected, *actual, drift_options);
  size_t n = drift_count(differences);

  if (options.json()) {
    print_json(run::drift_json(expected_label, target->masked, differences));
  } else {
    std::cout << fmt::format("comparing {} against {}\n", target->masked, expected_label);
    print_differences(differences);
    if (n == 0) {
      std::cout << "no drift\n";
    } else {
      std::cout << fmt::format("DRIFT DETECTED: {} difference{}\n", n, n == 1 ? "" : "s");
    }
  }
  return n > 0 ? kExitGate : kExitOk;
}

}  // namespace

void add_drift(CLI::App& app, GlobalOptions& options, Invocation& invocation) {
  auto args = std::make_shared<DriftArgs>();
  CLI::App* drift = app.add_subcommand(
      "drift", "Compare an environment with a manifest or another environment (exit 3 on drift)");
  drift->add_option("--against", args->against, "Reference: manifest FILE, URL, or env:NAME")
      ->required();
  drift->add_flag("--strict-server-version", args->strict_server_version,
                  "A different minor server version is drift, not info");
  drift->add_flag("--include-index-stats", args->include_index_stats,
                  "Compare index statistics (size, reltuples, idx_scan) too");
  drift->callback([&, args] { invocation.run = [&, args] { return run(options, *args); }; });
}

}  // namespace keel::cli
