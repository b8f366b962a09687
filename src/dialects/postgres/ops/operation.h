// PostgreSQL expand/contract, internal: what one operation does in each phase, as data.
//
// Physical names while a migration is live (docs/expand_contract.md):
//   _keel_new_<c>  a column being built for the new version (hidden from the old one),
//   _keel_old_<c>  after complete, the old version's column kept in sync until finalize.
// A version's view of a table maps each of its column names to a physical column (Shape).
// Operations return steps; expand.cc runs them (in one transaction, or after it) with
// lock_timeout and retries, builds the views and the dual-write triggers from shape() and
// sync(), and backfills.
#pragma once

#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "dialects/postgres/ddl/recipes.h"
#include "dialects/postgres/session.h"
#include "keel/error.h"
#include "keel/expand.h"
#include "keel/operations.h"

namespace keel::pg::ops {

// A version's view of one table: its columns (version name -> physical column), in order.
struct TableShape {
  std::string physical;  // the physical table's name (in VersionSchemas::schema)
  std::vector<std::pair<std::string, std::string>> columns;

  // The physical column behind a version column name; nullptr when the version has none.
  const std::string* physical_of(const std::string& column) const;
};
// Version table name -> its shape.
using Shape = std::map<std::string, TableShape>;

// The physical tables of the schema: name -> column names in attnum order.
using Catalog = std::map<std::string, std::vector<std::string>>;

// Every physical column, hidden ones (_keel_...) left out.
Shape identity_shape(const Catalog& catalog);

// "_keel_new_<column>" / "_keel_old_<column>", cut to 63 bytes with a hash when longer.
std::string new_column_name(const std::string& column);
std::string old_column_name(const std::string& column);
// Any name cut to 63 bytes with a hash of it when longer.
std::string bounded_name(const std::string& name);

enum class Part { kTransaction, kAfter };

struct Step {
  std::string sql;
  Part part = Part::kTransaction;
  // The index `sql` builds CONCURRENTLY (in the physical schema), when it does: a start
  // resumed after a kill finds it valid (done: skipped) or left invalid (dropped, built again).
  std::string builds_index;
};

// The online forms come from the DDL recipes (ddl/recipes.h); these turn a recipe's step into
// operation steps. `up` statements keep their order and the recipe's part (kTransaction or
// kAfter; REQUIRES: not kBefore, which no operation uses).
void append_up(std::vector<Step>& steps, const DdlStep& step);
// A CHECK or FOREIGN KEY `definition` ("CHECK (...)", "FOREIGN KEY (...) REFERENCES ...") on
// the physical `table`: added NOT VALID in the start transaction (no scan), VALIDATEd after it
// (SHARE UPDATE EXCLUSIVE: reads and writes go on).
void add_validated_constraint(std::vector<Step>& steps, const QualifiedName& table,
                              const std::string& name, const std::string& definition);
// CREATE UNIQUE INDEX CONCURRENTLY `name` ON `table` (`columns`, already quoted) `rest`
// after the transaction; finalize makes it a constraint with unique_using_index().
void add_unique_index(std::vector<Step>& steps, const QualifiedName& table, const std::string& name,
                      const std::string& columns, const std::string& rest = "");
// ALTER TABLE ... ADD CONSTRAINT `name` UNIQUE USING INDEX `name` (no build).
Step unique_using_index(const QualifiedName& table, const std::string& name);

// A pair of physical columns of one table kept in sync by the dual-write trigger, or one
// column filled from the other version's row.
struct Sync {
  std::string table;       // physical table
  std::string old_column;  // the old version's physical column; empty: the old version has none
  std::string new_column;  // the new version's; empty: the new version has none
  std::string up;          // new from the old version's row (names as the old version has them)
  std::string down;        // old from the new version's row
};

// What an operation may ask of the database while building its steps.
class Context {
 public:
  Context(Session& session, const expand::VersionSchemas& schemas)
      : session_(session), schemas_(schemas) {}
  Session& session() { return session_; }
  const expand::VersionSchemas& schemas() const { return schemas_; }
  // "schema"."table" of a physical table.
  std::string table(const std::string& name) const;
  // The same, unquoted, for the DDL recipes.
  QualifiedName relation(const std::string& name) const;
  // The column default (pg_get_expr) of a relation in `schema`, if any.
  Result<std::optional<std::string>> column_default(const std::string& schema,
                                                    const std::string& relation,
                                                    const std::string& column);
  // The type (format_type) and NOT NULL of a physical column; kUsage naming the table and
  // column when it does not exist.
  struct ColumnType {
    std::string type;
    bool not_null = false;
  };
  Result<ColumnType> column_type(const std::string& table, const std::string& column);
  // Whether a value of type `from` converts to `to` by assignment (the same type, an implicit
  // or assignment cast, or any type to a string type): what SET DEFAULT accepts.
  Result<bool> assignable(const std::string& from, const std::string& to);

  // A value operation number `operation` kept in its history row at an earlier phase (what
  // start changed, for abort to put back); nullptr when it kept none.
  const std::string* saved(int operation) const;
  // Keeps `value` for operation number `operation` (written to the history row at once).
  void save(int operation, std::string value);
  void set_saved(std::map<int, std::string> saved,
                 std::function<void(int, const std::string&)> writer) {
    saved_ = std::move(saved);
    writer_ = std::move(writer);
  }

 private:
  Session& session_;
  const expand::VersionSchemas& schemas_;
  std::map<int, std::string> saved_;
  std::function<void(int, const std::string&)> writer_;
};

class Operation {
 public:
  virtual ~Operation() = default;
  // Reads what the operation needs from the database before any phase runs (the columns of a
  // constraint it drops, say); kUsage naming what is missing.
  virtual Result<void> prepare(Context& /*ctx*/) { return {}; }
  // The operation's index in its migration, from 0 (set by the engine).
  int index = 0;
  // One line for reports: "users.name -> users.full_name".
  virtual std::string what() const = 0;
  // Checks what the operation needs (the table exists, an expression is given) before anything
  // runs; kUsage naming the operation's fields.
  virtual Result<void> check(Context& ctx) const;
  // While active: the new version's shape from the old one's (identity over the physical
  // columns). While completed: the old version's from the new one's.
  virtual void shape_new(Shape& /*shape*/) const {}
  virtual void shape_old(Shape& /*shape*/) const {}
  // The columns kept in sync, with their physical names in the phase (`completed` or not).
  virtual std::vector<Sync> sync(bool /*completed*/) const { return {}; }
  // Physical tables whose rows start must touch so that the triggers fill new columns.
  virtual std::vector<std::string> backfill() const { return {}; }
  // Defaults a version's view column must carry (version schema, view, column, default).
  struct ViewDefault {
    bool next = true;
    std::string view, column, expression;
  };
  virtual Result<std::vector<ViewDefault>> view_defaults(Context& /*ctx*/) const {
    return std::vector<ViewDefault>{};
  }
  virtual Result<std::vector<Step>> start(Context& ctx) const = 0;
  virtual Result<std::vector<Step>> complete(Context& /*ctx*/) const { return std::vector<Step>{}; }
  virtual Result<std::vector<Step>> revert(Context& /*ctx*/) const { return std::vector<Step>{}; }
  virtual Result<std::vector<Step>> finalize(Context& /*ctx*/) const { return std::vector<Step>{}; }
  // Undoes start from any state it left (every statement IF EXISTS or guarded).
  virtual Result<std::vector<Step>> abort(Context& /*ctx*/) const { return std::vector<Step>{}; }
};

// One column rebuilt beside itself for the new version (alter_column, and the constraint
// operations): _keel_new_<c> with the new name, type, NOT NULL and default, kept in sync with
// the old column through `up` (new from old) and `down` (old from new) and backfilled. complete
// swaps the names (the old column becomes _keel_old_<c>, still in sync for the old version's
// views), revert swaps them back, finalize drops the old column, abort the new one. Each
// phase's steps here are only the column's own; the caller adds its constraints around them.
struct ColumnChange {
  std::string table;
  std::string column;
  std::optional<std::string> name;                          // new name; none: the same
  std::optional<std::string> type;                          // new type; none: the old column's
  std::optional<bool> nullable;                             // none: as the old column is
  std::optional<std::optional<std::string>> default_value;  // none: the old one's (same type)
  std::string up;
  std::string down;
};

class RebuiltColumn {
 public:
  explicit RebuiltColumn(ColumnChange change);
  const std::string& table() const { return c_.table; }
  const std::string& column() const { return c_.column; }
  const std::string& name() const { return name_; }  // the new version's name
  const std::string& hidden_new() const { return hidden_new_; }
  const std::string& hidden_old() const { return hidden_old_; }

  void shape_new(Shape& shape) const;
  void shape_old(Shape& shape) const;
  Sync sync(bool completed) const;
  Result<std::optional<Operation::ViewDefault>> view_default(Context& ctx) const;
  Result<std::vector<Step>> start(Context& ctx) const;
  Result<std::vector<Step>> complete(Context& ctx) const;
  Result<std::vector<Step>> revert(Context& ctx) const;
  Step finalize(Context& ctx) const;
  Step abort(Context& ctx) const;

 private:
  Result<std::optional<std::string>> new_default(Context& ctx) const;
  std::string not_null() const;

  ColumnChange c_;
  std::string name_;
  std::string hidden_new_;
  std::string hidden_old_;
};

// Several RebuiltColumns as one Operation's column part: each phase's steps of every column in
// order, the shapes and the sync pairs of all of them.
class RebuiltColumns {
 public:
  void add(ColumnChange change) { columns_.emplace_back(std::move(change)); }
  const std::vector<RebuiltColumn>& columns() const { return columns_; }
  // The new (hidden while active) physical name of `column`; `column` itself when it is not
  // rebuilt.
  std::string hidden_new(const std::string& column) const;
  void shape_new(Shape& shape) const;
  void shape_old(Shape& shape) const;
  std::vector<Sync> sync(bool completed) const;
  Result<std::vector<Operation::ViewDefault>> view_defaults(Context& ctx) const;
  Result<std::vector<Step>> start(Context& ctx) const;
  Result<std::vector<Step>> complete(Context& ctx) const;
  Result<std::vector<Step>> revert(Context& ctx) const;
  std::vector<Step> finalize(Context& ctx) const;
  std::vector<Step> abort(Context& ctx) const;

 private:
  std::vector<RebuiltColumn> columns_;
};

// An Operation whose columns are rebuilt (RebuiltColumns): the shapes, the sync pairs, the
// backfill, the view defaults and each phase's column steps come from `columns_`; subclasses
// override a phase to add their constraints around the column steps.
class RebuildingOperation : public Operation {
 public:
  void shape_new(Shape& shape) const override { columns_.shape_new(shape); }
  void shape_old(Shape& shape) const override { columns_.shape_old(shape); }
  std::vector<Sync> sync(bool completed) const override { return columns_.sync(completed); }
  std::vector<std::string> backfill() const override;
  Result<std::vector<ViewDefault>> view_defaults(Context& ctx) const override {
    return columns_.view_defaults(ctx);
  }
  Result<std::vector<Step>> start(Context& ctx) const override { return columns_.start(ctx); }
  Result<std::vector<Step>> complete(Context& ctx) const override { return columns_.complete(ctx); }
  Result<std::vector<Step>> revert(Context& ctx) const override { return columns_.revert(ctx); }
  Result<std::vector<Step>> finalize(Context& ctx) const override { return columns_.finalize(ctx); }
  // Dropping the new columns drops what was built on them (constraints, indexes).
  Result<std::vector<Step>> abort(Context& ctx) const override { return columns_.abort(ctx); }

 protected:
  RebuiltColumns columns_;
};

// `expression` (SQL over one table's columns) with each bare reference to a column of
// `renames` (old name -> new name) renamed, parsed with PostgreSQL's parser (quoted and
// unquoted names, nothing inside string literals). kUsage for an expression that does not
// parse or refers to such a column qualified by a table name.
Result<std::string> rename_columns(const std::string& expression,
                                   const std::map<std::string, std::string>& renames);

// The column names an expression refers to (the last part of each column reference); empty
// when it does not parse.
std::set<std::string> referenced_columns(const std::string& expression);
// The same when every column reference is a bare name or NEW.name / OLD.name (what a trigger's
// variables can stand for); nullopt when the expression does not parse, or has a star, a
// qualified reference to another row (t.x, _keel_row.x) or a whole-row one.
std::optional<std::set<std::string>> bare_columns_read(const std::string& expression);

// Whether `sql` (one of keel's own statements) takes no table lock stronger than SHARE UPDATE
// EXCLUSIVE: CREATE [UNIQUE] INDEX CONCURRENTLY, DROP INDEX CONCURRENTLY, or an ALTER TABLE whose
// only action is VALIDATE CONSTRAINT. Waiting in the lock queue for one blocks no read and no
// write, so it may wait past deadlock_timeout, which is what makes an autovacuum holding the
// same lock cancel itself (a 20 ms lock_timeout never outwaits one).
bool waits_without_blocking_writes(const std::string& sql);

// The columns of constraint `name` on `table` (in the constraint's order) as the old version
// names them (a column hidden as _keel_old_<c> by complete reads as <c>); kUsage naming the
// table when there is no such constraint.
Result<std::vector<std::string>> constraint_columns(Context& ctx, const std::string& table,
                                                    const std::string& name);

// The handler of one operation of a migration; kUsage for an operation keel cannot run yet,
// naming it.
Result<std::unique_ptr<Operation>> make_operation(const keel::ops::Operation& op,
                                                  const std::string& schema);

// The PostgreSQL ExpandContract (expand.cc), the driver's open_expand_contract.
Result<std::unique_ptr<expand::ExpandContract>> open_expand_contract(const ConnectionUrl& url);

// One factory per operation file.
std::unique_ptr<Operation> make_create_table(const keel::ops::CreateTable& op,
                                             const std::string& schema);
std::unique_ptr<Operation> make_drop_table(const keel::ops::DropTable& op,
                                           const std::string& schema);
std::unique_ptr<Operation> make_rename_table(const keel::ops::RenameTable& op,
                                             const std::string& schema);
std::unique_ptr<Operation> make_add_column(const keel::ops::AddColumn& op,
                                           const std::string& schema);
std::unique_ptr<Operation> make_drop_column(const keel::ops::DropColumn& op,
                                            const std::string& schema);
std::unique_ptr<Operation> make_rename_column(const keel::ops::RenameColumn& op,
                                              const std::string& schema);
std::unique_ptr<Operation> make_alter_column(const keel::ops::AlterColumn& op,
                                             const std::string& schema);
std::unique_ptr<Operation> make_create_index(const keel::ops::CreateIndex& op,
                                             const std::string& schema);
std::unique_ptr<Operation> make_drop_index(const keel::ops::DropIndex& op,
                                           const std::string& schema);
std::unique_ptr<Operation> make_create_constraint(const keel::ops::CreateConstraint& op,
                                                  const std::string& schema);
std::unique_ptr<Operation> make_drop_constraint(const keel::ops::DropConstraint& op,
                                                const std::string& schema);
std::unique_ptr<Operation> make_drop_multicolumn_constraint(
    const keel::ops::DropMultiColumnConstraint& op, const std::string& schema);
std::unique_ptr<Operation> make_rename_constraint(const keel::ops::RenameConstraint& op,
                                                  const std::string& schema);
std::unique_ptr<Operation> make_set_replica_identity(const keel::ops::SetReplicaIdentity& op,
                                                     const std::string& schema);
std::unique_ptr<Operation> make_raw_sql(const keel::ops::RawSql& op, const std::string& schema);

// SQL for a column definition of the model: "name" type [NOT NULL] [DEFAULT ...] [PRIMARY KEY]
// [UNIQUE] [CHECK ...] [REFERENCES ...].
std::string column_definition(const keel::ops::Column& column, const std::string& schema);
// " [MATCH m] ON DELETE d ON UPDATE u [DEFERRABLE] [INITIALLY DEFERRED]".
std::string foreign_key_options(const std::string& match, const std::string& on_delete,
                                const std::string& on_update, bool deferrable,
                                bool initially_deferred);
// "CONSTRAINT name CHECK (...)" / UNIQUE / PRIMARY KEY / FOREIGN KEY of create_table; kUsage for
// what keel cannot write yet (exclusion constraints, index parameters), naming it.
Result<std::string> table_constraint(const keel::ops::TableConstraint& constraint,
                                     const std::string& schema);

}  // namespace keel::pg::ops
