// PostgreSQL DDL: views and materialized views. A changed view is dropped
// and created again (CREATE OR REPLACE cannot drop or retype columns); the
// planner recreates the views that depend on it around the change.
#include "dialects/postgres/ddl/planner.h"

namespace keel::pg::ddl {
namespace {

using model::ChangeAction;

std::string strip_semicolon(std::string def) {
  while (!def.empty() && (def.back() == ';' || def.back() == ' ' || def.back() == '\n')) {
    def.pop_back();
  }
  return def;
}

std::string kind(const model::View& v) { return v.materialized ? "MATERIALIZED VIEW" : "VIEW"; }

}  // namespace

std::vector<std::string> create_view_statements(const std::string& schema, const std::string& name,
                                                const model::View& v) {
  std::string q = qname(schema, name);
  std::string sql = "CREATE " + kind(v) + " " + q;
  if (!v.options.empty()) sql += " WITH (" + v.options + ")";
  sql += " AS\n" + strip_semicolon(v.definition);
  if (v.materialized) sql += "\nWITH DATA";
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
  return out;
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
  if (change.action == ChangeAction::kAlter &&
      change.properties == std::vector<std::string>{"comment"}) {
    const model::View& a = plan.from.schemas.at(schema).views.at(name);
    const model::View& b = plan.to.schemas.at(schema).views.at(name);
    DdlStep& s = plan.add(kComment, DdlAction::kComment, DdlObject::kView, {{schema, name}},
                          "comment on view " + key);
    s.up = {"COMMENT ON " + kind(b) + " " + q + " IS " + comment_literal(b.comment)};
    s.down = {"COMMENT ON " + kind(a) + " " + q + " IS " + comment_literal(a.comment)};
    return;
  }
  // Changed views are in plan.recreated_views and handled by the planner.
}

}  // namespace keel::pg::ddl
