// alter_column: type, nullable, default, unique, references, check and comment changes, each
// with `up` (new from old) and `down` (old from new). The new column is built beside the old
// one as _keel_new_<c> (the new version's views show it as the new name), both kept in sync
// by the dual-write trigger, existing rows backfilled. complete swaps the names: the new
// column takes the physical name, the old one becomes _keel_old_<c>, still in sync (the old
// version's views follow it); revert swaps them back; finalize drops the old column; abort
// drops the new one. With only `name`, it is a rename (rename_column.cc).
#include <fmt/format.h>

#include "dialects/postgres/ops/operation.h"
#include "util/quote.h"

namespace keel::pg::ops {

namespace {

void replace_column(TableShape& t, const std::string& name, const std::string& new_name,
                    const std::string& physical) {
  for (auto& c : t.columns) {
    if (c.first == name) c = {new_name, physical};
  }
}

class AlterColumn final : public Operation {
 public:
  AlterColumn(keel::ops::AlterColumn op, std::string schema)
      : op_(std::move(op)),
        schema_(std::move(schema)),
        name_(op_.name.value_or(op_.column)),
        hidden_new_(new_column_name(op_.column)),
        hidden_old_(old_column_name(op_.column)) {}

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
    return {};
  }
  void shape_new(Shape& shape) const override {
    for (auto& [n, t] : shape) {
      if (t.physical == op_.table) replace_column(t, op_.column, name_, hidden_new_);
    }
  }
  void shape_old(Shape& shape) const override {
    for (auto& [n, t] : shape) {
      if (t.physical == op_.table) replace_column(t, name_, op_.column, hidden_old_);
    }
  }
  std::vector<Sync> sync(bool completed) const override {
    return {Sync{op_.table, completed ? hidden_old_ : op_.column, completed ? name_ : hidden_new_,
                 *op_.up, *op_.down}};
  }
  std::vector<std::string> backfill() const override { return {op_.table}; }
  Result<std::vector<ViewDefault>> view_defaults(Context& ctx) const override {
    auto d = new_default(ctx);
    if (!d) return std::unexpected(d.error());
    std::vector<ViewDefault> out;
    if (*d) out.push_back({true, op_.table, name_, **d});
    return out;
  }
  Result<std::vector<Step>> start(Context& ctx) const override {
    auto old = ctx.column_type(op_.table, op_.column);
    if (!old) return std::unexpected(old.error());
    const std::string t = ctx.table(op_.table);
    const std::string h = quote_identifier(hidden_new_);
    std::vector<Step> steps{
        {fmt::format("ALTER TABLE {} ADD COLUMN {} {}", t, h, op_.type.value_or(old->type))}};
    if (op_.nullable.value_or(!old->not_null) == false) {
      steps.push_back(
          {fmt::format("ALTER TABLE {} ADD CONSTRAINT {} CHECK ({} IS NOT NULL) NOT VALID", t,
                       quote_identifier(not_null()), h)});
      steps.push_back(
          {fmt::format("ALTER TABLE {} VALIDATE CONSTRAINT {}", t, quote_identifier(not_null())),
           Part::kAfter});
    }
    if (op_.references) {
      const auto& r = *op_.references;
      steps.push_back(
          {fmt::format("ALTER TABLE {} ADD CONSTRAINT {} FOREIGN KEY ({}) REFERENCES "
                       "{} ({}){} NOT VALID",
                       t, quote_identifier(r.name), h, quote_qualified(schema_, r.table),
                       quote_identifier(r.column),
                       foreign_key_options(r.match_type, r.on_delete, r.on_update, r.deferrable,
                                           r.initially_deferred))});
      steps.push_back(
          {fmt::format("ALTER TABLE {} VALIDATE CONSTRAINT {}", t, quote_identifier(r.name)),
           Part::kAfter});
    }
    if (op_.unique) {
      steps.push_back({fmt::format("CREATE UNIQUE INDEX CONCURRENTLY {} ON {} ({})",
                                   quote_identifier(op_.unique->name), t, h),
                       Part::kAfter});
    }
    if (op_.comment && *op_.comment) {
      steps.push_back(
          {fmt::format("COMMENT ON COLUMN {}.{} IS {}", t, h, quote_literal(**op_.comment))});
    }
    return steps;
  }
  Result<std::vector<Step>> complete(Context& ctx) const override {
    const std::string t = ctx.table(op_.table);
    const auto& s = ctx.schemas();
    auto old_default = ctx.column_default(s.schema, op_.table, op_.column);
    if (!old_default) return std::unexpected(old_default.error());
    auto new_def = new_default(ctx);
    if (!new_def) return std::unexpected(new_def.error());
    std::vector<Step> steps{
        {rename(t, op_.column, hidden_old_)},
        {rename(t, hidden_new_, name_)},
    };
    if (*old_default) {
      // The old column's default moves to the old version's view: a physical default would
      // make every new writer's row look like an old writer's.
      steps.push_back({fmt::format("ALTER VIEW {} ALTER COLUMN {} SET DEFAULT {}",
                                   quote_qualified(s.previous, op_.table),
                                   quote_identifier(op_.column), **old_default)});
      steps.push_back({fmt::format("ALTER TABLE {} ALTER COLUMN {} DROP DEFAULT", t,
                                   quote_identifier(hidden_old_))});
    }
    if (*new_def) {
      steps.push_back({fmt::format("ALTER TABLE {} ALTER COLUMN {} SET DEFAULT {}", t,
                                   quote_identifier(name_), **new_def)});
    }
    auto old = ctx.column_type(op_.table, op_.column);
    if (!old) return std::unexpected(old.error());
    if (op_.nullable.value_or(!old->not_null) == false) {
      steps.push_back(
          {fmt::format("ALTER TABLE {} ALTER COLUMN {} SET NOT NULL", t, quote_identifier(name_))});
      steps.push_back({fmt::format("ALTER TABLE {} DROP CONSTRAINT IF EXISTS {}", t,
                                   quote_identifier(not_null()))});
    }
    if (op_.unique) {
      steps.push_back(
          {fmt::format("ALTER TABLE {} ADD CONSTRAINT {} UNIQUE USING INDEX {}", t,
                       quote_identifier(op_.unique->name), quote_identifier(op_.unique->name))});
    }
    if (op_.check) {
      steps.push_back({fmt::format("ALTER TABLE {} ADD CONSTRAINT {} CHECK ({}) NOT VALID", t,
                                   quote_identifier(op_.check->name), op_.check->constraint)});
      steps.push_back({fmt::format("ALTER TABLE {} VALIDATE CONSTRAINT {}", t,
                                   quote_identifier(op_.check->name)),
                       Part::kAfter});
    }
    return steps;
  }
  Result<std::vector<Step>> revert(Context& ctx) const override {
    const std::string t = ctx.table(op_.table);
    const auto& s = ctx.schemas();
    auto old_default = ctx.column_default(s.previous, op_.table, op_.column);
    if (!old_default) return std::unexpected(old_default.error());
    std::vector<Step> steps;
    if (op_.check) {
      steps.push_back({fmt::format("ALTER TABLE {} DROP CONSTRAINT IF EXISTS {}", t,
                                   quote_identifier(op_.check->name))});
    }
    steps.push_back({rename(t, name_, hidden_new_)});
    steps.push_back({rename(t, hidden_old_, op_.column)});
    steps.push_back({fmt::format("ALTER TABLE {} ALTER COLUMN {} DROP DEFAULT", t,
                                 quote_identifier(hidden_new_))});
    if (*old_default) {
      steps.push_back({fmt::format("ALTER TABLE {} ALTER COLUMN {} SET DEFAULT {}", t,
                                   quote_identifier(op_.column), **old_default)});
    }
    return steps;
  }
  Result<std::vector<Step>> finalize(Context& ctx) const override {
    return std::vector<Step>{{fmt::format("ALTER TABLE {} DROP COLUMN IF EXISTS {}",
                                          ctx.table(op_.table), quote_identifier(hidden_old_))}};
  }
  Result<std::vector<Step>> abort(Context& ctx) const override {
    return std::vector<Step>{{fmt::format("ALTER TABLE IF EXISTS {} DROP COLUMN IF EXISTS {}",
                                          ctx.table(op_.table), quote_identifier(hidden_new_))}};
  }

 private:
  static std::string rename(const std::string& table, const std::string& from,
                            const std::string& to) {
    return fmt::format("ALTER TABLE {} RENAME COLUMN {} TO {}", table, quote_identifier(from),
                       quote_identifier(to));
  }
  // The new column's default: the one given (null: none), else the old column's when the type
  // stays, else none.
  Result<std::optional<std::string>> new_default(Context& ctx) const {
    if (op_.default_value) return *op_.default_value;
    if (op_.type) return std::optional<std::string>{};
    // Read from the old column wherever it is now (before or after complete).
    auto d = ctx.column_default(ctx.schemas().schema, op_.table, op_.column);
    if (!d) return d;
    if (*d) return d;
    auto moved = ctx.column_default(ctx.schemas().previous, op_.table, op_.column);
    return moved;
  }
  std::string not_null() const { return bounded_name("_keel_nn_" + hidden_new_); }

  keel::ops::AlterColumn op_;
  std::string schema_;
  std::string name_;
  std::string hidden_new_;
  std::string hidden_old_;
};

}  // namespace

std::unique_ptr<Operation> make_alter_column(const keel::ops::AlterColumn& op,
                                             const std::string& schema) {
  bool only_name = op.name && !op.type && !op.nullable && !op.default_value && !op.comment &&
                   !op.check && !op.unique && !op.references && !op.up && !op.down;
  if (only_name) {
    return make_rename_column(keel::ops::RenameColumn{op.table, op.column, *op.name}, schema);
  }
  return std::make_unique<AlterColumn>(op, schema);
}

}  // namespace keel::pg::ops
