// PostgreSQL DDL: views and materialized views. A changed view is dropped
// and created again (CREATE OR REPLACE cannot drop or retype columns); the
// planner recreates the views that depend on it around the change.
#include <algorithm>
#include <functional>

#include "dialects/postgres/ddl/planner.h"

namespace keel::pg::ddl {
namespace {

using model::ChangeAction;

std::string kind(const model::View& v) { return v.materialized ? "MATERIALIZED VIEW" : "VIEW"; }

std::string column_comment(const std::string& q, const std::string& column,
                           const std::string& comment) {
  return "COMMENT ON COLUMN " + q + "." + quote_identifier(column) + " IS " +
         comment_literal(comment);
}

std::string column_default(const std::string& q, const std::string& column,
                           const std::string& expr) {
  return "ALTER VIEW " + q + " ALTER COLUMN " + quote_identifier(column) +
         (expr.empty() ? " DROP DEFAULT" : " SET DEFAULT " + expr);
}

// Statements that take `from`'s entries (column -> value) to `to`'s.
std::vector<std::string> column_entries(
    const std::map<std::string, std::string>& from, const std::map<std::string, std::string>& to,
    const std::function<std::string(const std::string&, const std::string&)>& set) {
  std::vector<std::string> out;
  for (const auto& [column, value] : to) {
    auto it = from.find(column);
    if (it == from.end() || it->second != value) out.push_back(set(column, value));
  }
  for (const auto& [column, value] : from) {
    if (!to.contains(column)) out.push_back(set(column, ""));
  }
  return out;
}

std::string refresh(const std::string& q, const model::View& v) {
  return "REFRESH MATERIALIZED VIEW " + q + (v.with_no_data ? " WITH NO DATA" : "");
}

}  // namespace

std::vector<std::string> create_view_statements(const std::string& schema, const std::string& name,
                                                const model::View& v) {
  std::string q = qname(schema, name);
  std::string sql = "CREATE " + kind(v) + " " + q;
  if (!v.options.empty()) sql += " WITH (" + v.options + ")";
  sql += " AS\n" + strip_semicolon(v.definition);
  if (v.materialized) sql += v.with_no_data ? "\nWITH NO DATA" : "\nWITH DATA";
  std::vector<std::string> out = {std::move(sql)};
  for (const auto& [iname, index] : v.indexes) {
    out.push_back(create_index_statement(index, false));
    if (!index.comment.empty()) {
      out.push_back("COMMENT ON INDEX " + qname(schema, iname) + " IS " +
                    comment_literal(index.comment));
    }
  }
  for (const auto& [tname, trigger] : v.triggers) {
    out.push_back(create_trigger_statement(trigger));
    if (!trigger.comment.empty()) {
      out.push_back("COMMENT ON TRIGGER " + quote_identifier(tname) + " ON " + q + " IS " +
                    comment_literal(trigger.comment));
    }
  }
  if (!v.comment.empty()) {
    out.push_back("COMMENT ON " + kind(v) + " " + q + " IS " + comment_literal(v.comment));
  }
  for (const auto& [column, comment] : v.column_comments) {
    out.push_back(column_comment(q, column, comment));
  }
  for (const auto& [column, expr] : v.column_defaults) {
    out.push_back(column_default(q, column, expr));
  }
  for (const auto& [rname, rule] : v.rules) {
    for (std::string& sql : create_rule_statements(q, rname, rule)) out.push_back(std::move(sql));
  }
  return out;
}

bool view_altered_in_place(const model::Change& change) {
  static const std::set<std::string> kInPlace = {"comment", "with_no_data", "column_comments",
                                                 "column_defaults"};
  return std::all_of(change.properties.begin(), change.properties.end(),
                     [](const std::string& p) { return kInPlace.contains(p); });
}

std::string drop_view_statement(const std::string& schema, const std::string& name,
                                const model::View& v) {
  return "DROP " + kind(v) + " " + qname(schema, name);
}

void render_view(Plan& plan, const model::Change& change) {
  const std::string& schema = change.schema;
  const std::string& name = change.name;
  std::string key = schema + "." + name;
  std::string q = qname(schema, name);
  // Changed views are in plan.recreated_views and handled by the planner;
  // the rest change in place.
  if (change.action != ChangeAction::kAlter || plan.recreated_views.contains(key)) return;
  const model::View& a = plan.from.schemas.at(schema).views.at(name);
  const model::View& b = plan.to.schemas.at(schema).views.at(name);
  if (change.has("comment")) {
    DdlStep& s = plan.add(kComment, DdlAction::kComment, DdlObject::kView, {{schema, name}},
                          "comment on view " + key);
    s.up = {"COMMENT ON " + kind(b) + " " + q + " IS " + comment_literal(b.comment)};
    s.down = {"COMMENT ON " + kind(a) + " " + q + " IS " + comment_literal(a.comment)};
  }
  if (change.has("column_comments")) {
    auto set = [&](const std::string& c, const std::string& v) { return column_comment(q, c, v); };
    DdlStep& s = plan.add(kComment, DdlAction::kComment, DdlObject::kView, {{schema, name}},
                          "comment on columns of view " + key);
    s.up = column_entries(a.column_comments, b.column_comments, set);
    s.down = column_entries(b.column_comments, a.column_comments, set);
  }
  if (change.has("column_defaults")) {
    auto set = [&](const std::string& c, const std::string& v) { return column_default(q, c, v); };
    DdlStep& s = plan.add(kCreateView, DdlAction::kAlter, DdlObject::kView, {{schema, name}},
                          "column defaults of view " + key);
    s.up = column_entries(a.column_defaults, b.column_defaults, set);
    s.down = column_entries(b.column_defaults, a.column_defaults, set);
  }
  if (change.has("with_no_data")) {
    // Populating runs the query under an ACCESS EXCLUSIVE lock; emptying
    // makes the view unreadable until its next refresh.
    DdlStep& s = plan.add(
        kCreateView, DdlAction::kAlter, DdlObject::kView, {{schema, name}},
        (b.with_no_data ? "empty materialized view " : "populate materialized view ") + key, 1000);
    s.up = {refresh(q, b)};
    s.down = {refresh(q, a)};
    plan.out.warnings.push_back(
        "materialized view " + key + ": REFRESH holds an ACCESS EXCLUSIVE lock while it runs" +
        (b.with_no_data ? ", and leaves it unreadable until refreshed" : ""));
  }
}

}  // namespace keel::pg::ddl
