// keel verify: after a promotion, each environment compared with the
// reference; LOCKED (no drift) or DRIFTED, stored in the environment's
// keel.parity table, and on LOCKED the environment's baseline file
// rewritten so the repository holds the last verified state.
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "keel/config.h"
#include "keel/connection.h"
#include "keel/drift.h"
#include "keel/manifest.h"

namespace keel::verify {

struct Verdict {
  std::string environment;  // env name; the masked URL when given by --url
  std::string label;        // masked URL
  std::string reference;    // what it was compared with (masked)
  std::string schema_hash;
  bool locked = false;
  bool is_reference = false;            // verify --all: the reference itself
  std::vector<Difference> differences;  // drift and info
  std::string baseline_written;         // the file rewritten on LOCKED; empty when none
  std::string warning;                  // keel.parity or the baseline could not be written
  std::optional<Error> error;           // the environment could not be read: no verdict

  const char* status() const { return error ? "ERROR" : locked ? "LOCKED" : "DRIFTED"; }
};

struct Options {
  DriftOptions drift;
  // "baselines/{env}.json"; empty: no baseline file is written.
  std::string baseline_path;
  std::string verified_by;  // empty: user@host
  std::function<void(const std::string&)> progress;
};

// "baselines/{env}.json" with {env} replaced.
std::string baseline_file(const std::string& pattern, const std::string& environment);

// One line per difference, as keel drift prints it.
std::string describe(const Difference& difference);

// Compares `url` (named `environment`; empty when none: no baseline file)
// with `reference`, records the verdict in its keel.parity and, on LOCKED,
// writes its baseline file. A failure to read the environment is an error;
// a failure to record or write is Verdict::warning.
Result<Verdict> verify_one(const Config& config, const std::string& environment,
                           const ConnectionUrl& url, const Manifest& reference,
                           const std::string& reference_label, const Options& options);

// [parity] environments, each against the reference (the first, or
// [parity] reference), whose own verdict is LOCKED as the reference. An
// environment that cannot be read gets a Verdict with its error; the others
// are still verified. When the reference cannot be read, every environment
// gets a Verdict with an error (the reference's own, the others "not
// compared"). An error result is left for a bad [parity] config.
Result<std::vector<Verdict>> verify_all(const Config& config, const Options& options);

}  // namespace keel::verify
