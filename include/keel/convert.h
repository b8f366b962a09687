// keel: from a PostgreSQL migration script to an operation migration (keel convert; no
// database code).
//
// Each statement becomes operations (docs/operations_format.md): CREATE TABLE, DROP TABLE,
// ALTER TABLE RENAME TO / RENAME COLUMN / RENAME CONSTRAINT, ADD COLUMN, DROP COLUMN, ALTER
// COLUMN TYPE / SET NOT NULL / DROP NOT NULL / SET DEFAULT / DROP DEFAULT, CREATE [UNIQUE]
// INDEX [CONCURRENTLY], DROP INDEX, ADD CONSTRAINT unique / check / foreign key, DROP
// CONSTRAINT, REPLICA IDENTITY, COMMENT ON COLUMN. Statements that need no expand/contract
// help (CREATE FUNCTION, INSERT, COMMENT ON TABLE, ALTER TABLE ... SET (...), a CREATE TABLE or
// CREATE INDEX the operations cannot describe, ...) become `sql` operations, in order among the
// others. BEGIN / COMMIT are dropped (each operation has its own transactions).
//
// Where an operation needs an expression keel cannot know (how to fill NULLs before SET NOT
// NULL, the reverse of a type change, ...), it writes a placeholder starting with "TODO:" that
// says what to write; parse_operations refuses the file until every placeholder is replaced.
#pragma once

#include <string>
#include <string_view>

#include "keel/error.h"
#include "keel/operations.h"

namespace keel::ops {

// Converts the script `sql` read from `path`. Each operation's `line` is the line of the
// statement it came from. Errors: a syntax error (ErrorCode::kConfig, "path:line"); statements
// that cannot be converted (ErrorCode::kUnsupported): the message lists each as
// "path:line: <statement>: <reason>; <what to do>", the context is the first one's path:line.
Result<OperationMigration> convert_sql(const std::string& path, std::string_view sql);

// keel convert FILE: the operation file's text for the script at `sql_path` (JSON when `json`,
// else YAML with a comment naming the source and the placeholders to replace).
struct ConvertedFile {
  std::string text;
  size_t operations = 0;
  size_t placeholders = 0;  // "TODO:" values the user must replace
};
Result<ConvertedFile> convert_file(const std::string& sql_path, bool json);

// Writes `text` to `path`, which must not exist yet (ErrorCode::kIo otherwise: keel convert
// never overwrites a migration).
Result<void> write_new_file(const std::string& path, const std::string& text);

}  // namespace keel::ops
