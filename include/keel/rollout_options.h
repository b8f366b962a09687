// keel: a rollout's plan, signals and router built from keel.toml's [rollout] (the policy
// half of keel rollout; keel/rollout.h is the mechanism). docs/rollout.md.
#pragma once

#include <memory>
#include <string>

#include "keel/config.h"
#include "keel/connection.h"
#include "keel/rollout.h"

namespace keel::run {

// The plan for a tier: [rollout]'s sampling and breakers, and [rollout.<tier>]'s steps, hold
// and load command over the guide's defaults: dev straight to 100 % (hold 0: judged once,
// then on), staging 100 % held 5 minutes (under its load_command), prod (and a target
// without a tier) 5 -> 25 -> 50 -> 100 % held 5 minutes each.
rollout::Plan rollout_plan(const RolloutConfig& config, Tier tier);

// Where the signals come from: [rollout] old_url, new_url and pgbouncer_admin_urls; the
// primary is the target. Errors: kConfig when old_url or new_url is missing or a url key has
// a problem (RolloutConfig::error).
Result<rollout::SignalSources> rollout_sources(const RolloutConfig& config,
                                               const ConnectionUrl& primary);

// The router [rollout] names (haproxy needs haproxy_admin, command needs command; flag
// defaults to the migration's name). `by`: who sets a flag. Errors: kConfig naming the key.
Result<std::unique_ptr<rollout::Router>> rollout_router(const RolloutConfig& config,
                                                        const ConnectionUrl& target,
                                                        const std::string& migration,
                                                        const std::string& by);

// The folder of a target's rollout journals: <[log] dir>/rollouts/<log name>.
std::string rollout_dir(const Config& config, const std::string& env, const ConnectionUrl& url);

}  // namespace keel::run
