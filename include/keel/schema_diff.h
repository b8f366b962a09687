// keel: the differences between two schema models as typed changes.
//
// Dialect-neutral: a change names an object and what happens to it; a
// dialect renders changes as statements (include/keel/ddl.h). Members of a
// created or dropped table (columns, constraints ...) are implied by the
// table's change and not listed again.
#pragma once

#include <string>
#include <vector>

#include "keel/model.h"

namespace keel::model {

enum class ObjectKind {
  kSchema,
  kExtension,
  kType,
  kSequence,
  kFunction,
  kTable,
  kView,
  kColumn,      // member of a table
  kConstraint,  // member of a table
  kIndex,       // member of a table or a materialized view
  kTrigger,     // member of a table or a view
  kPolicy,      // member of a table
  kStatistics,  // member of a table
  kRule,        // member of a table or a view
  kPublication,
  kEventTrigger,
  kCast,
  kCollation,
};

enum class ChangeAction { kCreate, kDrop, kAlter };

struct Change {
  ObjectKind kind = ObjectKind::kTable;
  ChangeAction action = ChangeAction::kAlter;
  std::string schema;  // empty for schemas and extensions
  std::string name;    // the schema, extension, type, sequence, function key, table or view
  std::string member;  // column, constraint, index, trigger or policy name; empty otherwise
  // kAlter: the properties that differ, as model.h names them ("type",
  // "not_null", "default_expr", "labels", "comment" ...).
  std::vector<std::string> properties;

  bool has(std::string_view property) const;
};

// Every change that turns `from` into `to`, in a stable order (by kind, then
// schema, name and member). Ordering for execution is the renderer's job.
std::vector<Change> diff(const Database& from, const Database& to);

// "table public.users", "column public.users.email", "extension hstore".
std::string describe(const Change& change);

}  // namespace keel::model
