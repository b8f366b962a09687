// keel: expand/contract operation migrations in pgroll's format (no database code).
//
// A file `<version>_<name>.yaml` / `.yml` / `.json` in the migrations folder holds
//   { "operations": [ { "<operation name>": { fields } }, ... ],
//     "version_schema": "optional name of the new version's schema" }
// with pgroll's operation names and fields (docs/operations_format.md, and the JSON Schema
// docs/operations.schema.json that the reader validates against). Unknown fields and wrong
// types are errors naming file:line.
//
// Each operation is plain data here; what it does in each phase (start, complete, revert,
// finalize, abort) is the dialect's (src/dialects/postgres/ops/, one file per operation).
#pragma once

#include <map>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "keel/error.h"

namespace keel::ops {

struct CheckConstraint {
  std::string name;
  std::string constraint;  // the boolean expression
};

struct UniqueConstraint {
  std::string name;
};

// A column-level foreign key (`references` of a column or of alter_column).
struct ForeignKeyReference {
  std::string name;
  std::string table;
  std::string column;
  std::string on_delete = "NO ACTION";  // NO ACTION, RESTRICT, CASCADE, SET NULL, SET DEFAULT
};

struct Column {
  std::string name;
  std::string type;
  bool nullable = true;
  bool pk = false;
  bool unique = false;
  std::optional<std::string> default_value;  // an SQL expression
  std::optional<CheckConstraint> check;
  std::optional<ForeignKeyReference> references;
  std::optional<std::string> comment;
};

struct CreateTable {
  std::string name;
  std::vector<Column> columns;
  std::optional<std::string> comment;
};
struct DropTable {
  std::string name;
};
struct RenameTable {
  std::string from;
  std::string to;
};
struct AddColumn {
  std::string table;
  Column column;
  std::optional<std::string> up;  // fills the column for existing rows and old writers
};
struct DropColumn {
  std::string table;
  std::string column;
  std::optional<std::string> down;  // fills the old column for rows new writers write
};
struct RenameColumn {
  std::string table;
  std::string from;
  std::string to;
};
// Several changes to one column at once. `up` computes the new column from the old row,
// `down` the old column from the new row; both are required unless only `name` is set.
struct AlterColumn {
  std::string table;
  std::string column;
  std::optional<std::string> name;  // rename
  std::optional<std::string> type;
  std::optional<bool> nullable;
  // Outer optional: the field was given; inner nullopt: JSON null (drop the default / comment).
  std::optional<std::optional<std::string>> default_value;
  std::optional<std::optional<std::string>> comment;
  std::optional<CheckConstraint> check;
  std::optional<UniqueConstraint> unique;
  std::optional<ForeignKeyReference> references;
  std::optional<std::string> up;
  std::optional<std::string> down;
};
struct CreateIndex {
  std::string name;
  std::string table;
  std::vector<std::string> columns;
  bool unique = false;
  std::optional<std::string> method;  // btree, hash, gist, spgist, gin, brin
  std::optional<std::string> predicate;
  std::optional<std::string> storage_parameters;  // "fillfactor = 70, ..."
};
struct DropIndex {
  std::string name;
};
// A constraint over one or more columns of an existing table; `up` / `down` map each column
// to the expression that fills its new / old form.
struct CreateConstraint {
  enum class Type { kUnique, kCheck, kForeignKey };
  std::string table;
  std::string name;
  Type type = Type::kCheck;
  std::vector<std::string> columns;
  std::optional<std::string> check;
  struct References {
    std::string table;
    std::vector<std::string> columns;
    std::string on_delete = "NO ACTION";
  };
  std::optional<References> references;
  std::map<std::string, std::string> up;
  std::map<std::string, std::string> down;
};
struct DropConstraint {
  std::string table;
  std::string name;
  std::optional<std::string> up;
  std::string down;
};
struct DropMultiColumnConstraint {
  std::string table;
  std::string name;
  std::map<std::string, std::string> up;
  std::map<std::string, std::string> down;
};
struct RenameConstraint {
  std::string table;
  std::string from;
  std::string to;
};
struct SetReplicaIdentity {
  std::string table;
  std::string type;                  // default, full, nothing, index
  std::optional<std::string> index;  // for type "index"
};
// Raw SQL: `up` runs at start (or at complete when on_complete), `down` on abort / revert.
struct RawSql {
  std::string up;
  std::optional<std::string> down;
  bool on_complete = false;
};

using Operation =
    std::variant<CreateTable, DropTable, RenameTable, AddColumn, DropColumn, RenameColumn,
                 AlterColumn, CreateIndex, DropIndex, CreateConstraint, DropConstraint,
                 DropMultiColumnConstraint, RenameConstraint, SetReplicaIdentity, RawSql>;

// pgroll's name of an operation ("rename_column", ...).
std::string_view operation_name(const Operation& op);

// One operation as written, with where it was written.
struct LocatedOperation {
  Operation op;
  int line = 0;  // line of the operation in its file (1-based; 0: unknown)
};

struct OperationMigration {
  std::string path;                           // the file, as found under the folder
  std::optional<std::string> version_schema;  // the new version's schema name, if set
  std::vector<LocatedOperation> operations;
};

// Reads an operation file's text (YAML or JSON, chosen by `path`'s extension), validates it
// against docs/operations.schema.json and builds the operations. Errors name `path:line` and
// what to do (the field, the expected type, the operation names known).
Result<OperationMigration> parse_operations(const std::string& path, std::string_view text);

}  // namespace keel::ops
