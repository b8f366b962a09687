// PostgreSQL DDL renderer: shared state of one plan. Each render_*.cc turns
// one kind of change into steps; planner.cc walks the changes, decides what
// must be recreated around them, and orders the steps by phase.
#pragma once

#include <deque>
#include <functional>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "keel/ddl.h"
#include "keel/schema_diff.h"
#include "util/quote.h"

namespace keel::pg::ddl {

// Execution order of the forward script. A step's reverse runs in the
// opposite order, so one ordering serves both directions.
enum Phase : int {
  kFirst = 0,
  kDropView = 10,
  kDropTrigger = 20,
  kDropPolicy = 21,
  kDropForeignKey = 30,
  kDropConstraint = 31,
  kDropIndex = 32,
  kDisownSequence = 33,
  kCreateSchema = 40,
  kExtension = 41,
  kType = 50,
  kSequence = 60,
  kFunction = 70,
  kCreateTable = 80,
  kAlterTable = 81,
  kAddConstraint = 90,
  kAddForeignKey = 91,
  kCreateIndex = 92,
  kCreateView = 100,
  kLateFunction = 105,  // functions whose signature or SQL body names a new relation
  kCreateTrigger = 110,
  kCreatePolicy = 111,
  kOwnSequence = 120,
  kComment = 130,
  kEarlyDropFunction = 138,  // SQL-standard bodies and signatures naming relations
  kDropColumn = 139,
  kDropTable = 140,
  kDropSequence = 150,
  kDropFunction = 160,
  kDropType = 170,
  kDropSchema = 180,
  kDropExtension = 190,
  kLast = 1000,
};

struct OrderedStep {
  int phase = 0;
  int rank = 0;  // order inside a phase (views by dependency, partitions after parents)
  size_t seq = 0;
  DdlStep step;
};

struct Plan {
  const model::Database& from;
  const model::Database& to;
  const DdlOptions& options;
  DdlPlan out;
  // A deque: add() hands out references that must stay valid while later
  // steps are added.
  std::deque<OrderedStep> steps;
  // "schema.name" of views (in `from`) dropped and created again around the
  // changes, and of tables whose columns change type or go away.
  std::set<std::string> recreated_views;
  // "policy schema.table.name" / "trigger ..." / "function schema.key"
  // recreated around a retyped column, a recreated view or function.
  std::set<std::string> recreated_members;
  // "schema.name" of functions dropped and created again (either direction).
  std::set<std::string> recreated_functions;
  // Every column type of `from` (arrays without their []) -> one column
  // "schema.table.column" that stores it.
  std::map<std::string, std::string> stored_types;
  // "schema.table.name" of helper constraints this plan names (each unique
  // on its table).
  std::set<std::string> helper_names;

  Plan(const model::Database& f, const model::Database& t, const DdlOptions& o)
      : from(f), to(t), options(o) {}

  // A new step at `phase` (and `rank`), typed; the caller fills its
  // statements and part.
  DdlStep& add(int phase, DdlAction action, DdlObject object, std::vector<QualifiedName> relations,
               std::string description, int rank = 0);
  // A step a recipe built (recipes.h).
  DdlStep& add(int phase, DdlStep step, int rank = 0);
};

// Names and small pieces of SQL.
std::string qname(const std::string& schema, const std::string& name);
// "schema.table" (model form, unquoted) to its quoted form.
std::string qualified_from_dotted(const std::string& dotted);
std::string comment_literal(const std::string& comment);  // 'text' or NULL
std::string join(const std::vector<std::string>& parts, const std::string& sep);
std::string upper(std::string text);
// A deparsed definition without its trailing ';' and blanks.
std::string strip_semicolon(std::string sql);
// "DISABLE", "ENABLE REPLICA", "ENABLE ALWAYS" or "ENABLE" for an enabled
// state of a trigger, rule or event trigger ("origin" is plain ENABLE).
std::string enable_keyword(const std::string& enabled);
// "fillfactor=70, autovacuum_enabled=false" (model form) to its entries.
std::vector<std::string> split_options(const std::string& options);
// A name for a helper object keel creates for a while: base + suffix, cut
// to 63 bytes, numbered until `taken` says it is free.
std::string helper_name(const std::string& base, const std::string& suffix,
                        const std::function<bool(const std::string&)>& taken);
// The model's function key "name(args)" split into name and identity arguments.
std::pair<std::string, std::string> split_function_key(const std::string& key);

// One file per kind of object.
void render_schema(Plan& plan, const model::Change& change);
void render_extension(Plan& plan, const model::Change& change);
void render_type(Plan& plan, const model::Change& change);
void render_sequence(Plan& plan, const model::Change& change);
void render_function(Plan& plan, const model::Change& change);
void render_table(Plan& plan, const model::Change& change);
void render_column(Plan& plan, const model::Change& change);
void render_constraint(Plan& plan, const model::Change& change);
void render_index(Plan& plan, const model::Change& change);
void render_trigger(Plan& plan, const model::Change& change);
void render_policy(Plan& plan, const model::Change& change);
void render_view(Plan& plan, const model::Change& change);
void render_statistics(Plan& plan, const model::Change& change);  // render_extra.cc
void render_rule(Plan& plan, const model::Change& change);
void render_publication(Plan& plan, const model::Change& change);
void render_event_trigger(Plan& plan, const model::Change& change);
void render_cast(Plan& plan, const model::Change& change);
void render_collation(Plan& plan, const model::Change& change);

// Full statements for a whole object, shared by create, drop (as its
// reverse) and recreate.
std::vector<std::string> create_table_statements(const model::Database& db,
                                                 const std::string& schema,
                                                 const std::string& name);
std::vector<std::string> create_view_statements(const std::string& schema, const std::string& name,
                                                const model::View& view);
// Whether a view's change is made in place (comments, column comments and
// defaults, a materialized view's data) rather than by recreating it.
bool view_altered_in_place(const model::Change& change);
std::string drop_view_statement(const std::string& schema, const std::string& name,
                                const model::View& view);
std::string identity_clause(const model::Column& column);
// A rule of `relation` (quoted), with its enabled state and comment.
std::vector<std::string> create_rule_statements(const std::string& relation,
                                                const std::string& name, const model::Rule& r);
// CREATE STATISTICS with its target and comment.
std::vector<std::string> create_statistics(const model::Statistics& s);
// `alter` SET (...) of the options `new_text` adds or changes, RESET (...) of
// those it drops; each key written with `prefix` ("toast.").
std::vector<std::string> option_statements(const std::string& alter, const std::string& old_text,
                                           const std::string& new_text, const std::string& prefix);
// Storage, compression, statistics target and options of a column, from one
// side to the other; `alter` is "ALTER TABLE t ALTER COLUMN c".
std::vector<std::string> column_physical_statements(const std::string& alter,
                                                    const model::Column& from,
                                                    const model::Column& to);
// TOAST parameters, replica identity and cluster index of table `q`, from one
// side to the other (after the indexes they name exist).
std::vector<std::string> table_physical_statements(const std::string& q, const model::Table& from,
                                                   const model::Table& to);
std::string column_definition(const std::string& name, const model::Column& column);
std::string constraint_comment(const std::string& table, const std::string& name,
                               const std::string& comment);
std::string add_constraint_statement(const std::string& table, const std::string& name,
                                     const model::Constraint& c, bool not_valid);
std::string create_index_statement(const model::Index& index, bool concurrently);
std::string create_trigger_statement(const model::Trigger& trigger);
std::string trigger_enable_statement(const std::string& table, const std::string& name,
                                     const std::string& enabled);
std::string create_policy_statement(const std::string& table, const std::string& name,
                                    const model::Policy& policy);
std::string create_sequence_statement(const std::string& schema, const std::string& name,
                                      const model::Sequence& s);
std::vector<std::string> create_function_statements(const std::string& schema,
                                                    const std::string& key,
                                                    const model::Function& f, bool replace);
std::string drop_function_statement(const std::string& schema, const std::string& key,
                                    const model::Function& f);
// Whether a changed function must be dropped and created again (its result,
// kind or parameters change) to go from `x` to `y`.
bool function_recreated(const model::Change& change, const model::Function& x,
                        const model::Function& y);
// Whether f's body is SQL-standard (BEGIN ATOMIC / RETURN): bound to the
// objects it reads at creation, which then cannot change under it.
bool sql_standard_body(const model::Function& f);
// Whether enum a -> b removes or reorders labels: the type is rebuilt (and
// the rebuild sets the columns' defaults, both ways).
bool enum_rebuilt(const model::Type& a, const model::Type& b);
std::vector<std::string> create_type_statements(const std::string& schema, const std::string& name,
                                                const model::Type& t);
std::string drop_type_statement(const std::string& schema, const std::string& name,
                                const model::Type& t);

// How the server writes a name in deparsed SQL and type names (quote_ident
// style: quoted only when needed; keywords are not checked).
std::string deparsed_ident(const std::string& s);
std::string deparsed_name(const std::string& schema, const std::string& name);
// Whether `text` (deparsed SQL) names `name` as an identifier, quoted or not.
bool mentions_identifier(const std::string& text, const std::string& name);
// Whether `text` names relation schema.name, in any quoting the server uses.
bool mentions_relation(const std::string& text, const std::string& schema, const std::string& name);

// Inherited members of partitions and inheritance children: created by the
// parent, never by keel.
bool inherited_constraint(const model::Database& db, const model::Table& table,
                          const std::string& name);
bool inherited_index(const model::Database& db, const std::string& schema,
                     const model::Table& table, const model::Index& index);
bool inherited_trigger(const model::Database& db, const model::Table& table,
                       const std::string& name);
bool inherited_column(const model::Database& db, const model::Table& table,
                      const std::string& name);
// Indexes that a PRIMARY KEY, UNIQUE or EXCLUDE constraint owns.
bool constraint_index(const model::Table& table, const std::string& index_name);

const model::Table* find_table(const model::Database& db, const std::string& schema,
                               const std::string& name);
const model::Table* find_table(const model::Database& db, const std::string& dotted);

// Foreign key `name` of schema.table in the target is added by the
// transactional script: new, changed, or added again around a key change.
bool foreign_key_added_in_transaction(const Plan& plan, const std::string& schema,
                                      const std::string& table, const std::string& name,
                                      const model::Constraint& key);

}  // namespace keel::pg::ddl
