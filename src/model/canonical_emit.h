// The canonical form, written once for two sinks: JsonSink builds the
// nlohmann::json tree (manifests, drift), HashSink streams the compact text
// straight into SHA-256 without building a tree (baseline hash on 10,000
// tables). The emit functions write each object's keys in byte order, which
// is the order nlohmann::json sorts them in, so both sinks yield the same text;
// HashSink checks the order in debug builds and canonical_test.cc compares the
// two outputs.
//
// A field is written only when it differs from its default.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "keel/model.h"

namespace keel::model::emit {

template <typename S>
void text(S& s, std::string_view key, const std::string& value) {
  if (value.empty()) return;
  s.key(key);
  s.string(value);
}

template <typename S>
void flag(S& s, std::string_view key, bool value, bool default_value = false) {
  if (value == default_value) return;
  s.key(key);
  s.boolean(value);
}

template <typename S>
void number(S& s, std::string_view key, int64_t value, int64_t default_value) {
  if (value == default_value) return;
  s.key(key);
  s.number(value);
}

template <typename S>
void list(S& s, std::string_view key, const std::vector<std::string>& values) {
  if (values.empty()) return;
  s.key(key);
  s.begin_array();
  for (const auto& v : values) s.string(v);
  s.end_array();
}

template <typename S, typename T, typename F>
void members(S& s, std::string_view key, const std::map<std::string, T>& items, F&& write) {
  if (items.empty()) return;
  s.key(key);
  s.begin_object();
  for (const auto& [name, item] : items) {
    s.key(name);
    write(s, item);
  }
  s.end_object();
}

// {"name": "value", ...}; nothing when empty.
template <typename S>
void dictionary(S& s, std::string_view key, const std::map<std::string, std::string>& values) {
  members(s, key, values, [](S& sink, const std::string& value) { sink.string(value); });
}

template <typename S>
void column(S& s, const Column& c) {
  s.begin_object();
  text(s, "collation", c.collation);
  text(s, "comment", c.comment);
  text(s, "compression", c.compression);
  text(s, "default", c.default_expr);
  text(s, "default_storage", c.default_storage);
  dictionary(s, "dialect_options", c.dialect_options);
  text(s, "generated", c.generated);
  text(s, "identity", c.identity);
  text(s, "identity_sequence", c.identity_sequence);
  flag(s, "not_null", c.not_null);
  text(s, "options", c.options);
  if (s.positions()) {
    s.key("position");
    s.number(c.position);
  }
  number(s, "statistics", c.statistics, -1);
  text(s, "storage", c.storage);
  s.key("type");
  s.string(c.type);
  s.end_object();
}

template <typename S>
void constraint(S& s, const Constraint& c) {
  s.begin_object();
  list(s, "columns", c.columns);
  text(s, "comment", c.comment);
  flag(s, "deferrable", c.deferrable);
  text(s, "definition", c.definition);
  flag(s, "initially_deferred", c.initially_deferred);
  text(s, "match", c.match);
  text(s, "on_delete", c.on_delete);
  text(s, "on_update", c.on_update);
  list(s, "ref_columns", c.ref_columns);
  text(s, "ref_table", c.ref_table);
  s.key("type");
  s.string(c.type);
  flag(s, "validated", c.validated, true);
  s.end_object();
}

template <typename S>
void index(S& s, const Index& i) {
  s.begin_object();
  list(s, "columns", i.columns);
  text(s, "comment", i.comment);
  text(s, "definition", i.definition);
  list(s, "include", i.include);
  text(s, "method", i.method);
  text(s, "options", i.options);
  text(s, "predicate", i.predicate);
  flag(s, "primary", i.primary);
  flag(s, "unique", i.unique);
  flag(s, "valid", i.valid, true);
  s.end_object();
}

template <typename S>
void trigger(S& s, const Trigger& t) {
  s.begin_object();
  text(s, "comment", t.comment);
  text(s, "definition", t.definition);
  text(s, "enabled", t.enabled);
  s.end_object();
}

template <typename S>
void policy(S& s, const Policy& p) {
  s.begin_object();
  text(s, "check", p.check_expr);
  text(s, "command", p.command);
  text(s, "comment", p.comment);
  flag(s, "permissive", p.permissive, true);
  list(s, "roles", p.roles);
  text(s, "using", p.using_expr);
  s.end_object();
}

template <typename S>
void statistics(S& s, const Statistics& x) {
  s.begin_object();
  text(s, "comment", x.comment);
  text(s, "definition", x.definition);
  number(s, "target", x.target, -1);
  s.end_object();
}

template <typename S>
void rule(S& s, const Rule& r) {
  s.begin_object();
  text(s, "comment", r.comment);
  text(s, "definition", r.definition);
  text(s, "enabled", r.enabled);
  s.end_object();
}

template <typename S>
void table(S& s, const Table& t) {
  s.begin_object();
  text(s, "cluster_index", t.cluster_index);
  members(s, "columns", t.columns, column<S>);
  text(s, "comment", t.comment);
  members(s, "constraints", t.constraints, constraint<S>);
  dictionary(s, "dialect_options", t.dialect_options);
  members(s, "indexes", t.indexes, index<S>);
  list(s, "inherits", t.inherits);
  text(s, "kind", t.kind);
  text(s, "of_type", t.of_type);
  text(s, "options", t.options);
  text(s, "parent", t.parent);
  text(s, "partition_bound", t.partition_bound);
  text(s, "partition_key", t.partition_key);
  text(s, "persistence", t.persistence);
  members(s, "policies", t.policies, policy<S>);
  text(s, "replica_identity", t.replica_identity);
  flag(s, "rls_enabled", t.rls_enabled);
  flag(s, "rls_forced", t.rls_forced);
  members(s, "rules", t.rules, rule<S>);
  members(s, "statistics_objects", t.statistics, statistics<S>);
  text(s, "toast_options", t.toast_options);
  members(s, "triggers", t.triggers, trigger<S>);
  s.end_object();
}

template <typename S>
void view(S& s, const View& v) {
  s.begin_object();
  dictionary(s, "column_comments", v.column_comments);
  dictionary(s, "column_defaults", v.column_defaults);
  text(s, "comment", v.comment);
  text(s, "definition", v.definition);
  members(s, "indexes", v.indexes, index<S>);
  flag(s, "materialized", v.materialized);
  text(s, "options", v.options);
  members(s, "rules", v.rules, rule<S>);
  members(s, "triggers", v.triggers, trigger<S>);
  flag(s, "with_no_data", v.with_no_data);
  s.end_object();
}

template <typename S>
void sequence(S& s, const Sequence& q) {
  s.begin_object();
  number(s, "cache", q.cache, 1);
  text(s, "comment", q.comment);
  flag(s, "cycle", q.cycle);
  number(s, "increment", q.increment, 1);
  number(s, "max_value", q.max_value, 0);
  number(s, "min_value", q.min_value, 1);
  text(s, "owned_by", q.owned_by);
  text(s, "persistence", q.persistence);
  number(s, "start", q.start, 1);
  text(s, "type", q.type);
  s.end_object();
}

template <typename S>
void function(S& s, const Function& f) {
  s.begin_object();
  text(s, "arguments", f.arguments);
  text(s, "body", f.body);
  text(s, "comment", f.comment);
  list(s, "config", f.config);
  text(s, "cost", f.cost);
  text(s, "kind", f.kind);
  text(s, "language", f.language);
  flag(s, "leakproof", f.leakproof);
  text(s, "parallel", f.parallel);
  text(s, "result", f.result);
  text(s, "rows", f.rows);
  flag(s, "security_definer", f.security_definer);
  flag(s, "strict", f.strict);
  text(s, "volatility", f.volatility);
  s.end_object();
}

template <typename S>
void type(S& s, const Type& t) {
  s.begin_object();
  if (!t.attributes.empty()) {
    s.key("attributes");
    s.begin_array();
    for (const auto& a : t.attributes) {
      s.begin_object();
      text(s, "collation", a.collation);
      s.key("name");
      s.string(a.name);
      s.key("type");
      s.string(a.type);
      s.end_object();
    }
    s.end_array();
  }
  text(s, "base_type", t.base_type);
  members(s, "checks", t.checks,
          [](S& sink, const std::string& definition) { sink.string(definition); });
  text(s, "collation", t.collation);
  text(s, "comment", t.comment);
  text(s, "default", t.default_expr);
  text(s, "kind", t.kind);
  list(s, "labels", t.labels);
  flag(s, "not_null", t.not_null);
  text(s, "subtype_diff", t.subtype_diff);
  s.end_object();
}

template <typename S>
void extension(S& s, const Extension& e) {
  s.begin_object();
  text(s, "comment", e.comment);
  text(s, "schema", e.schema);
  text(s, "version", e.version);
  s.end_object();
}

template <typename S>
void collation(S& s, const Collation& c) {
  s.begin_object();
  text(s, "comment", c.comment);
  flag(s, "deterministic", c.deterministic, true);
  text(s, "locale", c.locale);
  text(s, "provider", c.provider);
  s.end_object();
}

template <typename S>
void schema(S& s, const Schema& sc) {
  s.begin_object();
  members(s, "collations", sc.collations, collation<S>);
  text(s, "comment", sc.comment);
  members(s, "functions", sc.functions, function<S>);
  members(s, "sequences", sc.sequences, sequence<S>);
  members(s, "tables", sc.tables, table<S>);
  members(s, "types", sc.types, type<S>);
  members(s, "views", sc.views, view<S>);
  s.end_object();
}

template <typename S>
void publication(S& s, const Publication& p) {
  s.begin_object();
  flag(s, "all_tables", p.all_tables);
  text(s, "comment", p.comment);
  text(s, "publish", p.publish);
  list(s, "schemas", p.schemas);
  dictionary(s, "tables", p.tables);
  flag(s, "via_root", p.via_root);
  s.end_object();
}

template <typename S>
void event_trigger(S& s, const EventTrigger& e) {
  s.begin_object();
  text(s, "comment", e.comment);
  text(s, "enabled", e.enabled);
  text(s, "event", e.event);
  text(s, "function", e.function);
  list(s, "tags", e.tags);
  s.end_object();
}

template <typename S>
void cast(S& s, const Cast& c) {
  s.begin_object();
  text(s, "comment", c.comment);
  text(s, "context", c.context);
  text(s, "method", c.method);
  s.end_object();
}

// {"canonical_version": N, "schema": {"extensions": {...}, "schemas": {...}}}
template <typename S>
void database(S& s, const Database& db) {
  s.begin_object();
  s.key("canonical_version");
  s.number(kCanonicalVersion);
  if (db.ignore_column_order) {
    s.key("column_order");
    s.string("ignore");
  }
  s.key("schema");
  s.begin_object();
  members(s, "casts", db.casts, cast<S>);
  members(s, "event_triggers", db.event_triggers, event_trigger<S>);
  members(s, "extensions", db.extensions, extension<S>);
  members(s, "publications", db.publications, publication<S>);
  members(s, "schemas", db.schemas, schema<S>);
  s.end_object();
  s.end_object();
}

}  // namespace keel::model::emit
