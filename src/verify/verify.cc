// keel verify: parity verdicts per environment (no CLI code here).
#include "keel/verify.h"

#include <fmt/format.h>

#include <filesystem>

#include "keel/canonical.h"
#include "keel/environment.h"
#include "keel/ledger.h"
#include "keel/migrate.h"

namespace keel::verify {
namespace {

void say(const Options& options, const std::string& line) {
  if (options.progress) options.progress(line);
}

// Records the verdict in keel.parity and writes the baseline file; what
// fails becomes a warning (the verdict stands).
void record(const Config& config, const ConnectionUrl& url, const Manifest& manifest,
            const Options& options, Verdict& verdict) {
  std::vector<std::string> warnings;
  auto ledger = ledger::open_ledger(url);
  if (ledger) {
    ledger::ParityRow row;
    row.environment = verdict.environment;
    row.schema_hash = verdict.schema_hash;
    row.status = verdict.status();
    row.reference = verdict.reference;
    for (const Difference& d : verdict.differences) {
      if (!d.info) row.differences.push_back(describe(d));
    }
    row.verified_by =
        options.verified_by.empty() ? migrate::default_applied_by() : options.verified_by;
    row.keel_version = KEEL_VERSION;
    if (auto ok = (*ledger)->record_parity(row); !ok) {
      warnings.push_back("could not record the verdict in keel.parity: " + ok.error().to_string());
    }
  } else {
    warnings.push_back("could not record the verdict in keel.parity: " +
                       ledger.error().to_string());
  }
  if (verdict.locked && !verdict.environment.empty() && !options.baseline_path.empty() &&
      config.environments.contains(verdict.environment)) {
    const std::string path = baseline_file(options.baseline_path, verdict.environment);
    std::error_code ec;
    std::filesystem::path parent = std::filesystem::path(path).parent_path();
    if (!parent.empty()) std::filesystem::create_directories(parent, ec);
    if (auto ok = write_manifest_file(manifest, path); ok) {
      verdict.baseline_written = path;
    } else {
      warnings.push_back("could not write the baseline: " + ok.error().to_string());
    }
  }
  for (const std::string& w : warnings) {
    verdict.warning += (verdict.warning.empty() ? "" : "; ") + w;
  }
}

}  // namespace

std::string baseline_file(const std::string& pattern, const std::string& environment) {
  std::string out = pattern;
  for (size_t at = out.find("{env}"); at != std::string::npos; at = out.find("{env}", at)) {
    out.replace(at, 5, environment);
    at += environment.size();
  }
  return out;
}

std::string describe(const Difference& d) {
  // "server version server: ..." names the object once.
  std::string head =
      d.kind == d.object
          ? fmt::format("{}{} {}", d.info ? "(info) " : "", d.category, d.object)
          : fmt::format("{}{} {} {}", d.info ? "(info) " : "", d.category, d.kind, d.object);
  if (d.property == "presence") {
    return fmt::format("{}: {}", head,
                       d.actual == "missing" ? "missing (present in the reference)"
                                             : "unexpected (not in the reference)");
  }
  auto flat = [](std::string text) {
    for (char& c : text) {
      if (c == '\n') c = ' ';
    }
    return text;
  };
  return fmt::format("{}: {}: {} -> {}", head, d.property, flat(d.expected), flat(d.actual));
}

Result<Verdict> verify_one(const Config& config, const std::string& environment,
                           const ConnectionUrl& url, const Manifest& reference,
                           const std::string& reference_label, const Options& options) {
  say(options, fmt::format("capturing {} ...", url.masked));
  auto manifest = capture_manifest(url, config);
  if (!manifest) return std::unexpected(manifest.error());
  if (auto same = check_same_dialect(reference, *manifest, reference_label, url.masked); !same) {
    return std::unexpected(same.error());
  }
  Verdict verdict;
  verdict.environment = environment.empty() ? url.masked : environment;
  verdict.label = url.masked;
  verdict.reference = reference_label;
  verdict.schema_hash = model::schema_hash(manifest->schema);
  verdict.differences = compare_manifests(reference, *manifest, options.drift);
  verdict.locked = drift_count(verdict.differences) == 0;
  record(config, url, *manifest, options, verdict);
  return verdict;
}

Result<std::vector<Verdict>> verify_all(const Config& config, const Options& options) {
  const ParityConfig& parity = config.parity;
  if (parity.environments.empty()) {
    return fail(ErrorCode::kConfig,
                "verify --all needs [parity] environments = [\"dev\", \"staging\", \"prod\"] in "
                "keel.toml",
                config.path);
  }
  const std::string reference_env =
      parity.reference.empty() ? parity.environments.front() : parity.reference;
  auto reference_url = resolve_target(config, reference_env, "");
  if (!reference_url) return std::unexpected(reference_url.error());
  say(options, fmt::format("capturing the reference {} ...", reference_env));
  auto reference = capture_manifest(*reference_url, config);
  const std::string reference_label = "env:" + reference_env;
  if (!reference) {
    // No verdict for anyone: each environment says why, so that the summary
    // and the parity.error events name them all.
    std::vector<Verdict> verdicts;
    for (const std::string& env : parity.environments) {
      auto url = resolve_target(config, env, "");
      if (!url) return std::unexpected(url.error());
      Verdict failed;
      failed.environment = env;
      failed.label = url->masked;
      failed.reference = reference_label;
      failed.is_reference = env == reference_env;
      failed.error = reference.error();
      if (env != reference_env) {
        failed.error->message = fmt::format("not compared: the reference {} could not be read: {}",
                                            reference_env, reference.error().message);
      }
      verdicts.push_back(std::move(failed));
    }
    return verdicts;
  }

  std::vector<Verdict> verdicts;
  for (const std::string& env : parity.environments) {
    auto url = resolve_target(config, env, "");
    if (!url) return std::unexpected(url.error());
    if (env == reference_env) {
      Verdict verdict;
      verdict.environment = env;
      verdict.label = url->masked;
      verdict.reference = reference_label;
      verdict.schema_hash = model::schema_hash(reference->schema);
      verdict.locked = true;
      verdict.is_reference = true;
      record(config, *url, *reference, options, verdict);
      verdicts.push_back(std::move(verdict));
      continue;
    }
    auto verdict = verify_one(config, env, *url, *reference, reference_label, options);
    if (!verdict) {
      Verdict failed;
      failed.environment = env;
      failed.label = url->masked;
      failed.reference = reference_label;
      failed.error = verdict.error();
      verdicts.push_back(std::move(failed));
      continue;
    }
    verdicts.push_back(std::move(*verdict));
  }
  return verdicts;
}

}  // namespace keel::verify
