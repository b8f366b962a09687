// PostgreSQL DDL: columns of an existing table.
#include <algorithm>
#include <cstdlib>
#include <functional>
#include <sstream>

#include "dialects/postgres/ddl/planner.h"
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

}  // namespace

void render_column(Plan& plan, const model::Change& change) {
  const std::string& schema = change.schema;
  std::string q = qname(schema, change.name);
  std::string col = quote_identifier(change.member);
  std::string label = schema + "." + change.name + "." + change.member;
  std::string alter = "ALTER TABLE " + q + " ALTER COLUMN " + col;
  const model::Table* ta = find_table(plan.from, schema, change.name);
  const model::Table* tb = find_table(plan.to, schema, change.name);

  if (change.action == ChangeAction::kCreate) {
    const model::Column& c = tb->columns.at(change.member);
    if (inherited_column(plan.to, *tb, change.member)) {
      // The parent's ADD COLUMN reaches its partitions and children.
      if (!c.comment.empty()) {
        DdlStep& s = plan.add(kComment, "comment on column " + label);
        s.up = {comment_on(q, change.member, c.comment)};
        s.down = {comment_on(q, change.member, "")};
      }
      return;
    }
    DdlStep& s = plan.add(kAlterTable, "add column " + label, c.position);
    s.up = {"ALTER TABLE " + q + " ADD COLUMN " + column_definition(change.member, c)};
    if (!c.comment.empty()) s.up.push_back(comment_on(q, change.member, c.comment));
    s.down = {"ALTER TABLE " + q + " DROP COLUMN " + col};
    if (volatile_default(plan.to, c) || !c.identity.empty() || !c.generated.empty()) {
      plan.out.warnings.push_back("column " + label +
                                  ": added with a volatile default, identity or generation "
                                  "expression, it rewrites the table under an ACCESS EXCLUSIVE "
                                  "lock (a constant or stable default does not)");
    }
    if (c.not_null && c.default_expr.empty() && c.identity.empty() && c.generated.empty()) {
      plan.out.warnings.push_back("column " + label +
                                  ": NOT NULL without a default fails if the table has rows");
    }
    return;
  }
  if (change.action == ChangeAction::kDrop) {
    if (inherited_column(plan.from, *ta, change.member)) return;
    const model::Column& c = ta->columns.at(change.member);
    DdlStep& s = plan.add(kDropColumn, "drop column " + label, -c.position);
    s.up = {"ALTER TABLE " + q + " DROP COLUMN " + col};
    s.down = {"ALTER TABLE " + q + " ADD COLUMN " + column_definition(change.member, c)};
    if (!c.comment.empty()) s.down.push_back(comment_on(q, change.member, c.comment));
    s.destructive = true;
    plan.out.down_caveats.push_back("column " + label + " comes back without its data");
    return;
  }

  const model::Column& a = ta->columns.at(change.member);
  const model::Column& b = tb->columns.at(change.member);
  if (change.has("comment")) {
    DdlStep& s = plan.add(kComment, "comment on column " + label);
    s.up = {comment_on(q, change.member, b.comment)};
    s.down = {comment_on(q, change.member, a.comment)};
  }
  // Everything else of an inherited column follows its parent, but for a
  // default or NOT NULL of its own. When the parent's changes too, its
  // ALTER recurses here: the parent's step then puts this one's back.
  if (inherited_column(plan.to, *tb, change.member) &&
      inherited_column(plan.from, *ta, change.member)) {
    if (change.has("default_expr") &&
        !ancestor_changes(plan, *ta, change.member, default_touched)) {
      DdlStep& s = plan.add(kAlterTable, "alter default of inherited column " + label, 1000);
      s.up = {set_default_statement(alter, b)};
      s.down = {set_default_statement(alter, a)};
    }
    auto not_null_changes = [](const model::Column& x, const model::Column& y) {
      return x.not_null != y.not_null;
    };
    if (change.has("not_null") && !ancestor_changes(plan, *ta, change.member, not_null_changes)) {
      DdlStep& s = plan.add(kAlterTable, "alter NOT NULL of inherited column " + label, 1000);
      s.up = {alter + (b.not_null ? " SET NOT NULL" : " DROP NOT NULL")};
      s.down = {alter + (a.not_null ? " SET NOT NULL" : " DROP NOT NULL")};
    }
    return;
  }
  if (change.has("generated")) {
    if (!b.generated.empty()) {
      plan.out.unsupported.push_back(
          "column " + label +
          ": a generation expression cannot be added or changed in place (add a new column)");
      return;
    }
    DdlStep& s = plan.add(kAlterTable, "drop generation expression of column " + label);
    s.up = {alter + " DROP EXPRESSION"};
    s.down = {};
    plan.out.down_caveats.push_back("column " + label + ": its generation expression (" +
                                    a.generated + ") cannot be put back in place");
  }
  std::vector<std::string> up, down;
  // ADD ... AS IDENTITY on a column that may hold rows: the new sequence
  // moves past them (it would start at START).
  auto add_identity = [&](const model::Column& c) {
    std::string start = "1";
    if (size_t at = c.identity_sequence.find("start "); at != std::string::npos) {
      start = c.identity_sequence.substr(at + 6, c.identity_sequence.find(' ', at + 6) - at - 6);
    }
    return std::vector<std::string>{alter + " ADD " + identity_clause(c),
                                    "SELECT setval(pg_get_serial_sequence(" + quote_literal(q) +
                                        ", " + quote_literal(change.member) +
                                        "), greatest(coalesce(max(" + col + "), 0) + 1, " +
                                        quote_literal(start) + "::bigint), false) FROM " + q};
  };
  // Identity off first, in a step of its own before sequences are created
  // (a new sequence may take the identity sequence's name, as serial does).
  if (change.has("identity") && !a.identity.empty() && b.identity.empty()) {
    DdlStep& s = plan.add(kDisownSequence, "drop identity of column " + label);
    s.up = {alter + " DROP IDENTITY"};
    s.down = add_identity(a);
  }
  // A type that only moved with its extension (ALTER EXTENSION SET SCHEMA)
  // is the same type under its new name: nothing to do for the column.
  bool moved_with_extension = false;
  for (const auto& [ename, ea] : plan.from.extensions) {
    auto eb = plan.to.extensions.find(ename);
    if (eb == plan.to.extensions.end() || ea.schema == eb->second.schema) continue;
    std::string pa = deparsed_ident(ea.schema) + ".", pb = deparsed_ident(eb->second.schema) + ".";
    if (a.type.starts_with(pa) && b.type.starts_with(pb) &&
        a.type.substr(pa.size()) == b.type.substr(pb.size())) {
      moved_with_extension = true;
    }
  }
  bool retyped = (change.has("type") && !moved_with_extension) || change.has("collation");
  if (retyped) {
    auto refuse = [&](const std::string& why) {
      plan.out.unsupported.push_back("column " + label + ": " + why);
    };
    // The partition key of this table or of a sub-partitioned partition.
    std::vector<std::pair<std::string, const model::Table*>> keyed = {{label, tb}};
    for (const auto& [ds, dn] : descendants(plan.to, schema + "." + change.name)) {
      keyed.emplace_back(ds + "." + dn, find_table(plan.to, ds, dn));
    }
    for (const auto& [name, t] : keyed) {
      if (t != nullptr && !t->partition_key.empty() &&
          mentions_identifier(t->partition_key, change.member)) {
        refuse("it is part of the partition key of " + name + " (" + t->partition_key +
               "), which PostgreSQL cannot retype; create a new partitioned table and move the "
               "rows");
        return;
      }
    }
    // A table whose row type another table stores cannot change its columns.
    if (auto it = plan.stored_types.find(deparsed_name(schema, change.name));
        it != plan.stored_types.end()) {
      refuse("column " + it->second + " stores the row type of " + schema + "." + change.name +
             ", so PostgreSQL cannot retype its columns");
      return;
    }
    // PostgreSQL refuses ALTER TYPE on a column a generated column reads.
    for (const model::Table* t : {ta, tb}) {
      for (const auto& [other, c] : t->columns) {
        if (other != change.member && mentions_identifier(c.generated, change.member)) {
          refuse("generated column " + other +
                 " reads it, and PostgreSQL cannot change its type under it (drop " + other +
                 ", change the type, add " + other + " back)");
          return;
        }
      }
    }
  }
  // A default tied to the old type may not cast automatically: it goes
  // before the type change and comes back after (both ways).
  bool default_around = retyped && (!a.default_expr.empty() || !b.default_expr.empty());
  if (default_around && !a.default_expr.empty()) {
    up.push_back(alter + " DROP DEFAULT");
    down.insert(down.begin(), alter + " SET DEFAULT " + a.default_expr);
  }
  if (retyped) {
    auto set_type = [&](const model::Column& from, const model::Column& c) {
      std::string sql = alter + " TYPE " + c.type;
      if (!c.collation.empty()) sql += " COLLATE " + c.collation;
      // An explicit cast to a length- or precision-limited type truncates or
      // rounds silently; the assignment cast ALTER uses without USING
      // refuses a value that does not fit. USING only where no such limit is
      // at stake (text -> integer needs it, and fails loudly on bad input).
      if (!limited_type(c.type) && base_type(from.type) != base_type(c.type)) {
        sql += " USING " + col + "::" + c.type;
      }
      return sql;
    };
    up.push_back(set_type(a, b));
    down.insert(down.begin(), set_type(b, a));
    if (change.has("type") && !moved_with_extension) {
      PgType from = parse_type(a.type), to = parse_type(b.type);
      if (type_change_work(from, to) == TableWork::kRewrite) {
        plan.out.warnings.push_back("column " + label + ": type " + a.type + " -> " + b.type +
                                    " may rewrite the table under an ACCESS EXCLUSIVE lock");
      }
      if (std::string why = lossy_change(from, to); !why.empty()) {
        DdlStep& gate = plan.add(kAlterTable, "narrow column " + label + " (" + why + ")");
        gate.destructive = true;
      }
    }
  }
  if (default_around && !b.default_expr.empty()) {
    up.push_back(alter + " SET DEFAULT " + b.default_expr);
    down.insert(down.begin(), alter + " DROP DEFAULT");
  }
  // A rebuilt enum sets its columns' defaults itself (before and after the
  // rebuild the other labels are not valid).
  bool enum_sets_default = false;
  for (const auto& [sname, sc] : plan.from.schemas) {
    for (const auto& [tname, t] : sc.types) {
      const model::Schema* other =
          plan.to.schemas.contains(sname) ? &plan.to.schemas.at(sname) : nullptr;
      std::string f = deparsed_name(sname, tname);
      if (other != nullptr && other->types.contains(tname) && (b.type == f || b.type == f + "[]") &&
          a.type == b.type && enum_rebuilt(t, other->types.at(tname))) {
        enum_sets_default = true;
      }
    }
  }
  if (change.has("default_expr") && !default_around && !enum_sets_default) {
    up.push_back(set_default_statement(alter, b));
    down.insert(down.begin(), set_default_statement(alter, a));
  }
  std::vector<std::string> after_up, after_down;
  if (change.has("not_null")) {
    bool identity_added = change.has("identity") && a.identity.empty() && !b.identity.empty();
    if (b.not_null && plan.options.online && !identity_added) {
      // A validated CHECK lets SET NOT NULL skip its full-table scan under
      // ACCESS EXCLUSIVE. The CHECK is added NOT VALID in the transaction;
      // VALIDATE (SHARE UPDATE EXCLUSIVE while it scans), SET NOT NULL and
      // the CHECK's removal run after it, each committed on its own.
      // Unique on the table: not one of its constraints on either side, nor
      // a helper this plan already named for another column (a long name
      // is cut, so two columns can share the cut).
      std::string helper = helper_name(change.member, "_keel_not_null", [&](const std::string& n) {
        return ta->constraints.contains(n) || tb->constraints.contains(n) ||
               plan.helper_names.contains(schema + "." + change.name + "." + n);
      });
      plan.helper_names.insert(schema + "." + change.name + "." + helper);
      std::string check = quote_identifier(helper);
      up.push_back("ALTER TABLE " + q + " ADD CONSTRAINT " + check + " CHECK (" + col +
                   " IS NOT NULL) NOT VALID");
      down.insert(down.begin(), "ALTER TABLE " + q + " DROP CONSTRAINT IF EXISTS " + check);
      after_up = {"ALTER TABLE " + q + " VALIDATE CONSTRAINT " + check, alter + " SET NOT NULL",
                  "ALTER TABLE " + q + " DROP CONSTRAINT " + check};
      after_down = {alter + " DROP NOT NULL"};
    } else if (b.not_null) {
      up.push_back(alter + " SET NOT NULL");
      down.insert(down.begin(), alter + " DROP NOT NULL");
    } else {
      up.push_back(alter + " DROP NOT NULL");
      down.insert(down.begin(), alter + " SET NOT NULL");
    }
  }
  if (change.has("identity") && !b.identity.empty()) {
    if (a.identity.empty()) {
      for (std::string& sql : add_identity(b)) up.push_back(std::move(sql));
      down.insert(down.begin(), alter + " DROP IDENTITY");
    } else {
      up.push_back(alter + " SET GENERATED " + (b.identity == "always" ? "ALWAYS" : "BY DEFAULT"));
      down.insert(down.begin(),
                  alter + " SET GENERATED " + (a.identity == "always" ? "ALWAYS" : "BY DEFAULT"));
    }
  }
  if (change.has("identity_sequence") && !a.identity.empty() && !b.identity.empty()) {
    std::string forward = identity_changes(a.identity_sequence, b.identity_sequence);
    std::string backward = identity_changes(b.identity_sequence, a.identity_sequence);
    if (!forward.empty()) {
      up.push_back(alter + forward);
      down.insert(down.begin(), alter + backward);
    }
  }
  if (default_touched(a, b) || a.not_null != b.not_null) {
    // The parent's SET/DROP DEFAULT and DROP NOT NULL reached its partitions
    // and children: their own defaults and NOT NULL go back on, both ways.
    for (const auto& [ds, dn] : descendants(plan.to, schema + "." + change.name)) {
      const model::Table* da = find_table(plan.from, ds, dn);
      const model::Table* db = find_table(plan.to, ds, dn);
      if (da == nullptr || db == nullptr || !da->columns.contains(change.member) ||
          !db->columns.contains(change.member)) {
        continue;
      }
      std::string child = "ALTER TABLE " + qname(ds, dn) + " ALTER COLUMN " + col;
      const model::Column& cb = db->columns.at(change.member);
      const model::Column& ca = da->columns.at(change.member);
      if (default_touched(a, b)) {
        if (cb.default_expr != b.default_expr) up.push_back(set_default_statement(child, cb));
        if (ca.default_expr != a.default_expr) down.push_back(set_default_statement(child, ca));
      }
      if (a.not_null && !b.not_null && cb.not_null) up.push_back(child + " SET NOT NULL");
      if (!a.not_null && b.not_null && ca.not_null) {
        (after_down.empty() ? down : after_down).push_back(child + " SET NOT NULL");
      }
    }
  }
  if (!up.empty()) {
    DdlStep& s = plan.add(kAlterTable, "alter column " + label, b.position);
    s.up = std::move(up);
    s.down = std::move(down);
  }
  if (!after_up.empty()) {
    DdlStep& s = plan.add(kAlterTable, "set not null on column " + label, b.position);
    s.up = std::move(after_up);
    s.down = std::move(after_down);
    s.no_transaction = true;
  }
}

}  // namespace keel::pg::ddl
