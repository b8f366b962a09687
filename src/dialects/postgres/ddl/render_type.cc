// PostgreSQL DDL: enums, domains, composite and range types. New enum labels
// go in place with ADD VALUE BEFORE/AFTER; removing or reordering labels has
// no ALTER, so the type is rebuilt (renamed, created again, columns cast
// through text, old one dropped).
#include <algorithm>

#include "dialects/postgres/ddl/planner.h"

namespace keel::pg::ddl {
namespace {

using model::ChangeAction;

std::string labels_list(const std::vector<std::string>& labels) {
  std::vector<std::string> quoted;
  for (const std::string& l : labels) quoted.push_back(quote_literal(l));
  return join(quoted, ", ");
}

std::string type_keyword(const model::Type& t) { return t.kind == "domain" ? "DOMAIN" : "TYPE"; }

// What besides table columns names the enum: functions (arguments,
// result), domains, index and constraint definitions.
std::string enum_users(const model::Database& db, const std::string& schema,
                       const std::string& name) {
  std::string f = deparsed_name(schema, name);
  std::vector<std::string> users;
  for (const auto& [sname, s] : db.schemas) {
    for (const auto& [key, fn] : s.functions) {
      if (fn.arguments.find(f) != std::string::npos || fn.result.find(f) != std::string::npos) {
        users.push_back("function " + sname + "." + key);
      }
    }
    for (const auto& [tname, t] : s.types) {
      if (t.kind == "domain" && (t.base_type == f || t.base_type == f + "[]")) {
        users.push_back("domain " + sname + "." + tname);
      }
      for (const auto& attribute : t.attributes) {
        if (attribute.type == f || attribute.type == f + "[]") {
          users.push_back("composite type " + sname + "." + tname);
          break;
        }
      }
    }
    for (const auto& [tname, t] : s.tables) {
      for (const auto& [cname, c] : t.columns) {
        if ((c.type == f || c.type == f + "[]") && !t.partition_key.empty() &&
            mentions_identifier(t.partition_key, cname)) {
          users.push_back("the partition key of " + sname + "." + tname);
        }
      }
      for (const auto& [iname, index] : t.indexes) {
        if (index.definition.find(f) != std::string::npos)
          users.push_back("index " + sname + "." + iname);
      }
      for (const auto& [cname, c] : t.constraints) {
        if (c.definition.find(f) != std::string::npos) {
          users.push_back("constraint " + sname + "." + tname + "." + cname);
        }
      }
    }
  }
  std::string out;
  for (size_t i = 0; i < users.size(); ++i) out += (i == 0 ? "" : ", ") + users[i];
  return out;
}

// Rebuilds enum `schema.name` with `labels`; `db` holds the columns that use it.
// Column defaults come back as `target` has them (the old ones may name a
// label the new type lacks).
std::vector<std::string> rebuild_enum(const model::Database& db, const model::Database& target,
                                      const std::string& schema, const std::string& name,
                                      const std::vector<std::string>& labels) {
  // Functions, domains, indexes and constraints that name the type would
  // keep the old one alive (or compare across the two): keel does not
  // rebuild those; the script stops with an error saying so.
  std::string used_by = enum_users(db, schema, name);
  if (!used_by.empty()) {
    std::string message = "keel: enum " + schema + "." + name +
                          " cannot be rebuilt by a generated script: " + used_by +
                          " use it; change them by hand";
    return {"DO " + quote_dollar("BEGIN RAISE EXCEPTION '%', " + quote_literal(message) + "; END")};
  }
  std::string q = qname(schema, name);
  std::string old_name = helper_name(name, "__keel_old", [&](const std::string& n) {
    for (const model::Database* d : {&db, &target}) {
      auto sc = d->schemas.find(schema);
      if (sc != d->schemas.end() &&
          (sc->second.types.contains(n) || sc->second.tables.contains(n) ||
           sc->second.views.contains(n))) {
        return true;
      }
    }
    return false;
  });
  std::vector<std::string> out = {"ALTER TYPE " + q + " RENAME TO " + quote_identifier(old_name),
                                  "CREATE TYPE " + q + " AS ENUM (" + labels_list(labels) + ")"};
  std::string f = deparsed_name(schema, name);
  for (const auto& [sname, s] : db.schemas) {
    for (const auto& [tname, t] : s.tables) {
      if (!t.parent.empty()) continue;  // partitions follow their parent
      for (const auto& [cname, c] : t.columns) {
        bool array = c.type == f + "[]";
        if (c.type != f && !array) continue;
        std::string alter =
            "ALTER TABLE " + qname(sname, tname) + " ALTER COLUMN " + quote_identifier(cname);
        if (!c.default_expr.empty()) out.push_back(alter + " DROP DEFAULT");
        out.push_back(alter + " TYPE " + q + (array ? "[]" : "") + " USING " +
                      quote_identifier(cname) + (array ? "::text[]::" : "::text::") + q +
                      (array ? "[]" : ""));
        const model::Table* tt = find_table(target, sname, tname);
        auto tc = tt == nullptr ? nullptr : &tt->columns;
        if (tc != nullptr && tc->contains(cname) && !tc->at(cname).default_expr.empty() &&
            tc->at(cname).type == c.type) {
          out.push_back(alter + " SET DEFAULT " + tc->at(cname).default_expr);
        }
      }
    }
  }
  out.push_back("DROP TYPE " + qname(schema, old_name));
  return out;
}

}  // namespace

bool enum_rebuilt(const model::Type& a, const model::Type& b) {
  if (a.kind != "enum" || b.kind != "enum" || a.labels == b.labels) return false;
  std::vector<std::string> kept;
  for (const std::string& l : b.labels) {
    if (std::find(a.labels.begin(), a.labels.end(), l) != a.labels.end()) kept.push_back(l);
  }
  return kept != a.labels;
}

std::vector<std::string> create_type_statements(const std::string& schema, const std::string& name,
                                                const model::Type& t) {
  std::string q = qname(schema, name);
  std::string sql;
  if (t.kind == "enum") {
    sql = "CREATE TYPE " + q + " AS ENUM (" + labels_list(t.labels) + ")";
  } else if (t.kind == "domain") {
    sql = "CREATE DOMAIN " + q + " AS " + t.base_type;
    if (!t.collation.empty()) sql += " COLLATE " + t.collation;
    if (!t.default_expr.empty()) sql += " DEFAULT " + t.default_expr;
    if (t.not_null) sql += " NOT NULL";
    for (const auto& [cname, def] : t.checks)
      sql += " CONSTRAINT " + quote_identifier(cname) + " " + def;
  } else if (t.kind == "composite") {
    std::vector<std::string> attrs;
    for (const model::CompositeAttribute& a : t.attributes) {
      std::string attr = quote_identifier(a.name) + " " + a.type;
      if (!a.collation.empty()) attr += " COLLATE " + a.collation;
      attrs.push_back(attr);
    }
    sql = "CREATE TYPE " + q + " AS (" + join(attrs, ", ") + ")";
  } else {
    sql = "CREATE TYPE " + q + " AS RANGE (SUBTYPE = " + t.base_type;
    if (!t.collation.empty()) sql += ", COLLATION = " + t.collation;
    if (!t.subtype_diff.empty()) sql += ", SUBTYPE_DIFF = " + t.subtype_diff;
    sql += ")";
  }
  std::vector<std::string> out = {std::move(sql)};
  if (!t.comment.empty()) {
    out.push_back("COMMENT ON " + type_keyword(t) + " " + q + " IS " + comment_literal(t.comment));
  }
  return out;
}

std::string drop_type_statement(const std::string& schema, const std::string& name,
                                const model::Type& t) {
  return "DROP " + type_keyword(t) + " " + qname(schema, name);
}

namespace {

void create_type(Plan& plan, const std::string& schema, const std::string& name) {
  const model::Type& t = plan.to.schemas.at(schema).types.at(name);
  // Domains and composites may be built on enums and ranges; a domain whose
  // CHECK or default calls a function created here comes after it.
  int rank = t.kind == "domain" ? 1 : t.kind == "composite" ? 2 : 0;
  int phase = kType;
  if (t.kind == "domain" || t.kind == "range") {
    std::string text = t.default_expr + " " + t.subtype_diff;
    for (const auto& [cname, def] : t.checks) text += " " + def;
    for (const auto& [sname, sch] : plan.to.schemas) {
      for (const auto& [key, fn] : sch.functions) {
        bool is_new = !plan.from.schemas.contains(sname) ||
                      !plan.from.schemas.at(sname).functions.contains(key);
        if (is_new && mentions_identifier(text, split_function_key(key).first))
          phase = kFunction + 1;
      }
    }
  }
  DdlStep& s = plan.add(phase, DdlAction::kCreate, DdlObject::kType, {},
                        "create " + t.kind + " " + schema + "." + name, rank);
  s.up = create_type_statements(schema, name, t);
  s.down = {drop_type_statement(schema, name, t)};
}

void drop_type(Plan& plan, const std::string& schema, const std::string& name) {
  const model::Type& t = plan.from.schemas.at(schema).types.at(name);
  int rank = t.kind == "domain" ? -1 : t.kind == "composite" ? -2 : 0;
  DdlStep& s = plan.add(kDropType, DdlAction::kDrop, DdlObject::kType, {},
                        "drop " + t.kind + " " + schema + "." + name, rank);
  s.up = {drop_type_statement(schema, name, t)};
  s.down = create_type_statements(schema, name, t);
  s.destructive = true;
}

// Old labels in the same order within the new ones: ADD VALUE each, before
// the next label that exists already, if any.
std::vector<std::string> add_values(const std::string& q, const model::Type& a,
                                    const model::Type& b) {
  std::vector<std::string> out;
  std::vector<std::string> current = a.labels;
  auto known = [&](const std::string& n) {
    return std::find(current.begin(), current.end(), n) != current.end();
  };
  for (size_t i = 0; i < b.labels.size(); ++i) {
    const std::string& l = b.labels[i];
    if (known(l)) continue;
    std::string sql = "ALTER TYPE " + q + " ADD VALUE IF NOT EXISTS " + quote_literal(l);
    auto next = std::find_if(b.labels.begin() + static_cast<long>(i) + 1, b.labels.end(), known);
    if (next != b.labels.end()) {
      sql += " BEFORE " + quote_literal(*next);
      current.insert(std::find(current.begin(), current.end(), *next), l);
    } else {
      current.push_back(l);
    }
    out.push_back(sql);
  }
  return out;
}

void change_enum_values(Plan& plan, const std::string& schema, const std::string& name,
                        const model::Type& a, const model::Type& b) {
  std::string label = schema + "." + name;
  DdlStep& s =
      plan.add(kType, DdlAction::kAlter, DdlObject::kType, {}, "change values of enum " + label);
  s.down = rebuild_enum(plan.from, plan.from, schema, name, a.labels);
  std::string users = enum_users(plan.from, schema, name);
  if (!users.empty()) {
    plan.out.down_caveats.push_back("enum " + label +
                                    ": the reverse cannot remove the new values (" + users +
                                    " use the type): it stops with an error");
  }
  if (!enum_rebuilt(a, b)) {
    s.up = add_values(qname(schema, name), a, b);
    s.part = DdlPart::kBefore;
    plan.out.down_caveats.push_back("enum " + label +
                                    ": the reverse rebuilds the type (values cannot be "
                                    "removed in place); it fails if a row uses a new value");
    return;
  }
  if (!users.empty()) {
    plan.out.unsupported.push_back("enum " + label + ": values removed or reordered, and " + users +
                                   " use the type; rebuild it by hand");
  }
  s.up = rebuild_enum(plan.from, plan.to, schema, name, b.labels);
  s.destructive = true;
  plan.out.warnings.push_back("enum " + label +
                              ": values removed or reordered: the type is rebuilt and every "
                              "column using it is rewritten");
}

// PostgreSQL cannot check a new domain constraint inside a composite that a
// table stores ("cannot alter type ... because column ... uses it"): the
// composite that does, empty if none.
std::string composite_storing_domain(const Plan& plan, const std::string& schema,
                                     const std::string& name) {
  std::string d = deparsed_name(schema, name);
  for (const auto& [sname, sc] : plan.from.schemas) {
    for (const auto& [tname, t] : sc.types) {
      bool contains = t.kind == "composite" &&
                      std::any_of(t.attributes.begin(), t.attributes.end(),
                                  [&](const auto& x) { return x.type == d || x.type == d + "[]"; });
      if (contains && plan.stored_types.contains(deparsed_name(sname, tname))) {
        return sname + "." + tname;
      }
    }
  }
  return "";
}

void alter_domain_checks(const model::Change& change, const std::string& alter,
                         const model::Type& a, const model::Type& b, std::vector<std::string>& up,
                         std::vector<std::string>& down) {
  if (!change.has("checks")) return;
  for (const auto& [cname, def] : a.checks) {
    auto it = b.checks.find(cname);
    if (it != b.checks.end() && it->second == def) continue;
    up.push_back(alter + " DROP CONSTRAINT " + quote_identifier(cname));
    down.push_back(alter + " ADD CONSTRAINT " + quote_identifier(cname) + " " + def);
  }
  for (const auto& [cname, def] : b.checks) {
    auto it = a.checks.find(cname);
    if (it != a.checks.end() && it->second == def) continue;
    bool not_valid = def.ends_with(" NOT VALID");
    std::string plain = not_valid ? def.substr(0, def.size() - 10) : def;
    up.push_back(alter + " ADD CONSTRAINT " + quote_identifier(cname) + " " + plain + " NOT VALID");
    if (!not_valid) up.push_back(alter + " VALIDATE CONSTRAINT " + quote_identifier(cname));
    down.push_back(alter + " DROP CONSTRAINT " + quote_identifier(cname));
  }
}

void alter_domain(Plan& plan, const model::Change& change, const model::Type& a,
                  const model::Type& b) {
  std::string alter = "ALTER DOMAIN " + qname(change.schema, change.name);
  std::vector<std::string> up, down;
  if (change.has("default_expr")) {
    up.push_back(b.default_expr.empty() ? alter + " DROP DEFAULT"
                                        : alter + " SET DEFAULT " + b.default_expr);
    down.push_back(a.default_expr.empty() ? alter + " DROP DEFAULT"
                                          : alter + " SET DEFAULT " + a.default_expr);
  }
  if (change.has("not_null")) {
    up.push_back(alter + (b.not_null ? " SET NOT NULL" : " DROP NOT NULL"));
    down.push_back(alter + (a.not_null ? " SET NOT NULL" : " DROP NOT NULL"));
  }
  alter_domain_checks(change, alter, a, b, up, down);
  if (up.empty()) return;
  std::reverse(down.begin(), down.end());
  DdlStep& s = plan.add(kType, DdlAction::kAlter, DdlObject::kType, {},
                        "alter domain " + change.schema + "." + change.name);
  s.up = std::move(up);
  s.down = std::move(down);
}

long attribute_index(const std::vector<model::CompositeAttribute>& v, const std::string& n) {
  for (size_t i = 0; i < v.size(); ++i) {
    if (v[i].name == n) return static_cast<long>(i);
  }
  return -1L;
}

// Surviving attributes keep their order and new ones come last.
bool attributes_appended(const model::Type& a, const model::Type& b) {
  std::vector<std::string> survivors_a, survivors_b;
  for (const auto& x : a.attributes) {
    if (attribute_index(b.attributes, x.name) >= 0) survivors_a.push_back(x.name);
  }
  for (const auto& x : b.attributes) {
    if (attribute_index(a.attributes, x.name) >= 0) survivors_b.push_back(x.name);
  }
  bool appended = survivors_a == survivors_b;
  for (size_t i = 0; appended && i < b.attributes.size(); ++i) {
    if (i >= survivors_b.size() && attribute_index(a.attributes, b.attributes[i].name) >= 0)
      appended = false;
    if (i < survivors_b.size() && b.attributes[i].name != survivors_b[i]) appended = false;
  }
  return appended;
}

// A column storing the composite (it cannot have an attribute dropped or
// retyped in place), empty if none.
std::string column_storing(const model::Database& db, const std::string& schema,
                           const std::string& name) {
  std::string f = deparsed_name(schema, name);
  std::string used_in;
  for (const auto& [sname, sch] : db.schemas) {
    for (const auto& [tname, t] : sch.tables) {
      for (const auto& [cname, c] : t.columns) {
        if (c.type == f || c.type == f + "[]") used_in = sname + "." + tname + "." + cname;
      }
    }
  }
  return used_in;
}

void alter_composite(Plan& plan, const std::string& schema, const std::string& name,
                     const model::Type& a, const model::Type& b) {
  std::string q = qname(schema, name), label = schema + "." + name;
  if (!attributes_appended(a, b)) {
    plan.out.unsupported.push_back(
        "type " + label + ": attribute order differs; keel adds attributes at the end only");
    return;
  }
  auto attr_def = [](const model::CompositeAttribute& x) {
    std::string d = quote_identifier(x.name) + " " + x.type;
    if (!x.collation.empty()) d += " COLLATE " + x.collation;
    return d;
  };
  auto set = [&](const model::CompositeAttribute& z) {
    std::string d =
        "ALTER TYPE " + q + " ALTER ATTRIBUTE " + quote_identifier(z.name) + " TYPE " + z.type;
    if (!z.collation.empty()) d += " COLLATE " + z.collation;
    return d;
  };
  std::vector<std::string> up, down;
  bool reshaped = false, drops = false;
  for (const auto& x : a.attributes) {
    long j = attribute_index(b.attributes, x.name);
    if (j < 0) {
      up.push_back("ALTER TYPE " + q + " DROP ATTRIBUTE " + quote_identifier(x.name));
      down.push_back("ALTER TYPE " + q + " ADD ATTRIBUTE " + attr_def(x));
      reshaped = drops = true;
    } else if (!(b.attributes[static_cast<size_t>(j)] == x)) {
      up.push_back(set(b.attributes[static_cast<size_t>(j)]));
      down.push_back(set(x));
      reshaped = true;
    }
  }
  if (std::string used_in = column_storing(plan.from, schema, name); reshaped && !used_in.empty()) {
    plan.out.unsupported.push_back("type " + label +
                                   ": attributes dropped or retyped while column " + used_in +
                                   " stores it; migrate the column by hand");
    return;
  }
  for (const auto& y : b.attributes) {
    if (attribute_index(a.attributes, y.name) < 0) {
      up.push_back("ALTER TYPE " + q + " ADD ATTRIBUTE " + attr_def(y));
      down.push_back("ALTER TYPE " + q + " DROP ATTRIBUTE " + quote_identifier(y.name));
    }
  }
  std::reverse(down.begin(), down.end());
  DdlStep& s = plan.add(kType, DdlAction::kAlter, DdlObject::kType, {}, "alter type " + label);
  s.up = std::move(up);
  s.down = std::move(down);
  // DROP ATTRIBUTE removes the field from every value stored in a column.
  s.destructive = drops;
}

}  // namespace

void render_type(Plan& plan, const model::Change& change) {
  const std::string& schema = change.schema;
  const std::string& name = change.name;
  std::string q = qname(schema, name);
  std::string label = schema + "." + name;
  if (change.action == ChangeAction::kCreate) return create_type(plan, schema, name);
  if (change.action == ChangeAction::kDrop) return drop_type(plan, schema, name);
  const model::Type& a = plan.from.schemas.at(schema).types.at(name);
  const model::Type& b = plan.to.schemas.at(schema).types.at(name);
  if (change.has("kind") || change.has("base_type") ||
      (a.kind == "domain" && change.has("collation")) ||
      (a.kind == "range" && (change.has("collation") || change.has("subtype_diff")))) {
    plan.out.unsupported.push_back("type " + label +
                                   ": its kind, base type, collation or subtype difference "
                                   "function differs; keel cannot change it in place");
    return;
  }
  if (change.has("comment")) {
    DdlStep& s =
        plan.add(kComment, DdlAction::kComment, DdlObject::kType, {}, "comment on type " + label);
    s.up = {"COMMENT ON " + type_keyword(b) + " " + q + " IS " + comment_literal(b.comment)};
    s.down = {"COMMENT ON " + type_keyword(a) + " " + q + " IS " + comment_literal(a.comment)};
  }
  if (change.has("labels")) change_enum_values(plan, schema, name, a, b);
  if (a.kind == "domain" && (change.has("not_null") || change.has("checks"))) {
    if (std::string holder = composite_storing_domain(plan, schema, name); !holder.empty()) {
      plan.out.unsupported.push_back(
          "domain " + label + ": its constraints change while composite type " + holder +
          " holds it and a table stores that type; PostgreSQL cannot check them there");
      return;
    }
  }
  if (a.kind == "domain") alter_domain(plan, change, a, b);
  if (a.kind == "composite" && change.has("attributes")) alter_composite(plan, schema, name, a, b);
}

}  // namespace keel::pg::ddl
