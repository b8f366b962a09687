// The lint engine's side that rules see: one parsed statement, what earlier
// statements established, and a way to report. Rules live in src/lint/rules/,
// one per file, and are listed in catalogue.cc.
#pragma once

#include <nlohmann/json.hpp>

#include <map>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "keel/lint.h"

namespace keel::lint {

using Json = nlohmann::json;

// One statement of the script, parsed.
struct Stmt {
  std::string_view kind;  // the parse node's name: "AlterTableStmt"
  const Json* body = nullptr;
  size_t base = 0;   // offset in the script of the text its locations count from
  size_t begin = 0;  // offset of its first token
  size_t end = 0;    // one past its last byte
};

// Across the scripts of a folder (see lint.h).
struct Memory {
  std::map<std::string, ColumnType> column_types;      // "public.t.c"
  std::map<std::string, std::string> not_null_checks;  // "public.t/conname" -> "public.t.c"
  std::set<std::string> proven_not_null;               // "public.t.c"
};

// What an up script made, which its down script is expected to drop.
struct Made {
  std::set<std::string> tables;   // "public.t"
  std::set<std::string> columns;  // "public.t.c", added to a table that existed before
  std::set<std::string> schemas;  // "app"
};

// Within one script.
struct ScriptState {
  // Linting a down script: what its paired up script made; null otherwise.
  const Made* up_made = nullptr;
  Made made;                                       // filled while linting, for the down script
  std::set<std::string> new_tables;                // "public.t"
  std::map<std::string, std::string> new_indexes;  // "public.i" -> "public.t"
  std::map<std::string, Volatility> functions;     // created here: "public.f"
  int transaction_line = 0;                        // line of an open explicit BEGIN
  int transactional_statements = 0;                // statements that could run in a transaction
  // The first statement that refuses a transaction (outside BEGIN), if any.
  std::string non_transactional;
  size_t non_transactional_at = 0;
  // A statement that refuses a transaction outside BEGIN: keel then runs the
  // file statement by statement.
  bool runs_without_transaction = false;
  // The Catalog's first error; what it would have told is unknown after it.
  std::optional<Error> catalog_error;
  // Enum values ALTER TYPE ... ADD VALUE added here, and later statements
  // using one of them (enum-value-used-in-transaction).
  struct EnumValue {
    std::string type;   // as written: "mood", "app.mood"
    std::string label;  // "great"
    int line = 0;
    int block = 0;  // line of the explicit BEGIN it ran in; 0 outside one
  };
  struct EnumValueUse {
    size_t value = 0;  // index in enum_values
    size_t at = 0;
    bool same_block = false;  // inside the explicit BEGIN the value was added in
    bool ignored = false;     // "-- keel:ignore" for this statement
  };
  std::vector<EnumValue> enum_values;
  std::vector<EnumValueUse> enum_value_uses;
  // Constraints ADD CONSTRAINT ... NOT VALID added here to a table that existed before, and
  // the VALIDATE CONSTRAINT statements of one of them (validate-in-same-transaction).
  struct NotValid {
    std::string table;       // "public.t"
    std::string name;        // as written
    std::string referenced;  // a foreign key's table; empty for a CHECK
    int line = 0;
    int block = 0;  // line of the explicit BEGIN it ran in; 0 outside one
  };
  struct Validation {
    size_t constraint = 0;  // index in not_valid
    size_t at = 0;
    bool same_block = false;
    bool ignored = false;
  };
  std::vector<NotValid> not_valid;
  std::vector<Validation> validations;
  // CHECK constraints validated here, per table ("public.t"): ATTACH PARTITION skips its scan
  // when one implies the partition's bound.
  std::set<std::string> validated_checks;
  // ALTER TYPE ... ADD VALUE statements (needs-newer-server: refused in a transaction block
  // before PostgreSQL 12).
  std::vector<std::pair<size_t, int>> enum_adds;  // offset, explicit BEGIN line or 0
};

// The most volatile function of an expression.
struct VolatilityFound {
  Volatility level = Volatility::kImmutable;
  std::string function;  // the function that set the level, e.g. "random"
  bool assumed = false;  // unknown function, assumed VOLATILE
};

class Context {
 public:
  Context(const migrate::Script& script, const LintOptions& options, ScriptState& state,
          Memory& memory, std::vector<Finding>& out, const std::vector<size_t>& line_starts);

  const Stmt& stmt() const { return *stmt_; }
  const Json& body() const { return *stmt_->body; }
  void set_stmt(const Stmt& stmt, std::set<std::string> ignored);

  // Reports rule `rule` at byte `offset` of the script, with the catalogue's
  // severity unless `severity` is given.
  // Whether `rule` is ignored for this statement or disabled.
  bool suppressed(std::string_view rule) const;
  void report(std::string_view rule, size_t offset, std::string message, std::string fix,
              std::optional<Severity> severity = {});
  // Offset of a parse node: its "location" when it has one, else the
  // statement's start.
  size_t at(const Json& node) const;

  int pg_version() const { return options_.pg_version; }
  // "-- keel:no-transaction": keel runs the script statement by statement.
  bool no_transaction_directive() const { return script_.directives.no_transaction; }
  ScriptState& state() { return state_; }
  Memory& memory() { return memory_; }
  int line_of(size_t offset) const;

  // "public.users" for a RangeVar (default schema public).
  static std::string table(const Json& range_var);
  // A RangeVar as SQL for fix texts, quoted through quote_identifier as
  // written: "MyApp"."Users", or "users" when it had no schema.
  static std::string sql_table(const Json& range_var);
  // The table of the ALTER TABLE being checked, as SQL.
  std::string sql_relation() const;
  bool is_new_table(const std::string& table) const { return state_.new_tables.contains(table); }
  // Whether the script runs as one transaction (no -- keel:no-transaction, no statement that
  // refuses a transaction block outside an explicit BEGIN). Final only in a rule's finish().
  bool one_transaction() const {
    return !no_transaction_directive() && !state_.runs_without_transaction;
  }
  // A down script dropping what its paired up script made ("public.t",
  // "public.t.c"): expected, not a hazard to running application versions.
  bool made_by_up(const std::string& table, const std::string& column = "") const {
    if (state_.up_made == nullptr) return false;
    return state_.up_made->tables.contains(table) ||
           (!column.empty() && state_.up_made->columns.contains(table + "." + column));
  }

  VolatilityFound volatility(const Json& expr);
  std::optional<ColumnType> column_type(const std::string& table, const std::string& column);

 private:
  std::optional<Volatility> function_volatility(const std::string& schema, const std::string& name);

  const migrate::Script& script_;
  const LintOptions& options_;
  ScriptState& state_;
  Memory& memory_;
  std::vector<Finding>& out_;
  const std::vector<size_t>& line_starts_;
  const Stmt* stmt_ = nullptr;
  std::set<std::string> ignored_;
};

struct Rule {
  RuleInfo info;
  void (*check)(Context& ctx);             // on each statement (may be null)
  void (*finish)(Context& ctx) = nullptr;  // after the last statement
};

// --- helpers for rules ------------------------------------------------------

// The "sval" of a {"String": {...}} node; empty otherwise.
std::string sval(const Json& node);
// A list of String nodes joined with '.': ["public", "users"] -> "public.users".
std::string dotted(const Json& list);
// Value of `key` in `j` or a shared null.
const Json& field(const Json& j, std::string_view key);
// Calls fn(subtype, cmd) for each AlterTableCmd of an AlterTableStmt on a table.
template <typename Fn>
void for_each_cmd(const Json& alter, Fn fn) {
  if (alter.value("objtype", "") != "OBJECT_TABLE") return;
  for (const Json& item : field(alter, "cmds")) {
    const Json& cmd = field(item, "AlterTableCmd");
    if (!cmd.empty()) fn(cmd.value("subtype", ""), cmd);
  }
}
// For an ALTER TABLE on a table that existed before the script: calls
// fn(table, subtype, cmd) for each of its commands.
template <typename Fn>
void alter_existing(Context& ctx, Fn fn) {
  if (ctx.stmt().kind != "AlterTableStmt") return;
  std::string table = Context::table(field(ctx.body(), "relation"));
  if (ctx.is_new_table(table)) return;
  for_each_cmd(ctx.body(),
               [&](const std::string& subtype, const Json& cmd) { fn(table, subtype, cmd); });
}
// Constraint nodes of a ColumnDef.
std::vector<const Json*> column_constraints(const Json& column_def);
// The column type of a TypeName node.
ColumnType type_of(const Json& type_name);
// "varchar(20)", "numeric(10,2)", "int8".
std::string type_text(const ColumnType& type);
// "CREATE INDEX CONCURRENTLY", ... when the statement cannot run inside a
// transaction block (as PostgreSQL decides); empty otherwise.
std::string refuses_transaction(std::string_view kind, const Json& body);

// Lock phrases shared by messages.
std::string access_exclusive(
    const std::string& table);  // "takes an ACCESS EXCLUSIVE lock on T: ..."

// lint_script with the pairing of an up and its down: `made` (may be null)
// receives what the script made; `up_made`, when linting a down script, is
// what its up script made. `catalog_error` (may be null) receives the
// Catalog's first error.
std::vector<Finding> lint_paired(const migrate::Script& script, const LintOptions& options,
                                 Memory* memory, const Made* up_made, Made* made,
                                 std::optional<Error>* catalog_error = nullptr);

// The catalogue (catalogue.cc).
const std::vector<const Rule*>& all_rules();

}  // namespace keel::lint
