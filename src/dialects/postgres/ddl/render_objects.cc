// PostgreSQL DDL: schemas, extensions, triggers and policies.
#include "dialects/postgres/ddl/planner.h"

namespace keel::pg::ddl {
namespace {

using model::ChangeAction;

std::string create_extension(const std::string& name, const model::Extension& e) {
  return "CREATE EXTENSION " + quote_identifier(name) + " WITH SCHEMA " +
         quote_identifier(e.schema) + " VERSION " + quote_literal(e.version);
}

const model::Table* owner_table(const model::Database& db, const model::Change& change) {
  return find_table(db, change.schema, change.name);
}

}  // namespace

void render_schema(Plan& plan, const model::Change& change) {
  std::string q = quote_identifier(change.name);
  auto comment = [&](const std::string& text) {
    return "COMMENT ON SCHEMA " + q + " IS " + comment_literal(text);
  };
  if (change.action == ChangeAction::kCreate) {
    const model::Schema& s = plan.to.schemas.at(change.name);
    DdlStep& step = plan.add(kCreateSchema, DdlAction::kCreate, DdlObject::kSchema, {},
                             "create schema " + change.name);
    step.up = {"CREATE SCHEMA " + q};
    if (!s.comment.empty()) step.up.push_back(comment(s.comment));
    step.down = {"DROP SCHEMA " + q};
  } else if (change.action == ChangeAction::kDrop) {
    const model::Schema& s = plan.from.schemas.at(change.name);
    DdlStep& step = plan.add(kDropSchema, DdlAction::kDrop, DdlObject::kSchema, {},
                             "drop schema " + change.name);
    step.up = {"DROP SCHEMA " + q};
    step.down = {"CREATE SCHEMA " + q};
    if (!s.comment.empty()) step.down.push_back(comment(s.comment));
  } else {
    DdlStep& step = plan.add(kComment, DdlAction::kComment, DdlObject::kSchema, {},
                             "comment on schema " + change.name);
    step.up = {comment(plan.to.schemas.at(change.name).comment)};
    step.down = {comment(plan.from.schemas.at(change.name).comment)};
  }
}

void render_extension(Plan& plan, const model::Change& change) {
  std::string q = quote_identifier(change.name);
  auto comment = [&](const std::string& text) {
    return "COMMENT ON EXTENSION " + q + " IS " + comment_literal(text);
  };
  if (change.action == ChangeAction::kCreate) {
    DdlStep& s = plan.add(kExtension, DdlAction::kCreate, DdlObject::kExtension, {},
                          "create extension " + change.name);
    s.up = {create_extension(change.name, plan.to.extensions.at(change.name))};
    s.down = {"DROP EXTENSION " + q};
    return;
  }
  if (change.action == ChangeAction::kDrop) {
    const model::Extension& e = plan.from.extensions.at(change.name);
    DdlStep& s = plan.add(kDropExtension, DdlAction::kDrop, DdlObject::kExtension, {},
                          "drop extension " + change.name);
    s.up = {"DROP EXTENSION " + q};
    s.down = {create_extension(change.name, e)};
    if (!e.comment.empty()) s.down.push_back(comment(e.comment));
    s.destructive = true;
    return;
  }
  const model::Extension& a = plan.from.extensions.at(change.name);
  const model::Extension& b = plan.to.extensions.at(change.name);
  if (change.has("schema")) {
    DdlStep& s = plan.add(kExtension, DdlAction::kAlter, DdlObject::kExtension, {},
                          "move extension " + change.name);
    s.up = {"ALTER EXTENSION " + q + " SET SCHEMA " + quote_identifier(b.schema)};
    s.down = {"ALTER EXTENSION " + q + " SET SCHEMA " + quote_identifier(a.schema)};
  }
  if (change.has("version")) {
    DdlStep& s = plan.add(kExtension, DdlAction::kAlter, DdlObject::kExtension, {},
                          "update extension " + change.name);
    s.up = {"ALTER EXTENSION " + q + " UPDATE TO " + quote_literal(b.version)};
    s.down = {"ALTER EXTENSION " + q + " UPDATE TO " + quote_literal(a.version)};
    plan.out.down_caveats.push_back("extension " + change.name + ": going back to version " +
                                    a.version + " needs a downgrade script in the extension");
  }
  if (change.has("comment")) {
    DdlStep& s = plan.add(kComment, DdlAction::kComment, DdlObject::kExtension, {},
                          "comment on extension " + change.name);
    s.up = {comment(b.comment)};
    s.down = {comment(a.comment)};
  }
}

std::string create_trigger_statement(const model::Trigger& trigger) { return trigger.definition; }

std::string trigger_enable_statement(const std::string& table, const std::string& name,
                                     const std::string& enabled) {
  return "ALTER TABLE " + table + " " + enable_keyword(enabled) + " TRIGGER " +
         quote_identifier(name);
}

void render_trigger(Plan& plan, const model::Change& change) {
  const std::string& schema = change.schema;
  std::string key = schema + "." + change.name;
  if (plan.recreated_views.contains(key)) return;
  std::string q = qname(schema, change.name);
  std::string label = key + "." + change.member;
  const model::Table* ta = owner_table(plan.from, change);
  const model::Table* tb = owner_table(plan.to, change);
  // A partition's clone of its parent's trigger has an enabled state of its
  // own (ALTER TABLE partition DISABLE TRIGGER); the rest follows the parent.
  if (ta != nullptr && tb != nullptr && change.action == ChangeAction::kAlter &&
      change.has("enabled") && inherited_trigger(plan.from, *ta, change.member) &&
      inherited_trigger(plan.to, *tb, change.member)) {
    DdlStep& s = plan.add(kCreateTrigger, DdlAction::kAlter, DdlObject::kTrigger,
                          {{schema, change.name}}, "enable/disable trigger " + label, 1000);
    s.up = {trigger_enable_statement(q, change.member, tb->triggers.at(change.member).enabled)};
    s.down = {trigger_enable_statement(q, change.member, ta->triggers.at(change.member).enabled)};
    return;
  }
  auto lookup = [&](const model::Database& db, const model::Table* t) -> const model::Trigger* {
    if (t != nullptr) {
      if (inherited_trigger(db, *t, change.member)) return nullptr;
      return &t->triggers.at(change.member);
    }
    return &db.schemas.at(schema).views.at(change.name).triggers.at(change.member);
  };
  const model::Trigger* a =
      change.action == ChangeAction::kCreate ? nullptr : lookup(plan.from, ta);
  const model::Trigger* b = change.action == ChangeAction::kDrop ? nullptr : lookup(plan.to, tb);
  if (a == nullptr && b == nullptr) return;
  std::string drop = "DROP TRIGGER " + quote_identifier(change.member) + " ON " + q;
  auto comment = [&](const std::string& text) {
    return "COMMENT ON TRIGGER " + quote_identifier(change.member) + " ON " + q + " IS " +
           comment_literal(text);
  };
  auto create = [&](const model::Trigger& t) {
    std::vector<std::string> out = {create_trigger_statement(t)};
    if (!t.enabled.empty() && t.enabled != "origin") {
      out.push_back(trigger_enable_statement(q, change.member, t.enabled));
    }
    if (!t.comment.empty()) out.push_back(comment(t.comment));
    return out;
  };
  if (a != nullptr && b != nullptr) {
    if (!change.has("definition")) {
      if (change.has("enabled")) {
        DdlStep& s = plan.add(kCreateTrigger, DdlAction::kAlter, DdlObject::kTrigger,
                              {{schema, change.name}}, "enable/disable trigger " + label);
        s.up = {trigger_enable_statement(q, change.member, b->enabled)};
        s.down = {trigger_enable_statement(q, change.member, a->enabled)};
      }
      if (change.has("comment")) {
        DdlStep& s = plan.add(kComment, DdlAction::kComment, DdlObject::kTrigger,
                              {{schema, change.name}}, "comment on trigger " + label);
        s.up = {comment(b->comment)};
        s.down = {comment(a->comment)};
      }
      return;
    }
  }
  if (a != nullptr) {
    DdlStep& s = plan.add(kDropTrigger, DdlAction::kDrop, DdlObject::kTrigger,
                          {{schema, change.name}}, "drop trigger " + label);
    s.up = {drop};
    s.down = create(*a);
  }
  if (b != nullptr) {
    DdlStep& s = plan.add(kCreateTrigger, DdlAction::kCreate, DdlObject::kTrigger,
                          {{schema, change.name}}, "create trigger " + label);
    s.up = create(*b);
    s.down = {drop};
  }
}

std::string create_policy_statement(const std::string& table, const std::string& name,
                                    const model::Policy& p) {
  std::string sql = "CREATE POLICY " + quote_identifier(name) + " ON " + table;
  if (!p.permissive) sql += " AS RESTRICTIVE";
  std::string command = p.command.empty() ? "all" : p.command;
  for (char& c : command) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  sql += " FOR " + command;
  if (!p.roles.empty()) {
    std::vector<std::string> roles;
    for (const std::string& r : p.roles)
      roles.push_back(r == "public" ? "PUBLIC" : quote_identifier(r));
    sql += " TO " + join(roles, ", ");
  }
  if (!p.using_expr.empty()) sql += " USING (" + p.using_expr + ")";
  if (!p.check_expr.empty()) sql += " WITH CHECK (" + p.check_expr + ")";
  return sql;
}

void render_policy(Plan& plan, const model::Change& change) {
  std::string q = qname(change.schema, change.name);
  std::string label = change.schema + "." + change.name + "." + change.member;
  std::string drop = "DROP POLICY " + quote_identifier(change.member) + " ON " + q;
  auto comment = [&](const std::string& text) {
    return "COMMENT ON POLICY " + quote_identifier(change.member) + " ON " + q + " IS " +
           comment_literal(text);
  };
  auto create = [&](const model::Policy& p) {
    std::vector<std::string> out = {create_policy_statement(q, change.member, p)};
    if (!p.comment.empty()) out.push_back(comment(p.comment));
    return out;
  };
  const model::Policy* a =
      change.action == ChangeAction::kCreate
          ? nullptr
          : &find_table(plan.from, change.schema, change.name)->policies.at(change.member);
  const model::Policy* b =
      change.action == ChangeAction::kDrop
          ? nullptr
          : &find_table(plan.to, change.schema, change.name)->policies.at(change.member);
  if (a != nullptr && b != nullptr && !change.has("definition")) {
    DdlStep& s = plan.add(kComment, DdlAction::kComment, DdlObject::kPolicy,
                          {{change.schema, change.name}}, "comment on policy " + label);
    s.up = {comment(b->comment)};
    s.down = {comment(a->comment)};
    return;
  }
  if (a != nullptr) {
    DdlStep& s = plan.add(kDropPolicy, DdlAction::kDrop, DdlObject::kPolicy,
                          {{change.schema, change.name}}, "drop policy " + label);
    s.up = {drop};
    s.down = create(*a);
  }
  if (b != nullptr) {
    DdlStep& s = plan.add(kCreatePolicy, DdlAction::kCreate, DdlObject::kPolicy,
                          {{change.schema, change.name}}, "create policy " + label);
    s.up = create(*b);
    s.down = {drop};
  }
}

}  // namespace keel::pg::ddl
