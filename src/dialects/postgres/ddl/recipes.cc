// PostgreSQL online-DDL recipes (see recipes.h).
#include "dialects/postgres/ddl/recipes.h"

#include <algorithm>

#include "util/quote.h"

namespace keel::pg::ddl {
namespace {

constexpr std::string_view kNotValid = " NOT VALID";

std::string q(const QualifiedName& n) { return quote_qualified(n.schema, n.name); }

std::string alter(const QualifiedName& table) { return "ALTER TABLE " + q(table); }

DdlStep step(DdlAction action, DdlObject object, std::vector<QualifiedName> relations,
             std::string description, DdlPart part) {
  DdlStep s;
  s.action = action;
  s.object = object;
  s.relations = std::move(relations);
  s.description = std::move(description);
  s.part = part;
  return s;
}

std::string label(const QualifiedName& table, const std::string& member) {
  return table.schema + "." + table.name + "." + member;
}

}  // namespace

DdlStep add_constraint_not_valid(const QualifiedName& table, const std::string& name,
                                 const std::string& definition, DdlObject object) {
  std::string def = definition;
  if (def.ends_with(kNotValid)) def.resize(def.size() - kNotValid.size());
  DdlStep s = step(DdlAction::kCreate, object, {table}, "add constraint " + label(table, name),
                   DdlPart::kTransaction);
  s.up = {alter(table) + " ADD CONSTRAINT " + quote_identifier(name) + " " + def +
          std::string(kNotValid)};
  s.down = {alter(table) + " DROP CONSTRAINT " + quote_identifier(name)};
  return s;
}

DdlStep validate_constraint(const QualifiedName& table, const std::string& name) {
  DdlStep s = step(DdlAction::kAlter, DdlObject::kConstraint, {table},
                   "validate constraint " + label(table, name), DdlPart::kAfter);
  s.up = {alter(table) + " VALIDATE CONSTRAINT " + quote_identifier(name)};
  return s;
}

std::vector<DdlStep> set_not_null_through_check(const QualifiedName& table,
                                                const std::string& column,
                                                const std::string& helper) {
  std::string check = quote_identifier(helper);
  std::string col = alter(table) + " ALTER COLUMN " + quote_identifier(column);
  DdlStep add = step(DdlAction::kCreate, DdlObject::kConstraint, {table},
                     "add constraint " + label(table, helper), DdlPart::kTransaction);
  add.up = {alter(table) + " ADD CONSTRAINT " + check + " CHECK (" + quote_identifier(column) +
            " IS NOT NULL) NOT VALID"};
  add.down = {alter(table) + " DROP CONSTRAINT IF EXISTS " + check};
  DdlStep set = step(DdlAction::kAlter, DdlObject::kColumn, {table},
                     "set not null on column " + label(table, column), DdlPart::kAfter);
  set.up = {alter(table) + " VALIDATE CONSTRAINT " + check, col + " SET NOT NULL",
            alter(table) + " DROP CONSTRAINT " + check};
  set.down = {col + " DROP NOT NULL"};
  return {add, set};
}

std::string create_index_sql(std::string def, bool concurrently) {
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

DdlStep create_index_concurrently(const QualifiedName& table, const QualifiedName& index,
                                  const std::string& definition) {
  DdlStep s = step(DdlAction::kCreate, DdlObject::kIndex, {table, index},
                   "create index " + index.schema + "." + index.name, DdlPart::kAfter);
  s.up = {create_index_sql(definition, true)};
  s.down = {"DROP INDEX CONCURRENTLY " + q(index)};
  return s;
}

DdlStep drop_index_concurrently(const QualifiedName& table, const QualifiedName& index,
                                const std::string& definition) {
  DdlStep s = step(DdlAction::kDrop, DdlObject::kIndex, {table, index},
                   "drop index " + index.schema + "." + index.name, DdlPart::kAfter);
  s.up = {"DROP INDEX CONCURRENTLY " + q(index)};
  s.down = {create_index_sql(definition, true)};
  return s;
}

std::string add_key_using_index_sql(const QualifiedName& table, const std::string& name,
                                    KeyKind kind, const std::string& index, bool deferrable,
                                    bool initially_deferred) {
  return alter(table) + " ADD CONSTRAINT " + quote_identifier(name) +
         (kind == KeyKind::kPrimaryKey ? " PRIMARY KEY" : " UNIQUE") + " USING INDEX " +
         quote_identifier(index) + (deferrable ? " DEFERRABLE" : "") +
         (initially_deferred ? " INITIALLY DEFERRED" : "");
}

DdlStep add_key_through_index(const QualifiedName& table, const std::string& name, KeyKind kind,
                              const std::string& index_definition, bool deferrable,
                              bool initially_deferred) {
  DdlStep s = step(DdlAction::kCreate, DdlObject::kConstraint, {table, {table.schema, name}},
                   "add constraint " + label(table, name), DdlPart::kAfter);
  s.up = {create_index_sql(index_definition, true),
          add_key_using_index_sql(table, name, kind, name, deferrable, initially_deferred)};
  s.down = {alter(table) + " DROP CONSTRAINT " + quote_identifier(name)};
  return s;
}

std::vector<std::string> with_lock_timeout(const std::string& statement,
                                           std::chrono::milliseconds timeout, DdlPart part) {
  std::string value = quote_literal(std::to_string(timeout.count()) + "ms");
  if (part == DdlPart::kTransaction) return {"SET LOCAL lock_timeout = " + value, statement};
  return {"SET lock_timeout = " + value, statement, "RESET lock_timeout"};
}

std::chrono::milliseconds LockRetry::delay_before(int attempt) const {
  if (attempt <= 1) return std::chrono::milliseconds(0);
  std::chrono::milliseconds d = first_delay;
  for (int i = 2; i < attempt && d < max_delay; ++i) d *= 2;
  return std::min(d, max_delay);
}

bool LockRetry::retryable(std::string_view sqlstate) {
  return sqlstate == "55P03" || sqlstate == "40P01";
}

}  // namespace keel::pg::ddl
