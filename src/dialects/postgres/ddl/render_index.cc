// PostgreSQL DDL: indexes of an existing table or materialized view, built
// and dropped CONCURRENTLY when the table stays and nothing else in the plan
// needs them inside the transaction.
#include <algorithm>

#include "dialects/postgres/ddl/planner.h"
#include "dialects/postgres/ddl/recipes.h"

namespace keel::pg::ddl {
namespace {

using model::ChangeAction;

std::string comment_on(const std::string& index, const std::string& comment) {
  return "COMMENT ON INDEX " + index + " IS " + comment_literal(comment);
}

// An index that names a column this plan drops or retypes is dropped inside
// the transaction, before the column changes (DROP COLUMN would take it
// anyway, ALTER TYPE would rebuild it for nothing).
bool names_changed_column(const Plan& plan, const std::string& schema, const std::string& table,
                          const model::Index& index) {
  const model::Table* a = find_table(plan.from, schema, table);
  const model::Table* b = find_table(plan.to, schema, table);
  if (a == nullptr || b == nullptr) return true;
  for (const auto& [name, c] : a->columns) {
    auto it = b->columns.find(name);
    bool changed =
        it == b->columns.end() || it->second.type != c.type || it->second.collation != c.collation;
    if (changed && mentions_identifier(index.definition, name)) return true;
  }
  return false;
}

// An index on an expression that calls a function this plan drops or
// recreates must go inside the transaction, before the function does.
bool names_dropped_function(const Plan& plan, const model::Index& index) {
  for (const auto& [sname, s] : plan.from.schemas) {
    auto other = plan.to.schemas.find(sname);
    for (const auto& [key, f] : s.functions) {
      bool kept = other != plan.to.schemas.end() && other->second.functions.contains(key) &&
                  other->second.functions.at(key).result == f.result;
      if (!kept && mentions_identifier(index.definition, split_function_key(key).first)) {
        return true;
      }
    }
  }
  return false;
}

// A foreign key that the transaction adds (new, changed, or added again
// around a key change) on exactly these columns of schema.table, in any
// order: it needs this unique index standing inside the transaction.
bool keys_new_foreign_key(const Plan& plan, const std::string& schema, const std::string& table,
                          std::vector<std::string> columns) {
  std::sort(columns.begin(), columns.end());
  for (const auto& [sname, sc] : plan.to.schemas) {
    for (const auto& [tname, t] : sc.tables) {
      for (const auto& [cname, c] : t.constraints) {
        if (c.type != "foreign key" || c.ref_table != schema + "." + table) continue;
        std::vector<std::string> refs = c.ref_columns;
        std::sort(refs.begin(), refs.end());
        if (refs != columns) continue;
        if (foreign_key_added_in_transaction(plan, sname, tname, cname, c)) return true;
      }
    }
  }
  return false;
}

}  // namespace

std::string create_index_statement(const model::Index& index, bool concurrently) {
  return create_index_sql(index.definition, concurrently);
}

namespace {

// A unique index under foreign keys that are dropped and added again around
// it is rebuilt inside their transaction.
bool under_recreated_foreign_key(const Plan& plan, const std::string& schema,
                                 const std::string& table, const model::Index* a) {
  if (a == nullptr || !a->unique) return false;
  for (const auto& [sname, sc] : plan.from.schemas) {
    for (const auto& [tname, t] : sc.tables) {
      for (const auto& [cname, c] : t.constraints) {
        if (c.type == "foreign key" && c.ref_table == schema + "." + table &&
            plan.recreated_members.contains("foreign key " + sname + "." + tname + "." + cname)) {
          return true;
        }
      }
    }
  }
  return false;
}

// Partition indexes attached to a parent index go with it when it is
// dropped, and are taken over when one is created. Those the other side
// keeps standalone are built again after the parent's DROP (both ways).
void rebuild_partition_indexes(Plan& plan, const std::string& schema, const std::string& table,
                               const model::Index* a, const model::Index* b) {
  for (const auto& [sname, sc] : plan.from.schemas) {
    for (const auto& [tname, pa] : sc.tables) {
      const model::Table* pb = find_table(plan.to, sname, tname);
      if (pb == nullptr || pa.parent != schema + "." + table) continue;
      for (const auto& [iname, ia] : pa.indexes) {
        auto ib = pb->indexes.find(iname);
        if (ib == pb->indexes.end() || ib->second.definition != ia.definition ||
            constraint_index(pa, iname)) {
          continue;
        }
        bool attached_a = inherited_index(plan.from, sname, pa, ia);
        bool attached_b = inherited_index(plan.to, sname, *pb, ib->second);
        if (attached_a == attached_b) continue;
        const model::Index& child = attached_a ? ib->second : ia;
        if (a != nullptr && attached_a) {
          DdlStep& s = plan.add(
              kCreateIndex, DdlAction::kCreate, DdlObject::kIndex, {{sname, tname}, {sname, iname}},
              "create index " + sname + "." + iname + " again (dropped with its parent index)", 1);
          s.up = {create_index_statement(child, false)};
        } else if (b != nullptr && attached_b) {
          DdlStep& s = plan.add(kCreateIndex, DdlAction::kCreate, DdlObject::kIndex,
                                {{sname, tname}, {sname, iname}},
                                "index " + sname + "." + iname + " attached by the parent's", -1);
          s.down = {create_index_statement(child, false)};
        }
      }
    }
  }
}

// The new index: CONCURRENTLY after the transaction when online, inside it
// when a foreign key added there needs it.
void create_index(Plan& plan, const model::Change& change, const model::Table* tb,
                  const model::Index* b, bool create_concurrently, bool blocks_partitions) {
  const std::string& schema = change.schema;
  std::string label = schema + "." + change.name + "." + change.member;
  std::string qi = qname(schema, change.member);
  const std::vector<QualifiedName> rels = {{schema, change.name}, {schema, change.member}};
  if (blocks_partitions) {
    plan.out.warnings.push_back(
        "index " + label +
        ": built without CONCURRENTLY (PostgreSQL refuses it on a partitioned table), blocking "
        "writes to every partition while it builds; to avoid that, create it ON ONLY the "
        "parent, build each partition's index CONCURRENTLY and ATTACH them by hand");
  }
  // A foreign key added in the transaction needs this key: built there,
  // before the foreign keys (and dropped after them on the way back).
  bool keys_foreign_key =
      b->unique && tb != nullptr && keys_new_foreign_key(plan, schema, change.name, b->columns);
  if (keys_foreign_key) create_concurrently = false;
  DdlStep& s =
      plan.add(keys_foreign_key ? kAddConstraint : kCreateIndex, DdlAction::kCreate,
               DdlObject::kIndex, rels, "create index " + label, keys_foreign_key ? 1000 : 0);
  s.up = {create_index_statement(*b, create_concurrently)};
  if (!b->comment.empty()) s.up.push_back(comment_on(qi, b->comment));
  s.down = {std::string("DROP INDEX ") + (create_concurrently ? "CONCURRENTLY " : "") + qi};
  if (create_concurrently) s.part = DdlPart::kAfter;
}

}  // namespace

void render_index(Plan& plan, const model::Change& change) {
  const std::string& schema = change.schema;
  std::string label = schema + "." + change.name + "." + change.member;
  std::string qi = qname(schema, change.member);
  // The table (or materialized view) it locks, then the index.
  const std::vector<QualifiedName> rels = {{schema, change.name}, {schema, change.member}};
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
    DdlStep& s = plan.add(kComment, DdlAction::kComment, DdlObject::kIndex, rels,
                          "comment on index " + label);
    s.up = {comment_on(qi, after)};
    s.down = {comment_on(qi, before)};
    return;
  }
  // A standalone index that a new constraint takes over (USING INDEX), or
  // that a dropped constraint leaves behind: render_constraint's.
  if (ta != nullptr && tb != nullptr && change.action == ChangeAction::kAlter &&
      constraint_index(*ta, change.member) != constraint_index(*tb, change.member) &&
      ta->indexes.at(change.member).definition == tb->indexes.at(change.member).definition) {
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
  bool under_foreign_key = under_recreated_foreign_key(plan, schema, change.name, a);
  bool online = plan.options.online && !partitioned && !under_foreign_key;
  // A new index is built after the transaction, when its columns exist.
  bool create_concurrently = online;
  bool drop_concurrently =
      online &&
      (a == nullptr || on_view ||
       (!names_changed_column(plan, schema, change.name, *a) && !names_dropped_function(plan, *a)));
  if (change.action == ChangeAction::kAlter && a != nullptr && b != nullptr &&
      change.properties == std::vector<std::string>{"comment"}) {
    DdlStep& s = plan.add(kComment, DdlAction::kComment, DdlObject::kIndex, rels,
                          "comment on index " + label);
    s.up = {comment_on(qi, b->comment)};
    s.down = {comment_on(qi, a->comment)};
    return;
  }
  if ((a == nullptr) != (b == nullptr) && ta != nullptr && tb != nullptr && !on_view) {
    rebuild_partition_indexes(plan, schema, change.name, a, b);
  }
  if (a != nullptr) {
    DdlStep& s =
        plan.add(kDropIndex, DdlAction::kDrop, DdlObject::kIndex, rels, "drop index " + label);
    s.up = {std::string("DROP INDEX ") + (drop_concurrently ? "CONCURRENTLY " : "") + qi};
    s.down = {create_index_statement(*a, drop_concurrently)};
    if (!a->comment.empty()) s.down.push_back(comment_on(qi, a->comment));
    if (drop_concurrently) s.part = DdlPart::kAfter;
  }
  if (b != nullptr) {
    create_index(plan, change, tb, b, create_concurrently,
                 partitioned && ta != nullptr && plan.options.online);
  }
}

}  // namespace keel::pg::ddl
