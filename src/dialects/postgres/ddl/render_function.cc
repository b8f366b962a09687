// PostgreSQL DDL: functions, procedures and aggregates. A body or attribute
// change is CREATE OR REPLACE; a new result type or parameter list needs
// DROP and CREATE.
#include <algorithm>

#include "dialects/postgres/ddl/planner.h"

namespace keel::pg::ddl {
namespace {

using model::ChangeAction;

// Variables whose value is a list: each element is quoted on its own, as
// pg_dump does (search_path = 'public', 'pg_temp').
bool list_variable(const std::string& name) {
  return name == "search_path" || name == "temp_tablespaces" || name == "local_preload_libraries" ||
         name == "session_preload_libraries" || name == "shared_preload_libraries";
}

std::string set_clause(const std::string& entry) {
  size_t eq = entry.find('=');
  std::string name = entry.substr(0, eq);
  std::string value = eq == std::string::npos ? "" : entry.substr(eq + 1);
  if (!list_variable(name)) return "SET " + name + " TO " + quote_literal(value);
  // The server's list: elements split at commas outside double quotes
  // ("a, b" is one schema), each quoted only when needed.
  std::vector<std::string> elements(1);
  bool quoted = false;
  for (char c : value) {
    if (c == '"') quoted = !quoted;
    if (c == ',' && !quoted) {
      elements.emplace_back();
    } else if (!(c == ' ' && !quoted && elements.back().empty())) {
      elements.back() += c;
    }
  }
  std::vector<std::string> items;
  for (std::string item : elements) {
    if (item.size() >= 2 && item.front() == '"' && item.back() == '"') {
      std::string raw;
      for (size_t i = 1; i + 1 < item.size(); ++i) {
        raw += item[i];
        if (item[i] == '"' && i + 2 < item.size() && item[i + 1] == '"') ++i;
      }
      item = raw;
    }
    items.push_back(quote_literal(item));
  }
  return "SET " + name + " TO " + join(items, ", ");
}

// The aggregate's "sfunc=... stype=... initcond='0'" as CREATE AGGREGATE options.
std::string aggregate_options(const std::string& body) {
  static const std::pair<const char*, const char*> kKeys[] = {
      {"sfunc=", "SFUNC"},         {"stype=", "STYPE"},
      {"finalfunc=", "FINALFUNC"}, {"combinefunc=", "COMBINEFUNC"},
      {"sortop=", "SORTOP"},       {"initcond=", "INITCOND"}};
  std::vector<std::pair<size_t, size_t>> found;  // position, key index
  for (size_t k = 0; k < std::size(kKeys); ++k) {
    std::string marker = kKeys[k].first;
    size_t at = body.starts_with(marker) ? 0 : body.find(" " + marker);
    if (at != std::string::npos) found.emplace_back(at == 0 ? 0 : at + 1, k);
  }
  std::sort(found.begin(), found.end());
  std::vector<std::string> out;
  for (size_t i = 0; i < found.size(); ++i) {
    auto [at, k] = found[i];
    size_t start = at + std::string_view(kKeys[k].first).size();
    size_t end = i + 1 < found.size() ? found[i + 1].first - 1 : body.size();
    std::string value = body.substr(start, end - start);
    if (std::string_view(kKeys[k].second) == "SORTOP")
      value = "OPERATOR(" + value.substr(0, value.find('(')) + ")";
    out.push_back(std::string(kKeys[k].second) + " = " + value);
  }
  return join(out, ", ");
}

std::string keyword(const model::Function& f) {
  if (f.kind == "procedure") return "PROCEDURE";
  if (f.kind == "aggregate") return "AGGREGATE";
  return "FUNCTION";
}

// Whether the signature names a relation (its row type) that only `db` has,
// or a SQL-standard body (parsed and bound at creation, unlike a string
// body) reads one.
bool signature_names_relation(const model::Function& f, const model::Database& db,
                              const model::Database& other) {
  bool bound_body = sql_standard_body(f);
  for (const auto& [sname, s] : db.schemas) {
    auto check = [&](const std::string& name) {
      const model::Schema* o = other.schemas.contains(sname) ? &other.schemas.at(sname) : nullptr;
      if (o != nullptr && (o->tables.contains(name) || o->views.contains(name))) return false;
      return mentions_relation(f.arguments, sname, name) ||
             mentions_relation(f.result, sname, name) ||
             (bound_body && mentions_relation(f.body, sname, name));
    };
    for (const auto& [name, t] : s.tables) {
      if (check(name)) return true;
    }
    for (const auto& [name, v] : s.views) {
      if (check(name)) return true;
    }
  }
  return false;
}

// "a integer, b text DEFAULT 'x'::text": the same parameters, with defaults
// only added (CREATE OR REPLACE accepts that; not removals or renames).
bool only_defaults_added(const std::string& from, const std::string& to) {
  auto strip = [](const std::string& args, int& defaults) {
    std::string out;
    for (const std::string& arg : split_options(args)) {
      size_t at = arg.find(" DEFAULT ");
      if (at != std::string::npos) ++defaults;
      out += arg.substr(0, at) + ",";
    }
    return out;
  };
  int da = 0, db = 0;
  return strip(from, da) == strip(to, db) && db >= da;
}

}  // namespace

bool sql_standard_body(const model::Function& f) {
  return f.language == "sql" &&
         (f.body.starts_with("BEGIN ATOMIC") || f.body.starts_with("RETURN "));
}

// Parameter names, defaults and the result type cannot change in place.
// (Defaults added to parameters are fine in place; removed ones are not, so
// each direction decides on its own.)
bool function_recreated(const model::Change& change, const model::Function& x,
                        const model::Function& y) {
  return change.has("kind") || change.has("result") ||
         (change.has("arguments") && !only_defaults_added(x.arguments, y.arguments));
}

std::vector<std::string> create_function_statements(const std::string& schema,
                                                    const std::string& key,
                                                    const model::Function& f, bool replace) {
  auto [name, identity] = split_function_key(key);
  std::string q = qname(schema, name);
  std::string head = std::string("CREATE ") + (replace ? "OR REPLACE " : "") + keyword(f) + " " +
                     q + "(" + f.arguments + ")";
  std::string sql;
  if (f.kind == "aggregate") {
    std::string options = aggregate_options(f.body);
    if (!f.parallel.empty() && f.parallel != "unsafe")
      options += ", PARALLEL = " + upper(f.parallel);
    sql = head + " (" + options + ")";
  } else {
    sql = head;
    if (f.kind != "procedure") sql += " RETURNS " + f.result;
    sql += "\n LANGUAGE " + quote_identifier(f.language);
    if (f.kind == "window") sql += " WINDOW";
    if (f.kind != "procedure") {
      sql += ' ';
      sql += upper(f.volatility);
      if (f.strict) sql += " STRICT";
      if (f.leakproof) sql += " LEAKPROOF";
      sql += " PARALLEL " + upper(f.parallel.empty() ? "unsafe" : f.parallel);
      if (!f.cost.empty()) sql += " COST " + f.cost;
      if (!f.rows.empty()) sql += " ROWS " + f.rows;
    }
    if (f.security_definer) sql += " SECURITY DEFINER";
    for (const std::string& entry : f.config) sql += "\n " + set_clause(entry);
    if (sql_standard_body(f)) {
      sql += "\n" + f.body;
    } else {
      sql += "\nAS " + quote_dollar(f.body);
    }
  }
  std::vector<std::string> out = {std::move(sql)};
  if (!f.comment.empty()) {
    out.push_back("COMMENT ON " + keyword(f) + " " + q + "(" + identity + ") IS " +
                  comment_literal(f.comment));
  }
  return out;
}

std::string drop_function_statement(const std::string& schema, const std::string& key,
                                    const model::Function& f) {
  auto [name, identity] = split_function_key(key);
  return "DROP " + keyword(f) + " " + qname(schema, name) + "(" + identity + ")";
}

namespace {

// Functions keel does not generate: C and internal ones (an extension's or
// written by hand) and ordered-set aggregates; each is named as unsupported.
bool unsupported_function(Plan& plan, const std::string& label, const model::Function& f) {
  if (f.kind != "aggregate" && (f.language == "c" || f.language == "internal")) {
    plan.out.unsupported.push_back("function " + label + ": language " + f.language +
                                   " functions are created by hand or by an extension");
    return true;
  }
  if (f.kind == "aggregate" && f.body.find("kind=") != std::string::npos) {
    plan.out.unsupported.push_back("aggregate " + label +
                                   ": ordered-set aggregates are not generated");
    return true;
  }
  return false;
}

void create_function(Plan& plan, const std::string& schema, const std::string& key) {
  std::string label = schema + "." + key;
  const model::Function& f = plan.to.schemas.at(schema).functions.at(key);
  if (unsupported_function(plan, label, f)) return;
  // Aggregates after the functions they call; a function returning or
  // taking a new table's row type, or whose SQL-standard body reads a new
  // table, after that table (and the views).
  int phase = signature_names_relation(f, plan.to, plan.from) ? kLateFunction : kFunction;
  DdlStep& s = plan.add(phase, DdlAction::kCreate, DdlObject::kFunction, {},
                        "create " + f.kind + " " + label, f.kind == "aggregate" ? 1 : 0);
  s.up = create_function_statements(schema, key, f, false);
  s.down = {drop_function_statement(schema, key, f)};
  s.creates_function = f.kind != "aggregate";
}

void drop_function(Plan& plan, const std::string& schema, const std::string& key) {
  std::string label = schema + "." + key;
  const model::Function& f = plan.from.schemas.at(schema).functions.at(key);
  if (unsupported_function(plan, label, f)) return;
  // A function whose name comes back with other arguments (or OUT
  // parameters) goes before the new one is created; others go last, after
  // whatever used them.
  auto [fname, args] = split_function_key(key);
  bool reused = false;
  for (const auto& [other, g] : plan.to.schemas.count(schema)
                                    ? plan.to.schemas.at(schema).functions
                                    : std::map<std::string, model::Function>{}) {
    if (split_function_key(other).first == fname) reused = true;
  }
  // A SQL-standard body depends on the columns it reads, a signature on
  // the row type it names: those go before columns and tables do.
  int phase = reused ? kFunction
              : sql_standard_body(f) || signature_names_relation(f, plan.from, plan.to)
                  ? kEarlyDropFunction
                  : kDropFunction;
  DdlStep& s =
      plan.add(phase, DdlAction::kDrop, DdlObject::kFunction, {}, "drop " + f.kind + " " + label,
               reused ? -1 : (f.kind == "aggregate" ? -1 : 0));
  s.up = {drop_function_statement(schema, key, f)};
  s.down = create_function_statements(schema, key, f, false);
  s.creates_function = f.kind != "aggregate";
}

// What the old body computed stays: index entries, stored generated values,
// and rows a CHECK accepted.
void warn_body_change(Plan& plan, const std::string& schema, const std::string& key) {
  std::string label = schema + "." + key;
  std::string fname = split_function_key(key).first;
  auto warn = [&](const std::string& what, const std::string& todo) {
    plan.out.warnings.push_back("function " + label + ": its body changes while " + what +
                                " uses it; " + todo);
  };
  for (const auto& [sname, sc] : plan.to.schemas) {
    for (const auto& [tname, t] : sc.tables) {
      std::string table = sname + "." + tname;
      for (const auto& [iname, index] : t.indexes) {
        if (mentions_relation(index.definition, schema, fname)) {
          warn("index " + sname + "." + iname, "REINDEX it (its entries hold the old results)");
        }
      }
      for (const auto& [cname, c] : t.constraints) {
        if (c.type == "check" && mentions_relation(c.definition, schema, fname)) {
          warn("constraint " + table + "." + cname,
               "rows already there are not checked again (VALIDATE does not recheck)");
        }
      }
      for (const auto& [cname, c] : t.columns) {
        if (mentions_relation(c.generated, schema, fname)) {
          warn("generated column " + table + "." + cname,
               "stored values keep the old results until their rows are updated");
        }
      }
    }
  }
}

}  // namespace

void render_function(Plan& plan, const model::Change& change) {
  const std::string& schema = change.schema;
  const std::string& key = change.name;
  std::string label = schema + "." + key;
  if (change.action == ChangeAction::kCreate) return create_function(plan, schema, key);
  if (change.action == ChangeAction::kDrop) return drop_function(plan, schema, key);
  const model::Function& a = plan.from.schemas.at(schema).functions.at(key);
  const model::Function& b = plan.to.schemas.at(schema).functions.at(key);
  if (unsupported_function(plan, label, b)) return;
  std::vector<std::string> rest = change.properties;
  std::erase(rest, "comment");
  if (change.has("body") && !function_recreated(change, a, b) &&
      !function_recreated(change, b, a)) {
    warn_body_change(plan, schema, key);
  }
  if (!rest.empty()) {
    bool recreate = function_recreated(change, a, b);
    bool recreate_back = function_recreated(change, b, a);
    DdlStep& s = plan.add(kFunction, DdlAction::kAlter, DdlObject::kFunction, {},
                          "replace " + b.kind + " " + label);
    auto replace = [&](const model::Function& x, const model::Function& y, bool full) {
      std::vector<std::string> out;
      if (!full)
        return std::vector<std::string>{create_function_statements(schema, key, y, true).front()};
      out.push_back(drop_function_statement(schema, key, x));
      for (std::string& sql : create_function_statements(schema, key, y, false)) out.push_back(sql);
      return out;
    };
    s.up = replace(a, b, recreate);
    s.down = replace(b, a, recreate_back);
    s.creates_function = a.kind != "aggregate" || b.kind != "aggregate";
    if (recreate && recreate_back) return;  // the create statements carry the comment
  }
  if (change.has("comment")) {
    auto [name, identity] = split_function_key(key);
    std::string target = keyword(b) + " " + qname(schema, name) + "(" + identity + ")";
    DdlStep& s = plan.add(kComment, DdlAction::kComment, DdlObject::kFunction, {},
                          "comment on " + b.kind + " " + label);
    s.up = {"COMMENT ON " + target + " IS " + comment_literal(b.comment)};
    s.down = {"COMMENT ON " + target + " IS " + comment_literal(a.comment)};
  }
}

}  // namespace keel::pg::ddl
