// keel: the environment manifest, the JSON file committed next to the
// migrations that records one environment's exact state.
//
// The on-disk format is specified in docs/manifest_format.md.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "keel/error.h"
#include "keel/model.h"

namespace keel {

inline constexpr int kManifestVersion = 1;

struct ServerInfo {
  std::string product;  // "postgresql", "sqlite"
  std::string version;  // "15.18"
  int major = 0;
  int minor = 0;
};

struct CollationInfo {
  std::string provider;  // "libc", "icu", "default"
  std::string collate;
  std::string ctype;
  std::string recorded_version;  // what the catalog recorded when it was created
  std::string actual_version;    // what the operating system library provides now
};

struct EncodingInfo {
  std::string encoding;         // "UTF8"
  std::string collate;          // database LC_COLLATE
  std::string ctype;            // database LC_CTYPE
  std::string locale_provider;  // "libc", "icu"
  // Collations in use: the database default ("default") and each collation a
  // column or index uses, by qualified name.
  std::map<std::string, CollationInfo> collations;
};

struct IndexStats {
  int64_t size_bytes = 0;
  double reltuples = 0;
  int64_t idx_scan = 0;
};

struct Manifest {
  std::string dialect;  // "postgresql", "sqlite"
  ServerInfo server;
  EncodingInfo encoding;
  // Settings by scope: "server" (the values in force for a new session),
  // "database" (ALTER DATABASE ... SET), "role NAME" (ALTER ROLE ... SET, for
  // any database) and "role NAME in database" (ALTER ROLE ... IN DATABASE).
  // SQLite: "pragma".
  std::map<std::string, std::map<std::string, std::string>> settings;
  model::Database schema;
  // Qualified index name -> statistics. Recorded, never hashed; compared by
  // drift only when asked to.
  std::map<std::string, IndexStats> index_statistics;
};

struct ManifestDocument {
  Manifest manifest;
  std::string schema_hash;  // "sha256:..." as read from the file
};

// Pretty, deterministic JSON with a top-level "schema_hash".
std::string manifest_to_json(const Manifest& manifest);

// Parses a manifest file's text. `source` names the file in errors.
Result<ManifestDocument> manifest_from_json(const std::string& text, const std::string& source);

Result<ManifestDocument> read_manifest_file(const std::string& path);
Result<void> write_manifest_file(const Manifest& manifest, const std::string& path);

}  // namespace keel
