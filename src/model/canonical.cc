// The canonical JSON form of the schema model and its hash.
//
// Every field is written only when it differs from its default, so adding a
// field to the model with a default does not change the hash of schemas that
// don't use it. Maps are std::map and nlohmann::json objects are sorted, so
// the output is independent of the order in which objects were read. What is
// written is defined once, in canonical_emit.h.
#include "keel/canonical.h"

#include <fmt/format.h>
#include <openssl/evp.h>

#include <array>
#include <cassert>

#include "model/canonical_emit.h"
#include "util/sha256.h"
#include "util/utf8.h"

namespace keel::model {
namespace {

using nlohmann::json;

// Builds the nlohmann::json tree.
class JsonSink {
 public:
  json take() { return std::move(root_); }
  // The JSON form always keeps positions (diff needs the order).
  bool positions() const { return true; }
  void key(std::string_view k) { key_ = k; }
  void string(const std::string& v) { place(v); }
  void boolean(bool v) { place(v); }
  void number(int64_t v) { place(v); }
  void begin_object() { stack_.push_back(&place(json::object())); }
  void begin_array() { stack_.push_back(&place(json::array())); }
  void end_object() { stack_.pop_back(); }
  void end_array() { stack_.pop_back(); }

 private:
  json& place(json value) {
    if (stack_.empty()) return root_ = std::move(value);
    json& top = *stack_.back();
    if (top.is_array()) {
      top.push_back(std::move(value));
      return top.back();
    }
    return top[key_] = std::move(value);
  }
  json root_;
  std::vector<json*> stack_;
  std::string key_;
};

// Streams the compact JSON text (as nlohmann's dump(-1) writes it) into
// SHA-256, a buffer at a time.
class HashSink {
 public:
  explicit HashSink(bool positions) : ctx_(EVP_MD_CTX_new()), positions_(positions) {
    EVP_DigestInit_ex(ctx_, EVP_sha256(), nullptr);
  }
  bool positions() const { return positions_; }
  ~HashSink() { EVP_MD_CTX_free(ctx_); }
  HashSink(const HashSink&) = delete;
  HashSink& operator=(const HashSink&) = delete;

  void key(std::string_view k) {
    separate();
#ifndef NDEBUG
    assert(last_key_.back().empty() || k > last_key_.back());  // byte order, see emit.h
    last_key_.back() = std::string(k);
#endif
    escaped(k);
    buffer_ += ':';
    after_key_ = true;
  }
  void string(const std::string& v) {
    value();
    escaped(v);
  }
  void boolean(bool v) {
    value();
    buffer_ += v ? "true" : "false";
  }
  void number(int64_t v) {
    value();
    buffer_ += std::to_string(v);
  }
  void begin_object() { open('{'); }
  void begin_array() { open('['); }
  void end_object() { close('}'); }
  void end_array() { close(']'); }

  std::string finish() {
    flush();
    std::array<unsigned char, EVP_MAX_MD_SIZE> digest{};
    unsigned int length = 0;
    EVP_DigestFinal_ex(ctx_, digest.data(), &length);
    return "sha256:" +
           util::hex(std::string_view(reinterpret_cast<const char*>(digest.data()), length));
  }

 private:
  void separate() {
    if (!first_.back()) buffer_ += ',';
    first_.back() = false;
  }
  void value() {
    if (after_key_) {
      after_key_ = false;
    } else if (!first_.empty()) {
      separate();
    }
    if (buffer_.size() > (1 << 16)) flush();
  }
  void open(char c) {
    value();
    buffer_ += c;
    first_.push_back(true);
#ifndef NDEBUG
    last_key_.emplace_back();
#endif
  }
  void close(char c) {
    buffer_ += c;
    first_.pop_back();
#ifndef NDEBUG
    last_key_.pop_back();
#endif
  }
  void flush() {
    EVP_DigestUpdate(ctx_, buffer_.data(), buffer_.size());
    buffer_.clear();
  }
  // As nlohmann::json's dump(-1, ' ', false, replace) escapes a string.
  // Runs of plain bytes are appended at once: this is the hot loop of
  // `baseline hash` on large schemas.
  void escaped(std::string_view s) {
    bool ascii = true;
    for (char ch : s) ascii = ascii && static_cast<unsigned char>(ch) < 0x80;
    if (!ascii && !util::is_valid_utf8(s)) {
      buffer_ += json(std::string(s)).dump(-1, ' ', false, json::error_handler_t::replace);
      return;
    }
    buffer_ += '"';
    size_t run = 0;
    for (size_t i = 0; i < s.size(); ++i) {
      auto c = static_cast<unsigned char>(s[i]);
      if (c >= 0x20 && c != '"' && c != '\\') continue;
      buffer_.append(s.data() + run, i - run);
      run = i + 1;
      switch (c) {
        case '"':
          buffer_ += "\\\"";
          break;
        case '\\':
          buffer_ += "\\\\";
          break;
        case '\b':
          buffer_ += "\\b";
          break;
        case '\f':
          buffer_ += "\\f";
          break;
        case '\n':
          buffer_ += "\\n";
          break;
        case '\r':
          buffer_ += "\\r";
          break;
        case '\t':
          buffer_ += "\\t";
          break;
        default:
          buffer_ += fmt::format("\\u{:04x}", c);
      }
    }
    buffer_.append(s.data() + run, s.size() - run);
    buffer_ += '"';
  }

  EVP_MD_CTX* ctx_;
  bool positions_ = true;
  std::string buffer_;
  std::vector<bool> first_;
#ifndef NDEBUG
  std::vector<std::string> last_key_;  // per open object, to check the key order
#endif
  bool after_key_ = false;
};

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
  get(j, "storage", c.storage);
  get(j, "default_storage", c.default_storage);
  get(j, "compression", c.compression);
  get(j, "statistics", c.statistics);
  get(j, "options", c.options);
  get(j, "dialect_options", c.dialect_options);
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

Statistics statistics_from(const json& j) {
  Statistics x;
  get(j, "definition", x.definition);
  get(j, "target", x.target);
  get(j, "comment", x.comment);
  return x;
}

Rule rule_from(const json& j) {
  Rule r;
  get(j, "definition", r.definition);
  get(j, "enabled", r.enabled);
  get(j, "comment", r.comment);
  return r;
}

Publication publication_from(const json& j) {
  Publication p;
  get(j, "all_tables", p.all_tables);
  get(j, "schemas", p.schemas);
  get(j, "tables", p.tables);
  get(j, "publish", p.publish);
  get(j, "via_root", p.via_root);
  get(j, "comment", p.comment);
  return p;
}

EventTrigger event_trigger_from(const json& j) {
  EventTrigger e;
  get(j, "event", e.event);
  get(j, "function", e.function);
  get(j, "tags", e.tags);
  get(j, "enabled", e.enabled);
  get(j, "comment", e.comment);
  return e;
}

Cast cast_from(const json& j) {
  Cast c;
  get(j, "method", c.method);
  get(j, "context", c.context);
  get(j, "comment", c.comment);
  return c;
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
  get(j, "toast_options", t.toast_options);
  get(j, "replica_identity", t.replica_identity);
  get(j, "cluster_index", t.cluster_index);
  get(j, "of_type", t.of_type);
  get(j, "comment", t.comment);
  get(j, "dialect_options", t.dialect_options);
  get_map(j, "columns", t.columns, column_from);
  get_map(j, "constraints", t.constraints, constraint_from);
  get_map(j, "indexes", t.indexes, index_from);
  get_map(j, "triggers", t.triggers, trigger_from);
  get_map(j, "policies", t.policies, policy_from);
  get_map(j, "statistics_objects", t.statistics, statistics_from);
  get_map(j, "rules", t.rules, rule_from);
  return t;
}

View view_from(const json& j) {
  View v;
  get(j, "materialized", v.materialized);
  get(j, "with_no_data", v.with_no_data);
  get(j, "definition", v.definition);
  get(j, "options", v.options);
  get(j, "comment", v.comment);
  get(j, "column_comments", v.column_comments);
  get(j, "column_defaults", v.column_defaults);
  get_map(j, "indexes", v.indexes, index_from);
  get_map(j, "triggers", v.triggers, trigger_from);
  get_map(j, "rules", v.rules, rule_from);
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
  get(j, "persistence", s.persistence);
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
  get(j, "cost", f.cost);
  get(j, "rows", f.rows);
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
  get(j, "subtype_diff", t.subtype_diff);
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

Collation collation_from(const json& j) {
  Collation c;
  get(j, "provider", c.provider);
  get(j, "locale", c.locale);
  get(j, "deterministic", c.deterministic);
  get(j, "comment", c.comment);
  return c;
}

Schema schema_from(const json& j) {
  Schema s;
  get(j, "comment", s.comment);
  get_map(j, "collations", s.collations, collation_from);
  get_map(j, "tables", s.tables, table_from);
  get_map(j, "views", s.views, view_from);
  get_map(j, "sequences", s.sequences, sequence_from);
  get_map(j, "functions", s.functions, function_from);
  get_map(j, "types", s.types, type_from);
  return s;
}

}  // namespace

nlohmann::json to_canonical_json(const Database& db) {
  JsonSink sink;
  emit::database(sink, db);
  return sink.take();
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
    db.ignore_column_order = j.value("column_order", "") == "ignore";
    get_map(schema, "schemas", db.schemas, schema_from);
    get_map(schema, "extensions", db.extensions, extension_from);
    get_map(schema, "publications", db.publications, publication_from);
    get_map(schema, "event_triggers", db.event_triggers, event_trigger_from);
    get_map(schema, "casts", db.casts, cast_from);
    return db;
  } catch (const std::exception& e) {
    return fail(ErrorCode::kConfig, fmt::format("malformed canonical schema: {}", e.what()));
  }
}

std::string hash_canonical_json(const nlohmann::json& canonical) {
  if (canonical.is_object() && canonical.value("column_order", "") == "ignore") {
    // As the streaming hash: columns without their positions.
    json copy = canonical;
    auto child = [](json& j, const char* key) -> json* {
      auto it = j.is_object() ? j.find(key) : j.end();
      return it == j.end() || !it->is_object() ? nullptr : &*it;
    };
    json none = json::object();
    json* schemas = child(copy, "schema");
    if (schemas != nullptr) schemas = child(*schemas, "schemas");
    for (auto& [sname, s] : (schemas ? *schemas : none).items()) {
      json* tables = child(s, "tables");
      for (auto& [tname, t] : (tables ? *tables : none).items()) {
        json* columns = child(t, "columns");
        for (auto& [cname, c] : (columns ? *columns : none).items()) {
          if (c.is_object()) c.erase("position");
        }
      }
    }
    return "sha256:" +
           util::sha256_hex(copy.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace));
  }
  std::string text = canonical.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  return "sha256:" + util::sha256_hex(text);
}

std::string schema_hash(const Database& db) {
  HashSink sink(!db.ignore_column_order);
  emit::database(sink, db);
  return sink.finish();
}

}  // namespace keel::model
