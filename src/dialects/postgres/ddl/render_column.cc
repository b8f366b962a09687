// PostgreSQL DDL: columns of an existing table.
#include <algorithm>
#include <cstdlib>
#include <functional>
#include <sstream>

#include "dialects/postgres/ddl/planner.h"
#include "dialects/postgres/ddl/recipes.h"
#include "dialects/postgres/types.h"

namespace keel::pg::ddl {
namespace {

using model::ChangeAction;

std::string comment_on(const std::string& table, const std::string& column,
                       const std::string& comment) {
  return "COMMENT ON COLUMN " + table + "." + quote_identifier(column) + " IS " +
         comment_literal(comment);
}

// The identity sequence options that differ, as ALTER COLUMN ... SET clauses.
std::string identity_changes(const std::string& from, const std::string& to) {
  auto parse = [](const std::string& text) {
    std::map<std::string, std::string> out;
    std::istringstream in(text);
    std::string key, value;
    out["cycle"] = "no";
    while (in >> key) {
      if (key == "cycle") {
        out["cycle"] = "yes";
      } else if (key == "name") {
        break;  // renamed apart: identity_sequence_name()
      } else if (in >> value) {
        out[key] = value;
      }
    }
    return out;
  };
  auto a = parse(from), b = parse(to);
  std::string out;
  static const std::pair<const char*, const char*> kKeys[] = {{"start", "START WITH"},
                                                              {"increment", "INCREMENT BY"},
                                                              {"min", "MINVALUE"},
                                                              {"max", "MAXVALUE"},
                                                              {"cache", "CACHE"}};
  for (const auto& [key, clause] : kKeys) {
    if (a[key] != b[key] && !b[key].empty()) out += std::string(" SET ") + clause + " " + b[key];
  }
  if (a["cycle"] != b["cycle"]) out += b["cycle"] == "yes" ? " SET CYCLE" : " SET NO CYCLE";
  // Never RESTART: the server refuses a range that excludes the current
  // value, instead of handing out values already used.
  return out;
}

// The identity sequence's qualified, quoted name: the one the parameters
// name, or the one ADD ... IDENTITY picks.
std::string identity_sequence_name(const std::string& params, const std::string& schema,
                                   const std::string& table, const std::string& column) {
  size_t at = params.find(" name ");
  if (at != std::string::npos) return params.substr(at + 6);
  return quote_identifier(schema) + "." + quote_identifier(table + "_" + column + "_seq");
}

// "character varying(20)[]" -> "character varying"
std::string base_type(const std::string& type) {
  std::string out = type.substr(0, type.find('('));
  if (out.ends_with("[]")) out.resize(out.size() - 2);
  return out;
}

bool limited_type(const std::string& type) {
  std::string base = base_type(type);
  return type.find('(') != std::string::npos &&
         (base == "character varying" || base == "character" || base == "bit" ||
          base == "bit varying" || base == "numeric");
}

// Whether the default calls a volatile function (evaluated per row, so ADD
// COLUMN fills every row by rewriting the table): a built-in pg_proc marks
// volatile (types.h), such as nextval, or a function of the model marked
// volatile.
bool volatile_default(const model::Database& db, const model::Column& c) {
  if (c.default_expr.empty()) return false;
  for (const std::string& called : called_functions(c.default_expr)) {
    // Extensions' generators live in any schema: known by their name.
    std::string name = called.substr(called.rfind('.') + 1);
    if (builtin_volatility(name) == lint::Volatility::kVolatile) return true;
  }
  for (const auto& [sname, s] : db.schemas) {
    for (const auto& [key, f] : s.functions) {
      if (f.volatility != "volatile") continue;
      if (mentions_relation(c.default_expr, sname, split_function_key(key).first)) return true;
    }
  }
  return false;
}

// Partitions and inheritance children below schema.table, at any depth.
std::vector<std::pair<std::string, std::string>> descendants(const model::Database& db,
                                                             const std::string& dotted) {
  std::vector<std::pair<std::string, std::string>> out;
  for (const auto& [sname, s] : db.schemas) {
    for (const auto& [tname, t] : s.tables) {
      bool child = t.parent == dotted ||
                   std::find(t.inherits.begin(), t.inherits.end(), dotted) != t.inherits.end();
      if (!child) continue;
      out.emplace_back(sname, tname);
      for (auto& d : descendants(db, sname + "." + tname)) out.push_back(std::move(d));
    }
  }
  return out;
}

// Whether an ancestor's column `name` changes as `what` says between the
// two sides (its ALTER COLUMN then recurses into this table).
bool ancestor_changes(const Plan& plan, const model::Table& table, const std::string& name,
                      const std::function<bool(const model::Column&, const model::Column&)>& what) {
  std::vector<std::string> up = table.inherits;
  if (!table.parent.empty()) up.push_back(table.parent);
  for (const std::string& dotted : up) {
    const model::Table* pa = find_table(plan.from, dotted);
    const model::Table* pb = find_table(plan.to, dotted);
    if (pa == nullptr || pb == nullptr) continue;
    auto ca = pa->columns.find(name);
    auto cb = pb->columns.find(name);
    if (ca != pa->columns.end() && cb != pb->columns.end() && what(ca->second, cb->second)) {
      return true;
    }
    if (ancestor_changes(plan, *pa, name, what)) return true;
  }
  return false;
}

bool default_touched(const model::Column& a, const model::Column& b) {
  // SET/DROP DEFAULT on the ancestor, also around a type change.
  return a.default_expr != b.default_expr || ((a.type != b.type || a.collation != b.collation) &&
                                              (!a.default_expr.empty() || !b.default_expr.empty()));
}

std::string set_default_statement(const std::string& alter, const model::Column& c) {
  return c.default_expr.empty() ? alter + " DROP DEFAULT"
                                : alter + " SET DEFAULT " + c.default_expr;
}

// One column change being rendered: names, both sides, and the statements
// of its "alter column" step (in the transaction) and of its "set not
// null" step (after it).
struct ColumnChange {
  Plan& plan;
  const model::Change& change;
  QualifiedName table;
  std::string q, col, label, alter;
  const model::Table* ta = nullptr;
  const model::Table* tb = nullptr;
  std::vector<QualifiedName> relations;  // the table, then children it reaches
  std::vector<std::string> up, down, after_up, after_down;

  ColumnChange(Plan& p, const model::Change& c)
      : plan(p),
        change(c),
        table{c.schema, c.name},
        q(qname(c.schema, c.name)),
        col(quote_identifier(c.member)),
        label(c.schema + "." + c.name + "." + c.member),
        alter("ALTER TABLE " + q + " ALTER COLUMN " + col),
        ta(find_table(p.from, c.schema, c.name)),
        tb(find_table(p.to, c.schema, c.name)),
        relations{table} {}

  DdlStep& add(int phase, DdlAction action, const std::string& what, int rank = 0) {
    return plan.add(phase, action, DdlObject::kColumn, relations, what + label, rank);
  }
  void undo_first(std::string sql) { down.insert(down.begin(), std::move(sql)); }
};

void add_column(ColumnChange& x) {
  const model::Column& c = x.tb->columns.at(x.change.member);
  if (inherited_column(x.plan.to, *x.tb, x.change.member)) {
    // The parent's ADD COLUMN reaches its partitions and children.
    if (!c.comment.empty()) {
      DdlStep& s = x.add(kComment, DdlAction::kComment, "comment on column ");
      s.up = {comment_on(x.q, x.change.member, c.comment)};
      s.down = {comment_on(x.q, x.change.member, "")};
    }
    return;
  }
  DdlStep& s = x.add(kAlterTable, DdlAction::kCreate, "add column ", c.position);
  s.up = {"ALTER TABLE " + x.q + " ADD COLUMN " + column_definition(x.change.member, c)};
  if (!c.comment.empty()) s.up.push_back(comment_on(x.q, x.change.member, c.comment));
  for (std::string& sql : column_physical_statements(x.alter, model::Column{}, c)) {
    s.up.push_back(std::move(sql));
  }
  s.down = {"ALTER TABLE " + x.q + " DROP COLUMN " + x.col};
  if (volatile_default(x.plan.to, c) || !c.identity.empty() || !c.generated.empty()) {
    x.plan.out.warnings.push_back("column " + x.label +
                                  ": added with a volatile default, identity or generation "
                                  "expression, it rewrites the table under an ACCESS EXCLUSIVE "
                                  "lock (a constant or stable default does not)");
  }
  if (c.not_null && c.default_expr.empty() && c.identity.empty() && c.generated.empty()) {
    x.plan.out.warnings.push_back("column " + x.label +
                                  ": NOT NULL without a default fails if the table has rows");
  }
}

void drop_column(ColumnChange& x) {
  if (inherited_column(x.plan.from, *x.ta, x.change.member)) return;
  const model::Column& c = x.ta->columns.at(x.change.member);
  DdlStep& s = x.add(kDropColumn, DdlAction::kDrop, "drop column ", -c.position);
  s.up = {"ALTER TABLE " + x.q + " DROP COLUMN " + x.col};
  s.down = {"ALTER TABLE " + x.q + " ADD COLUMN " + column_definition(x.change.member, c)};
  if (!c.comment.empty()) s.down.push_back(comment_on(x.q, x.change.member, c.comment));
  s.destructive = true;
  x.plan.out.down_caveats.push_back("column " + x.label + " comes back without its data");
}

// Everything else of an inherited column follows its parent, but for a
// default or NOT NULL of its own. When the parent's changes too, its ALTER
// recurses here: the parent's step then puts this one's back.
void alter_inherited_column(ColumnChange& x, const model::Column& a, const model::Column& b) {
  const std::string& member = x.change.member;
  if (x.change.has("default_expr") && !ancestor_changes(x.plan, *x.ta, member, default_touched)) {
    DdlStep& s = x.add(kAlterTable, DdlAction::kAlter, "alter default of inherited column ", 1000);
    s.up = {set_default_statement(x.alter, b)};
    s.down = {set_default_statement(x.alter, a)};
  }
  auto not_null_changes = [](const model::Column& p, const model::Column& q) {
    return p.not_null != q.not_null;
  };
  if (x.change.has("not_null") && !ancestor_changes(x.plan, *x.ta, member, not_null_changes)) {
    DdlStep& s = x.add(kAlterTable, DdlAction::kAlter, "alter NOT NULL of inherited column ", 1000);
    s.up = {x.alter + (b.not_null ? " SET NOT NULL" : " DROP NOT NULL")};
    s.down = {x.alter + (a.not_null ? " SET NOT NULL" : " DROP NOT NULL")};
  }
}

// ADD ... AS IDENTITY on a column that may hold rows: the new sequence
// moves past them (it would start at START).
std::vector<std::string> add_identity(const ColumnChange& x, const model::Column& c) {
  std::string start = "1";
  if (size_t at = c.identity_sequence.find("start "); at != std::string::npos) {
    start = c.identity_sequence.substr(at + 6, c.identity_sequence.find(' ', at + 6) - at - 6);
  }
  return {x.alter + " ADD " + identity_clause(c),
          "SELECT setval(pg_get_serial_sequence(" + quote_literal(x.q) + ", " +
              quote_literal(x.change.member) + "), greatest(coalesce(max(" + x.col + "), 0) + 1, " +
              quote_literal(start) + "::bigint), false) FROM " + x.q};
}

// A type that only moved with its extension (ALTER EXTENSION SET SCHEMA) is
// the same type under its new name: nothing to do for the column.
bool moved_with_extension(const Plan& plan, const model::Column& a, const model::Column& b) {
  for (const auto& [ename, ea] : plan.from.extensions) {
    auto eb = plan.to.extensions.find(ename);
    if (eb == plan.to.extensions.end() || ea.schema == eb->second.schema) continue;
    std::string pa = deparsed_ident(ea.schema) + ".", pb = deparsed_ident(eb->second.schema) + ".";
    if (a.type.starts_with(pa) && b.type.starts_with(pb) &&
        a.type.substr(pa.size()) == b.type.substr(pb.size())) {
      return true;
    }
  }
  return false;
}

// Why PostgreSQL cannot retype this column in place; empty if it can.
std::string retype_refusal(const ColumnChange& x) {
  const std::string& member = x.change.member;
  const std::string dotted = x.change.schema + "." + x.change.name;
  // The partition key of this table or of a sub-partitioned partition.
  std::vector<std::pair<std::string, const model::Table*>> keyed = {{x.label, x.tb}};
  for (const auto& [ds, dn] : descendants(x.plan.to, dotted)) {
    keyed.emplace_back(ds + "." + dn, find_table(x.plan.to, ds, dn));
  }
  for (const auto& [name, t] : keyed) {
    if (t != nullptr && !t->partition_key.empty() &&
        mentions_identifier(t->partition_key, member)) {
      return "it is part of the partition key of " + name + " (" + t->partition_key +
             "), which PostgreSQL cannot retype; create a new partitioned table and move the "
             "rows";
    }
  }
  // A table whose row type another table stores cannot change its columns.
  if (auto it = x.plan.stored_types.find(deparsed_name(x.change.schema, x.change.name));
      it != x.plan.stored_types.end()) {
    return "column " + it->second + " stores the row type of " + dotted +
           ", so PostgreSQL cannot retype its columns";
  }
  // PostgreSQL refuses ALTER TYPE on a column a generated column reads.
  for (const model::Table* t : {x.ta, x.tb}) {
    for (const auto& [other, c] : t->columns) {
      if (other != member && mentions_identifier(c.generated, member)) {
        return "generated column " + other +
               " reads it, and PostgreSQL cannot change its type under it (drop " + other +
               ", change the type, add " + other + " back)";
      }
    }
  }
  return "";
}

// ALTER COLUMN ... TYPE both ways; warns of a rewrite PostgreSQL does, gates
// a change that loses data silently.
void retype(ColumnChange& x, const model::Column& a, const model::Column& b, bool type_changes) {
  auto set_type = [&](const model::Column& from, const model::Column& c) {
    std::string sql = x.alter + " TYPE " + c.type;
    if (!c.collation.empty()) sql += " COLLATE " + c.collation;
    // An explicit cast to a length- or precision-limited type truncates or
    // rounds silently; the assignment cast ALTER uses without USING refuses
    // a value that does not fit. USING only where no such limit is at stake
    // (text -> integer needs it, and fails loudly on bad input).
    if (!limited_type(c.type) && base_type(from.type) != base_type(c.type)) {
      sql += " USING " + x.col + "::" + c.type;
    }
    return sql;
  };
  x.up.push_back(set_type(a, b));
  x.undo_first(set_type(b, a));
  if (!type_changes) return;
  PgType from = parse_type(a.type), to = parse_type(b.type);
  if (type_change_work(from, to) == TableWork::kRewrite) {
    x.plan.out.warnings.push_back("column " + x.label + ": type " + a.type + " -> " + b.type +
                                  " may rewrite the table under an ACCESS EXCLUSIVE lock");
  }
  if (std::string why = lossy_change(from, to); !why.empty()) {
    DdlStep& gate = x.add(kAlterTable, DdlAction::kAlter, "narrow column ");
    gate.description += " (" + why + ")";
    gate.destructive = true;
  }
}

// A rebuilt enum sets its columns' defaults itself (before and after the
// rebuild the other labels are not valid).
bool enum_sets_default(const Plan& plan, const model::Column& a, const model::Column& b) {
  for (const auto& [sname, sc] : plan.from.schemas) {
    for (const auto& [tname, t] : sc.types) {
      const model::Schema* other =
          plan.to.schemas.contains(sname) ? &plan.to.schemas.at(sname) : nullptr;
      std::string f = deparsed_name(sname, tname);
      if (other != nullptr && other->types.contains(tname) && (b.type == f || b.type == f + "[]") &&
          a.type == b.type && enum_rebuilt(t, other->types.at(tname))) {
        return true;
      }
    }
  }
  return false;
}

void change_not_null(ColumnChange& x, const model::Column& a, const model::Column& b) {
  bool identity_added = x.change.has("identity") && a.identity.empty() && !b.identity.empty();
  if (b.not_null && x.plan.options.online && !identity_added) {
    // A validated CHECK lets SET NOT NULL skip its full-table scan under
    // ACCESS EXCLUSIVE (recipes.h). Unique on the table: not one of its
    // constraints on either side, nor a helper this plan already named for
    // another column (a long name is cut, so two columns can share the cut).
    std::string prefix = x.change.schema + "." + x.change.name + ".";
    std::string helper = helper_name(x.change.member, "_keel_not_null", [&](const std::string& n) {
      return x.ta->constraints.contains(n) || x.tb->constraints.contains(n) ||
             x.plan.helper_names.contains(prefix + n);
    });
    x.plan.helper_names.insert(prefix + helper);
    std::vector<DdlStep> steps = set_not_null_through_check(x.table, x.change.member, helper);
    x.up.insert(x.up.end(), steps[0].up.begin(), steps[0].up.end());
    x.down.insert(x.down.begin(), steps[0].down.begin(), steps[0].down.end());
    x.after_up = steps[1].up;
    x.after_down = steps[1].down;
  } else if (b.not_null) {
    x.up.push_back(x.alter + " SET NOT NULL");
    x.undo_first(x.alter + " DROP NOT NULL");
  } else {
    x.up.push_back(x.alter + " DROP NOT NULL");
    x.undo_first(x.alter + " SET NOT NULL");
  }
}

// "schema"."name" (quoted where needed) split at the dot outside quotes.
std::pair<std::string, std::string> split_qualified(const std::string& q) {
  bool quoted = false;
  for (size_t i = 0; i < q.size(); ++i) {
    if (q[i] == '"') quoted = !quoted;
    if (q[i] == '.' && !quoted) return {q.substr(0, i), q.substr(i + 1)};
  }
  return {"", q};
}

// A renamed identity sequence: RENAME in place (PostgreSQL cannot move an
// owned sequence to another schema).
void rename_identity_sequence(ColumnChange& x, const model::Column& a, const model::Column& b) {
  const model::Change& c = x.change;
  std::string from = identity_sequence_name(a.identity_sequence, c.schema, c.name, c.member);
  std::string to = identity_sequence_name(b.identity_sequence, c.schema, c.name, c.member);
  if (from == to) return;
  auto [from_schema, from_name] = split_qualified(from);
  auto [to_schema, to_name] = split_qualified(to);
  if (from_schema != to_schema) {
    x.plan.out.unsupported.push_back(
        "column " + x.label + ": its identity sequence moves from " + from + " to " + to +
        "; PostgreSQL cannot move an owned sequence to another schema");
    return;
  }
  x.up.push_back("ALTER SEQUENCE " + from + " RENAME TO " + to_name);
  x.undo_first("ALTER SEQUENCE " + to + " RENAME TO " + from_name);
}

// ADD ... AS IDENTITY going forward. When the name it picks (table_column_seq)
// is still held by a sequence this plan drops later (a serial column's), the
// identity's sequence takes a helper name and is renamed once that one is gone.
void add_identity_forward(ColumnChange& x, const model::Column& b) {
  const model::Change& c = x.change;
  std::string name = c.name + "_" + c.member + "_seq";
  auto has = [&](const model::Database& db) {
    auto it = db.schemas.find(c.schema);
    return it != db.schemas.end() && it->second.sequences.contains(name);
  };
  if (b.identity_sequence.find(" name ") != std::string::npos || !has(x.plan.from) ||
      has(x.plan.to)) {
    for (std::string& sql : add_identity(x, b)) x.up.push_back(std::move(sql));
    x.undo_first(x.alter + " DROP IDENTITY");
    return;
  }
  std::string helper = helper_name(name, "_keel", [&](const std::string& n) {
    const model::Schema& s = x.plan.from.schemas.at(c.schema);
    return s.sequences.contains(n) || s.tables.contains(n) || s.views.contains(n);
  });
  model::Column named = b;
  named.identity_sequence += " name " + qname(c.schema, helper);
  for (std::string& sql : add_identity(x, named)) x.up.push_back(std::move(sql));
  x.undo_first(x.alter + " DROP IDENTITY");
  DdlStep& s = x.add(kDropSequence, DdlAction::kAlter, "name the identity sequence of column ", 1);
  s.up = {"ALTER SEQUENCE " + qname(c.schema, helper) + " RENAME TO " + quote_identifier(name)};
  s.down = {"ALTER SEQUENCE " + qname(c.schema, name) + " RENAME TO " + quote_identifier(helper)};
}

void change_identity(ColumnChange& x, const model::Column& a, const model::Column& b) {
  auto generated = [](const model::Column& c) {
    return std::string(" SET GENERATED ") + (c.identity == "always" ? "ALWAYS" : "BY DEFAULT");
  };
  if (x.change.has("identity") && !b.identity.empty()) {
    if (a.identity.empty()) {
      add_identity_forward(x, b);
    } else {
      x.up.push_back(x.alter + generated(b));
      x.undo_first(x.alter + generated(a));
    }
  }
  if (x.change.has("identity_sequence") && !a.identity.empty() && !b.identity.empty()) {
    std::string forward = identity_changes(a.identity_sequence, b.identity_sequence);
    std::string backward = identity_changes(b.identity_sequence, a.identity_sequence);
    if (!forward.empty()) {
      x.up.push_back(x.alter + forward);
      x.undo_first(x.alter + backward);
    }
    rename_identity_sequence(x, a, b);
  }
}

// The parent's SET/DROP DEFAULT and DROP NOT NULL reached its partitions and
// children: their own defaults and NOT NULL go back on, both ways.
void restore_descendants(ColumnChange& x, const model::Column& a, const model::Column& b) {
  if (!default_touched(a, b) && a.not_null == b.not_null) return;
  const std::string& member = x.change.member;
  for (const auto& [ds, dn] : descendants(x.plan.to, x.change.schema + "." + x.change.name)) {
    const model::Table* da = find_table(x.plan.from, ds, dn);
    const model::Table* db = find_table(x.plan.to, ds, dn);
    if (da == nullptr || db == nullptr || !da->columns.contains(member) ||
        !db->columns.contains(member)) {
      continue;
    }
    std::string child = "ALTER TABLE " + qname(ds, dn) + " ALTER COLUMN " + x.col;
    const model::Column& cb = db->columns.at(member);
    const model::Column& ca = da->columns.at(member);
    size_t before = x.up.size() + x.down.size() + x.after_down.size();
    if (default_touched(a, b)) {
      if (cb.default_expr != b.default_expr) x.up.push_back(set_default_statement(child, cb));
      if (ca.default_expr != a.default_expr) x.down.push_back(set_default_statement(child, ca));
    }
    if (a.not_null && !b.not_null && cb.not_null) x.up.push_back(child + " SET NOT NULL");
    if (!a.not_null && b.not_null && ca.not_null) {
      (x.after_down.empty() ? x.down : x.after_down).push_back(child + " SET NOT NULL");
    }
    if (x.up.size() + x.down.size() + x.after_down.size() != before) {
      x.relations.push_back({ds, dn});
    }
  }
}

// Whether every column after `name` in `t` is a generated column whose
// expression differs in `other` too (so all are added again, in order, and
// `name` keeps its position).
bool keeps_position(const model::Table& t, const model::Table& other, const std::string& name) {
  int position = t.columns.at(name).position;
  for (const auto& [cname, c] : t.columns) {
    if (c.position <= position) continue;
    auto it = other.columns.find(cname);
    if (it == other.columns.end() || c.generated.empty() || it->second.generated.empty() ||
        c.generated == it->second.generated) {
      return false;
    }
  }
  return true;
}

// DROP COLUMN, then ADD COLUMN as `c` is in `t`, with the indexes and
// constraints on it that the drop took along.
std::vector<std::string> readd_column(const ColumnChange& x, const model::Database& db,
                                      const model::Table& t, const model::Column& c) {
  const std::string& name = x.change.member;
  std::vector<std::string> out = {
      "ALTER TABLE " + x.q + " DROP COLUMN " + x.col,
      "ALTER TABLE " + x.q + " ADD COLUMN " + column_definition(name, c)};
  for (std::string& sql : column_physical_statements(x.alter, model::Column{}, c)) {
    out.push_back(std::move(sql));
  }
  if (!c.comment.empty()) out.push_back(comment_on(x.q, name, c.comment));
  for (const auto& [cname, k] : t.constraints) {
    bool on_it = std::find(k.columns.begin(), k.columns.end(), name) != k.columns.end() ||
                 mentions_identifier(k.definition, name);
    if (!on_it || inherited_constraint(db, t, cname)) continue;
    out.push_back(add_constraint_statement(x.q, cname, k, !k.validated));
    if (!k.comment.empty()) out.push_back(constraint_comment(x.q, cname, k.comment));
  }
  for (const auto& [iname, index] : t.indexes) {
    if (!mentions_identifier(index.definition, name) || constraint_index(t, iname) ||
        inherited_index(db, x.change.schema, t, index)) {
      continue;
    }
    out.push_back(create_index_statement(index, false));
    if (!index.comment.empty()) {
      out.push_back("COMMENT ON INDEX " + qname(x.change.schema, iname) + " IS " +
                    comment_literal(index.comment));
    }
  }
  return out;
}

// A changed generation expression: PostgreSQL 15 cannot set one in place
// (17 can: SET EXPRESSION), so the column is dropped and added again, which
// rewrites the table and recomputes every row.
void regenerate(ColumnChange& x, const model::Column& a, const model::Column& b) {
  const model::Change& change = x.change;
  DdlStep& s = x.add(kAlterTable, DdlAction::kAlter, "add again generated column ", b.position);
  s.up = readd_column(x, x.plan.to, *x.tb, b);
  s.down = readd_column(x, x.plan.from, *x.ta, a);
  s.destructive = true;
  x.plan.out.warnings.push_back(
      "column " + x.label + ": its generation expression changes (" + a.generated + " -> " +
      b.generated +
      "); PostgreSQL 15 cannot change it in place, so the column is dropped and added again, "
      "which rewrites the table under an ACCESS EXCLUSIVE lock");
  for (bool forward : {true, false}) {
    const model::Table& t = forward ? *x.tb : *x.ta;
    if (!keeps_position(t, forward ? *x.ta : *x.tb, change.member)) {
      x.plan.out.warnings.push_back(
          "column " + x.label + ": added again, it moves from position " +
          std::to_string(t.columns.at(change.member).position) + " to the end of the table" +
          (forward ? "" : " on the way back") +
          "; the column order then differs (see [baseline] column_order)");
    }
  }
}

// Type, collation, default, NOT NULL and identity of a column both sides
// have: one step in the transaction, and one after it for SET NOT NULL.
void alter_column(ColumnChange& x, const model::Column& a, const model::Column& b) {
  const model::Change& change = x.change;
  bool moved = moved_with_extension(x.plan, a, b);
  bool retyped = (change.has("type") && !moved) || change.has("collation");
  if (retyped) {
    if (std::string why = retype_refusal(x); !why.empty()) {
      x.plan.out.unsupported.push_back("column " + x.label + ": " + why);
      return;
    }
  }
  // A default tied to the old type may not cast automatically: it goes
  // before the type change and comes back after (both ways).
  bool default_around = retyped && (!a.default_expr.empty() || !b.default_expr.empty());
  if (default_around && !a.default_expr.empty()) {
    x.up.push_back(x.alter + " DROP DEFAULT");
    x.undo_first(x.alter + " SET DEFAULT " + a.default_expr);
  }
  if (retyped) retype(x, a, b, change.has("type") && !moved);
  if (default_around && !b.default_expr.empty()) {
    x.up.push_back(x.alter + " SET DEFAULT " + b.default_expr);
    x.undo_first(x.alter + " DROP DEFAULT");
  }
  if (change.has("default_expr") && !default_around && !enum_sets_default(x.plan, a, b)) {
    x.up.push_back(set_default_statement(x.alter, b));
    x.undo_first(set_default_statement(x.alter, a));
  }
  if (change.has("not_null")) change_not_null(x, a, b);
  change_identity(x, a, b);
  restore_descendants(x, a, b);
  if (!x.up.empty()) {
    DdlStep& s = x.add(kAlterTable, DdlAction::kAlter, "alter column ", b.position);
    s.up = std::move(x.up);
    s.down = std::move(x.down);
  }
  if (!x.after_up.empty()) {
    DdlStep& s = x.add(kAlterTable, DdlAction::kAlter, "set not null on column ", b.position);
    s.up = std::move(x.after_up);
    s.down = std::move(x.after_down);
    s.part = DdlPart::kAfter;
  }
}

}  // namespace

void render_column(Plan& plan, const model::Change& change) {
  ColumnChange x(plan, change);
  if (change.action == ChangeAction::kCreate) return add_column(x);
  if (change.action == ChangeAction::kDrop) return drop_column(x);
  const model::Column& a = x.ta->columns.at(change.member);
  const model::Column& b = x.tb->columns.at(change.member);
  if (change.has("comment")) {
    DdlStep& s = x.add(kComment, DdlAction::kComment, "comment on column ");
    s.up = {comment_on(x.q, change.member, b.comment)};
    s.down = {comment_on(x.q, change.member, a.comment)};
  }
  if (std::vector<std::string> up = column_physical_statements(x.alter, a, b); !up.empty()) {
    // In place, no rewrite: new values apply to rows written from now on.
    DdlStep& s = x.add(kAlterTable, DdlAction::kAlter, "physical properties of column ");
    s.up = std::move(up);
    s.down = column_physical_statements(x.alter, b, a);
  }
  if (inherited_column(plan.to, *x.tb, change.member) &&
      inherited_column(plan.from, *x.ta, change.member)) {
    return alter_inherited_column(x, a, b);
  }
  if (change.has("generated") && !a.generated.empty() && !b.generated.empty()) {
    return regenerate(x, a, b);
  }
  if (change.has("generated")) {
    if (!b.generated.empty()) {
      plan.out.unsupported.push_back(
          "column " + x.label +
          ": a generation expression cannot be added to a column in place (add a new column)");
      return;
    }
    DdlStep& s = x.add(kAlterTable, DdlAction::kAlter, "drop generation expression of column ");
    s.up = {x.alter + " DROP EXPRESSION"};
    s.down = {};
    plan.out.down_caveats.push_back("column " + x.label + ": its generation expression (" +
                                    a.generated + ") cannot be put back in place");
  }
  // Identity off first, in a step of its own before sequences are created
  // (a new sequence may take the identity sequence's name, as serial does).
  if (change.has("identity") && !a.identity.empty() && b.identity.empty()) {
    DdlStep& s = x.add(kDisownSequence, DdlAction::kAlter, "drop identity of column ");
    s.up = {x.alter + " DROP IDENTITY"};
    s.down = add_identity(x, a);
  }
  alter_column(x, a, b);
}

}  // namespace keel::pg::ddl
