// keel: turning what the user named (an environment, a URL, a manifest file)
// into connections and manifests. The CLI is a thin layer over these.
#pragma once

#include <string>

#include "keel/config.h"
#include "keel/connection.h"
#include "keel/manifest.h"

namespace keel {

// The environment to act on: `url` (from --url) wins over the url of
// environment `env` (from --env). Exactly one of them must lead to a URL.
Result<ConnectionUrl> resolve_target(const Config& config, const std::string& env,
                                     const std::string& url);

// Connects and captures the manifest, with the settings list from config.
Result<Manifest> capture_manifest(const ConnectionUrl& url, const Config& config);

// A reference to compare with: "env:NAME", a connection URL, or a manifest
// file path. `label` receives a printable name for it (masked).
Result<Manifest> load_reference(const std::string& spec, const Config& config, std::string& label);

}  // namespace keel
