// PostgreSQL DDL: constraints of an existing table. CHECK and FOREIGN KEY
// are added NOT VALID, then validated (SHARE UPDATE EXCLUSIVE while the
// table is scanned, instead of ACCESS EXCLUSIVE); PRIMARY KEY and UNIQUE are
// built as an index CONCURRENTLY, then attached with USING INDEX.
#include "dialects/postgres/ddl/planner.h"
#include "dialects/postgres/ddl/recipes.h"

namespace keel::pg::ddl {
namespace {

using model::ChangeAction;

constexpr std::string_view kNotValid = " NOT VALID";

std::string without_not_valid(std::string def) {
  if (def.size() >= kNotValid.size() &&
      def.compare(def.size() - kNotValid.size(), kNotValid.size(), kNotValid) == 0) {
    def.resize(def.size() - kNotValid.size());
  }
  return def;
}

bool is_foreign_key(const model::Constraint& c) { return c.type == "foreign key"; }
bool validatable(const model::Constraint& c) {
  return c.type == "check" || c.type == "foreign key";
}

// Another change in this plan adds a foreign key that needs this key in
// place inside the transactional script.
bool referenced_by_new_foreign_key(const Plan& plan, const std::string& table,
                                   const std::vector<std::string>& columns) {
  for (const auto& [sname, schema] : plan.to.schemas) {
    for (const auto& [tname, t] : schema.tables) {
      for (const auto& [cname, c] : t.constraints) {
        if (c.type != "foreign key" || c.ref_table != table || c.ref_columns != columns) continue;
        // New, changed, or added again around a key change (all in the
        // transaction).
        if (foreign_key_added_in_transaction(plan, sname, tname, cname, c)) return true;
      }
    }
  }
  return false;
}

}  // namespace

std::string constraint_comment(const std::string& table, const std::string& name,
                               const std::string& comment) {
  return "COMMENT ON CONSTRAINT " + quote_identifier(name) + " ON " + table + " IS " +
         comment_literal(comment);
}

std::string add_constraint_statement(const std::string& table, const std::string& name,
                                     const model::Constraint& c, bool not_valid) {
  std::string sql = "ALTER TABLE " + table + " ADD CONSTRAINT " + quote_identifier(name) + " " +
                    without_not_valid(c.definition);
  if (not_valid) sql += kNotValid;
  return sql;
}

namespace {

// A standalone unique index becomes the constraint's (USING INDEX, no
// build), or the constraint goes and leaves its index standing. DROP
// CONSTRAINT takes the index with it, so that way it is built again (in the
// transaction: a window without it would let duplicates in).
void hand_over_index(Plan& plan, const model::Change& change, const QualifiedName& table,
                     const std::string& label, const std::string& drop, const model::Constraint* b,
                     const model::Constraint& keyed_c, const model::Index* kept_index) {
  const std::string& schema = change.schema;
  std::string q = qname(table.schema, table.name);
  std::string attach = add_key_using_index_sql(
      table, change.member, keyed_c.type == "primary key" ? KeyKind::kPrimaryKey : KeyKind::kUnique,
      change.member, keyed_c.deferrable, keyed_c.initially_deferred);
  std::vector<std::string> rebuild = {drop, create_index_statement(*kept_index, false)};
  if (!kept_index->comment.empty()) {
    rebuild.push_back("COMMENT ON INDEX " + qname(schema, change.member) + " IS " +
                      comment_literal(kept_index->comment));
  }
  std::vector<std::string> attached = {attach};
  if (!keyed_c.comment.empty())
    attached.push_back(constraint_comment(q, change.member, keyed_c.comment));
  DdlStep& s = plan.add(
      kAddConstraint, b != nullptr ? DdlAction::kCreate : DdlAction::kDrop, DdlObject::kConstraint,
      {table, {schema, change.member}},
      (b != nullptr ? "attach index as constraint " : "detach constraint from index ") + label);
  s.up = b != nullptr ? attached : rebuild;
  s.down = b != nullptr ? rebuild : attached;
  plan.out.warnings.push_back(
      "constraint " + label + ": " + (b != nullptr ? "the reverse" : "this change") +
      " rebuilds index " + change.member + " inside the transaction (writes wait for the build)");
}

// Only the comment or the validation of a constraint both sides have:
// true when that is all (nothing dropped and added again).
bool alter_in_place(Plan& plan, const model::Change& change, const QualifiedName& table,
                    const std::string& label, const std::string& drop, const model::Constraint* a,
                    const model::Constraint* b) {
  std::string q = qname(table.schema, table.name);
  std::vector<std::string> rest = change.properties;
  std::erase(rest, "comment");
  if (change.has("comment")) {
    DdlStep& s = plan.add(kComment, DdlAction::kComment, DdlObject::kConstraint, {table},
                          "comment on constraint " + label);
    s.up = {constraint_comment(q, change.member, b->comment)};
    s.down = {constraint_comment(q, change.member, a->comment)};
  }
  if (rest.empty()) return true;
  if (rest == std::vector<std::string>{"validated"} ||
      rest == std::vector<std::string>{"definition", "validated"}) {
    if (without_not_valid(a->definition) == without_not_valid(b->definition) && b->validated) {
      // SHARE UPDATE EXCLUSIVE, committed on its own.
      DdlStep& s = plan.add(is_foreign_key(*b) ? kAddForeignKey : kAddConstraint,
                            validate_constraint(table, change.member));
      s.down = {drop, add_constraint_statement(q, change.member, *a, true)};
      if (!a->comment.empty()) s.down.push_back(constraint_comment(q, change.member, a->comment));
      return true;
    }
  }
  return false;
}

// The old constraint out (and back in on the way down).
void drop_old(Plan& plan, const model::Change& change, const QualifiedName& table,
              const std::string& label, const std::string& drop, const model::Table* ta,
              const model::Constraint* a) {
  const std::string& schema = change.schema;
  std::string q = qname(table.schema, table.name);
  DdlStep& s = plan.add(is_foreign_key(*a) ? kDropForeignKey : kDropConstraint, DdlAction::kDrop,
                        DdlObject::kConstraint, {table}, "drop constraint " + label);
  s.up = {drop};
  s.down = {add_constraint_statement(q, change.member, *a, !a->validated)};
  if (!a->comment.empty()) s.down.push_back(constraint_comment(q, change.member, a->comment));
  auto old_index = ta->indexes.find(change.member);
  if (old_index != ta->indexes.end() && !old_index->second.comment.empty()) {
    s.down.push_back("COMMENT ON INDEX " + qname(schema, change.member) + " IS " +
                     comment_literal(old_index->second.comment));
  }
}

// The new constraint: NOT VALID then VALIDATE (CHECK, FOREIGN KEY), a
// PRIMARY KEY or UNIQUE through an index built concurrently, else plain.
void add_new(Plan& plan, const model::Change& change, const QualifiedName& table,
             const std::string& label, const std::string& drop, const model::Table* tb,
             const model::Constraint* a, const model::Constraint* b) {
  const std::string& schema = change.schema;
  std::string q = qname(table.schema, table.name);
  DdlStep& s = plan.add(is_foreign_key(*b) ? kAddForeignKey : kAddConstraint, DdlAction::kCreate,
                        DdlObject::kConstraint, {table}, "add constraint " + label);
  s.down = {drop};
  bool keyed = b->type == "primary key" || b->type == "unique";
  auto index = tb->indexes.find(change.member);
  bool partitioned = tb->kind == "partitioned table";
  if (plan.options.online && validatable(*b) && !partitioned) {
    // NOT VALID in the transaction (a short lock); VALIDATE after it, on its
    // own: a validation inside the same transaction would scan under the
    // ADD's lock (ACCESS EXCLUSIVE for a CHECK).
    s.up = add_constraint_not_valid(table, change.member, b->definition, DdlObject::kConstraint).up;
    if (b->validated) plan.add(kAddConstraint, validate_constraint(table, change.member));
  } else if (plan.options.online && keyed && a == nullptr && index != tb->indexes.end() &&
             tb->parent.empty() && tb->kind == "table" &&
             !referenced_by_new_foreign_key(plan, schema + "." + change.name, b->columns)) {
    DdlStep key = add_key_through_index(
        table, change.member, b->type == "primary key" ? KeyKind::kPrimaryKey : KeyKind::kUnique,
        index->second.definition, b->deferrable, b->initially_deferred);
    s.up = key.up;
    s.relations = key.relations;
    s.part = key.part;
    // Without CONCURRENTLY the drop would fail half-way in a no-transaction
    // script only if the table is busy; DROP CONSTRAINT also drops the index.
  } else {
    s.up = {add_constraint_statement(q, change.member, *b, !b->validated)};
  }
  if (!b->comment.empty()) s.up.push_back(constraint_comment(q, change.member, b->comment));
  // The index the constraint builds may carry a comment of its own.
  if (index != tb->indexes.end() && !index->second.comment.empty()) {
    s.up.push_back("COMMENT ON INDEX " + qname(schema, change.member) + " IS " +
                   comment_literal(index->second.comment));
  }
}

}  // namespace

void render_constraint(Plan& plan, const model::Change& change) {
  const std::string& schema = change.schema;
  std::string q = qname(schema, change.name);
  const QualifiedName table{schema, change.name};
  std::string label = schema + "." + change.name + "." + change.member;
  const model::Table* ta = find_table(plan.from, schema, change.name);
  const model::Table* tb = find_table(plan.to, schema, change.name);
  const model::Constraint* a = nullptr;
  const model::Constraint* b = nullptr;
  if (change.action != ChangeAction::kCreate) {
    a = &ta->constraints.at(change.member);
    if (inherited_constraint(plan.from, *ta, change.member)) a = nullptr;
  }
  if (change.action != ChangeAction::kDrop) {
    b = &tb->constraints.at(change.member);
    if (inherited_constraint(plan.to, *tb, change.member)) b = nullptr;
  }
  if (a == nullptr && b == nullptr) return;
  std::string drop = "ALTER TABLE " + q + " DROP CONSTRAINT " + quote_identifier(change.member);
  // An index of the constraint's name, with the same definition, on both
  // sides: handed over, not built again.
  const model::Index* kept_index = nullptr;
  if (ta != nullptr && tb != nullptr) {
    auto ia = ta->indexes.find(change.member);
    auto ib = tb->indexes.find(change.member);
    if (ia != ta->indexes.end() && ib != tb->indexes.end() &&
        ia->second.definition == ib->second.definition) {
      kept_index = b != nullptr ? &ia->second : &ib->second;  // the standalone one
    }
  }
  const model::Constraint* one_side = a == nullptr ? b : (b == nullptr ? a : nullptr);
  if (one_side != nullptr && (one_side->type == "unique" || one_side->type == "primary key") &&
      kept_index != nullptr) {
    hand_over_index(plan, change, table, label, drop, b, *one_side, kept_index);
    return;
  }
  if (a != nullptr && b != nullptr && change.action == ChangeAction::kAlter &&
      alter_in_place(plan, change, table, label, drop, a, b)) {
    return;
  }
  if (a != nullptr) drop_old(plan, change, table, label, drop, ta, a);
  if (b != nullptr) add_new(plan, change, table, label, drop, tb, a, b);
}

}  // namespace keel::pg::ddl
