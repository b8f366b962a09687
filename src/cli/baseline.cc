// keel baseline hash | capture
#include <fmt/format.h>

#include <iostream>

#include "cli/cli.h"
#include "keel/canonical.h"
#include "keel/environment.h"
#include "keel/manifest.h"

namespace keel::cli {
namespace {

struct Counts {
  size_t schemas = 0, tables = 0, columns = 0, indexes = 0, constraints = 0, views = 0,
         functions = 0, sequences = 0, types = 0;
};

Counts count(const model::Database& db) {
  Counts c;
  for (const auto& [name, s] : db.schemas) {
    ++c.schemas;
    c.tables += s.tables.size();
    c.views += s.views.size();
    c.functions += s.functions.size();
    c.sequences += s.sequences.size();
    c.types += s.types.size();
    for (const auto& [tn, t] : s.tables) {
      c.columns += t.columns.size();
      c.indexes += t.indexes.size();
      c.constraints += t.constraints.size();
    }
  }
  return c;
}

Result<std::pair<ConnectionUrl, Manifest>> capture(const GlobalOptions& options) {
  auto config = load(options);
  if (!config) return std::unexpected(config.error());
  auto target = resolve_target(*config, options.env, options.url);
  if (!target) return std::unexpected(target.error());
  note(options, fmt::format("capturing {} ...", target->masked));
  auto manifest = capture_manifest(*target, *config);
  if (!manifest) return std::unexpected(manifest.error());
  Counts c = count(manifest->schema);
  note(options, fmt::format("captured {} schemas, {} tables, {} columns, {} constraints, {} "
                            "indexes, {} views, {} functions, {} sequences, {} types, {} "
                            "extensions",
                            c.schemas, c.tables, c.columns, c.constraints, c.indexes, c.views,
                            c.functions, c.sequences, c.types, manifest->schema.extensions.size()));
  return std::make_pair(std::move(*target), std::move(*manifest));
}

int run_hash(const GlobalOptions& options) {
  auto captured = capture(options);
  if (!captured) return report(options, captured.error());
  std::string hash = model::schema_hash(captured->second.schema);
  if (options.json()) {
    print_json({{"url", captured->first.masked},
                {"environment", options.url.empty() ? options.env : ""},
                {"schema_hash", hash}});
  } else {
    std::cout << hash << "\n";
  }
  return kExitOk;
}

int run_capture(const GlobalOptions& options, const std::string& output) {
  auto captured = capture(options);
  if (!captured) return report(options, captured.error());
  const Manifest& manifest = captured->second;
  if (output.empty() || output == "-") {
    std::cout << manifest_to_json(manifest);
    return kExitOk;
  }
  if (auto written = write_manifest_file(manifest, output); !written) {
    return report(options, written.error());
  }
  std::string hash = model::schema_hash(manifest.schema);
  if (options.json()) {
    print_json({{"written", output}, {"schema_hash", hash}, {"url", captured->first.masked}});
  } else {
    if (!options.quiet) std::cout << "wrote " << output << "\n";
    std::cout << hash << "\n";
  }
  return kExitOk;
}

}  // namespace

void add_baseline(CLI::App& app, GlobalOptions& options, Invocation& invocation) {
  CLI::App* baseline = app.add_subcommand("baseline", "Capture an environment's manifest or hash");
  baseline->require_subcommand(1);

  CLI::App* hash = baseline->add_subcommand(
      "hash", "Print the schema hash (sha256:<hex>, the last line of the output)");
  hash->callback([&] { invocation.run = [&] { return run_hash(options); }; });

  auto output = std::make_shared<std::string>();
  CLI::App* capture = baseline->add_subcommand(
      "capture", "Write the environment manifest (JSON) to -o FILE, or to stdout");
  capture->add_option("-o,--output", *output, "Manifest file to write (atomically)");
  capture->callback(
      [&, output] { invocation.run = [&, output] { return run_capture(options, *output); }; });
}

}  // namespace keel::cli
