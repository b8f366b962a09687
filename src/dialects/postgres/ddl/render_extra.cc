// PostgreSQL DDL: extended statistics and rules (members of tables and
// views), publications, event triggers and casts. Each changed definition is
// dropped and created again (rules: CREATE OR REPLACE); targets, enabled
// states, publication members and options and comments change in place.
#include "dialects/postgres/ddl/planner.h"

namespace keel::pg::ddl {
namespace {

using model::ChangeAction;

// The qualified name a deparsed "CREATE STATISTICS name ..." gives: up to the
// first space outside double quotes.
std::string statistics_name(const std::string& definition) {
  constexpr std::string_view kHead = "CREATE STATISTICS ";
  std::string out;
  bool quoted = false;
  for (size_t i = kHead.size(); i < definition.size(); ++i) {
    char c = definition[i];
    if (c == '"') quoted = !quoted;
    if (c == ' ' && !quoted) break;
    out += c;
  }
  return out;
}

}  // namespace

std::vector<std::string> create_statistics(const model::Statistics& s) {
  std::string name = statistics_name(s.definition);
  std::vector<std::string> out = {s.definition};
  if (s.target != -1) {
    out.push_back("ALTER STATISTICS " + name + " SET STATISTICS " + std::to_string(s.target));
  }
  if (!s.comment.empty())
    out.push_back("COMMENT ON STATISTICS " + name + " IS " + comment_literal(s.comment));
  return out;
}

namespace {

std::string rule_enable(const std::string& table, const std::string& name,
                        const std::string& enabled) {
  return "ALTER TABLE " + table + " " + enable_keyword(enabled) + " RULE " + quote_identifier(name);
}

std::string event_trigger_enable(const std::string& name, const std::string& enabled) {
  return "ALTER EVENT TRIGGER " + quote_identifier(name) + " " + enable_keyword(enabled);
}

std::vector<std::string> create_event_trigger(const std::string& name,
                                              const model::EventTrigger& e) {
  std::string sql =
      "CREATE EVENT TRIGGER " + quote_identifier(name) + " ON " + quote_identifier(e.event);
  if (!e.tags.empty()) {
    std::vector<std::string> tags;
    for (const std::string& t : e.tags) tags.push_back(quote_literal(t));
    sql += " WHEN TAG IN (" + join(tags, ", ") + ")";
  }
  sql += " EXECUTE FUNCTION " + e.function + "()";
  std::vector<std::string> out = {sql};
  if (e.enabled != "origin" && !e.enabled.empty())
    out.push_back(event_trigger_enable(name, e.enabled));
  if (!e.comment.empty()) {
    out.push_back("COMMENT ON EVENT TRIGGER " + quote_identifier(name) + " IS " +
                  comment_literal(e.comment));
  }
  return out;
}

// "TABLE a (x) WHERE (...), TABLES IN SCHEMA s"; empty when it has none.
std::string publication_objects(const model::Publication& p) {
  std::vector<std::string> items;
  for (const auto& [table, tail] : p.tables) items.push_back("TABLE " + table + tail);
  for (const std::string& s : p.schemas) items.push_back("TABLES IN SCHEMA " + s);
  return join(items, ", ");
}

std::string publication_options(const model::Publication& p) {
  std::string publish = p.publish.empty()     ? "insert, update, delete, truncate"
                        : p.publish == "none" ? ""
                                              : p.publish;
  return "publish = " + quote_literal(publish) +
         ", publish_via_partition_root = " + (p.via_root ? "true" : "false");
}

std::vector<std::string> create_publication(const std::string& name, const model::Publication& p) {
  std::string sql = "CREATE PUBLICATION " + quote_identifier(name);
  std::string objects = publication_objects(p);
  if (p.all_tables) {
    sql += " FOR ALL TABLES";
  } else if (!objects.empty()) {
    sql += " FOR " + objects;
  }
  sql += " WITH (" + publication_options(p) + ")";
  std::vector<std::string> out = {sql};
  if (!p.comment.empty()) {
    out.push_back("COMMENT ON PUBLICATION " + quote_identifier(name) + " IS " +
                  comment_literal(p.comment));
  }
  return out;
}

// Members of `from` to those of `to` (neither FOR ALL TABLES).
std::string publication_members(const std::string& name, const model::Publication& from,
                                const model::Publication& to) {
  std::string q = "ALTER PUBLICATION " + quote_identifier(name);
  std::string objects = publication_objects(to);
  return objects.empty() ? q + " DROP " + publication_objects(from) : q + " SET " + objects;
}

std::string cast_target(const std::string& key) { return "(" + key + ")"; }

std::vector<std::string> create_cast(const std::string& key, const model::Cast& c) {
  std::string sql = "CREATE CAST " + cast_target(key);
  if (c.method == "binary") {
    sql += " WITHOUT FUNCTION";
  } else if (c.method == "inout") {
    sql += " WITH INOUT";
  } else {
    sql += " WITH FUNCTION " + c.method.substr(std::string_view("function ").size());
  }
  if (c.context == "assignment") sql += " AS ASSIGNMENT";
  if (c.context == "implicit") sql += " AS IMPLICIT";
  std::vector<std::string> out = {sql};
  if (!c.comment.empty())
    out.push_back("COMMENT ON CAST " + cast_target(key) + " IS " + comment_literal(c.comment));
  return out;
}

// The relation a member change belongs to, in `db`: a table or a view.
const model::Table* table_of(const model::Database& db, const model::Change& c) {
  return find_table(db, c.schema, c.name);
}

const model::Rule* rule_of(const model::Database& db, const model::Change& c) {
  if (const model::Table* t = table_of(db, c)) {
    auto it = t->rules.find(c.member);
    return it == t->rules.end() ? nullptr : &it->second;
  }
  auto s = db.schemas.find(c.schema);
  if (s == db.schemas.end()) return nullptr;
  auto v = s->second.views.find(c.name);
  if (v == s->second.views.end()) return nullptr;
  auto it = v->second.rules.find(c.member);
  return it == v->second.rules.end() ? nullptr : &it->second;
}

std::vector<std::string> create_collation(const std::string& q, const model::Collation& c) {
  std::string sql = "CREATE COLLATION " + q + " (provider = " + c.provider;
  if (c.provider == "icu") {
    sql += ", locale = " + quote_literal(c.locale);
  } else {
    size_t slash = c.locale.find(" / ");
    std::string collate = c.locale.substr(0, slash);
    std::string ctype = slash == std::string::npos ? collate : c.locale.substr(slash + 3);
    sql += ", lc_collate = " + quote_literal(collate) + ", lc_ctype = " + quote_literal(ctype);
  }
  if (!c.deterministic) sql += ", deterministic = false";
  std::vector<std::string> out = {sql + ")"};
  if (!c.comment.empty())
    out.push_back("COMMENT ON COLLATION " + q + " IS " + comment_literal(c.comment));
  return out;
}

// A column of `db` whose collation is schema.name, or "".
std::string collation_user(const model::Database& db, const std::string& schema,
                           const std::string& name) {
  std::string deparsed = deparsed_name(schema, name);
  for (const auto& [sname, s] : db.schemas) {
    for (const auto& [tname, t] : s.tables) {
      for (const auto& [cname, c] : t.columns) {
        if (c.collation == deparsed) return sname + "." + tname + "." + cname;
      }
    }
  }
  return {};
}

}  // namespace

void render_collation(Plan& plan, const model::Change& change) {
  std::string q = qname(change.schema, change.name);
  std::string label = change.schema + "." + change.name;
  auto find = [&](const model::Database& db) -> const model::Collation* {
    auto s = db.schemas.find(change.schema);
    if (s == db.schemas.end()) return nullptr;
    auto it = s->second.collations.find(change.name);
    return it == s->second.collations.end() ? nullptr : &it->second;
  };
  const model::Collation* a = find(plan.from);
  const model::Collation* b = find(plan.to);
  // Before the types and tables that use it; dropped after them.
  if (a == nullptr) {
    DdlStep& s = plan.add(kType, DdlAction::kCreate, DdlObject::kCollation, {},
                          "create collation " + label, -10);
    s.up = create_collation(q, *b);
    s.down = {"DROP COLLATION " + q};
    return;
  }
  if (b == nullptr) {
    DdlStep& s = plan.add(kDropType, DdlAction::kDrop, DdlObject::kCollation, {},
                          "drop collation " + label, 10);
    s.up = {"DROP COLLATION " + q};
    s.down = create_collation(q, *a);
    return;
  }
  if (change.has("provider") || change.has("locale") || change.has("deterministic")) {
    std::string user = collation_user(plan.from, change.schema, change.name);
    if (user.empty()) user = collation_user(plan.to, change.schema, change.name);
    if (!user.empty()) {
      plan.out.unsupported.push_back("collation " + label + ": its definition differs (" +
                                     a->provider + " " + a->locale + " -> " + b->provider + " " +
                                     b->locale + ") while column " + user +
                                     " uses it; CREATE a new collation and move the columns");
      return;
    }
    DdlStep& s = plan.add(kType, DdlAction::kAlter, DdlObject::kCollation, {},
                          "create collation " + label + " again", -10);
    s.up = create_collation(q, *b);
    s.up.insert(s.up.begin(), "DROP COLLATION " + q);
    s.down = create_collation(q, *a);
    s.down.insert(s.down.begin(), "DROP COLLATION " + q);
    return;
  }
  if (!change.has("comment")) return;
  DdlStep& s = plan.add(kComment, DdlAction::kComment, DdlObject::kCollation, {},
                        "comment on collation " + label);
  s.up = {"COMMENT ON COLLATION " + q + " IS " + comment_literal(b->comment)};
  s.down = {"COMMENT ON COLLATION " + q + " IS " + comment_literal(a->comment)};
}

std::vector<std::string> create_rule_statements(const std::string& relation,
                                                const std::string& name, const model::Rule& r) {
  std::vector<std::string> out = {strip_semicolon(r.definition)};
  if (r.enabled != "origin" && !r.enabled.empty())
    out.push_back(rule_enable(relation, name, r.enabled));
  if (!r.comment.empty()) {
    out.push_back("COMMENT ON RULE " + quote_identifier(name) + " ON " + relation + " IS " +
                  comment_literal(r.comment));
  }
  return out;
}

void render_statistics(Plan& plan, const model::Change& change) {
  const model::Table* ta = table_of(plan.from, change);
  const model::Table* tb = table_of(plan.to, change);
  const model::Statistics* a =
      ta && ta->statistics.contains(change.member) ? &ta->statistics.at(change.member) : nullptr;
  const model::Statistics* b =
      tb && tb->statistics.contains(change.member) ? &tb->statistics.at(change.member) : nullptr;
  std::string label = change.schema + "." + change.name + "." + change.member;
  QualifiedName table{change.schema, change.name};
  if (a != nullptr && (b == nullptr || change.has("definition"))) {
    DdlStep& s = plan.add(kDropIndex, DdlAction::kDrop, DdlObject::kStatistics, {table},
                          "drop statistics " + label);
    s.up = {"DROP STATISTICS " + statistics_name(a->definition)};
    s.down = create_statistics(*a);
  }
  if (b != nullptr && (a == nullptr || change.has("definition"))) {
    DdlStep& s = plan.add(kCreateIndex, DdlAction::kCreate, DdlObject::kStatistics, {table},
                          "create statistics " + label, 500);
    s.up = create_statistics(*b);
    s.down = {"DROP STATISTICS " + statistics_name(b->definition)};
    return;
  }
  if (a == nullptr || b == nullptr) return;
  std::string name = statistics_name(b->definition);
  DdlStep& s = plan.add(kCreateIndex, DdlAction::kAlter, DdlObject::kStatistics, {table},
                        "alter statistics " + label, 500);
  if (change.has("target")) {
    s.up.push_back("ALTER STATISTICS " + name + " SET STATISTICS " + std::to_string(b->target));
    s.down.push_back("ALTER STATISTICS " + name + " SET STATISTICS " + std::to_string(a->target));
  }
  if (change.has("comment")) {
    s.up.push_back("COMMENT ON STATISTICS " + name + " IS " + comment_literal(b->comment));
    s.down.push_back("COMMENT ON STATISTICS " + name + " IS " + comment_literal(a->comment));
  }
}

void render_rule(Plan& plan, const model::Change& change) {
  const model::Rule* a = rule_of(plan.from, change);
  const model::Rule* b = rule_of(plan.to, change);
  std::string relation = qname(change.schema, change.name);
  std::string label = change.schema + "." + change.name + "." + change.member;
  std::string drop = "DROP RULE " + quote_identifier(change.member) + " ON " + relation;
  QualifiedName table{change.schema, change.name};
  // A view recreated around the change brings its rules along.
  if (plan.recreated_views.contains(change.schema + "." + change.name)) return;
  if (b == nullptr) {
    DdlStep& s =
        plan.add(kDropTrigger, DdlAction::kDrop, DdlObject::kRule, {table}, "drop rule " + label);
    s.up = {drop};
    s.down = create_rule_statements(relation, change.member, *a);
    return;
  }
  if (a == nullptr || change.has("definition")) {
    DdlStep& s = plan.add(kCreateTrigger, a == nullptr ? DdlAction::kCreate : DdlAction::kAlter,
                          DdlObject::kRule, {table},
                          (a == nullptr ? "create rule " : "replace rule ") + label);
    s.up = create_rule_statements(relation, change.member, *b);
    s.down = a == nullptr ? std::vector<std::string>{drop}
                          : create_rule_statements(relation, change.member, *a);
    if (a != nullptr) {
      // CREATE OR REPLACE keeps the name; enabled state and comment are set again.
      s.up.front().replace(0, 11, "CREATE OR REPLACE RULE");
      s.down.front().replace(0, 11, "CREATE OR REPLACE RULE");
      if (b->enabled == "origin" && a->enabled != "origin")
        s.up.push_back(rule_enable(relation, change.member, "origin"));
      if (a->enabled == "origin" && b->enabled != "origin")
        s.down.push_back(rule_enable(relation, change.member, "origin"));
    }
    return;
  }
  DdlStep& s =
      plan.add(kCreateTrigger, DdlAction::kAlter, DdlObject::kRule, {table}, "alter rule " + label);
  if (change.has("enabled")) {
    s.up.push_back(rule_enable(relation, change.member, b->enabled));
    s.down.push_back(rule_enable(relation, change.member, a->enabled));
  }
  if (change.has("comment")) {
    std::string target = "COMMENT ON RULE " + quote_identifier(change.member) + " ON " + relation;
    s.up.push_back(target + " IS " + comment_literal(b->comment));
    s.down.push_back(target + " IS " + comment_literal(a->comment));
  }
}

void render_publication(Plan& plan, const model::Change& change) {
  const std::string& name = change.name;
  std::string q = quote_identifier(name);
  auto find = [&](const model::Database& db) {
    auto it = db.publications.find(name);
    return it == db.publications.end() ? nullptr : &it->second;
  };
  const model::Publication* a = find(plan.from);
  const model::Publication* b = find(plan.to);
  bool recreate = a != nullptr && b != nullptr && change.has("all_tables");
  if (a != nullptr && (b == nullptr || recreate)) {
    DdlStep& s = plan.add(kDropPolicy, DdlAction::kDrop, DdlObject::kPublication, {},
                          "drop publication " + name, 100);
    s.up = {"DROP PUBLICATION " + q};
    s.down = create_publication(name, *a);
  }
  if (b != nullptr && (a == nullptr || recreate)) {
    DdlStep& s = plan.add(kCreatePolicy, DdlAction::kCreate, DdlObject::kPublication, {},
                          "create publication " + name, 100);
    s.up = create_publication(name, *b);
    s.down = {"DROP PUBLICATION " + q};
    return;
  }
  if (a == nullptr || b == nullptr) return;
  DdlStep& s = plan.add(kCreatePolicy, DdlAction::kAlter, DdlObject::kPublication, {},
                        "alter publication " + name, 100);
  if (change.has("tables") || change.has("schemas")) {
    s.up.push_back(publication_members(name, *a, *b));
    s.down.push_back(publication_members(name, *b, *a));
  }
  if (change.has("publish") || change.has("via_root")) {
    s.up.push_back("ALTER PUBLICATION " + q + " SET (" + publication_options(*b) + ")");
    s.down.push_back("ALTER PUBLICATION " + q + " SET (" + publication_options(*a) + ")");
  }
  if (change.has("comment")) {
    s.up.push_back("COMMENT ON PUBLICATION " + q + " IS " + comment_literal(b->comment));
    s.down.push_back("COMMENT ON PUBLICATION " + q + " IS " + comment_literal(a->comment));
  }
}

void render_event_trigger(Plan& plan, const model::Change& change) {
  const std::string& name = change.name;
  auto find = [&](const model::Database& db) {
    auto it = db.event_triggers.find(name);
    return it == db.event_triggers.end() ? nullptr : &it->second;
  };
  const model::EventTrigger* a = find(plan.from);
  const model::EventTrigger* b = find(plan.to);
  std::string drop = "DROP EVENT TRIGGER " + quote_identifier(name);
  bool recreate = a != nullptr && b != nullptr && change.has("definition");
  // Dropped first and created last: an event trigger fires on the DDL
  // around it.
  if (a != nullptr && (b == nullptr || recreate)) {
    DdlStep& s = plan.add(kFirst, DdlAction::kDrop, DdlObject::kEventTrigger, {},
                          "drop event trigger " + name);
    s.up = {drop};
    s.down = create_event_trigger(name, *a);
  }
  if (b != nullptr && (a == nullptr || recreate)) {
    DdlStep& s = plan.add(kComment, DdlAction::kCreate, DdlObject::kEventTrigger, {},
                          "create event trigger " + name, 1000);
    s.up = create_event_trigger(name, *b);
    s.down = {drop};
    return;
  }
  if (a == nullptr || b == nullptr) return;
  DdlStep& s = plan.add(kComment, DdlAction::kAlter, DdlObject::kEventTrigger, {},
                        "alter event trigger " + name, 1000);
  if (change.has("enabled")) {
    s.up.push_back(event_trigger_enable(name, b->enabled));
    s.down.push_back(event_trigger_enable(name, a->enabled));
  }
  if (change.has("comment")) {
    std::string target = "COMMENT ON EVENT TRIGGER " + quote_identifier(name);
    s.up.push_back(target + " IS " + comment_literal(b->comment));
    s.down.push_back(target + " IS " + comment_literal(a->comment));
  }
}

void render_cast(Plan& plan, const model::Change& change) {
  const std::string& key = change.name;
  auto find = [&](const model::Database& db) {
    auto it = db.casts.find(key);
    return it == db.casts.end() ? nullptr : &it->second;
  };
  const model::Cast* a = find(plan.from);
  const model::Cast* b = find(plan.to);
  std::string drop = "DROP CAST " + cast_target(key);
  bool recreate = a != nullptr && b != nullptr && (change.has("method") || change.has("context"));
  if (recreate) {
    // In one step, after the functions a new method may call are created.
    DdlStep& s = plan.add(kLateFunction, DdlAction::kAlter, DdlObject::kCast, {},
                          "create cast " + key + " again", 100);
    s.up = create_cast(key, *b);
    s.up.insert(s.up.begin(), drop);
    s.down = create_cast(key, *a);
    s.down.insert(s.down.begin(), drop);
    return;
  }
  // After the functions they call are created, before those are dropped.
  if (a != nullptr && b == nullptr) {
    DdlStep& s = plan.add(kEarlyDropFunction, DdlAction::kDrop, DdlObject::kCast, {},
                          "drop cast " + key, -100);
    s.up = {drop};
    s.down = create_cast(key, *a);
  }
  if (b != nullptr && a == nullptr) {
    DdlStep& s = plan.add(kLateFunction, DdlAction::kCreate, DdlObject::kCast, {},
                          "create cast " + key, 100);
    s.up = create_cast(key, *b);
    s.down = {drop};
    return;
  }
  if (a == nullptr || b == nullptr || !change.has("comment")) return;
  DdlStep& s =
      plan.add(kComment, DdlAction::kComment, DdlObject::kCast, {}, "comment on cast " + key);
  s.up = {"COMMENT ON CAST " + cast_target(key) + " IS " + comment_literal(b->comment)};
  s.down = {"COMMENT ON CAST " + cast_target(key) + " IS " + comment_literal(a->comment)};
}

}  // namespace keel::pg::ddl
