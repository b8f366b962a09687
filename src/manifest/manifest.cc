// The manifest file: pretty, deterministic JSON (docs/manifest_format.md).
#include "keel/manifest.h"

#include <fmt/format.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "keel/canonical.h"

namespace keel {
namespace {

using nlohmann::json;

// Partition layouts, derived from the schema: parent -> key and partitions.
json partition_layouts(const model::Database& db) {
  json out = json::object();
  for (const auto& [schema_name, schema] : db.schemas) {
    for (const auto& [table_name, table] : schema.tables) {
      std::string name = schema_name + "." + table_name;
      if (!table.partition_key.empty()) out[name]["key"] = table.partition_key;
      if (!table.parent.empty()) {
        json& parts = out[table.parent]["partitions"];
        if (parts.is_null()) parts = json::object();
        parts[name] = table.partition_bound;
      }
    }
  }
  return out;
}

json encoding_json(const EncodingInfo& e) {
  json j = json::object();
  j["encoding"] = e.encoding;
  j["lc_collate"] = e.collate;
  j["lc_ctype"] = e.ctype;
  j["locale_provider"] = e.locale_provider;
  json& collations = j["collations"] = json::object();
  for (const auto& [name, c] : e.collations) {
    collations[name] = {{"provider", c.provider},
                        {"collate", c.collate},
                        {"ctype", c.ctype},
                        {"recorded_version", c.recorded_version},
                        {"actual_version", c.actual_version}};
  }
  return j;
}

template <typename T>
void get(const json& j, const char* key, T& out) {
  if (auto it = j.find(key); it != j.end() && !it->is_null()) it->get_to(out);
}

}  // namespace

std::string manifest_to_json(const Manifest& m) {
  json canonical = model::to_canonical_json(m.schema);
  json j = json::object();
  j["keel_manifest"] = kManifestVersion;
  j["schema_hash"] = model::hash_canonical_json(canonical);
  j["dialect"] = m.dialect;
  j["server"] = {{"product", m.server.product},
                 {"version", m.server.version},
                 {"major", m.server.major},
                 {"minor", m.server.minor}};
  j["encoding"] = encoding_json(m.encoding);
  j["settings"] = m.settings;
  json extensions = json::object();
  for (const auto& [name, e] : m.schema.extensions) extensions[name] = e.version;
  j["extensions"] = std::move(extensions);
  j["partitions"] = partition_layouts(m.schema);
  json stats = json::object();
  for (const auto& [name, s] : m.index_statistics) {
    stats[name] = {
        {"size_bytes", s.size_bytes}, {"reltuples", s.reltuples}, {"idx_scan", s.idx_scan}};
  }
  j["index_statistics"] = std::move(stats);
  j["schema"] = std::move(canonical);
  return j.dump(2, ' ', false, json::error_handler_t::replace) + "\n";
}

Result<ManifestDocument> manifest_from_json(const std::string& text, const std::string& source) {
  json j;
  try {
    j = json::parse(text);
  } catch (const json::parse_error& e) {
    return fail(ErrorCode::kConfig,
                fmt::format("not valid JSON ({}); restore it from git or capture it again with "
                            "'keel baseline capture'",
                            e.what()),
                source);
  }
  if (!j.is_object() || j.value("keel_manifest", 0) == 0) {
    return fail(ErrorCode::kConfig,
                "not a keel manifest (no \"keel_manifest\" member); write one with 'keel baseline "
                "capture -o FILE'",
                source);
  }
  if (int version = j.value("keel_manifest", 0); version != kManifestVersion) {
    return fail(ErrorCode::kConfig,
                fmt::format("manifest format {} is not supported by this keel (reads {})", version,
                            kManifestVersion),
                source);
  }
  ManifestDocument doc;
  Manifest& m = doc.manifest;
  try {
    get(j, "schema_hash", doc.schema_hash);
    get(j, "dialect", m.dialect);
    if (auto it = j.find("server"); it != j.end()) {
      get(*it, "product", m.server.product);
      get(*it, "version", m.server.version);
      get(*it, "major", m.server.major);
      get(*it, "minor", m.server.minor);
    }
    if (auto it = j.find("encoding"); it != j.end()) {
      get(*it, "encoding", m.encoding.encoding);
      get(*it, "lc_collate", m.encoding.collate);
      get(*it, "lc_ctype", m.encoding.ctype);
      get(*it, "locale_provider", m.encoding.locale_provider);
      if (auto c = it->find("collations"); c != it->end()) {
        for (const auto& [name, cj] : c->items()) {
          CollationInfo info;
          get(cj, "provider", info.provider);
          get(cj, "collate", info.collate);
          get(cj, "ctype", info.ctype);
          get(cj, "recorded_version", info.recorded_version);
          get(cj, "actual_version", info.actual_version);
          m.encoding.collations.emplace(name, std::move(info));
        }
      }
    }
    get(j, "settings", m.settings);
    if (auto it = j.find("index_statistics"); it != j.end()) {
      for (const auto& [name, sj] : it->items()) {
        IndexStats s;
        get(sj, "size_bytes", s.size_bytes);
        get(sj, "reltuples", s.reltuples);
        get(sj, "idx_scan", s.idx_scan);
        m.index_statistics.emplace(name, s);
      }
    }
  } catch (const json::exception& e) {
    return fail(ErrorCode::kConfig, fmt::format("malformed manifest: {}", e.what()), source);
  }
  auto schema_it = j.find("schema");
  if (schema_it == j.end()) {
    return fail(ErrorCode::kConfig, "malformed manifest: no \"schema\" member", source);
  }
  auto schema = model::from_canonical_json(*schema_it);
  if (!schema) {
    Error e = schema.error();
    e.context = source;
    return std::unexpected(e);
  }
  m.schema = std::move(*schema);
  // Recomputed from the model read back, so a field this keel does not know
  // (or a hand edit) is caught rather than silently dropped.
  std::string recomputed = model::schema_hash(m.schema);
  if (doc.schema_hash != recomputed) {
    return fail(ErrorCode::kConfig,
                fmt::format("schema_hash {} does not match its schema ({}): the file was edited "
                            "by hand or damaged; restore it from git or capture it again",
                            doc.schema_hash.empty() ? "(missing)" : doc.schema_hash, recomputed),
                source);
  }
  return doc;
}

Result<ManifestDocument> read_manifest_file(const std::string& path) {
  std::error_code ec;
  if (std::filesystem::is_directory(path, ec)) {
    return fail(ErrorCode::kUsage,
                "is a directory, not a manifest file; pass a manifest FILE (such as "
                "baselines/<env>.json, written by 'keel baseline capture -o FILE'), a URL or "
                "env:NAME",
                path);
  }
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    return fail(ErrorCode::kIo,
                "cannot read the manifest file; check the path, or write it with 'keel baseline "
                "capture -o FILE'",
                path);
  }
  std::ostringstream text;
  text << in.rdbuf();
  return manifest_from_json(text.str(), path);
}

Result<void> write_manifest_file(const Manifest& manifest, const std::string& path) {
  namespace fs = std::filesystem;
  std::error_code ec;
  fs::path target(path);
  if (target.has_parent_path()) fs::create_directories(target.parent_path(), ec);
  // Write to a temporary file and rename it over the target: a crash never
  // leaves a half-written manifest behind.
  fs::path tmp = target;
  tmp += ".tmp";
  {
    std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
    if (!out) return fail(ErrorCode::kIo, "cannot write the manifest file", tmp.string());
    out << manifest_to_json(manifest);
    out.flush();
    if (!out) return fail(ErrorCode::kIo, "writing the manifest file failed", tmp.string());
  }
  fs::rename(tmp, target, ec);
  if (ec) {
    fs::remove(tmp, ec);
    return fail(ErrorCode::kIo, fmt::format("cannot replace the manifest file: {}", ec.message()),
                path);
  }
  return {};
}

}  // namespace keel
