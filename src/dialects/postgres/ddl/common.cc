// PostgreSQL DDL renderer: names, small SQL pieces, inherited members.
#include <algorithm>
#include <cctype>
#include <functional>

#include "dialects/postgres/ddl/planner.h"

namespace keel::pg::ddl {

DdlStep& Plan::add(int phase, DdlAction action, DdlObject object,
                   std::vector<QualifiedName> relations, std::string description, int rank) {
  DdlStep step;
  step.action = action;
  step.object = object;
  step.relations = std::move(relations);
  step.description = std::move(description);
  return add(phase, std::move(step), rank);
}

DdlStep& Plan::add(int phase, DdlStep step, int rank) {
  OrderedStep s;
  s.phase = phase;
  s.rank = rank;
  s.seq = steps.size();
  s.step = std::move(step);
  steps.push_back(std::move(s));
  return steps.back().step;
}

std::string qname(const std::string& schema, const std::string& name) {
  return quote_qualified(schema, name);
}

std::string qualified_from_dotted(const std::string& dotted) {
  size_t dot = dotted.find('.');
  if (dot == std::string::npos) return quote_identifier(dotted);
  return quote_qualified(dotted.substr(0, dot), dotted.substr(dot + 1));
}

std::string comment_literal(const std::string& comment) {
  return comment.empty() ? "NULL" : quote_literal(comment);
}

// How the server writes a name (quote_ident style: quoted only when needed;
// keywords are not checked, so a keyword-named object is matched less).
std::string deparsed_ident(const std::string& s) {
  bool plain = !s.empty() && (std::islower(static_cast<unsigned char>(s[0])) || s[0] == '_');
  for (char c : s) {
    if (!(std::islower(static_cast<unsigned char>(c)) ||
          std::isdigit(static_cast<unsigned char>(c)) || c == '_')) {
      plain = false;
    }
  }
  return plain ? s : quote_identifier(s);
}

std::string deparsed_name(const std::string& schema, const std::string& name) {
  return deparsed_ident(schema) + "." + deparsed_ident(name);
}

std::string helper_name(const std::string& base, const std::string& suffix,
                        const std::function<bool(const std::string&)>& taken) {
  for (int n = 0;; ++n) {
    std::string tail = suffix + (n == 0 ? "" : std::to_string(n));
    // 63 bytes at most (the server would cut the suffix off), not cutting a
    // UTF-8 character in two.
    size_t keep = std::min(base.size(), 63 - tail.size());
    while (keep > 0 && keep < base.size() &&
           (static_cast<unsigned char>(base[keep]) & 0xC0) == 0x80) {
      --keep;
    }
    std::string name = base.substr(0, keep) + tail;
    if (!taken(name)) return name;
  }
}

std::string upper(std::string text) {
  for (char& c : text) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return text;
}

std::string strip_semicolon(std::string sql) {
  while (!sql.empty() && (sql.back() == ';' || sql.back() == ' ' || sql.back() == '\n')) {
    sql.pop_back();
  }
  return sql;
}

std::string enable_keyword(const std::string& enabled) {
  return enabled == "disabled"  ? "DISABLE"
         : enabled == "replica" ? "ENABLE REPLICA"
         : enabled == "always"  ? "ENABLE ALWAYS"
                                : "ENABLE";
}

std::string join(const std::vector<std::string>& parts, const std::string& sep) {
  std::string out;
  for (size_t i = 0; i < parts.size(); ++i) {
    if (i > 0) out += sep;
    out += parts[i];
  }
  return out;
}

std::vector<std::string> split_options(const std::string& options) {
  std::vector<std::string> out;
  size_t start = 0;
  while (start < options.size()) {
    size_t end = options.find(", ", start);
    out.push_back(options.substr(start, end == std::string::npos ? end : end - start));
    if (end == std::string::npos) break;
    start = end + 2;
  }
  return out;
}

std::pair<std::string, std::string> split_function_key(const std::string& key) {
  // The argument list is the parenthesis group that ends the key (a name
  // may hold parentheses itself, and so may argument types: numeric(10,2)).
  if (key.empty() || key.back() != ')') return {key, ""};
  int depth = 0;
  for (size_t i = key.size(); i-- > 0;) {
    if (key[i] == ')') ++depth;
    if (key[i] == '(' && --depth == 0) {
      return {key.substr(0, i), key.substr(i + 1, key.size() - i - 2)};
    }
  }
  return {key, ""};
}

const model::Table* find_table(const model::Database& db, const std::string& schema,
                               const std::string& name) {
  auto s = db.schemas.find(schema);
  if (s == db.schemas.end()) return nullptr;
  auto t = s->second.tables.find(name);
  return t == s->second.tables.end() ? nullptr : &t->second;
}

bool foreign_key_added_in_transaction(const Plan& plan, const std::string& schema,
                                      const std::string& table, const std::string& name,
                                      const model::Constraint& key) {
  const model::Table* old = find_table(plan.from, schema, table);
  return old == nullptr || !old->constraints.contains(name) ||
         !(old->constraints.at(name) == key) ||
         plan.recreated_members.contains("foreign key " + schema + "." + table + "." + name);
}

const model::Table* find_table(const model::Database& db, const std::string& dotted) {
  size_t dot = dotted.find('.');
  if (dot == std::string::npos) return nullptr;
  return find_table(db, dotted.substr(0, dot), dotted.substr(dot + 1));
}

namespace {

bool ident_char(char c) {
  return std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '$' ||
         static_cast<unsigned char>(c) >= 0x80;
}

bool mentions_text(const std::string& text, const std::string& name) {
  for (size_t at = text.find(name); at != std::string::npos; at = text.find(name, at + 1)) {
    bool before = at == 0 || !ident_char(text[at - 1]) || name.front() == '"';
    size_t end = at + name.size();
    bool after = end >= text.size() || !ident_char(text[end]) || name.back() == '"';
    if (before && after) return true;
  }
  return false;
}

std::vector<const model::Table*> parents(const model::Database& db, const model::Table& table) {
  std::vector<const model::Table*> out;
  if (!table.parent.empty()) {
    if (const model::Table* p = find_table(db, table.parent)) out.push_back(p);
  }
  for (const std::string& name : table.inherits) {
    if (const model::Table* p = find_table(db, name)) out.push_back(p);
  }
  return out;
}

// An index as it looks whatever table it is on.
bool same_shape(const model::Index& a, const model::Index& b) {
  return a.method == b.method && a.unique == b.unique && a.primary == b.primary &&
         a.columns == b.columns && a.include == b.include && a.predicate == b.predicate;
}

}  // namespace

bool mentions_identifier(const std::string& text, const std::string& name) {
  return mentions_text(text, name) || mentions_text(text, quote_identifier(name));
}

bool mentions_relation(const std::string& text, const std::string& schema,
                       const std::string& name) {
  for (const std::string& s : {schema, quote_identifier(schema)}) {
    for (const std::string& n : {name, quote_identifier(name)}) {
      if (mentions_text(text, s + "." + n)) return true;
    }
  }
  return false;
}

bool inherited_column(const model::Database& db, const model::Table& table,
                      const std::string& name) {
  for (const model::Table* p : parents(db, table)) {
    if (p->columns.contains(name)) return true;
  }
  return false;
}

// A foreign key to a partitioned table makes the server add one clone per
// partition of the referenced table (same columns, named ..._fkey1, 2 ...).
bool foreign_key_clone(const model::Database& db, const model::Table& table,
                       const std::string& name, const model::Constraint& c) {
  if (c.type != "foreign key") return false;
  const model::Table* target = find_table(db, c.ref_table);
  if (target == nullptr || target->parent.empty()) return false;
  for (const auto& [other, p] : table.constraints) {
    if (other == name || p.type != "foreign key" || p.columns != c.columns) continue;
    // p references an ancestor of c's target.
    for (const model::Table* t = target; t != nullptr && !t->parent.empty();
         t = find_table(db, t->parent)) {
      if (t->parent == p.ref_table) return true;
    }
  }
  return false;
}

bool inherited_constraint(const model::Database& db, const model::Table& table,
                          const std::string& name) {
  auto own = table.constraints.find(name);
  if (own == table.constraints.end()) return false;
  if (foreign_key_clone(db, table, name, own->second)) return true;
  for (const model::Table* p : parents(db, table)) {
    auto it = p->constraints.find(name);
    if (it != p->constraints.end() && it->second.type == own->second.type) return true;
    // A partitioned table's PRIMARY KEY / UNIQUE makes one of its own on each
    // partition, named after the partition.
    if (!table.parent.empty() &&
        (own->second.type == "primary key" || own->second.type == "unique")) {
      for (const auto& [pname, pc] : p->constraints) {
        if (pc.type == own->second.type && pc.columns == own->second.columns) return true;
      }
    }
  }
  return false;
}

bool inherited_index(const model::Database& db, const std::string& /*schema*/,
                     const model::Table& table, const model::Index& index) {
  if (table.parent.empty()) return false;  // plain inheritance copies no index
  for (const model::Table* p : parents(db, table)) {
    for (const auto& [name, pi] : p->indexes) {
      if (same_shape(pi, index)) return true;
    }
  }
  return false;
}

bool inherited_trigger(const model::Database& db, const model::Table& table,
                       const std::string& name) {
  if (table.parent.empty()) return false;
  for (const model::Table* p : parents(db, table)) {
    if (p->triggers.contains(name)) return true;
  }
  return false;
}

bool constraint_index(const model::Table& table, const std::string& index_name) {
  auto it = table.constraints.find(index_name);
  return it != table.constraints.end() &&
         (it->second.type == "primary key" || it->second.type == "unique" ||
          it->second.type == "exclusion");
}

}  // namespace keel::pg::ddl
