// keel rollout's options from keel.toml (keel/rollout_options.h).
#include "keel/rollout_options.h"

#include <fmt/format.h>

#include <filesystem>

#include "keel/archive.h"

namespace keel::run {
namespace {

const RolloutTier& tier_config(const RolloutConfig& config, Tier tier) {
  switch (tier) {
    case Tier::kDev:
      return config.dev;
    case Tier::kStaging:
      return config.staging;
    case Tier::kProd:
    case Tier::kUnset:
      break;
  }
  return config.prod;
}

}  // namespace

rollout::Plan rollout_plan(const RolloutConfig& config, Tier tier) {
  rollout::Plan plan;
  switch (tier) {
    case Tier::kDev:
      plan.steps = {100};
      plan.hold = std::chrono::milliseconds(0);
      break;
    case Tier::kStaging:
      plan.steps = {100};
      plan.hold = std::chrono::minutes(5);
      break;
    case Tier::kProd:
    case Tier::kUnset:
      plan.steps = {5, 25, 50, 100};
      plan.hold = std::chrono::minutes(5);
      break;
  }
  const RolloutTier& t = tier_config(config, tier);
  if (t.steps) plan.steps = *t.steps;
  if (t.hold) plan.hold = *t.hold;
  plan.load_command = t.load_command;
  plan.sample_interval = config.sample_interval;
  plan.window = config.window;
  plan.min_samples = config.min_samples;
  plan.thresholds.p99_tolerance = config.p99_tolerance_percent / 100.0;
  if (config.slo_p99) plan.thresholds.slo_p99_ms = static_cast<double>(config.slo_p99->count());
  plan.thresholds.max_error_rate = config.max_error_percent / 100.0;
  plan.thresholds.max_lag = config.max_replication_lag;
  plan.thresholds.max_saturation = config.max_saturation_percent / 100.0;
  return plan;
}

Result<rollout::SignalSources> rollout_sources(const RolloutConfig& config,
                                               const ConnectionUrl& primary) {
  if (config.error) return std::unexpected(*config.error);
  for (const auto& [key, value] :
       {std::pair{"old_url", &config.old_url}, std::pair{"new_url", &config.new_url}}) {
    if (value->empty()) {
      return fail(ErrorCode::kConfig,
                  fmt::format("[rollout] {} is not set: keel rollout probes each version through "
                              "the route its sessions take (docs/rollout.md)",
                              key));
    }
  }
  rollout::SignalSources sources;
  auto old_route = parse_connection_url(config.old_url);
  if (!old_route) return std::unexpected(old_route.error());
  auto new_route = parse_connection_url(config.new_url);
  if (!new_route) return std::unexpected(new_route.error());
  sources.old_route = *old_route;
  sources.new_route = *new_route;
  sources.primary = primary;
  for (const std::string& text : config.pgbouncer_admin_urls) {
    auto admin = parse_connection_url(text);
    if (!admin) return std::unexpected(admin.error());
    sources.pgbouncer_admin.push_back(*admin);
  }
  sources.probe_query = config.probe_query;
  sources.probe_interval = config.probe_interval;
  sources.probe_sessions = config.probe_sessions;
  return sources;
}

Result<std::unique_ptr<rollout::Router>> rollout_router(const RolloutConfig& config,
                                                        const ConnectionUrl& target,
                                                        const std::string& migration,
                                                        const std::string& by) {
  switch (config.router) {
    case RolloutRouter::kHaproxy:
      if (config.haproxy_admin.empty()) {
        return fail(ErrorCode::kConfig,
                    "[rollout] router is \"haproxy\" but haproxy_admin is not set: give the "
                    "address of HAProxy's runtime API (a 'stats socket ... level admin')");
      }
      return rollout::haproxy_router(
          {config.haproxy_admin, config.haproxy_backend, config.old_server, config.new_server});
    case RolloutRouter::kFlag:
      return rollout::flag_router(target, config.flag.empty() ? migration : config.flag, by);
    case RolloutRouter::kCommand:
      if (config.command.empty()) {
        return fail(ErrorCode::kConfig,
                    "[rollout] router is \"command\" but command is not set: give the command "
                    "that moves the share ($1 and KEEL_ROLLOUT_PERCENT hold the percent)");
      }
      return rollout::command_router(config.command, migration);
  }
  return fail(ErrorCode::kInternal, "unknown rollout router");
}

std::string rollout_dir(const Config& config, const std::string& env, const ConnectionUrl& url) {
  return (std::filesystem::path(config.log.dir) / "rollouts" / archive::log_name(env, url))
      .string();
}

}  // namespace keel::run
