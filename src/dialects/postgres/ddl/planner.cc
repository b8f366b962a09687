// PostgreSQL DDL renderer: walks the changes, recreates the views that stand
// in the way, orders every step by phase, refuses what must be allowed.
#include <algorithm>
#include <functional>
#include <map>
#include <tuple>

#include "dialects/postgres/ddl/planner.h"
#include "dialects/postgres/ddl/postgres_ddl.h"
#include "dialects/postgres/ddl/recipes.h"

namespace keel::pg::ddl {
namespace {

using model::ChangeAction;
using model::ObjectKind;

struct ViewInfo {
  std::string schema, name;
  const model::View* view = nullptr;
};

std::map<std::string, ViewInfo> views_of(const model::Database& db) {
  std::map<std::string, ViewInfo> out;
  for (const auto& [sname, s] : db.schemas) {
    for (const auto& [vname, v] : s.views) out[sname + "." + vname] = {sname, vname, &v};
  }
  return out;
}

// Depth of each view: 1 + the deepest view it reads.
std::map<std::string, int> view_depths(const std::map<std::string, ViewInfo>& views) {
  std::map<std::string, std::string> deparsed;
  for (const auto& [key, info] : views) deparsed[key] = deparsed_name(info.schema, info.name);
  std::map<std::string, int> depth;
  std::function<int(const std::string&, int)> of = [&](const std::string& key, int guard) {
    if (auto it = depth.find(key); it != depth.end()) return it->second;
    int d = 1;
    if (guard < 64) {
      for (const auto& [other, name] : deparsed) {
        const ViewInfo& o = views.at(other);
        if (other != key && mentions_relation(views.at(key).view->definition, o.schema, o.name)) {
          d = std::max(d, 1 + of(other, guard + 1));
        }
      }
    }
    depth[key] = d;
    return d;
  };
  for (const auto& [key, info] : views) of(key, 0);
  return depth;
}

// Tables whose columns are retyped or dropped (views on them must go first).
std::set<std::string> reshaped_tables(const Plan& plan, const std::vector<model::Change>& changes) {
  std::set<std::string> out;
  for (const model::Change& c : changes) {
    std::string key = c.schema + "." + c.name;
    if (c.kind == ObjectKind::kTable && c.action == ChangeAction::kDrop) out.insert(key);
    if (c.kind == ObjectKind::kColumn && (c.action == ChangeAction::kDrop || c.has("type") ||
                                          c.has("collation") || c.has("generated"))) {
      out.insert(key);
    }
    if (c.kind == ObjectKind::kType && c.has("labels")) {
      // The enum is rebuilt, or may be on the way down: its columns are retyped.
      const model::Type& t = plan.from.schemas.at(c.schema).types.at(c.name);
      std::string f = deparsed_name(c.schema, c.name);
      for (const auto& [sname, s] : plan.from.schemas) {
        for (const auto& [tname, table] : s.tables) {
          for (const auto& [col, column] : table.columns) {
            if (t.kind == "enum" && (column.type == f || column.type == f + "[]")) {
              out.insert(sname + "." + tname);
            }
          }
        }
      }
    }
  }
  return out;
}

// Surviving columns keep their order and new ones come last, or the table
// cannot be reached with ALTER TABLE.
void check_column_order(Plan& plan) {
  for (const auto& [sname, s] : plan.from.schemas) {
    auto other = plan.to.schemas.find(sname);
    if (other == plan.to.schemas.end()) continue;
    for (const auto& [tname, a] : s.tables) {
      auto it = other->second.tables.find(tname);
      if (it == other->second.tables.end()) continue;
      const model::Table& b = it->second;
      std::vector<std::pair<int, std::string>> old_order, new_order;
      for (const auto& [c, col] : a.columns) {
        if (b.columns.contains(c)) old_order.emplace_back(col.position, c);
      }
      for (const auto& [c, col] : b.columns) new_order.emplace_back(col.position, c);
      std::sort(old_order.begin(), old_order.end());
      std::sort(new_order.begin(), new_order.end());
      bool ok = true;
      for (size_t i = 0; i < old_order.size(); ++i) {
        if (i >= new_order.size() || new_order[i].second != old_order[i].second) ok = false;
      }
      std::string label = sname + "." + tname;
      if (!ok) {
        plan.out.unsupported.push_back(
            "table " + label +
            ": column order differs (ALTER TABLE adds columns at the end only; rebuild the "
            "table to reorder)");
        continue;
      }
      // A dropped column that was not the last comes back at the end.
      int last_kept = old_order.empty() ? 0 : a.columns.at(old_order.back().second).position;
      for (const auto& [c, col] : a.columns) {
        if (!b.columns.contains(c) && col.position < last_kept) {
          plan.out.down_caveats.push_back("column " + label + "." + c +
                                          " comes back at the end of the table, not at position " +
                                          std::to_string(col.position));
        }
      }
    }
  }
}

void recreate_views(Plan& plan, const std::vector<model::Change>& changes) {
  auto from_views = views_of(plan.from);
  auto to_views = views_of(plan.to);
  auto from_depth = view_depths(from_views);
  auto to_depth = view_depths(to_views);

  // Seeds: changed views and reshaped tables; then every view reading one.
  std::set<std::string> seeds = reshaped_tables(plan, changes);
  seeds.insert(plan.recreated_functions.begin(), plan.recreated_functions.end());
  for (const model::Change& c : changes) {
    if (c.kind != ObjectKind::kView) continue;
    std::string key = c.schema + "." + c.name;
    if (c.action == ChangeAction::kDrop) seeds.insert(key);
    if (c.action == ChangeAction::kAlter && !view_altered_in_place(c)) {
      seeds.insert(key);
      plan.recreated_views.insert(key);
    }
  }
  for (bool grew = true; grew;) {
    grew = false;
    for (const auto& [key, info] : from_views) {
      if (seeds.contains(key) || !to_views.contains(key)) continue;
      for (const std::string& seed : seeds) {
        size_t dot = seed.find('.');
        if (mentions_relation(info.view->definition, seed.substr(0, dot), seed.substr(dot + 1))) {
          seeds.insert(key);
          plan.recreated_views.insert(key);
          grew = true;
          break;
        }
      }
    }
  }
  for (const auto& [key, info] : from_views) {
    if (to_views.contains(key) && !plan.recreated_views.contains(key)) continue;
    DdlStep& s = plan.add(kDropView, DdlAction::kDrop, DdlObject::kView, {{info.schema, info.name}},
                          "drop view " + key, -from_depth[key]);
    s.up = {drop_view_statement(info.schema, info.name, *info.view)};
    s.down = create_view_statements(info.schema, info.name, *info.view);
  }
  for (const auto& [key, info] : to_views) {
    if (from_views.contains(key) && !plan.recreated_views.contains(key)) continue;
    std::string what = from_views.contains(key) ? "recreate view " : "create view ";
    DdlStep& s = plan.add(kCreateView, DdlAction::kCreate, DdlObject::kView,
                          {{info.schema, info.name}}, what + key, to_depth[key]);
    s.up = create_view_statements(info.schema, info.name, *info.view);
    s.down = {drop_view_statement(info.schema, info.name, *info.view)};
  }
}

// Range types bring constructor functions of language internal for the range
// and its multirange (whose name may be anything); they come and go with the
// type.
bool range_constructor(const model::Database& db, const model::Change& c) {
  auto s = db.schemas.find(c.schema);
  if (s == db.schemas.end()) return false;
  auto f = s->second.functions.find(c.name);
  if (f == s->second.functions.end() || f->second.language != "internal") return false;
  bool has_range = false;
  for (const auto& [tname, t] : s->second.types) has_range = has_range || t.kind == "range";
  if (!has_range) return false;
  // The result: a range type of the schema, or a type the model does not hold
  // (multiranges are not captured).
  std::string result = f->second.result;
  std::string prefix = deparsed_ident(c.schema) + ".";
  if (!result.starts_with(prefix)) return false;
  std::string type = result.substr(prefix.size());
  auto t = s->second.types.find(type);
  return t == s->second.types.end() ? !s->second.tables.contains(type) : t->second.kind == "range";
}

// Dropped at `phase` (and `rank`), created again after everything else.
void recreate_policy(Plan& plan, const std::string& schema, const std::string& table,
                     const std::string& name, const model::Policy& policy, const std::string& why,
                     int phase = kDropPolicy, int rank = 0) {
  std::string key = schema + "." + table + "." + name;
  if (!plan.recreated_members.insert("policy " + key).second) return;
  std::string q = qname(schema, table);
  std::vector<std::string> create = {create_policy_statement(q, name, policy)};
  if (!policy.comment.empty()) {
    create.push_back("COMMENT ON POLICY " + quote_identifier(name) + " ON " + q + " IS " +
                     comment_literal(policy.comment));
  }
  std::string drop = "DROP POLICY " + quote_identifier(name) + " ON " + q;
  DdlStep& d = plan.add(phase, DdlAction::kDrop, DdlObject::kPolicy, {{schema, table}},
                        "drop policy " + key + " (" + why + ")", rank);
  d.up = {drop};
  d.down = create;
  DdlStep& r = plan.add(kCreatePolicy, DdlAction::kCreate, DdlObject::kPolicy, {{schema, table}},
                        "recreate policy " + key);
  r.up = create;
  r.down = {drop};
}

void recreate_trigger(Plan& plan, const std::string& schema, const std::string& table,
                      const std::string& name, const model::Trigger& trigger,
                      const std::string& why) {
  std::string key = schema + "." + table + "." + name;
  if (!plan.recreated_members.insert("trigger " + key).second) return;
  std::string q = qname(schema, table);
  std::vector<std::string> create = {create_trigger_statement(trigger)};
  if (!trigger.enabled.empty() && trigger.enabled != "origin") {
    create.push_back(trigger_enable_statement(q, name, trigger.enabled));
  }
  if (!trigger.comment.empty()) {
    create.push_back("COMMENT ON TRIGGER " + quote_identifier(name) + " ON " + q + " IS " +
                     comment_literal(trigger.comment));
  }
  std::string drop = "DROP TRIGGER " + quote_identifier(name) + " ON " + q;
  DdlStep& d = plan.add(kDropTrigger, DdlAction::kDrop, DdlObject::kTrigger, {{schema, table}},
                        "drop trigger " + key + " (" + why + ")");
  d.up = {drop};
  d.down = create;
  DdlStep& r = plan.add(kCreateTrigger, DdlAction::kCreate, DdlObject::kTrigger, {{schema, table}},
                        "recreate trigger " + key);
  r.up = create;
  r.down = {drop};
}

// Policies and triggers that name a column being retyped must be dropped
// before ALTER COLUMN TYPE and created again after it.
void recreate_around_retyped_columns(Plan& plan, const std::vector<model::Change>& changes) {
  // The tables with policies, found once (a change may retype thousands of
  // columns).
  std::vector<std::tuple<std::string, std::string, const model::Table*, const model::Table*>>
      with_policies;
  for (const auto& [sname, sc] : plan.from.schemas) {
    for (const auto& [tname, pa] : sc.tables) {
      const model::Table* pb = find_table(plan.to, sname, tname);
      if (!pa.policies.empty() && pb != nullptr) with_policies.emplace_back(sname, tname, &pa, pb);
    }
  }
  for (const model::Change& c : changes) {
    if (c.kind != ObjectKind::kColumn || c.action != ChangeAction::kAlter ||
        !(c.has("type") || c.has("collation"))) {
      continue;
    }
    const model::Table* a = find_table(plan.from, c.schema, c.name);
    const model::Table* b = find_table(plan.to, c.schema, c.name);
    if (a == nullptr || b == nullptr) continue;
    // Policies on this table naming the column, or on any table reading it
    // through a subquery.
    for (const auto& [sname, tname, pa, pb] : with_policies) {
      bool same = pa == a;
      for (const auto& [name, policy] : pa->policies) {
        auto it = pb->policies.find(name);
        if (it == pb->policies.end() || !(it->second == policy)) continue;  // changed anyway
        auto reads = [&](const std::string& expr) {
          return mentions_identifier(expr, c.member) &&
                 (same || mentions_relation(expr, c.schema, c.name));
        };
        if (reads(policy.using_expr) || reads(policy.check_expr)) {
          recreate_policy(plan, sname, tname, name, policy, "reads a retyped column");
        }
      }
    }
    for (const auto& [name, trigger] : a->triggers) {
      auto it = b->triggers.find(name);
      if (it == b->triggers.end() || !(it->second == trigger)) continue;
      if (!inherited_trigger(plan.from, *a, name) &&
          mentions_identifier(trigger.definition, c.member)) {
        recreate_trigger(plan, c.schema, c.name, name, trigger, "names a retyped column");
      }
    }
  }
}

// Functions whose change needs DROP + CREATE (in either direction): views
// and policies calling them are recreated around them. So are those dropped
// while their name stays: a renamed parameter changes the model's key
// ("f(x integer)" -> "f(y integer)"), so it comes as a drop and a create,
// and whatever calls the name may be bound to the dropped one.
void find_recreated_functions(Plan& plan, const std::vector<model::Change>& changes) {
  for (const model::Change& c : changes) {
    if (c.kind != ObjectKind::kFunction) continue;
    if (c.action == ChangeAction::kDrop) {
      std::string name = split_function_key(c.name).first;
      auto other = plan.to.schemas.find(c.schema);
      if (other == plan.to.schemas.end()) continue;
      for (const auto& [key, f] : other->second.functions) {
        if (split_function_key(key).first == name) {
          plan.recreated_functions.insert(c.schema + "." + name);
        }
      }
      continue;
    }
    if (c.action != ChangeAction::kAlter) continue;
    const model::Function& a = plan.from.schemas.at(c.schema).functions.at(c.name);
    const model::Function& b = plan.to.schemas.at(c.schema).functions.at(c.name);
    if (function_recreated(c, a, b) || function_recreated(c, b, a)) {
      plan.recreated_functions.insert(c.schema + "." + split_function_key(c.name).first);
    }
  }
}

// Drops an unchanged CHECK or foreign key of `table` at `drop_phase` and adds it
// again at `add_phase` (NOT VALID, then VALIDATE after the transaction, on
// a plain table online), with its comment.
void recreate_constraint(Plan& plan, const QualifiedName& table, const model::Table& t,
                         const std::string& name, const model::Constraint& c, int drop_phase,
                         int add_phase, int add_rank, const std::string& why) {
  std::string q = qname(table.schema, table.name);
  std::string label = table.schema + "." + table.name + "." + name;
  std::string drop = "ALTER TABLE " + q + " DROP CONSTRAINT " + quote_identifier(name);
  bool online = plan.options.online && c.validated && t.kind == "table";
  DdlStep& d = plan.add(drop_phase, DdlAction::kDrop, DdlObject::kConstraint, {table},
                        "drop constraint " + label + " (" + why + ")");
  d.up = {drop};
  d.down = {add_constraint_statement(q, name, c, !c.validated)};
  DdlStep& r = plan.add(add_phase, DdlAction::kCreate, DdlObject::kConstraint, {table},
                        "add constraint " + label + " again", add_rank);
  r.up = {add_constraint_statement(q, name, c, online || !c.validated)};
  r.down = {drop};
  if (!c.comment.empty()) {
    d.down.push_back(constraint_comment(q, name, c.comment));
    r.up.push_back(constraint_comment(q, name, c.comment));
  }
  if (online) plan.add(add_phase, validate_constraint(table, name));
}

// Whether deparsed SQL calls a function that is dropped and created again.
bool calls_recreated_function(const Plan& plan, const std::string& text) {
  for (const std::string& f : plan.recreated_functions) {
    size_t dot = f.find('.');
    if (mentions_relation(text, f.substr(0, dot), f.substr(dot + 1))) return true;
  }
  return false;
}

// Unchanged column defaults, CHECKs and indexes of table a/b that call a
// function dropped and created again: off before the DROP FUNCTION, back
// after the CREATE. Generated columns cannot be: refused.
void recreate_around_functions(Plan& plan, const std::string& schema, const std::string& table,
                               const model::Table& a, const model::Table& b) {
  auto calls = [&](const std::string& text) { return calls_recreated_function(plan, text); };
  if (plan.recreated_functions.empty()) return;
  std::string q = qname(schema, table);
  std::string label = schema + "." + table;
  for (const auto& [cname, c] : a.columns) {
    auto it = b.columns.find(cname);
    if (it == b.columns.end() || inherited_column(plan.from, a, cname)) continue;
    if (calls(c.generated) || calls(it->second.generated)) {
      plan.out.unsupported.push_back("column " + label + "." + cname +
                                     ": its generation expression calls a function that must be "
                                     "dropped and created again; PostgreSQL cannot");
      continue;
    }
    if (c.default_expr.empty() || c.default_expr != it->second.default_expr ||
        !calls(c.default_expr)) {
      continue;
    }
    std::string alter = "ALTER TABLE " + q + " ALTER COLUMN " + quote_identifier(cname);
    DdlStep& d =
        plan.add(kDropConstraint, DdlAction::kAlter, DdlObject::kColumn, {{schema, table}},
                 "drop default of column " + label + "." + cname + " (its function is recreated)");
    d.up = {alter + " DROP DEFAULT"};
    d.down = {alter + " SET DEFAULT " + c.default_expr};
    DdlStep& r = plan.add(kAlterTable, DdlAction::kAlter, DdlObject::kColumn, {{schema, table}},
                          "set default of column " + label + "." + cname + " again", 2000);
    r.up = {alter + " SET DEFAULT " + c.default_expr};
    r.down = {alter + " DROP DEFAULT"};
  }
  for (const auto& [cname, c] : a.constraints) {
    auto it = b.constraints.find(cname);
    if (c.type != "check" || it == b.constraints.end() || !(it->second == c) ||
        inherited_constraint(plan.from, a, cname) || !calls(c.definition)) {
      continue;
    }
    recreate_constraint(plan, {schema, table}, a, cname, c, kDropConstraint, kAddConstraint, 0,
                        "its function is recreated");
  }
  for (const auto& [iname, index] : a.indexes) {
    auto it = b.indexes.find(iname);
    if (it == b.indexes.end() || !(it->second == index) || constraint_index(a, iname) ||
        inherited_index(plan.from, schema, a, index) || !calls(index.definition)) {
      continue;
    }
    // Dropped inside the transaction (the function cannot go while it
    // stands), built again after it, concurrently.
    bool online = plan.options.online && a.kind == "table";
    std::string qi = qname(schema, iname);
    DdlStep& d = plan.add(kDropIndex, DdlAction::kDrop, DdlObject::kIndex,
                          {{schema, table}, {schema, iname}},
                          "drop index " + schema + "." + iname + " (its function is recreated)");
    d.up = {"DROP INDEX " + qi};
    d.down = {create_index_statement(index, false)};
    DdlStep& r = plan.add(kCreateIndex, DdlAction::kCreate, DdlObject::kIndex,
                          {{schema, table}, {schema, iname}},
                          "create index " + schema + "." + iname + " again");
    r.up = {create_index_statement(index, online)};
    r.down = {std::string("DROP INDEX ") + (online ? "CONCURRENTLY " : "") + qi};
    if (online) r.part = DdlPart::kAfter;
    if (!index.comment.empty()) {
      std::string comment = "COMMENT ON INDEX " + qi + " IS " + comment_literal(index.comment);
      d.down.push_back(comment);
      r.up.push_back(comment);
    }
    plan.out.warnings.push_back("index " + schema + "." + iname +
                                ": dropped while its function is recreated, and built again");
  }
}

// Unchanged domain CHECKs calling a function dropped and created again: off
// before it, back after (ALTER DOMAIN ... ADD CONSTRAINT checks the columns).
void recreate_domain_checks(Plan& plan) {
  if (plan.recreated_functions.empty()) return;
  for (const auto& [sname, sc] : plan.from.schemas) {
    auto other = plan.to.schemas.find(sname);
    if (other == plan.to.schemas.end()) continue;
    for (const auto& [tname, t] : sc.types) {
      auto it = other->second.types.find(tname);
      if (t.kind != "domain" || it == other->second.types.end()) continue;
      std::string q = qname(sname, tname);
      for (const auto& [cname, def] : t.checks) {
        auto kept = it->second.checks.find(cname);
        if (kept == it->second.checks.end() || kept->second != def) continue;
        if (!calls_recreated_function(plan, def)) continue;
        std::string drop = "ALTER DOMAIN " + q + " DROP CONSTRAINT " + quote_identifier(cname);
        std::string add =
            "ALTER DOMAIN " + q + " ADD CONSTRAINT " + quote_identifier(cname) + " " + def;
        std::string label = sname + "." + tname + "." + cname;
        DdlStep& d = plan.add(kDropConstraint, DdlAction::kDrop, DdlObject::kType, {},
                              "drop domain constraint " + label + " (its function is recreated)");
        d.up = {drop};
        d.down = {add};
        DdlStep& r = plan.add(kAddConstraint, DdlAction::kCreate, DdlObject::kType, {},
                              "add domain constraint " + label + " again");
        r.up = {add};
        r.down = {drop};
      }
    }
  }
}

// Unchanged objects bound to a view or function that is dropped and created
// again, or to a retyped column: policies reading such a view or calling such
// a function, and SQL-standard function bodies (bound at creation) reading
// any of them, go before it and come back after it.
void recreate_around_replaced(Plan& plan, const std::vector<model::Change>& changes) {
  constexpr int kBeforeViews = -100000;  // rank in kDropView: views go by -depth
  std::vector<std::pair<std::string, std::string>> replaced, retyped;
  auto split = [](const std::string& dotted) {
    size_t dot = dotted.find('.');
    return std::pair{dotted.substr(0, dot), dotted.substr(dot + 1)};
  };
  for (const std::string& v : plan.recreated_views) replaced.push_back(split(v));
  for (const std::string& f : plan.recreated_functions) replaced.push_back(split(f));
  for (const model::Change& c : changes) {
    if (c.kind == ObjectKind::kColumn && c.action == ChangeAction::kAlter &&
        (c.has("type") || c.has("collation"))) {
      retyped.emplace_back(c.schema, c.name);
    }
  }
  if (replaced.empty() && retyped.empty()) return;
  auto mentions_any = [](const std::string& text, const auto& names) {
    for (const auto& [schema, name] : names) {
      if (mentions_relation(text, schema, name)) return true;
    }
    return false;
  };
  for (const auto& [sname, s] : plan.from.schemas) {
    auto other = plan.to.schemas.find(sname);
    if (other == plan.to.schemas.end()) continue;
    for (const auto& [tname, a] : s.tables) {
      const model::Table* b = find_table(plan.to, sname, tname);
      if (b == nullptr) continue;
      recreate_around_functions(plan, sname, tname, a, *b);
      for (const auto& [name, policy] : a.policies) {
        auto it = b->policies.find(name);
        if (it == b->policies.end() || !(it->second == policy)) continue;
        if (mentions_any(policy.using_expr, replaced) ||
            mentions_any(policy.check_expr, replaced)) {
          recreate_policy(plan, sname, tname, name, policy, "reads a recreated view or function",
                          kDropView, kBeforeViews);
        }
      }
    }
    for (const auto& [key, f] : s.functions) {
      auto it = other->second.functions.find(key);
      if (it == other->second.functions.end() || !(it->second == f) || !sql_standard_body(f) ||
          plan.recreated_functions.contains(sname + "." + split_function_key(key).first)) {
        continue;
      }
      if (!mentions_any(f.body, replaced) && !mentions_any(f.body, retyped)) continue;
      std::string label = sname + "." + key;
      if (!plan.recreated_members.insert("function " + label).second) continue;
      // Before the views it reads are dropped, back after they are created.
      DdlStep& d = plan.add(
          kDropView, DdlAction::kDrop, DdlObject::kFunction, {},
          "drop " + f.kind + " " + label + " (its body reads a recreated or retyped object)",
          kBeforeViews);
      d.up = {drop_function_statement(sname, key, f)};
      d.down = create_function_statements(sname, key, f, false);
      d.creates_function = f.kind != "aggregate";
      DdlStep& r = plan.add(kLateFunction, DdlAction::kCreate, DdlObject::kFunction, {},
                            "recreate " + f.kind + " " + label);
      r.up = create_function_statements(sname, key, f, false);
      r.creates_function = f.kind != "aggregate";
      r.down = {drop_function_statement(sname, key, f)};
    }
  }
}

// A foreign key depends on the unique index of the key it references: when
// that key's index goes (a PRIMARY KEY or UNIQUE dropped, renamed or
// redefined, or a plain unique index redefined), the unchanged foreign keys
// on it are dropped first and added again (NOT VALID, then VALIDATE) once
// the new key stands. Its replacement is then built inside the transaction.
void recreate_foreign_keys_around_keys(Plan& plan) {
  auto sorted = [](std::vector<std::string> v) {
    std::sort(v.begin(), v.end());
    return v;
  };
  // "schema.table" -> column sets of keys whose index is dropped.
  std::map<std::string, std::vector<std::vector<std::string>>> dropped;
  for (const auto& [sname, sc] : plan.from.schemas) {
    for (const auto& [tname, a] : sc.tables) {
      const model::Table* b = find_table(plan.to, sname, tname);
      if (b == nullptr) continue;
      for (const auto& [iname, index] : a.indexes) {
        if (!index.unique) continue;
        auto kept = b->indexes.find(iname);
        bool same = kept != b->indexes.end() && kept->second.definition == index.definition &&
                    constraint_index(a, iname) == constraint_index(*b, iname);
        if (same && constraint_index(a, iname)) {
          // A constraint changed in any way but its comment is dropped and
          // added again, and its index with it.
          model::Constraint ca = a.constraints.at(iname), cb = b->constraints.at(iname);
          ca.comment = cb.comment = "";
          same = ca == cb;
        }
        // A constraint that only takes over or lets go of its index keeps it.
        bool handed = kept != b->indexes.end() && kept->second.definition == index.definition &&
                      constraint_index(a, iname) != constraint_index(*b, iname);
        if (!same && !handed) dropped[sname + "." + tname].push_back(sorted(index.columns));
      }
    }
  }
  // Columns whose type changes ("schema.table.column"): a foreign key
  // between two retyped columns may not hold between the old and the new
  // type half way (integer -> text on both ends).
  std::set<std::string> retyped;
  for (const auto& [sname, sc] : plan.from.schemas) {
    for (const auto& [tname, a] : sc.tables) {
      const model::Table* b = find_table(plan.to, sname, tname);
      if (b == nullptr) continue;
      for (const auto& [cname, c] : a.columns) {
        auto it = b->columns.find(cname);
        if (it != b->columns.end() && it->second.type != c.type) {
          retyped.insert(sname + "." + tname + "." + cname);
        }
      }
    }
  }
  if (dropped.empty() && retyped.empty()) return;
  for (const auto& [sname, sc] : plan.from.schemas) {
    for (const auto& [tname, a] : sc.tables) {
      const model::Table* b = find_table(plan.to, sname, tname);
      if (b == nullptr) continue;
      for (const auto& [cname, c] : a.constraints) {
        if (c.type != "foreign key" || inherited_constraint(plan.from, a, cname)) continue;
        auto kept = b->constraints.find(cname);
        if (kept == b->constraints.end() || !(kept->second == c)) continue;  // changed anyway
        auto keys = dropped.find(c.ref_table);
        auto cols = sorted(c.ref_columns);
        bool key_dropped =
            keys != dropped.end() &&
            std::find(keys->second.begin(), keys->second.end(), cols) != keys->second.end();
        bool ends_retyped = false;
        for (const std::string& col : c.columns) {
          ends_retyped = ends_retyped || retyped.contains(sname + "." + tname + "." + col);
        }
        for (const std::string& col : c.ref_columns) {
          ends_retyped = ends_retyped || retyped.contains(c.ref_table + "." + col);
        }
        if (!key_dropped && !ends_retyped) continue;
        std::string key = sname + "." + tname + "." + cname;
        if (!plan.recreated_members.insert("foreign key " + key).second) continue;
        // Added again after the new key's constraint or unique index.
        recreate_constraint(plan, {sname, tname}, a, cname, c, kDropForeignKey, kCreateIndex, 1000,
                            "its key or its columns change");
      }
    }
  }
}

// One change, by the renderer of its kind.
void render_change(Plan& plan, const model::Change& c) {
  switch (c.kind) {
    case ObjectKind::kSchema:
      render_schema(plan, c);
      break;
    case ObjectKind::kExtension:
      render_extension(plan, c);
      break;
    case ObjectKind::kType:
      render_type(plan, c);
      break;
    case ObjectKind::kSequence:
      render_sequence(plan, c);
      break;
    case ObjectKind::kFunction:
      if (range_constructor(c.action == ChangeAction::kCreate ? plan.to : plan.from, c)) break;
      render_function(plan, c);
      break;
    case ObjectKind::kTable:
      render_table(plan, c);
      break;
    case ObjectKind::kView:
      render_view(plan, c);
      break;
    case ObjectKind::kStatistics:
      render_statistics(plan, c);
      break;
    case ObjectKind::kRule:
      render_rule(plan, c);
      break;
    case ObjectKind::kPublication:
      render_publication(plan, c);
      break;
    case ObjectKind::kEventTrigger:
      render_event_trigger(plan, c);
      break;
    case ObjectKind::kCast:
      render_cast(plan, c);
      break;
    case ObjectKind::kCollation:
      render_collation(plan, c);
      break;
    case ObjectKind::kColumn:
      render_column(plan, c);
      break;
    case ObjectKind::kConstraint:
      render_constraint(plan, c);
      break;
    case ObjectKind::kIndex:
      render_index(plan, c);
      break;
    case ObjectKind::kTrigger:
      render_trigger(plan, c);
      break;
    case ObjectKind::kPolicy:
      render_policy(plan, c);
      break;
  }
}

// Every relation the transaction alters stays locked until COMMIT, with
// its indexes: the server's lock table holds max_locks_per_transaction x
// (max_connections + max_prepared_transactions) locks, 6,400 by default.
void warn_lock_table(DdlPlan& out) {
  for (bool up : {true, false}) {
    std::set<QualifiedName> altered;
    for (const DdlStep& step : out.steps) {
      if (step.part != DdlPart::kTransaction || (up ? step.up : step.down).empty()) continue;
      if (!step.relations.empty()) altered.insert(step.relations.front());
    }
    if (altered.size() > 1000) {
      (up ? out.warnings : out.down_caveats)
          .push_back(
              std::string(up ? "the script" : "the reverse") + " alters " +
              std::to_string(altered.size()) +
              " tables in one transaction, each locked with its indexes until COMMIT: past the "
              "server's lock table (max_locks_per_transaction x (max_connections + "
              "max_prepared_transactions), 6,400 by default) it fails with \"out of shared "
              "memory\" and rolls back; split the change or raise max_locks_per_transaction");
    }
  }
}

}  // namespace

Result<DdlPlan> plan(const model::Database& from, const model::Database& to,
                     const DdlOptions& options) {
  std::vector<model::Change> changes = model::diff(from, to);
  Plan p(from, to, options);
  for (const auto& [sname, sc] : from.schemas) {
    for (const auto& [tname, t] : sc.tables) {
      for (const auto& [cname, c] : t.columns) {
        std::string type = c.type.ends_with("[]") ? c.type.substr(0, c.type.size() - 2) : c.type;
        p.stored_types.emplace(type, sname + "." + tname + "." + cname);
      }
    }
  }
  check_column_order(p);
  find_recreated_functions(p, changes);
  recreate_views(p, changes);
  recreate_around_retyped_columns(p, changes);
  recreate_around_replaced(p, changes);
  recreate_foreign_keys_around_keys(p);
  recreate_domain_checks(p);
  for (const model::Change& c : changes) render_change(p, c);
  // Like pg_dump: SQL function bodies are not checked on creation, so a
  // function may name a table created later in the script (both ways).
  bool functions = std::any_of(p.steps.begin(), p.steps.end(),
                               [](const OrderedStep& s) { return s.step.creates_function; });
  if (functions) {
    static const std::string kSet = "SET LOCAL check_function_bodies = off";
    for (int phase : {kFirst, kLast}) {
      DdlStep& s = p.add(phase, DdlAction::kSetting, DdlObject::kSession, {},
                         "function bodies are checked when called, not when created");
      (phase == kFirst ? s.up : s.down) = {kSet};
    }
  }
  std::stable_sort(p.steps.begin(), p.steps.end(), [](const OrderedStep& a, const OrderedStep& b) {
    if (a.phase != b.phase) return a.phase < b.phase;
    if (a.rank != b.rank) return a.rank < b.rank;
    return a.seq < b.seq;
  });
  for (OrderedStep& s : p.steps) {
    if (s.step.destructive) p.out.destructive.push_back(s.step.description);
    if (s.step.up.empty() && s.step.down.empty()) continue;
    p.out.steps.push_back(std::move(s.step));
  }
  warn_lock_table(p.out);
  if (!p.out.destructive.empty() && !options.allow_destructive) {
    std::string list;
    for (const std::string& d : p.out.destructive) list += "\n  " + d;
    return fail(ErrorCode::kGateFailed,
                "refusing " + std::to_string(p.out.destructive.size()) +
                    " destructive change(s) (data would be lost):" + list +
                    "\nre-run with --allow-destructive once they are intended");
  }
  return std::move(p.out);
}

}  // namespace keel::pg::ddl
