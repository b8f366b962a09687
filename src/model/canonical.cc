// The canonical JSON form of the schema model and its hash.
//
// Every field is written only when it differs from its default, so adding a
// field to the model with a default does not change the hash of schemas that
// don't use it. Maps are std::map and nlohmann::json objects are sorted, so
// the output is independent of the order in which objects were read.
#include "keel/canonical.h"

#include <fmt/format.h>

#include "util/sha256.h"

namespace keel::model {
namespace {

using nlohmann::json;

template <typename T>
void put(json& j, const char* key, const T& value) {
  if (value != T{}) j[key] = value;
}

void put_number(json& j, const char* key, int64_t value, int64_t default_value) {
  if (value != default_value) j[key] = value;
}

template <typename T, typename F>
void put_map(json& j, const char* key, const std::map<std::string, T>& items, F&& convert) {
  if (items.empty()) return;
  json& out = j[key];
  out = json::object();
  for (const auto& [name, item] : items) out[name] = convert(item);
}

json column_json(const Column& c) {
  json j = json::object();
  j["position"] = c.position;
  j["type"] = c.type;
  put(j, "not_null", c.not_null);
  put(j, "default", c.default_expr);
  put(j, "identity", c.identity);
  put(j, "identity_sequence", c.identity_sequence);
  put(j, "generated", c.generated);
  put(j, "collation", c.collation);
  put(j, "comment", c.comment);
  return j;
}

json constraint_json(const Constraint& c) {
  json j = json::object();
  j["type"] = c.type;
  put(j, "definition", c.definition);
  put(j, "columns", c.columns);
  put(j, "ref_table", c.ref_table);
  put(j, "ref_columns", c.ref_columns);
  put(j, "on_update", c.on_update);
  put(j, "on_delete", c.on_delete);
  put(j, "match", c.match);
  put(j, "deferrable", c.deferrable);
  put(j, "initially_deferred", c.initially_deferred);
  if (!c.validated) j["validated"] = false;
  put(j, "comment", c.comment);
  return j;
}

json index_json(const Index& i) {
  json j = json::object();
  put(j, "definition", i.definition);
  put(j, "method", i.method);
  put(j, "unique", i.unique);
  put(j, "primary", i.primary);
  put(j, "columns", i.columns);
  put(j, "include", i.include);
  put(j, "predicate", i.predicate);
  if (!i.valid) j["valid"] = false;
  put(j, "options", i.options);
  put(j, "comment", i.comment);
  return j;
}

json trigger_json(const Trigger& t) {
  json j = json::object();
  put(j, "definition", t.definition);
  put(j, "enabled", t.enabled);
  put(j, "comment", t.comment);
  return j;
}

json policy_json(const Policy& p) {
  json j = json::object();
  put(j, "command", p.command);
  if (!p.permissive) j["permissive"] = false;
  put(j, "roles", p.roles);
  put(j, "using", p.using_expr);
  put(j, "check", p.check_expr);
  put(j, "comment", p.comment);
  return j;
}

json table_json(const Table& t) {
  json j = json::object();
  put(j, "kind", t.kind);
  put(j, "persistence", t.persistence);
  put(j, "rls_enabled", t.rls_enabled);
  put(j, "rls_forced", t.rls_forced);
  put(j, "partition_key", t.partition_key);
  put(j, "partition_bound", t.partition_bound);
  put(j, "parent", t.parent);
  put(j, "inherits", t.inherits);
  put(j, "options", t.options);
  put(j, "comment", t.comment);
  put_map(j, "columns", t.columns, column_json);
  put_map(j, "constraints", t.constraints, constraint_json);
  put_map(j, "indexes", t.indexes, index_json);
  put_map(j, "triggers", t.triggers, trigger_json);
  put_map(j, "policies", t.policies, policy_json);
  return j;
}

json view_json(const View& v) {
  json j = json::object();
  put(j, "materialized", v.materialized);
  put(j, "definition", v.definition);
  put(j, "options", v.options);
  put(j, "comment", v.comment);
  put_map(j, "indexes", v.indexes, index_json);
  put_map(j, "triggers", v.triggers, trigger_json);
  return j;
}

json sequence_json(const Sequence& s) {
  json j = json::object();
  put(j, "type", s.type);
  put_number(j, "start", s.start, 1);
  put_number(j, "increment", s.increment, 1);
  put_number(j, "min_value", s.min_value, 1);
  put_number(j, "max_value", s.max_value, 0);
  put_number(j, "cache", s.cache, 1);
  put(j, "cycle", s.cycle);
  put(j, "owned_by", s.owned_by);
  put(j, "comment", s.comment);
  return j;
}

json function_json(const Function& f) {
  json j = json::object();
  put(j, "kind", f.kind);
  put(j, "arguments", f.arguments);
  put(j, "result", f.result);
  put(j, "language", f.language);
  put(j, "volatility", f.volatility);
  put(j, "strict", f.strict);
  put(j, "security_definer", f.security_definer);
  put(j, "leakproof", f.leakproof);
  put(j, "parallel", f.parallel);
  put(j, "config", f.config);
  put(j, "body", f.body);
  put(j, "comment", f.comment);
  return j;
}

json type_json(const Type& t) {
  json j = json::object();
  put(j, "kind", t.kind);
  put(j, "labels", t.labels);
  put(j, "base_type", t.base_type);
  put(j, "not_null", t.not_null);
  put(j, "default", t.default_expr);
  put(j, "collation", t.collation);
  if (!t.checks.empty()) j["checks"] = t.checks;
  if (!t.attributes.empty()) {
    json& attrs = j["attributes"] = json::array();
    for (const auto& a : t.attributes) {
      json aj = json::object();
      aj["name"] = a.name;
      aj["type"] = a.type;
      put(aj, "collation", a.collation);
      attrs.push_back(std::move(aj));
    }
  }
  put(j, "comment", t.comment);
  return j;
}

json extension_json(const Extension& e) {
  json j = json::object();
  put(j, "version", e.version);
  put(j, "schema", e.schema);
  put(j, "comment", e.comment);
  return j;
}

json schema_json(const Schema& s) {
  json j = json::object();
  put(j, "comment", s.comment);
  put_map(j, "tables", s.tables, table_json);
  put_map(j, "views", s.views, view_json);
  put_map(j, "sequences", s.sequences, sequence_json);
  put_map(j, "functions", s.functions, function_json);
  put_map(j, "types", s.types, type_json);
  return j;
}

// ---- reading back -------------------------------------------------------

// Throws nlohmann::json exceptions on a wrong type; the caller converts them.
template <typename T>
void get(const json& j, const char* key, T& out) {
  if (auto it = j.find(key); it != j.end()) it->get_to(out);
}

template <typename T, typename F>
void get_map(const json& j, const char* key, std::map<std::string, T>& out, F&& convert) {
  auto it = j.find(key);
  if (it == j.end()) return;
  if (!it->is_object()) throw std::runtime_error(fmt::format("\"{}\" must be an object", key));
  for (const auto& [name, item] : it->items()) out.emplace(name, convert(item));
}

Column column_from(const json& j) {
  Column c;
  get(j, "position", c.position);
  get(j, "type", c.type);
  get(j, "not_null", c.not_null);
  get(j, "default", c.default_expr);
  get(j, "identity", c.identity);
  get(j, "identity_sequence", c.identity_sequence);
  get(j, "generated", c.generated);
  get(j, "collation", c.collation);
  get(j, "comment", c.comment);
  return c;
}

Constraint constraint_from(const json& j) {
  Constraint c;
  get(j, "type", c.type);
  get(j, "definition", c.definition);
  get(j, "columns", c.columns);
  get(j, "ref_table", c.ref_table);
  get(j, "ref_columns", c.ref_columns);
  get(j, "on_update", c.on_update);
  get(j, "on_delete", c.on_delete);
  get(j, "match", c.match);
  get(j, "deferrable", c.deferrable);
  get(j, "initially_deferred", c.initially_deferred);
  get(j, "validated", c.validated);
  get(j, "comment", c.comment);
  return c;
}

Index index_from(const json& j) {
  Index i;
  get(j, "definition", i.definition);
  get(j, "method", i.method);
  get(j, "unique", i.unique);
  get(j, "primary", i.primary);
  get(j, "columns", i.columns);
  get(j, "include", i.include);
  get(j, "predicate", i.predicate);
  get(j, "valid", i.valid);
  get(j, "options", i.options);
  get(j, "comment", i.comment);
  return i;
}

Trigger trigger_from(const json& j) {
  Trigger t;
  get(j, "definition", t.definition);
  get(j, "enabled", t.enabled);
  get(j, "comment", t.comment);
  return t;
}

Policy policy_from(const json& j) {
  Policy p;
  get(j, "command", p.command);
  get(j, "permissive", p.permissive);
  get(j, "roles", p.roles);
  get(j, "using", p.using_expr);
  get(j, "check", p.check_expr);
  get(j, "comment", p.comment);
  return p;
}

Table table_from(const json& j) {
  Table t;
  get(j, "kind", t.kind);
  get(j, "persistence", t.persistence);
  get(j, "rls_enabled", t.rls_enabled);
  get(j, "rls_forced", t.rls_forced);
  get(j, "partition_key", t.partition_key);
  get(j, "partition_bound", t.partition_bound);
  get(j, "parent", t.parent);
  get(j, "inherits", t.inherits);
  get(j, "options", t.options);
  get(j, "comment", t.comment);
  get_map(j, "columns", t.columns, column_from);
  get_map(j, "constraints", t.constraints, constraint_from);
  get_map(j, "indexes", t.indexes, index_from);
  get_map(j, "triggers", t.triggers, trigger_from);
  get_map(j, "policies", t.policies, policy_from);
  return t;
}

View view_from(const json& j) {
  View v;
  get(j, "materialized", v.materialized);
  get(j, "definition", v.definition);
  get(j, "options", v.options);
  get(j, "comment", v.comment);
  get_map(j, "indexes", v.indexes, index_from);
  get_map(j, "triggers", v.triggers, trigger_from);
  return v;
}

Sequence sequence_from(const json& j) {
  Sequence s;
  get(j, "type", s.type);
  get(j, "start", s.start);
  get(j, "increment", s.increment);
  get(j, "min_value", s.min_value);
  get(j, "max_value", s.max_value);
  get(j, "cache", s.cache);
  get(j, "cycle", s.cycle);
  get(j, "owned_by", s.owned_by);
  get(j, "comment", s.comment);
  return s;
}

Function function_from(const json& j) {
  Function f;
  get(j, "kind", f.kind);
  get(j, "arguments", f.arguments);
  get(j, "result", f.result);
  get(j, "language", f.language);
  get(j, "volatility", f.volatility);
  get(j, "strict", f.strict);
  get(j, "security_definer", f.security_definer);
  get(j, "leakproof", f.leakproof);
  get(j, "parallel", f.parallel);
  get(j, "config", f.config);
  get(j, "body", f.body);
  get(j, "comment", f.comment);
  return f;
}

Type type_from(const json& j) {
  Type t;
  get(j, "kind", t.kind);
  get(j, "labels", t.labels);
  get(j, "base_type", t.base_type);
  get(j, "not_null", t.not_null);
  get(j, "default", t.default_expr);
  get(j, "collation", t.collation);
  get(j, "checks", t.checks);
  if (auto it = j.find("attributes"); it != j.end()) {
    for (const auto& a : *it) {
      CompositeAttribute attr;
      get(a, "name", attr.name);
      get(a, "type", attr.type);
      get(a, "collation", attr.collation);
      t.attributes.push_back(std::move(attr));
    }
  }
  get(j, "comment", t.comment);
  return t;
}

Extension extension_from(const json& j) {
  Extension e;
  get(j, "version", e.version);
  get(j, "schema", e.schema);
  get(j, "comment", e.comment);
  return e;
}

Schema schema_from(const json& j) {
  Schema s;
  get(j, "comment", s.comment);
  get_map(j, "tables", s.tables, table_from);
  get_map(j, "views", s.views, view_from);
  get_map(j, "sequences", s.sequences, sequence_from);
  get_map(j, "functions", s.functions, function_from);
  get_map(j, "types", s.types, type_from);
  return s;
}

}  // namespace

nlohmann::json to_canonical_json(const Database& db) {
  json schema = json::object();
  put_map(schema, "schemas", db.schemas, schema_json);
  put_map(schema, "extensions", db.extensions, extension_json);
  json j = json::object();
  j["canonical_version"] = kCanonicalVersion;
  j["schema"] = std::move(schema);
  return j;
}

Result<Database> from_canonical_json(const nlohmann::json& j) {
  try {
    if (!j.is_object()) return fail(ErrorCode::kConfig, "the canonical schema must be an object");
    int version = j.value("canonical_version", 0);
    if (version != kCanonicalVersion) {
      return fail(ErrorCode::kConfig,
                  fmt::format("canonical form version {} is not supported (this keel reads "
                              "version {}); capture the baseline again with this keel",
                              version, kCanonicalVersion));
    }
    const json& schema = j.at("schema");
    Database db;
    get_map(schema, "schemas", db.schemas, schema_from);
    get_map(schema, "extensions", db.extensions, extension_from);
    return db;
  } catch (const std::exception& e) {
    return fail(ErrorCode::kConfig, fmt::format("malformed canonical schema: {}", e.what()));
  }
}

std::string hash_canonical_json(const nlohmann::json& canonical) {
  std::string text = canonical.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  return "sha256:" + util::sha256_hex(text);
}

std::string schema_hash(const Database& db) { return hash_canonical_json(to_canonical_json(db)); }

}  // namespace keel::model
