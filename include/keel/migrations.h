// keel: migration files on disk (no database code).
//
// A migrations folder may mix the formats below; each file's format is
// detected from its name (and, for dbmate, its "-- migrate:up" marker):
//   native / golang-migrate   <version>_<name>.up.sql  [+ <version>_<name>.down.sql]
//   Flyway                    V<version>__<name>.sql   [+ U<version>__<name>.sql]
//   dbmate                    <version>_<name>.sql with "-- migrate:up" / "-- migrate:down"
//   operations (pgroll)       <version>_<name>.yaml, .yml or .json (keel/operations.h; no down)
// <version> is digits. Flyway versions may also have groups separated by dots
// or underscores (V1.1, V1_1 -- the same version), compared group by group as
// numbers, trailing zero groups ignored (1.0 == 1). Versions compare as
// numbers ("0002" < "10"); numerically equal versions in two files are an
// error. Only the folder itself is read (not subfolders); hidden files and
// files not ending in .sql, .yaml, .yml or .json are ignored, and every other
// such file must be a migration in one of the formats. A dbmate file's "-- migrate:up
// transaction:false" is -- keel:no-transaction; its empty (or comment-only)
// down section counts as no down. Flyway's repeatable R__ files are refused.
//
// Directives, in comment lines at the top of a script (before any SQL; for
// dbmate, at the top of each section; a "-- keel:" line below SQL is an error):
//   -- keel:no-transaction
//   -- keel:lock-timeout 2s
//   -- keel:statement-timeout 30s
//   -- keel:retries 5
// "-- keel:ignore <rule>" lines (keel lint's, see lint.h) may stand anywhere.
#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <vector>

#include "keel/connection.h"
#include "keel/ddl.h"
#include "keel/error.h"
#include "keel/operations.h"

namespace keel::migrate {

// kOperations: an expand/contract operation file (keel/operations.h), <version>_<name>.yaml,
// .yml or .json.
enum class Format { kNative, kFlyway, kDbmate, kOperations };

struct Directives {
  bool no_transaction = false;
  std::optional<std::chrono::milliseconds> lock_timeout;
  std::optional<std::chrono::milliseconds> statement_timeout;
  std::optional<int> retries;
};

// One direction (up or down) of a migration.
struct Script {
  std::string path;    // the file, as found under the folder (for error messages)
  std::string sql;     // this direction's SQL (for dbmate: its section only)
  int first_line = 1;  // line of `path` on which `sql` starts
  Directives directives;
};

struct Migration {
  std::string version;  // as written in the file name, e.g. "0004"
  std::string name;     // "add_users_email"
  Format format = Format::kNative;
  std::string checksum;  // "sha256:<hex>" of the up file's bytes, CRLF -> LF, BOM removed
  Script up;             // kOperations: the file's text in `sql`, for checksums and messages
  std::optional<Script> down;
  // kOperations only: the parsed operations. Such a migration is run by the expand/contract
  // engine (start, complete, finalize; abort, revert), never as a script.
  std::optional<ops::OperationMigration> operations;
};

// One statement of a script, with the line of the file it starts on.
struct Statement {
  std::string sql;
  int line = 1;
};

// Splits a script into statements with the dialect's own parser: libpg_query's
// splitter for PostgreSQL (dollar quotes, comments, BEGIN ATOMIC bodies),
// sqlite3_complete() for SQLite. Empty statements and comment-only tails are
// dropped. A syntax error the splitter finds is an Error whose context is
// "path:line".
Result<std::vector<Statement>> split_statements(Dialect dialect, const Script& script);

// Numeric comparison of versions: -1, 0 or 1.
int compare_versions(const std::string& a, const std::string& b);
// The version in a normal form: equal keys for versions compare_versions
// calls equal ("0001" and "1" give "1", "1.0" gives "1").
std::string version_key(const std::string& version);

// Reads every migration under `dir`, sorted by version. Errors name the file:
// duplicate versions, an unreadable file, a down without an up, a dbmate file
// without "-- migrate:up", an unknown or malformed directive (with its line).
Result<std::vector<Migration>> load_migrations(const std::string& dir);

// The checksum of a file's text: "sha256:<hex>" after removing a UTF-8 BOM
// and turning CRLF and lone CR into LF.
std::string checksum(std::string_view text);

// Parses "2s", "500ms", "1m", "1h" (a bare number is milliseconds).
Result<std::chrono::milliseconds> parse_duration(std::string_view text);

// Writes the next native pair <next version>_<name>.up.sql / .down.sql under
// `dir` (created if missing); the version continues the folder's numbering
// width (0001, 0002 ...; 4 digits in an empty folder). Returns both paths.
Result<std::pair<std::string, std::string>> new_migration(const std::string& dir,
                                                          const std::string& name);

// What keel generate wrote: one migration, plus "-- keel:no-transaction"
// ones when the plan has statements that cannot run in the transaction: new
// enum values before it (NAME_enum_values), CONCURRENTLY after it
// (NAME_online: CONCURRENTLY and VALIDATE; rolled back before it).
struct GeneratedMigration {
  std::string up_path;
  std::string down_path;
  bool no_transaction = false;
  size_t statements = 0;
};

// Writes the plan as the next migration(s) under `dir`, named `name` (and
// `name`_enum_values, `name`_online). `header`: comment lines put at the top of each file
// (after the directive). Nothing is left behind on failure.
Result<std::vector<GeneratedMigration>> write_generated(const std::string& dir,
                                                        const std::string& name,
                                                        const DdlPlan& plan,
                                                        const std::string& header);

}  // namespace keel::migrate
