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
  bool no_inherit = false;
  bool operator==(const CheckConstraint&) const = default;
};

struct UniqueConstraint {
  std::string name;
  bool operator==(const UniqueConstraint&) const = default;
};

// A column-level foreign key (`references` of a column or of alter_column).
struct ForeignKeyReference {
  std::string name;
  std::string table;
  std::string column;
  std::string on_delete = "NO ACTION";  // NO ACTION, RESTRICT, CASCADE, SET NULL, SET DEFAULT
  std::string on_update = "NO ACTION";
  std::string match_type = "SIMPLE";  // SIMPLE, FULL, PARTIAL
  bool deferrable = false;
  bool initially_deferred = false;
  bool operator==(const ForeignKeyReference&) const = default;
};

// A generated column: stored (`expression`) or identity (`identity`), never both.
struct GeneratedColumn {
  std::optional<std::string> expression;
  struct Identity {
    std::string user_specified_values = "ALWAYS";  // ALWAYS or BY DEFAULT
    std::string sequence_options;                  // as in CREATE SEQUENCE; may be empty
    bool operator==(const Identity&) const = default;
  };
  std::optional<Identity> identity;
  bool operator==(const GeneratedColumn&) const = default;
};

struct Column {
  std::string name;
  std::string type;
  // parse_operations always sets it: absent in the file means false (NOT NULL), as in pgroll.
  bool nullable = true;
  bool pk = false;
  bool unique = false;
  std::optional<std::string> default_value;  // an SQL expression
  std::optional<CheckConstraint> check;
  std::optional<ForeignKeyReference> references;
  std::optional<std::string> comment;
  std::optional<GeneratedColumn> generated;
  bool operator==(const Column&) const = default;
};

// The referenced side of a multi-column foreign key.
struct TableReference {
  std::string table;
  std::vector<std::string> columns;
  std::string on_delete = "NO ACTION";
  std::string on_update = "NO ACTION";
  std::string match_type = "SIMPLE";
  std::vector<std::string> on_delete_set_columns;  // ON DELETE SET NULL / SET DEFAULT (cols)
  bool operator==(const TableReference&) const = default;
};

// Index options of a unique / primary key / exclusion constraint.
struct IndexParameters {
  std::string tablespace;
  std::string storage_parameters;
  std::vector<std::string> include_columns;
  bool operator==(const IndexParameters&) const = default;
};

// A table-level constraint of create_table.
struct TableConstraint {
  enum class Type { kUnique, kCheck, kPrimaryKey, kForeignKey, kExclude };
  std::string name;
  Type type = Type::kCheck;
  std::vector<std::string> columns;
  std::optional<std::string> check;
  bool nulls_not_distinct = false;
  bool deferrable = false;
  bool initially_deferred = false;
  bool no_inherit = false;
  std::optional<TableReference> references;
  std::optional<IndexParameters> index_parameters;
  struct Exclude {
    std::string index_method;
    std::string elements;
    std::string predicate;
    bool operator==(const Exclude&) const = default;
  };
  std::optional<Exclude> exclude;
  bool operator==(const TableConstraint&) const = default;
};

struct CreateTable {
  std::string name;
  std::vector<Column> columns;
  std::optional<std::string> comment;
  std::vector<TableConstraint> constraints;
  bool operator==(const CreateTable&) const = default;
};
struct DropTable {
  std::string name;
  bool operator==(const DropTable&) const = default;
};
struct RenameTable {
  std::string from;
  std::string to;
  bool operator==(const RenameTable&) const = default;
};
struct AddColumn {
  std::string table;
  Column column;
  std::optional<std::string> up;  // fills the column for existing rows and old writers
  bool operator==(const AddColumn&) const = default;
};
struct DropColumn {
  std::string table;
  std::string column;
  std::optional<std::string> down;  // fills the old column for rows new writers write
  bool operator==(const DropColumn&) const = default;
};
struct RenameColumn {
  std::string table;
  std::string from;
  std::string to;
  bool operator==(const RenameColumn&) const = default;
};
// Several changes to one column at once. `up` computes the new column from the old row,
// `down` the old column from the new row. Either `name` alone (a rename), or changes without
// `name`: `up` and `down` are required with type, nullable, check, unique or references; a
// change of only default and/or comment may omit them (pgroll's default: copy the value).
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
  bool operator==(const AlterColumn&) const = default;
};
// Per-column settings of create_index (pgroll's map and object forms of `columns`).
struct IndexColumnSettings {
  std::optional<std::string> collate;
  std::optional<std::string> sort;   // ASC, DESC
  std::optional<std::string> nulls;  // FIRST, LAST
  std::optional<std::string> opclass;
  std::vector<std::string> opclass_params;
  bool operator==(const IndexColumnSettings&) const = default;
};

struct CreateIndex {
  std::string name;
  std::string table;
  std::vector<std::string> columns;
  // Same length and order as `columns` (all empty when `columns` was a list of names).
  std::vector<IndexColumnSettings> column_settings;
  bool unique = false;
  std::optional<std::string> method;  // btree, hash, gist, spgist, gin, brin
  std::optional<std::string> predicate;
  std::optional<std::string> storage_parameters;  // "fillfactor = 70, ..."
  bool operator==(const CreateIndex&) const = default;
};
struct DropIndex {
  std::string name;
  bool operator==(const DropIndex&) const = default;
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
    std::string on_update = "NO ACTION";
    std::string match_type = "SIMPLE";
    std::vector<std::string> on_delete_set_columns;
    bool operator==(const References&) const = default;
  };
  std::optional<References> references;
  bool no_inherit = false;
  std::optional<IndexParameters> index_parameters;
  std::map<std::string, std::string> up;
  std::map<std::string, std::string> down;
  bool operator==(const CreateConstraint&) const = default;
};
struct DropConstraint {
  std::string table;
  std::string name;
  std::optional<std::string> up;
  std::string down;
  bool operator==(const DropConstraint&) const = default;
};
struct DropMultiColumnConstraint {
  std::string table;
  std::string name;
  std::map<std::string, std::string> up;
  std::map<std::string, std::string> down;
  bool operator==(const DropMultiColumnConstraint&) const = default;
};
struct RenameConstraint {
  std::string table;
  std::string from;
  std::string to;
  bool operator==(const RenameConstraint&) const = default;
};
struct SetReplicaIdentity {
  std::string table;
  std::string type;                  // default, full, nothing, index (lower case)
  std::optional<std::string> index;  // for type "index"
  bool operator==(const SetReplicaIdentity&) const = default;
};
// Raw SQL: `up` runs at start (or at complete when on_complete), `down` on abort / revert.
struct RawSql {
  std::string up;
  std::optional<std::string> down;
  bool on_complete = false;
  bool operator==(const RawSql&) const = default;
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
  bool operator==(const LocatedOperation&) const = default;
};

struct OperationMigration {
  std::string path;                           // the file, as found under the folder
  std::optional<std::string> version_schema;  // the new version's schema name, if set
  std::vector<LocatedOperation> operations;
  bool operator==(const OperationMigration&) const = default;
};

// Reads an operation file's text (YAML or JSON, chosen by `path`'s extension), validates it
// against docs/operations.schema.json and builds the operations. Errors name `path:line` and
// what to do (the field, the expected type, the operation names known).
// Expressions (`up`, `down`, and the values of their maps) that start with "TODO" are
// placeholders keel convert wrote for the user to replace: they are refused, naming the field.
Result<OperationMigration> parse_operations(const std::string& path, std::string_view text);

// The text of an operation file holding `migration` (YAML, or JSON when `json`), with only the
// fields that differ from their defaults (plus `nullable`, always written, since pgroll's
// default differs from SQL's). parse_operations reads it back to the same operations.
// `header`: comment lines put at the top of a YAML file (ignored for JSON).
std::string write_operations(const OperationMigration& migration, bool json,
                             const std::string& header = {});

}  // namespace keel::ops
