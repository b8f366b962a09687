// add_column: a hidden column _keel_new_<c> that only the new version's views show (as <c>),
// filled by `up` for existing rows (backfill) and for rows old writers write (trigger); NOT NULL
// through a validated CHECK, UNIQUE through a concurrent index, a foreign key NOT VALID then
// validated. complete renames it to <c> and turns the CHECK into NOT NULL; revert hides it
// again (still filled by `up`); finalize gives it its default; abort drops it.
#include <fmt/format.h>

#include "dialects/postgres/ops/operation.h"
#include "util/quote.h"

namespace keel::pg::ops {

namespace {

class AddColumn final : public Operation {
 public:
  AddColumn(keel::ops::AddColumn op, std::string schema)
      : op_(std::move(op)), schema_(std::move(schema)), hidden_(new_column_name(op_.column.name)) {}

  std::string what() const override {
    return fmt::format("{}.{} {}{}", display_identifier(op_.table),
                       display_identifier(op_.column.name), op_.column.type,
                       op_.up ? " (filled by up)" : "");
  }
  Result<void> check(Context& ctx) const override {
    auto exists = ctx.column_type(op_.table, op_.column.name);
    if (exists) {
      return fail(ErrorCode::kUsage,
                  fmt::format("add_column: {}.{} exists already", display_identifier(op_.table),
                              display_identifier(op_.column.name)));
    }
    if (!op_.column.nullable && !op_.up && !op_.column.default_value) {
      return fail(ErrorCode::kUsage,
                  fmt::format("add_column {}.{}: a NOT NULL column needs `up` (the value for "
                              "existing rows and old writers) or a default",
                              op_.table, op_.column.name));
    }
    if (op_.column.check || op_.column.pk) {
      return fail(ErrorCode::kUsage,
                  "add_column with `check` or `pk` is not supported by keel yet: add the column, "
                  "then a create_constraint operation");
    }
    return {};
  }
  void shape_new(Shape& shape) const override {
    for (auto& [name, t] : shape) {
      if (t.physical == op_.table) t.columns.emplace_back(op_.column.name, hidden_);
    }
  }
  void shape_old(Shape& shape) const override {
    for (auto& [name, t] : shape) {
      if (t.physical != op_.table) continue;
      std::erase_if(t.columns, [&](const auto& c) { return c.first == op_.column.name; });
    }
  }
  std::vector<Sync> sync(bool completed) const override {
    if (!op_.up) return {};
    return {Sync{op_.table, "", completed ? op_.column.name : hidden_, *op_.up, ""}};
  }
  std::vector<std::string> backfill() const override {
    if (!op_.up) return {};
    return {op_.table};
  }
  Result<std::vector<ViewDefault>> view_defaults(Context&) const override {
    std::vector<ViewDefault> d;
    if (op_.column.default_value)
      d.push_back({true, op_.table, op_.column.name, *op_.column.default_value});
    return d;
  }
  Result<std::vector<Step>> start(Context& ctx) const override {
    const std::string t = ctx.table(op_.table);
    // The default stays off the physical column while the old version writes: its rows are
    // filled by `up`; new writers get it from their view.
    std::vector<Step> steps{{fmt::format("ALTER TABLE {} ADD COLUMN {} {}", t,
                                         quote_identifier(hidden_), op_.column.type)}};
    if (op_.column.default_value && !op_.up) {
      steps[0].sql += " DEFAULT " + *op_.column.default_value;
    }
    const QualifiedName table = ctx.relation(op_.table);
    if (!op_.column.nullable) {
      add_validated_constraint(steps, table, not_null(),
                               "CHECK (" + quote_identifier(hidden_) + " IS NOT NULL)");
    }
    if (op_.column.references) {
      const auto& r = *op_.column.references;
      add_validated_constraint(
          steps, table, r.name,
          fmt::format("FOREIGN KEY ({}) REFERENCES {} ({}){}", quote_identifier(hidden_),
                      quote_qualified(schema_, r.table), quote_identifier(r.column),
                      foreign_key_options(r.match_type, r.on_delete, r.on_update, r.deferrable,
                                          r.initially_deferred)));
    }
    if (op_.column.unique) add_unique_index(steps, table, unique(), quote_identifier(hidden_));
    if (op_.column.comment) {
      steps.push_back({fmt::format("COMMENT ON COLUMN {}.{} IS {}", t, quote_identifier(hidden_),
                                   quote_literal(*op_.column.comment))});
    }
    return steps;
  }
  Result<std::vector<Step>> complete(Context& ctx) const override {
    const std::string t = ctx.table(op_.table);
    std::vector<Step> steps{
        {fmt::format("ALTER TABLE {} RENAME COLUMN {} TO {}", t, quote_identifier(hidden_),
                     quote_identifier(op_.column.name))}};
    const std::string c = quote_identifier(op_.column.name);
    // The default stays on the new version's view until finalize: on the physical column it
    // would also fill the rows old writers write, which `up` must fill.
    if (!op_.column.nullable) {
      // The validated CHECK lets SET NOT NULL skip its scan.
      steps.push_back({fmt::format("ALTER TABLE {} ALTER COLUMN {} SET NOT NULL", t, c)});
      steps.push_back({fmt::format("ALTER TABLE {} DROP CONSTRAINT IF EXISTS {}", t,
                                   quote_identifier(not_null()))});
    }
    if (op_.column.unique) steps.push_back(unique_using_index(ctx.relation(op_.table), unique()));
    return steps;
  }
  Result<std::vector<Step>> revert(Context& ctx) const override {
    // Hidden again, still filled by `up` for the old version's writers; constraints stay.
    return std::vector<Step>{
        {fmt::format("ALTER TABLE {} RENAME COLUMN {} TO {}", ctx.table(op_.table),
                     quote_identifier(op_.column.name), quote_identifier(hidden_))}};
  }
  Result<std::vector<Step>> finalize(Context& ctx) const override {
    if (!op_.column.default_value || !op_.up) return std::vector<Step>{};
    return std::vector<Step>{
        {fmt::format("ALTER TABLE {} ALTER COLUMN {} SET DEFAULT {}", ctx.table(op_.table),
                     quote_identifier(op_.column.name), *op_.column.default_value)}};
  }
  Result<std::vector<Step>> abort(Context& ctx) const override {
    return std::vector<Step>{{fmt::format("ALTER TABLE IF EXISTS {} DROP COLUMN IF EXISTS {}",
                                          ctx.table(op_.table), quote_identifier(hidden_))}};
  }

 private:
  std::string not_null() const { return bounded_name("_keel_nn_" + hidden_); }
  std::string unique() const { return bounded_name(op_.table + "_" + op_.column.name + "_key"); }

  keel::ops::AddColumn op_;
  std::string schema_;
  std::string hidden_;
};

}  // namespace

std::unique_ptr<Operation> make_add_column(const keel::ops::AddColumn& op,
                                           const std::string& schema) {
  return std::make_unique<AddColumn>(op, schema);
}

}  // namespace keel::pg::ops
