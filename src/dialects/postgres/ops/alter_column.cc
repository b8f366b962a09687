// alter_column: type, nullable, default, unique, references, check and comment changes, each
// with `up` (new from old) and `down` (old from new). The column is rebuilt beside the old one
// (RebuiltColumn, operation.h: _keel_new_<c>, shown by the new version's views under the new
// name, kept in sync both ways, backfilled; complete swaps the names, revert swaps them back,
// finalize drops the old column, abort the new one). The new constraints are built on the new
// column at start, online: CHECK and FOREIGN KEY NOT VALID then VALIDATE after the backfill,
// UNIQUE as a concurrent unique index that finalize turns into the constraint. With only
// `name`, it is a rename (rename_column.cc).
#include <fmt/format.h>

#include "dialects/postgres/ops/operation.h"
#include "util/quote.h"

namespace keel::pg::ops {

namespace {

ColumnChange change_of(const keel::ops::AlterColumn& op) {
  return ColumnChange{
      op.table,           op.column,           op.name, op.type, op.nullable, op.default_value,
      op.up.value_or(""), op.down.value_or("")};
}

class AlterColumn final : public RebuildingOperation {
 public:
  AlterColumn(keel::ops::AlterColumn op, std::string schema)
      : op_(std::move(op)), schema_(std::move(schema)) {
    columns_.add(change_of(op_));
  }

  std::string what() const override {
    std::string changes;
    auto add = [&](const std::string& what) { changes += (changes.empty() ? "" : ", ") + what; };
    if (op_.name) add("name " + display_identifier(*op_.name));
    if (op_.type) add("type " + *op_.type);
    if (op_.nullable) add(*op_.nullable ? "nullable" : "NOT NULL");
    if (op_.default_value) add("default");
    if (op_.unique) add("unique");
    if (op_.references) add("references " + op_.references->table);
    if (op_.check) add("check " + op_.check->name);
    if (op_.comment) add("comment");
    return fmt::format("{}.{}: {}", display_identifier(op_.table), display_identifier(op_.column),
                       changes);
  }
  Result<void> check(Context& ctx) const override {
    auto type = ctx.column_type(op_.table, op_.column);
    if (!type) return std::unexpected(type.error());
    if (!op_.up || !op_.down) {
      return fail(ErrorCode::kUsage,
                  fmt::format("alter_column {}.{}: `up` and `down` are both needed (they keep the "
                              "old and new columns in sync while both versions run)",
                              op_.table, op_.column));
    }
    if (op_.name && *op_.name != op_.column) {
      auto taken = ctx.column_type(op_.table, *op_.name);
      if (taken) {
        return fail(ErrorCode::kUsage,
                    fmt::format("alter_column: {}.{} exists already", op_.table, *op_.name));
      }
    }
    if (op_.check) {
      if (auto e = check_expression(); !e) return std::unexpected(e.error());
    }
    return {};
  }
  Result<std::vector<Step>> start(Context& ctx) const override {
    auto steps = columns_.start(ctx);
    if (!steps) return steps;
    const std::string t = ctx.table(op_.table);
    const std::string h = quote_identifier(columns_.hidden_new(op_.column));
    const QualifiedName table = ctx.relation(op_.table);
    if (op_.references) {
      const auto& r = *op_.references;
      add_validated_constraint(
          *steps, table, r.name,
          fmt::format("FOREIGN KEY ({}) REFERENCES {} ({}){}", h, quote_qualified(schema_, r.table),
                      quote_identifier(r.column),
                      foreign_key_options(r.match_type, r.on_delete, r.on_update, r.deferrable,
                                          r.initially_deferred)));
    }
    if (op_.check) {
      auto expression = check_expression();
      if (!expression) return std::unexpected(expression.error());
      add_validated_constraint(
          *steps, table, op_.check->name,
          fmt::format("CHECK ({}){}", *expression, op_.check->no_inherit ? " NO INHERIT" : ""));
    }
    if (op_.unique) add_unique_index(*steps, table, op_.unique->name, h);
    if (op_.comment && *op_.comment) {
      steps->push_back(
          {fmt::format("COMMENT ON COLUMN {}.{} IS {}", t, h, quote_literal(**op_.comment))});
    }
    return steps;
  }
  Result<std::vector<Step>> finalize(Context& ctx) const override {
    std::vector<Step> steps = columns_.finalize(ctx);
    if (op_.unique) {
      // The unique index built at start becomes the constraint once the old column is gone
      // (not at complete: revert and a second complete would meet it already used).
      steps.push_back(unique_using_index(ctx.relation(op_.table), op_.unique->name));
    }
    return steps;
  }

 private:
  // The CHECK over the new column: the expression names the column by its old or its new
  // name; both mean the new column.
  Result<std::string> check_expression() const {
    std::map<std::string, std::string> renames{{op_.column, columns_.hidden_new(op_.column)}};
    if (op_.name) renames[*op_.name] = columns_.hidden_new(op_.column);
    auto e = rename_columns(op_.check->constraint, renames);
    if (!e) {
      Error err = e.error();
      err.message = fmt::format("alter_column {}.{} check {}: {}", op_.table, op_.column,
                                op_.check->name, err.message);
      return std::unexpected(err);
    }
    return e;
  }

  keel::ops::AlterColumn op_;
  std::string schema_;
};

// A change of only the default and/or the comment: nothing to rebuild. The new version's view
// carries the new default while active; complete sets the new default and comment on the
// column and moves the old ones to the old version's view (which keeps serving them); revert
// puts them back from there. Abort and finalize drop the version schema that held them.
class AlterColumnInPlace final : public Operation {
 public:
  explicit AlterColumnInPlace(keel::ops::AlterColumn op) : op_(std::move(op)) {}

  std::string what() const override {
    return fmt::format("{}.{}: {}{}{} (in place, at complete)", display_identifier(op_.table),
                       display_identifier(op_.column), op_.default_value ? "default" : "",
                       op_.default_value && op_.comment ? ", " : "", op_.comment ? "comment" : "");
  }
  Result<void> check(Context& ctx) const override {
    auto type = ctx.column_type(op_.table, op_.column);
    if (!type) return std::unexpected(type.error());
    return {};
  }
  Result<std::vector<ViewDefault>> view_defaults(Context& ctx) const override {
    if (!op_.default_value) return std::vector<ViewDefault>{};
    if (*op_.default_value) {
      return std::vector<ViewDefault>{{true, op_.table, op_.column, **op_.default_value}};
    }
    auto none = no_default(ctx);
    if (!none) return std::unexpected(none.error());
    return std::vector<ViewDefault>{{true, op_.table, op_.column, *none}};
  }
  Result<std::vector<Step>> start(Context&) const override { return std::vector<Step>{}; }
  Result<std::vector<Step>> complete(Context& ctx) const override {
    const auto& s = ctx.schemas();
    const std::string t = ctx.table(op_.table);
    const std::string c = quote_identifier(op_.column);
    const std::string old_view = quote_qualified(s.previous, op_.table);
    std::vector<Step> steps;
    if (op_.default_value) {
      auto old_default = ctx.column_default(s.schema, op_.table, op_.column);
      if (!old_default) return std::unexpected(old_default.error());
      auto none = no_default(ctx);
      if (!none) return std::unexpected(none.error());
      steps.push_back({fmt::format("ALTER VIEW {} ALTER COLUMN {} SET DEFAULT {}", old_view, c,
                                   old_default->value_or(*none))});
      steps.push_back({*op_.default_value
                           ? fmt::format("ALTER TABLE {} ALTER COLUMN {} SET DEFAULT {}", t, c,
                                         **op_.default_value)
                           : fmt::format("ALTER TABLE {} ALTER COLUMN {} DROP DEFAULT", t, c)});
    }
    if (op_.comment) {
      auto old_comment = comment(ctx, s.schema);
      if (!old_comment) return std::unexpected(old_comment.error());
      steps.push_back({comment_sql(old_view, c, *old_comment)});
      steps.push_back({comment_sql(t, c, *op_.comment)});
    }
    return steps;
  }
  Result<std::vector<Step>> revert(Context& ctx) const override {
    const auto& s = ctx.schemas();
    const std::string t = ctx.table(op_.table);
    const std::string c = quote_identifier(op_.column);
    std::vector<Step> steps;
    if (op_.default_value) {
      auto old_default = ctx.column_default(s.previous, op_.table, op_.column);
      if (!old_default) return std::unexpected(old_default.error());
      bool none = !*old_default || old_default->value().find(kNoDefault) != std::string::npos;
      steps.push_back({none ? fmt::format("ALTER TABLE {} ALTER COLUMN {} DROP DEFAULT", t, c)
                            : fmt::format("ALTER TABLE {} ALTER COLUMN {} SET DEFAULT {}", t, c,
                                          **old_default)});
    }
    if (op_.comment) {
      auto old_comment = comment(ctx, s.previous);
      if (!old_comment) return std::unexpected(old_comment.error());
      steps.push_back({comment_sql(t, c, *old_comment)});
    }
    return steps;
  }

 private:
  // "No default" on a view column. A NULL default is no default to PostgreSQL, and an insert
  // through an updatable view then takes the table column's own: this NULL that is not a
  // constant is stored and hides it. kNoDefault finds it again in pg_get_expr's text.
  static constexpr const char* kNoDefault = "CASE WHEN false THEN NULL";
  Result<std::string> no_default(Context& ctx) const {
    auto type = ctx.column_type(op_.table, op_.column);
    if (!type) return std::unexpected(type.error());
    return fmt::format("CAST(CASE WHEN false THEN NULL END AS {})", type->type);
  }

  // The comment on the column of the table (or view) `op_.table` in `schema`.
  Result<std::optional<std::string>> comment(Context& ctx, const std::string& schema) const {
    auto rows = ctx.session().exec(
        "SELECT pg_catalog.col_description(c.oid, a.attnum) FROM pg_catalog.pg_class c "
        "JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace "
        "JOIN pg_catalog.pg_attribute a ON a.attrelid = c.oid "
        "WHERE n.nspname = $1 AND c.relname = $2 AND a.attname = $3",
        {schema, op_.table, op_.column});
    if (!rows) return std::unexpected(rows.error());
    if (rows->empty() || (*rows)[0].is_null(0)) return std::optional<std::string>{};
    return std::optional<std::string>(std::string((*rows)[0].view(0)));
  }
  static std::string comment_sql(const std::string& relation, const std::string& column,
                                 const std::optional<std::string>& text) {
    return fmt::format("COMMENT ON COLUMN {}.{} IS {}", relation, column,
                       text ? quote_literal(*text) : "NULL");
  }

  keel::ops::AlterColumn op_;
};

}  // namespace

std::unique_ptr<Operation> make_alter_column(const keel::ops::AlterColumn& op,
                                             const std::string& schema) {
  bool only_name = op.name && !op.type && !op.nullable && !op.default_value && !op.comment &&
                   !op.check && !op.unique && !op.references && !op.up && !op.down;
  if (only_name) {
    return make_rename_column(keel::ops::RenameColumn{op.table, op.column, *op.name}, schema);
  }
  bool in_place = !op.name && !op.type && !op.nullable && !op.check && !op.unique &&
                  !op.references && (op.default_value || op.comment);
  if (in_place) return std::make_unique<AlterColumnInPlace>(op);
  return std::make_unique<AlterColumn>(op, schema);
}

}  // namespace keel::pg::ops
