// The differences between two schema models, object by object.
#include "keel/schema_diff.h"

#include <algorithm>

namespace keel::model {
namespace {

class Differ {
 public:
  std::vector<Change> changes;

  template <typename T, typename PropertiesOf>
  void each(const std::map<std::string, T>& from, const std::map<std::string, T>& to,
            ObjectKind kind, const std::string& schema, const std::string& owner,
            PropertiesOf properties_of) {
    auto add = [&](ChangeAction action, const std::string& key, std::vector<std::string> props) {
      Change c;
      c.kind = kind;
      c.action = action;
      c.schema = schema;
      if (owner.empty()) {
        c.name = key;
      } else {
        c.name = owner;
        c.member = key;
      }
      c.properties = std::move(props);
      changes.push_back(std::move(c));
    };
    for (const auto& [key, old] : from) {
      auto it = to.find(key);
      if (it == to.end()) {
        add(ChangeAction::kDrop, key, {});
      } else if (!(old == it->second)) {
        std::vector<std::string> props;
        properties_of(old, it->second, props);
        if (!props.empty()) add(ChangeAction::kAlter, key, std::move(props));
      }
    }
    for (const auto& [key, now] : to) {
      if (!from.contains(key)) add(ChangeAction::kCreate, key, {});
    }
  }
};

template <typename A>
void prop(std::vector<std::string>& out, const char* name, const A& a, const A& b) {
  if (!(a == b)) out.emplace_back(name);
}

void column_properties(const Column& a, const Column& b, std::vector<std::string>& p) {
  prop(p, "position", a.position, b.position);
  prop(p, "type", a.type, b.type);
  prop(p, "not_null", a.not_null, b.not_null);
  prop(p, "default_expr", a.default_expr, b.default_expr);
  prop(p, "identity", a.identity, b.identity);
  prop(p, "identity_sequence", a.identity_sequence, b.identity_sequence);
  prop(p, "generated", a.generated, b.generated);
  prop(p, "collation", a.collation, b.collation);
  prop(p, "comment", a.comment, b.comment);
  prop(p, "storage", a.storage, b.storage);
  prop(p, "compression", a.compression, b.compression);
  prop(p, "statistics", a.statistics, b.statistics);
  prop(p, "options", a.options, b.options);
  prop(p, "dialect_options", a.dialect_options, b.dialect_options);
}

void constraint_properties(const Constraint& a, const Constraint& b, std::vector<std::string>& p) {
  prop(p, "type", a.type, b.type);
  prop(p, "definition", a.definition, b.definition);
  prop(p, "columns", a.columns, b.columns);
  prop(p, "ref_table", a.ref_table, b.ref_table);
  prop(p, "ref_columns", a.ref_columns, b.ref_columns);
  prop(p, "on_update", a.on_update, b.on_update);
  prop(p, "on_delete", a.on_delete, b.on_delete);
  prop(p, "match", a.match, b.match);
  prop(p, "deferrable", a.deferrable, b.deferrable);
  prop(p, "initially_deferred", a.initially_deferred, b.initially_deferred);
  prop(p, "validated", a.validated, b.validated);
  prop(p, "comment", a.comment, b.comment);
}

void index_properties(const Index& a, const Index& b, std::vector<std::string>& p) {
  Index x = a, y = b;
  x.comment = y.comment = {};
  if (!(x == y)) p.emplace_back("definition");
  prop(p, "comment", a.comment, b.comment);
}

void trigger_properties(const Trigger& a, const Trigger& b, std::vector<std::string>& p) {
  prop(p, "definition", a.definition, b.definition);
  prop(p, "enabled", a.enabled, b.enabled);
  prop(p, "comment", a.comment, b.comment);
}

void policy_properties(const Policy& a, const Policy& b, std::vector<std::string>& p) {
  Policy x = a, y = b;
  x.comment = y.comment = {};
  if (!(x == y)) p.emplace_back("definition");
  prop(p, "comment", a.comment, b.comment);
}

void statistics_properties(const Statistics& a, const Statistics& b, std::vector<std::string>& p) {
  prop(p, "definition", a.definition, b.definition);
  prop(p, "target", a.target, b.target);
  prop(p, "comment", a.comment, b.comment);
}

void rule_properties(const Rule& a, const Rule& b, std::vector<std::string>& p) {
  prop(p, "definition", a.definition, b.definition);
  prop(p, "enabled", a.enabled, b.enabled);
  prop(p, "comment", a.comment, b.comment);
}

void publication_properties(const Publication& a, const Publication& b,
                            std::vector<std::string>& p) {
  prop(p, "all_tables", a.all_tables, b.all_tables);
  prop(p, "schemas", a.schemas, b.schemas);
  prop(p, "tables", a.tables, b.tables);
  prop(p, "publish", a.publish, b.publish);
  prop(p, "via_root", a.via_root, b.via_root);
  prop(p, "comment", a.comment, b.comment);
}

void event_trigger_properties(const EventTrigger& a, const EventTrigger& b,
                              std::vector<std::string>& p) {
  EventTrigger x = a, y = b;
  x.comment = y.comment = x.enabled = y.enabled = {};
  if (!(x == y)) p.emplace_back("definition");
  prop(p, "enabled", a.enabled, b.enabled);
  prop(p, "comment", a.comment, b.comment);
}

void cast_properties(const Cast& a, const Cast& b, std::vector<std::string>& p) {
  prop(p, "method", a.method, b.method);
  prop(p, "context", a.context, b.context);
  prop(p, "comment", a.comment, b.comment);
}

void collation_properties(const Collation& a, const Collation& b, std::vector<std::string>& p) {
  prop(p, "provider", a.provider, b.provider);
  prop(p, "locale", a.locale, b.locale);
  prop(p, "deterministic", a.deterministic, b.deterministic);
  prop(p, "comment", a.comment, b.comment);
}

void table_properties(const Table& a, const Table& b, std::vector<std::string>& p) {
  prop(p, "kind", a.kind, b.kind);
  prop(p, "persistence", a.persistence, b.persistence);
  prop(p, "rls_enabled", a.rls_enabled, b.rls_enabled);
  prop(p, "rls_forced", a.rls_forced, b.rls_forced);
  prop(p, "partition_key", a.partition_key, b.partition_key);
  prop(p, "partition_bound", a.partition_bound, b.partition_bound);
  prop(p, "parent", a.parent, b.parent);
  prop(p, "inherits", a.inherits, b.inherits);
  prop(p, "options", a.options, b.options);
  prop(p, "toast_options", a.toast_options, b.toast_options);
  prop(p, "replica_identity", a.replica_identity, b.replica_identity);
  prop(p, "cluster_index", a.cluster_index, b.cluster_index);
  prop(p, "of_type", a.of_type, b.of_type);
  prop(p, "comment", a.comment, b.comment);
  prop(p, "dialect_options", a.dialect_options, b.dialect_options);
}

void view_properties(const View& a, const View& b, std::vector<std::string>& p) {
  prop(p, "materialized", a.materialized, b.materialized);
  prop(p, "definition", a.definition, b.definition);
  prop(p, "options", a.options, b.options);
  prop(p, "comment", a.comment, b.comment);
  prop(p, "with_no_data", a.with_no_data, b.with_no_data);
  prop(p, "column_comments", a.column_comments, b.column_comments);
  prop(p, "column_defaults", a.column_defaults, b.column_defaults);
}

void sequence_properties(const Sequence& a, const Sequence& b, std::vector<std::string>& p) {
  prop(p, "type", a.type, b.type);
  prop(p, "start", a.start, b.start);
  prop(p, "increment", a.increment, b.increment);
  prop(p, "min_value", a.min_value, b.min_value);
  prop(p, "max_value", a.max_value, b.max_value);
  prop(p, "cache", a.cache, b.cache);
  prop(p, "cycle", a.cycle, b.cycle);
  prop(p, "owned_by", a.owned_by, b.owned_by);
  prop(p, "persistence", a.persistence, b.persistence);
  prop(p, "comment", a.comment, b.comment);
}

void function_properties(const Function& a, const Function& b, std::vector<std::string>& p) {
  prop(p, "kind", a.kind, b.kind);
  prop(p, "arguments", a.arguments, b.arguments);
  prop(p, "result", a.result, b.result);
  prop(p, "language", a.language, b.language);
  prop(p, "volatility", a.volatility, b.volatility);
  prop(p, "strict", a.strict, b.strict);
  prop(p, "security_definer", a.security_definer, b.security_definer);
  prop(p, "leakproof", a.leakproof, b.leakproof);
  prop(p, "parallel", a.parallel, b.parallel);
  prop(p, "cost", a.cost, b.cost);
  prop(p, "rows", a.rows, b.rows);
  prop(p, "config", a.config, b.config);
  prop(p, "body", a.body, b.body);
  prop(p, "comment", a.comment, b.comment);
}

void type_properties(const Type& a, const Type& b, std::vector<std::string>& p) {
  prop(p, "kind", a.kind, b.kind);
  prop(p, "labels", a.labels, b.labels);
  prop(p, "base_type", a.base_type, b.base_type);
  prop(p, "not_null", a.not_null, b.not_null);
  prop(p, "default_expr", a.default_expr, b.default_expr);
  prop(p, "collation", a.collation, b.collation);
  prop(p, "subtype_diff", a.subtype_diff, b.subtype_diff);
  prop(p, "checks", a.checks, b.checks);
  prop(p, "attributes", a.attributes, b.attributes);
  prop(p, "comment", a.comment, b.comment);
}

void extension_properties(const Extension& a, const Extension& b, std::vector<std::string>& p) {
  prop(p, "version", a.version, b.version);
  prop(p, "schema", a.schema, b.schema);
  prop(p, "comment", a.comment, b.comment);
}

void schema_properties(const Schema& a, const Schema& b, std::vector<std::string>& p) {
  prop(p, "comment", a.comment, b.comment);
}

const Schema kNoSchema;

}  // namespace

bool Change::has(std::string_view property) const {
  return std::find(properties.begin(), properties.end(), property) != properties.end();
}

std::vector<Change> diff(const Database& from, const Database& to) {
  Differ d;
  d.each(from.extensions, to.extensions, ObjectKind::kExtension, {}, {}, extension_properties);
  d.each(from.schemas, to.schemas, ObjectKind::kSchema, {}, {}, schema_properties);
  std::vector<std::string> names;
  for (const auto& [name, s] : from.schemas) names.push_back(name);
  for (const auto& [name, s] : to.schemas) {
    if (!from.schemas.contains(name)) names.push_back(name);
  }
  std::sort(names.begin(), names.end());
  for (const std::string& name : names) {
    auto f = from.schemas.find(name);
    auto t = to.schemas.find(name);
    const Schema& a = f == from.schemas.end() ? kNoSchema : f->second;
    const Schema& b = t == to.schemas.end() ? kNoSchema : t->second;
    d.each(a.collations, b.collations, ObjectKind::kCollation, name, {}, collation_properties);
    d.each(a.types, b.types, ObjectKind::kType, name, {}, type_properties);
    d.each(a.sequences, b.sequences, ObjectKind::kSequence, name, {}, sequence_properties);
    d.each(a.functions, b.functions, ObjectKind::kFunction, name, {}, function_properties);
    d.each(a.tables, b.tables, ObjectKind::kTable, name, {}, table_properties);
    d.each(a.views, b.views, ObjectKind::kView, name, {}, view_properties);
    for (const auto& [table, old] : a.tables) {
      auto it = b.tables.find(table);
      if (it == b.tables.end()) continue;
      const Table& now = it->second;
      d.each(old.columns, now.columns, ObjectKind::kColumn, name, table, column_properties);
      d.each(old.constraints, now.constraints, ObjectKind::kConstraint, name, table,
             constraint_properties);
      d.each(old.indexes, now.indexes, ObjectKind::kIndex, name, table, index_properties);
      d.each(old.triggers, now.triggers, ObjectKind::kTrigger, name, table, trigger_properties);
      d.each(old.policies, now.policies, ObjectKind::kPolicy, name, table, policy_properties);
      d.each(old.statistics, now.statistics, ObjectKind::kStatistics, name, table,
             statistics_properties);
      d.each(old.rules, now.rules, ObjectKind::kRule, name, table, rule_properties);
    }
    for (const auto& [view, old] : a.views) {
      auto it = b.views.find(view);
      if (it == b.views.end()) continue;
      d.each(old.indexes, it->second.indexes, ObjectKind::kIndex, name, view, index_properties);
      d.each(old.triggers, it->second.triggers, ObjectKind::kTrigger, name, view,
             trigger_properties);
      d.each(old.rules, it->second.rules, ObjectKind::kRule, name, view, rule_properties);
    }
  }
  d.each(from.publications, to.publications, ObjectKind::kPublication, {}, {},
         publication_properties);
  d.each(from.event_triggers, to.event_triggers, ObjectKind::kEventTrigger, {}, {},
         event_trigger_properties);
  d.each(from.casts, to.casts, ObjectKind::kCast, {}, {}, cast_properties);
  return std::move(d.changes);
}

std::string describe(const Change& change) {
  static constexpr const char* kNames[] = {
      "schema",     "extension", "type",        "sequence",      "function", "table",
      "view",       "column",    "constraint",  "index",         "trigger",  "policy",
      "statistics", "rule",      "publication", "event trigger", "cast",     "collation"};
  std::string out = kNames[static_cast<int>(change.kind)];
  out += ' ';
  if (!change.schema.empty()) out += change.schema + ".";
  out += change.name;
  if (!change.member.empty()) out += "." + change.member;
  return out;
}

}  // namespace keel::model
