#include "keel/environment.h"

#include <fmt/format.h>

#include "keel/dialect.h"

namespace keel {
namespace {

std::string environment_names(const Config& config) {
  std::string names;
  for (const auto& [name, env] : config.environments) names += (names.empty() ? "" : ", ") + name;
  return names.empty() ? "(none defined)" : names;
}

Result<const EnvironmentConfig*> find_environment(const Config& config, const std::string& name) {
  auto it = config.environments.find(name);
  if (it == config.environments.end()) {
    return fail(ErrorCode::kUsage,
                fmt::format("no environment '{}' in {}; defined: {}", name,
                            config.path.empty() ? "the config (no keel.toml found)" : config.path,
                            environment_names(config)));
  }
  return &it->second;
}

}  // namespace

Result<ConnectionUrl> resolve_target(const Config& config, const std::string& env,
                                     const std::string& url) {
  if (!url.empty()) return parse_connection_url(url);
  if (env.empty()) {
    return fail(ErrorCode::kUsage,
                fmt::format("no database named; pass --env NAME (defined: {}) or --url URL",
                            environment_names(config)));
  }
  auto found = find_environment(config, env);
  if (!found) return std::unexpected(found.error());
  auto one = (*found)->single_url();
  if (!one) return std::unexpected(one.error());
  return parse_connection_url(*one);
}

Result<Manifest> capture_manifest(const ConnectionUrl& url, const Config& config) {
  auto connection = connect(url);
  if (!connection) return std::unexpected(connection.error());
  CaptureOptions options;
  options.settings = config.settings.value_or(url.dialect->default_settings);
  auto manifest = (*connection)->capture(options);
  if (manifest) manifest->schema.ignore_column_order = config.ignore_column_order;
  return manifest;
}

Result<Manifest> load_reference(const std::string& spec, const Config& config, std::string& label) {
  if (spec.starts_with("env:")) {
    std::string name = spec.substr(4);
    auto found = find_environment(config, name);
    if (!found) return std::unexpected(found.error());
    auto one = (*found)->single_url();
    if (!one) return std::unexpected(one.error());
    auto url = parse_connection_url(*one);
    if (!url) return std::unexpected(url.error());
    label = fmt::format("env:{} ({})", name, url->masked);
    return capture_manifest(*url, config);
  }
  if (is_connection_string(spec)) {
    auto url = parse_connection_url(spec);
    if (!url) return std::unexpected(url.error());
    label = url->masked;
    return capture_manifest(*url, config);
  }
  label = spec;
  auto doc = read_manifest_file(spec);
  if (!doc) return std::unexpected(doc.error());
  return std::move(doc->manifest);
}

}  // namespace keel
