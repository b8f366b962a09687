// PostgreSQL DDL: sequences. OWNED BY is set after the owning column exists
// and cleared before it goes, so dropping a table never drops a sequence
// behind the plan's back.
#include "dialects/postgres/ddl/planner.h"

namespace keel::pg::ddl {
namespace {

using model::ChangeAction;

std::string owned_by(const std::string& q, const std::string& owner) {
  if (owner.empty()) return "ALTER SEQUENCE " + q + " OWNED BY NONE";
  // "schema.table.column"
  size_t first = owner.find('.');
  size_t second = owner.find('.', first + 1);
  return "ALTER SEQUENCE " + q + " OWNED BY " +
         quote_qualified(owner.substr(0, first), owner.substr(first + 1, second - first - 1)) +
         "." + quote_identifier(owner.substr(second + 1));
}

std::string options(const model::Sequence& s) {
  return " AS " + s.type + " INCREMENT BY " + std::to_string(s.increment) + " MINVALUE " +
         std::to_string(s.min_value) + " MAXVALUE " + std::to_string(s.max_value) + " START WITH " +
         std::to_string(s.start) + " CACHE " + std::to_string(s.cache) +
         (s.cycle ? " CYCLE" : " NO CYCLE");
}

// OWNED BY `owner` (empty: NONE), and back to `previous`.
void set_owner(Plan& plan, const model::Change& change, int phase, const std::string& owner,
               const std::string& previous) {
  std::string q = qname(change.schema, change.name);
  DdlStep& own =
      plan.add(phase, DdlAction::kAlter, DdlObject::kSequence, {{change.schema, change.name}},
               "sequence " + change.schema + "." + change.name + " owned by " +
                   (owner.empty() ? std::string("nothing") : owner));
  own.up = {owned_by(q, owner)};
  own.down = {owned_by(q, previous)};
}

// SET UNLOGGED / SET LOGGED, in place.
void set_persistence(Plan& plan, const model::Change& change, const model::Sequence& a,
                     const model::Sequence& b) {
  std::string q = qname(change.schema, change.name);
  auto set = [&](const model::Sequence& s) {
    return "ALTER SEQUENCE " + q + (s.persistence == "unlogged" ? " SET UNLOGGED" : " SET LOGGED");
  };
  DdlStep& step =
      plan.add(kSequence, DdlAction::kAlter, DdlObject::kSequence, {{change.schema, change.name}},
               "set persistence of sequence " + change.schema + "." + change.name);
  step.up = {set(b)};
  step.down = {set(a)};
}

}  // namespace

std::string create_sequence_statement(const std::string& schema, const std::string& name,
                                      const model::Sequence& s) {
  return std::string("CREATE ") + (s.persistence == "unlogged" ? "UNLOGGED " : "") + "SEQUENCE " +
         qname(schema, name) + options(s);
}

void render_sequence(Plan& plan, const model::Change& change) {
  std::string q = qname(change.schema, change.name);
  std::string label = change.schema + "." + change.name;
  auto comment = [&](const std::string& text) {
    return "COMMENT ON SEQUENCE " + q + " IS " + comment_literal(text);
  };
  auto create = [&](const model::Sequence& s) {
    std::vector<std::string> out = {create_sequence_statement(change.schema, change.name, s)};
    if (!s.comment.empty()) out.push_back(comment(s.comment));
    return out;
  };
  if (change.action == ChangeAction::kCreate) {
    const model::Sequence& s = plan.to.schemas.at(change.schema).sequences.at(change.name);
    DdlStep& step = plan.add(kSequence, DdlAction::kCreate, DdlObject::kSequence,
                             {{change.schema, change.name}}, "create sequence " + label);
    step.up = create(s);
    step.down = {"DROP SEQUENCE " + q};
    if (!s.owned_by.empty()) set_owner(plan, change, kOwnSequence, s.owned_by, "");
    return;
  }
  if (change.action == ChangeAction::kDrop) {
    const model::Sequence& s = plan.from.schemas.at(change.schema).sequences.at(change.name);
    if (!s.owned_by.empty()) set_owner(plan, change, kDisownSequence, "", s.owned_by);
    DdlStep& step = plan.add(kDropSequence, DdlAction::kDrop, DdlObject::kSequence,
                             {{change.schema, change.name}}, "drop sequence " + label);
    step.up = {"DROP SEQUENCE " + q};
    step.down = create(s);
    step.destructive = true;
    plan.out.down_caveats.push_back("sequence " + label + " comes back at its start value");
    return;
  }
  const model::Sequence& a = plan.from.schemas.at(change.schema).sequences.at(change.name);
  const model::Sequence& b = plan.to.schemas.at(change.schema).sequences.at(change.name);
  std::vector<std::string> rest = change.properties;
  std::erase_if(rest, [](const std::string& p) {
    return p == "comment" || p == "owned_by" || p == "persistence";  // steps of their own
  });
  if (!rest.empty()) {
    DdlStep& step = plan.add(kSequence, DdlAction::kAlter, DdlObject::kSequence,
                             {{change.schema, change.name}}, "alter sequence " + label);
    // Never RESTART: the server refuses a range that excludes the current
    // value, instead of handing out values already used.
    step.up = {"ALTER SEQUENCE " + q + options(b)};
    step.down = {"ALTER SEQUENCE " + q + options(a)};
  }
  if (change.has("persistence")) set_persistence(plan, change, a, b);
  if (change.has("owned_by") && !a.owned_by.empty())
    set_owner(plan, change, kDisownSequence, "", a.owned_by);
  if (change.has("owned_by") && !b.owned_by.empty())
    set_owner(plan, change, kOwnSequence, b.owned_by, "");
  if (change.has("comment")) {
    DdlStep& step = plan.add(kComment, DdlAction::kComment, DdlObject::kSequence,
                             {{change.schema, change.name}}, "comment on sequence " + label);
    step.up = {comment(b.comment)};
    step.down = {comment(a.comment)};
  }
}

}  // namespace keel::pg::ddl
