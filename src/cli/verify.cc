// keel verify [--env E | --url U] --against env:NAME | URL | FILE
// keel verify --all            ([parity] environments against the reference)
#include "keel/verify.h"

#include <fmt/format.h>

#include <algorithm>
#include <iostream>

#include "cli/differences.h"
#include "keel/archive.h"
#include "keel/environment.h"

namespace keel::cli {
namespace {

struct VerifyArgs {
  std::string against;
  bool all = false;
  bool no_baseline = false;
};

// The last line: LOCKED; BROKEN, naming the environments that could not be
// verified too; or UNKNOWN, naming them.
std::string summary(const std::vector<verify::Verdict>& verdicts) {
  size_t drifted = 0;
  std::string unverified;  // "staging, prod"
  size_t unverified_count = 0;
  for (const auto& v : verdicts) {
    if (v.error) {
      unverified += (unverified.empty() ? "" : ", ") + v.environment;
      ++unverified_count;
    } else if (!v.locked) {
      ++drifted;
    }
  }
  const size_t n = verdicts.size();
  const char* s = n == 1 ? "" : "s";
  if (drifted > 0 && unverified_count > 0) {
    return fmt::format(
        "PARITY BROKEN: {} of {} environment{} DRIFTED, {} could not be verified ({})", drifted, n,
        s, unverified_count, unverified);
  }
  if (drifted > 0)
    return fmt::format("PARITY BROKEN: {} of {} environment{} DRIFTED", drifted, n, s);
  if (unverified_count > 0) {
    return fmt::format("PARITY UNKNOWN: {} of {} environment{} could not be verified ({})",
                       unverified_count, n, s, unverified);
  }
  return fmt::format("PARITY LOCKED: {} environment{} verified", n, s);
}

void print_verdict(const verify::Verdict& v) {
  if (v.error) {
    std::cout << fmt::format("{:<8} {}: could not verify: {}\n", v.status(), v.environment,
                             v.error->to_string());
    return;
  }
  size_t n = drift_count(v.differences);
  std::cout << fmt::format(
      "{:<8} {} ({}){}\n", v.status(), v.environment, v.schema_hash,
      v.is_reference ? ": the reference"
      : n == 0       ? fmt::format(": same schema as {}", v.reference)
                     : fmt::format(": {} difference{} from {}", n, n == 1 ? "" : "s", v.reference));
  if (n > 0) print_differences(v.differences);
  if (!v.baseline_written.empty()) {
    std::cout << fmt::format("         baseline written: {}\n", v.baseline_written);
  }
  if (!v.warning.empty())
    std::cerr << "keel: warning: " << v.environment << ": " << v.warning << "\n";
}

int run(const GlobalOptions& options, const VerifyArgs& args) {
  auto config = load(options);
  if (!config) return report(options, config.error());
  verify::Options verify_options = run::verify_options(
      *config, !args.no_baseline, [&options](const std::string& line) { note(options, line); });

  std::vector<verify::Verdict> verdicts;
  if (args.all) {
    if (!args.against.empty() || !options.env.empty() || !options.url.empty()) {
      return report(options, Error{ErrorCode::kUsage,
                                   "--all compares [parity] environments with their reference; "
                                   "leave out --env, --url and --against",
                                   {},
                                   {}});
    }
    auto all = verify::verify_all(*config, verify_options);
    if (!all) return report(options, all.error());
    verdicts = std::move(*all);
  } else {
    if (args.against.empty()) {
      return report(options, Error{ErrorCode::kUsage,
                                   "pass --against env:NAME | URL | FILE, or --all with [parity] "
                                   "environments in keel.toml",
                                   {},
                                   {}});
    }
    auto target = resolve_target(*config, options.env, options.url);
    if (!target) return report(options, target.error());
    std::string reference_label;
    note(options, fmt::format("reading reference {} ...", mask_url(args.against)));
    auto reference = load_reference(args.against, *config, reference_label);
    if (!reference) return report(options, reference.error());
    const std::string environment = options.url.empty() ? options.env : "";
    auto verdict = verify::verify_one(*config, environment, *target, *reference, reference_label,
                                      verify_options);
    if (!verdict) {
      notifier(options, *config)(
          run::parity_error(environment.empty() ? target->masked : environment, reference_label,
                            verdict.error(), archive::config_secrets(*config)));
      return report(options, verdict.error());
    }
    verdicts.push_back(std::move(*verdict));
  }

  int status = kExitOk;
  run::Observer observer = notifier(options, *config);
  for (const verify::Verdict& v : verdicts) {
    if (v.error) {
      if (status == kExitOk) status = exit_status(v.error->code);
      remember_error(*v.error, v.environment);  // for this environment's run record
    } else if (!v.locked) {
      status = kExitGate;
    }
    observer(run::parity_event(v, archive::config_secrets(*config)));
  }
  if (options.json()) {
    print_json(run::verify_json(verdicts, status == kExitOk));
  } else {
    for (const auto& v : verdicts) print_verdict(v);
    std::cout << summary(verdicts) << "\n";
  }
  // Drift outranks an unreachable environment: both fail the pipeline.
  for (const auto& v : verdicts) {
    if (!v.error && !v.locked) return kExitGate;
  }
  return status;
}

}  // namespace

void add_verify(CLI::App& app, GlobalOptions& options, Invocation& invocation) {
  auto args = std::make_shared<VerifyArgs>();
  CLI::App* verify = app.add_subcommand(
      "verify",
      "After a promotion: LOCKED or DRIFTED per environment, stored in keel.parity; the baseline "
      "file rewritten on LOCKED (exit 3 on drift)");
  verify->add_option("--against", args->against, "Reference: env:NAME, URL, or manifest FILE");
  verify->add_flag("--all", args->all,
                   "Every environment of [parity] environments against the reference");
  verify->add_flag("--no-baseline", args->no_baseline, "Do not rewrite baseline files");
  verify->callback([&, args] {
    invocation.run = [&, args] { return run(options, *args); };
    // verify --all acts on each of [parity] environments.
    if (args->all) {
      invocation.targets = [](const Config& config) {
        std::vector<TargetSpec> out;
        for (const std::string& env : config.parity.environments) out.emplace_back(env, "");
        return out;
      };
    }
  });
}

}  // namespace keel::cli
