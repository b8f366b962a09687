// The integrity checks before a rollback's COMMIT, as data (integrity.h):
// which checks apply, their names and details, built once for every
// dialect. No SQL here: each check's comes from the dialect's role.
#include "migrate/integrity.h"

#include <fmt/format.h>

#include "util/column_path.h"

namespace keel::migrate {
namespace {

// "user_id" or "(a, b)".
std::string columns_text(const std::vector<std::string>& columns) {
  std::string out;
  for (const std::string& c : columns) out += (out.empty() ? "" : ", ") + c;
  return columns.size() == 1 ? out : "(" + out + ")";
}

// "public.orders.user_id -> public.users.id", ", NOT VALID" when it is.
std::string key_text(const ForeignKeyRef& key) {
  return fmt::format("{}.{}.{} -> {}.{}{}{}", key.schema, key.table, columns_text(key.columns),
                     key.parent_schema, key.parent_table,
                     key.parent_columns.empty() ? "" : "." + columns_text(key.parent_columns),
                     key.validated ? "" : ", NOT VALID");
}

IntegrityCheckSpec foreign_key_check(const IntegrityChecks& db, const ForeignKeyRef& key) {
  IntegrityCheckSpec c;
  c.kind = IntegrityKind::kForeignKey;
  c.detail = key_text(key);
  c.name = key.constraint.empty() ? c.detail
                                  : fmt::format("{}.{}.{}", key.schema, key.table, key.constraint);
  c.sql = db.foreign_key_sql(key);
  return c;
}

IntegrityCheckSpec check_constraint_check(const IntegrityChecks& db,
                                          const CheckConstraintRef& check) {
  IntegrityCheckSpec c;
  c.kind = IntegrityKind::kCheckConstraint;
  c.name = fmt::format("{}.{}.{}", check.schema, check.table, check.constraint);
  c.detail = fmt::format("NOT VALID: CHECK ({})", check.expression);
  c.sql = db.check_constraint_sql(check);
  return c;
}

// A relation keel.toml declares: its child's orphans, unless the rollback
// dropped one of its tables (then there are no rows to orphan).
Result<IntegrityCheckSpec> relation_check(IntegrityChecks& db, const IntegrityRelation& relation) {
  IntegrityCheckSpec c;
  c.kind = IntegrityKind::kRelation;
  c.name = relation.child + " -> " + relation.parent;
  c.detail = c.name;
  const ColumnPath child = split_column_path(relation.child, db.default_schema());
  const ColumnPath parent = split_column_path(relation.parent, db.default_schema());
  for (const ColumnPath* table : {&child, &parent}) {
    auto exists = db.table_exists(table->schema, table->table);
    if (!exists) return std::unexpected(exists.error());
    if (!*exists) {
      c.detail =
          fmt::format("skipped: {} does not exist", db.table_sql(table->schema, table->table));
      return c;
    }
  }
  ForeignKeyRef key;
  key.schema = child.schema;
  key.table = child.table;
  key.columns = {child.column};
  key.parent_schema = parent.schema;
  key.parent_table = parent.table;
  key.parent_columns = {parent.column};
  c.sql = db.relation_sql(key);
  return c;
}

}  // namespace

const char* integrity_kind_name(IntegrityKind kind) {
  switch (kind) {
    case IntegrityKind::kForeignKey:
      return "foreign key";
    case IntegrityKind::kRelation:
      return "relation";
    case IntegrityKind::kCheckConstraint:
      return "check constraint";
    case IntegrityKind::kCheck:
      return "check";
  }
  return "check";
}

Result<std::vector<IntegrityCheckSpec>> integrity_checks(IntegrityChecks& db,
                                                         const IntegrityConfig& config,
                                                         const IntegrityScope& scope) {
  IntegrityCatalog catalog;
  if (scope.whole || !scope.relations.empty()) {
    auto read = db.integrity_catalog(scope);
    if (!read) return std::unexpected(read.error());
    catalog = std::move(*read);
  }
  std::vector<IntegrityCheckSpec> out;
  for (const ForeignKeyRef& key : catalog.foreign_keys) out.push_back(foreign_key_check(db, key));
  for (const IntegrityRelation& relation : config.relations) {
    auto check = relation_check(db, relation);
    if (!check) return std::unexpected(check.error());
    out.push_back(std::move(*check));
  }
  for (const CheckConstraintRef& check : catalog.unvalidated_checks) {
    out.push_back(check_constraint_check(db, check));
  }
  for (const IntegrityCheck& check : config.checks) {
    out.push_back({IntegrityKind::kCheck, check.name, check.sql, check.sql, check.expect});
  }
  return out;
}

Result<std::vector<IntegrityFinding>> run_integrity_checks(
    IntegrityChecks& db, const std::vector<IntegrityCheckSpec>& checks) {
  std::vector<IntegrityFinding> findings;
  for (const IntegrityCheckSpec& check : checks) {
    IntegrityFinding f;
    f.kind = integrity_kind_name(check.kind);
    f.name = check.name;
    f.detail = check.detail;
    f.expect = check.expect;
    if (!check.sql.empty()) {
      auto count = db.count(check.sql);
      if (count) {
        f.count = *count;
      } else if (count.error().code == ErrorCode::kSql) {
        f.error = count.error().message;
      } else {
        return std::unexpected(count.error());
      }
    }
    findings.push_back(std::move(f));
  }
  return findings;
}

}  // namespace keel::migrate
