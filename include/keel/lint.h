// keel: static lint of PostgreSQL migration scripts (no database code).
//
// Each statement of a script is parsed with libpg_query and checked by every
// rule of the catalogue (src/lint/rules/, one rule per file). A finding names
// the lock the statement takes, its effect on traffic, and the safe
// alternative. Statements on tables created earlier in the same script are
// not lock hazards. What lint may ask a live database (server version,
// function volatility, a column's current type) goes through Catalog, which
// the PostgreSQL dialect implements; without one, built-in knowledge is used.
//
// Suppressing: a comment "-- keel:ignore rule-a, rule-b" among the comment
// lines just before a statement suppresses those rules for that statement
// ("-- keel:ignore" alone: every rule); LintOptions::disabled for a run.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "keel/connection.h"
#include "keel/error.h"
#include "keel/migrations.h"

namespace keel::lint {

enum class Severity { kInfo = 0, kWarning = 1, kError = 2 };

// "info", "warning", "error".
std::string_view severity_name(Severity severity);
std::optional<Severity> parse_severity(std::string_view text);

struct Finding {
  std::string rule;  // "create-index-not-concurrent"
  Severity severity = Severity::kError;
  std::string file;  // the script's path
  int line = 1;      // 1-based line of the file
  int column = 1;    // 1-based character (not byte) on that line
  std::string message;
  std::string fix;  // the safe alternative
};

// One entry of the rule catalogue.
struct RuleInfo {
  std::string_view id;
  Severity severity;
  // The table-level lock the statement takes as PostgreSQL's docs name it
  // ("ACCESS EXCLUSIVE", "SHARE"); empty when the rule is not about a lock or
  // the lock depends on the statement.
  std::string_view lock;
  std::string_view summary;
};

// Every rule, sorted by id.
const std::vector<RuleInfo>& rules();
const RuleInfo* find_rule(std::string_view id);

enum class Volatility { kImmutable, kStable, kVolatile };

// A column type as lint compares them: the type's internal name ("int4",
// "varchar", "numeric") and its modifiers (varchar(20): {20}; numeric(10,2):
// {10, 2}; none: {}).
struct ColumnType {
  std::string name;
  std::vector<int> mods;
  bool operator==(const ColumnType&) const = default;
};

// Read-only questions to a live database. Implementations may cache.
// Errors: the server could not answer (kSql: refused, e.g. no privilege;
// kConnection: the connection was lost), messages masked; never "unknown".
class Catalog {
 public:
  virtual ~Catalog() = default;
  // The server's major version (15).
  virtual int server_major_version() = 0;
  // The volatility of function `name` (schema empty: any schema on the
  // search path); of several overloads, the most volatile. nullopt: no such
  // function.
  virtual Result<std::optional<Volatility>> function_volatility(const std::string& schema,
                                                                const std::string& name) = 0;
  // The current type of a column (schema empty: "public"). nullopt: no such
  // column.
  virtual Result<std::optional<ColumnType>> column_type(const std::string& schema,
                                                        const std::string& table,
                                                        const std::string& column) = 0;
};

struct LintOptions {
  int pg_version = 15;                // target server major version
  std::vector<std::string> disabled;  // rule ids not to report
  Catalog* catalog = nullptr;         // not owned; null: built-in knowledge only
};

// What earlier scripts of a folder established (column types, validated
// "IS NOT NULL" checks), carried to the scripts after them in version order.
struct Memory;
struct MemoryDeleter {
  void operator()(Memory* memory) const;
};
using MemoryPtr = std::unique_ptr<Memory, MemoryDeleter>;
MemoryPtr new_memory();

// Lints one script. A script that does not parse yields `syntax-error`
// findings (line and column of the error) and the statements around it are
// still linted. `memory` may be null. A Catalog error leaves what the
// catalog would have told unknown here; lint_paths reports it.
std::vector<Finding> lint_script(const migrate::Script& script, const LintOptions& options,
                                 Memory* memory = nullptr);

struct LintReport {
  std::vector<Finding> findings;  // in order: by path, then position
  int scripts = 0;                // scripts linted
};

// Lints FILEs (each one script; a dbmate file's up and down sections apart)
// and DIRs (migration folders in every format keel reads: each up script in
// version order, then its down script). Errors: a path that is missing or
// unreadable (kIo), a folder that is not a valid migrations folder (kConfig),
// the Catalog's first error ("could not read the catalog: ...", its code,
// context and SQLSTATE).
Result<LintReport> lint_paths(const std::vector<std::string>& paths, const LintOptions& options);

// Opens a read-only Catalog on the server through the URL's dialect
// (src/dialects/open.cc; PostgreSQL's in dialects/postgres/lint_catalog.cc).
// kUnsupported for a dialect that does not lint (Capabilities::lints). Errors
// name the masked URL.
Result<std::unique_ptr<Catalog>> open_catalog(const ConnectionUrl& url);

}  // namespace keel::lint
