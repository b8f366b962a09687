// PostgreSQL DDL: indexes of an existing table or materialized view, built
// and dropped CONCURRENTLY when the table stays and nothing else in the plan
// needs them inside the transaction.
#include "dialects/postgres/ddl/planner.h"

namespace keel::pg::ddl {
namespace {

using model::ChangeAction;

std::string comment_on(const std::string& index, const std::string& comment) {
  return "COMMENT ON INDEX " + index + " IS " + comment_literal(comment);
}

// A table whose columns are dropped or retyped in this plan: an index on it
// is handled inside the transaction, before the column goes.
bool columns_change(const Plan& plan, const std::string& schema, const std::string& table) {
  const model::Table* a = find_table(plan.from, schema, table);
  const model::Table* b = find_table(plan.to, schema, table);
  if (a == nullptr || b == nullptr) return true;
  for (const auto& [name, c] : a->columns) {
    auto it = b->columns.find(name);
    if (it == b->columns.end() || it->second.type != c.type ||
        it->second.collation != c.collation) {
      return true;
    }
  }
  return false;
}

}  // namespace

std::string create_index_statement(const model::Index& index, bool concurrently) {
  std::string def = index.definition;
  // A partitioned table's index reads "ON ONLY": created so, it would stay
  // invalid until each partition's index is attached. Without ONLY the
  // server builds and attaches them.
  if (size_t at = def.find(" ON ONLY "); at != std::string::npos) def.replace(at, 9, " ON ");
  if (concurrently) {
    for (std::string_view head : {"CREATE UNIQUE INDEX ", "CREATE INDEX "}) {
      if (def.starts_with(head)) {
        def.insert(head.size(), "CONCURRENTLY ");
        break;
      }
    }
  }
  return def;
}

void render_index(Plan& plan, const model::Change& change) {
  const std::string& schema = change.schema;
  std::string label = schema + "." + change.name + "." + change.member;
  std::string qi = qname(schema, change.member);
  const model::Table* ta = find_table(plan.from, schema, change.name);
  const model::Table* tb = find_table(plan.to, schema, change.name);
  bool on_view = ta == nullptr || tb == nullptr;
  if (on_view && plan.recreated_views.contains(schema + "." + change.name)) return;

  // A PRIMARY KEY / UNIQUE / EXCLUDE constraint's index comes and goes with
  // the constraint; only its comment is the index's own.
  if (ta != nullptr && tb != nullptr && change.action == ChangeAction::kAlter &&
      change.has("comment") &&
      (constraint_index(*ta, change.member) || constraint_index(*tb, change.member))) {
    const std::string& before = ta->indexes.at(change.member).comment;
    const std::string& after = tb->indexes.at(change.member).comment;
    DdlStep& s = plan.add(kComment, "comment on index " + label);
    s.up = {comment_on(qi, after)};
    s.down = {comment_on(qi, before)};
    return;
  }
  auto lookup = [&](const model::Database& db, const model::Table* t) -> const model::Index* {
    if (t != nullptr) {
      if (constraint_index(*t, change.member)) return nullptr;
      const model::Index& index = t->indexes.at(change.member);
      if (inherited_index(db, schema, *t, index)) return nullptr;
      return &index;
    }
    return &db.schemas.at(schema).views.at(change.name).indexes.at(change.member);
  };
  const model::Index* a = change.action == ChangeAction::kCreate ? nullptr : lookup(plan.from, ta);
  const model::Index* b = change.action == ChangeAction::kDrop ? nullptr : lookup(plan.to, tb);
  if (a == nullptr && b == nullptr) return;

  bool partitioned = tb != nullptr && tb->kind == "partitioned table";
  bool concurrent = plan.options.online && !partitioned &&
                    (on_view || !columns_change(plan, schema, change.name));
  std::string drop = std::string("DROP INDEX ") + (concurrent ? "CONCURRENTLY " : "") + qi;

  if (change.action == ChangeAction::kAlter && a != nullptr && b != nullptr &&
      change.properties == std::vector<std::string>{"comment"}) {
    DdlStep& s = plan.add(kComment, "comment on index " + label);
    s.up = {comment_on(qi, b->comment)};
    s.down = {comment_on(qi, a->comment)};
    return;
  }
  if (a != nullptr) {
    DdlStep& s = plan.add(kDropIndex, "drop index " + label);
    s.up = {drop};
    s.down = {create_index_statement(*a, concurrent)};
    if (!a->comment.empty()) s.down.push_back(comment_on(qi, a->comment));
    s.no_transaction = concurrent;
  }
  if (b != nullptr) {
    DdlStep& s = plan.add(kCreateIndex, "create index " + label);
    s.up = {create_index_statement(*b, concurrent)};
    if (!b->comment.empty()) s.up.push_back(comment_on(qi, b->comment));
    s.down = {drop};
    s.no_transaction = concurrent;
  }
}

}  // namespace keel::pg::ddl
