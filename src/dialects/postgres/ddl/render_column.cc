// PostgreSQL DDL: columns of an existing table.
#include <sstream>

#include "dialects/postgres/ddl/planner.h"

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
  // A narrower range may exclude the current value: start over at START.
  auto number = [](const std::string& v) { return v.empty() ? 0LL : std::stoll(v); };
  if (number(b["min"]) > number(a["min"]) || number(b["max"]) < number(a["max"])) out += " RESTART";
  return out;
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
  // Everything else of an inherited column follows its parent.
  if (inherited_column(plan.to, *tb, change.member) &&
      inherited_column(plan.from, *ta, change.member)) {
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
  // Identity off first (it needs NOT NULL), type, default, NOT NULL, identity on.
  if (change.has("identity") && !a.identity.empty() && b.identity.empty()) {
    up.push_back(alter + " DROP IDENTITY");
    down.insert(down.begin(), alter + " ADD " + identity_clause(a));
  }
  if (change.has("type") || change.has("collation")) {
    auto set_type = [&](const model::Column& c) {
      std::string sql = alter + " TYPE " + c.type;
      if (!c.collation.empty()) sql += " COLLATE " + c.collation;
      sql += " USING " + col + "::" + c.type;
      return sql;
    };
    up.push_back(set_type(b));
    down.insert(down.begin(), set_type(a));
    if (change.has("type")) {
      plan.out.warnings.push_back("column " + label + ": type " + a.type + " -> " + b.type +
                                  " may rewrite the table under an ACCESS EXCLUSIVE lock");
    }
  }
  if (change.has("default_expr")) {
    auto set_default = [&](const model::Column& c) {
      return c.default_expr.empty() ? alter + " DROP DEFAULT"
                                    : alter + " SET DEFAULT " + c.default_expr;
    };
    up.push_back(set_default(b));
    down.insert(down.begin(), set_default(a));
  }
  if (change.has("not_null")) {
    if (b.not_null) {
      if (plan.options.online) {
        // A validated CHECK lets SET NOT NULL skip its full-table scan under
        // ACCESS EXCLUSIVE; VALIDATE scans under SHARE UPDATE EXCLUSIVE.
        std::string check = quote_identifier((change.member + "_keel_not_null").substr(0, 63));
        up.push_back("ALTER TABLE " + q + " ADD CONSTRAINT " + check + " CHECK (" + col +
                     " IS NOT NULL) NOT VALID");
        up.push_back("ALTER TABLE " + q + " VALIDATE CONSTRAINT " + check);
        up.push_back(alter + " SET NOT NULL");
        up.push_back("ALTER TABLE " + q + " DROP CONSTRAINT " + check);
      } else {
        up.push_back(alter + " SET NOT NULL");
      }
      down.insert(down.begin(), alter + " DROP NOT NULL");
    } else {
      up.push_back(alter + " DROP NOT NULL");
      down.insert(down.begin(), alter + " SET NOT NULL");
    }
  }
  if (change.has("identity") && !b.identity.empty()) {
    if (a.identity.empty()) {
      up.push_back(alter + " ADD " + identity_clause(b));
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
  if (!up.empty()) {
    DdlStep& s = plan.add(kAlterTable, "alter column " + label, b.position);
    s.up = std::move(up);
    s.down = std::move(down);
  }
}

}  // namespace keel::pg::ddl
