// keel: comparing two manifests and naming every difference.
#pragma once

#include <string>
#include <vector>

#include "keel/manifest.h"

namespace keel {

struct Difference {
  std::string
      category;        // "schema", "settings", "extensions", "encoding/collation", "server version"
  std::string object;  // qualified name: "public.users.email"
  std::string kind;    // "column", "table", "setting" ...
  std::string property;  // "not_null", "presence", ...
  std::string expected;  // from the reference ("against")
  std::string actual;    // from the environment being checked
  bool info = false;     // reported, but not drift (a minor server version, say)
};

struct DriftOptions {
  bool strict_server_version = false;  // minor server version differences count as drift
  bool include_index_stats = false;    // compare index statistics too
  bool ignore_column_order = false;    // a different column order is info, not drift
};

// Manifests of two dialects have nothing in common to compare (every object
// and setting would differ): a usage error naming both sides.
Result<void> check_same_dialect(const Manifest& expected, const Manifest& actual,
                                const std::string& expected_label, const std::string& actual_label);

std::vector<Difference> compare_manifests(const Manifest& expected, const Manifest& actual,
                                          const DriftOptions& options);

// Number of differences that are drift (not info).
size_t drift_count(const std::vector<Difference>& differences);

}  // namespace keel
