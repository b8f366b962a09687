// A column rebuilt beside itself for the new version (operation.h: RebuiltColumn), shared by
// alter_column and the constraint operations.
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

std::string rename(const std::string& table, const std::string& from, const std::string& to) {
  return fmt::format("ALTER TABLE {} RENAME COLUMN {} TO {}", table, quote_identifier(from),
                     quote_identifier(to));
}

}  // namespace

RebuiltColumn::RebuiltColumn(ColumnChange change)
    : c_(std::move(change)),
      name_(c_.name.value_or(c_.column)),
      hidden_new_(new_column_name(c_.column)),
      hidden_old_(old_column_name(c_.column)) {}

void RebuiltColumn::shape_new(Shape& shape) const {
  for (auto& [n, t] : shape) {
    if (t.physical == c_.table) replace_column(t, c_.column, name_, hidden_new_);
  }
}

void RebuiltColumn::shape_old(Shape& shape) const {
  for (auto& [n, t] : shape) {
    if (t.physical == c_.table) replace_column(t, name_, c_.column, hidden_old_);
  }
}

Sync RebuiltColumn::sync(bool completed) const {
  return Sync{c_.table, completed ? hidden_old_ : c_.column, completed ? name_ : hidden_new_, c_.up,
              c_.down};
}

Result<std::optional<Operation::ViewDefault>> RebuiltColumn::view_default(Context& ctx) const {
  auto d = new_default(ctx);
  if (!d) return std::unexpected(d.error());
  if (!*d) return std::optional<Operation::ViewDefault>{};
  return std::optional<Operation::ViewDefault>(Operation::ViewDefault{true, c_.table, name_, **d});
}

Result<std::vector<Step>> RebuiltColumn::start(Context& ctx) const {
  auto old = ctx.column_type(c_.table, c_.column);
  if (!old) return std::unexpected(old.error());
  const std::string t = ctx.table(c_.table);
  const std::string h = quote_identifier(hidden_new_);
  std::vector<Step> steps{
      {fmt::format("ALTER TABLE {} ADD COLUMN {} {}", t, h, c_.type.value_or(old->type))}};
  if (c_.nullable.value_or(!old->not_null) == false) {
    // NOT NULL through a CHECK validated after the backfill; complete turns it into SET NOT
    // NULL, which then needs no scan.
    add_validated_constraint(steps, ctx.relation(c_.table), not_null(),
                             "CHECK (" + h + " IS NOT NULL)");
  }
  return steps;
}

Result<std::vector<Step>> RebuiltColumn::complete(Context& ctx) const {
  const std::string t = ctx.table(c_.table);
  const auto& s = ctx.schemas();
  auto old_default = ctx.column_default(s.schema, c_.table, c_.column);
  if (!old_default) return std::unexpected(old_default.error());
  auto new_def = new_default(ctx);
  if (!new_def) return std::unexpected(new_def.error());
  auto old = ctx.column_type(c_.table, c_.column);
  if (!old) return std::unexpected(old.error());
  std::vector<Step> steps{{rename(t, c_.column, hidden_old_)}, {rename(t, hidden_new_, name_)}};
  if (*old_default) {
    // The old column's default moves to the old version's view: a physical default would make
    // every new writer's row look like an old writer's.
    steps.push_back({fmt::format("ALTER VIEW {} ALTER COLUMN {} SET DEFAULT {}",
                                 quote_qualified(s.previous, c_.table), quote_identifier(c_.column),
                                 **old_default)});
    steps.push_back({fmt::format("ALTER TABLE {} ALTER COLUMN {} DROP DEFAULT", t,
                                 quote_identifier(hidden_old_))});
  }
  if (*new_def) {
    steps.push_back({fmt::format("ALTER TABLE {} ALTER COLUMN {} SET DEFAULT {}", t,
                                 quote_identifier(name_), **new_def)});
  }
  if (c_.nullable.value_or(!old->not_null) == false) {
    steps.push_back(
        {fmt::format("ALTER TABLE {} ALTER COLUMN {} SET NOT NULL", t, quote_identifier(name_))});
    steps.push_back({fmt::format("ALTER TABLE {} DROP CONSTRAINT IF EXISTS {}", t,
                                 quote_identifier(not_null()))});
  }
  return steps;
}

Result<std::vector<Step>> RebuiltColumn::revert(Context& ctx) const {
  const std::string t = ctx.table(c_.table);
  auto old_default = ctx.column_default(ctx.schemas().previous, c_.table, c_.column);
  if (!old_default) return std::unexpected(old_default.error());
  std::vector<Step> steps{{rename(t, name_, hidden_new_)},
                          {rename(t, hidden_old_, c_.column)},
                          {fmt::format("ALTER TABLE {} ALTER COLUMN {} DROP DEFAULT", t,
                                       quote_identifier(hidden_new_))}};
  if (*old_default) {
    steps.push_back({fmt::format("ALTER TABLE {} ALTER COLUMN {} SET DEFAULT {}", t,
                                 quote_identifier(c_.column), **old_default)});
  }
  return steps;
}

Step RebuiltColumn::finalize(Context& ctx) const {
  return {fmt::format("ALTER TABLE {} DROP COLUMN IF EXISTS {}", ctx.table(c_.table),
                      quote_identifier(hidden_old_))};
}

Step RebuiltColumn::abort(Context& ctx) const {
  return {fmt::format("ALTER TABLE IF EXISTS {} DROP COLUMN IF EXISTS {}", ctx.table(c_.table),
                      quote_identifier(hidden_new_))};
}

// The new column's default: the one given (null: none), else the old column's when it
// converts to the new type by assignment, as ALTER COLUMN TYPE keeps it (int -> bigint keeps
// DEFAULT 0); one that does not ('0'::text for numeric) is not carried over: give `default`.
Result<std::optional<std::string>> RebuiltColumn::new_default(Context& ctx) const {
  if (c_.default_value) return *c_.default_value;
  // Read from the old column wherever it is now (before or after complete).
  auto d = ctx.column_default(ctx.schemas().schema, c_.table, c_.column);
  if (d && !*d) d = ctx.column_default(ctx.schemas().previous, c_.table, c_.column);
  if (!d || !*d || !c_.type) return d;
  // Called at start and complete, before the old column is renamed.
  auto from = ctx.column_type(c_.table, c_.column);
  if (!from) return std::unexpected(from.error());
  auto fits = ctx.assignable(from->type, *c_.type);
  if (!fits) return std::unexpected(fits.error());
  if (!*fits) return std::optional<std::string>{};
  return d;
}

std::string RebuiltColumn::not_null() const { return bounded_name("_keel_nn_" + hidden_new_); }

std::string RebuiltColumns::hidden_new(const std::string& column) const {
  for (const auto& c : columns_) {
    if (c.column() == column) return c.hidden_new();
  }
  return column;
}

void RebuiltColumns::shape_new(Shape& shape) const {
  for (const auto& c : columns_) c.shape_new(shape);
}

void RebuiltColumns::shape_old(Shape& shape) const {
  for (const auto& c : columns_) c.shape_old(shape);
}

std::vector<Sync> RebuiltColumns::sync(bool completed) const {
  std::vector<Sync> out;
  for (const auto& c : columns_) out.push_back(c.sync(completed));
  return out;
}

Result<std::vector<Operation::ViewDefault>> RebuiltColumns::view_defaults(Context& ctx) const {
  std::vector<Operation::ViewDefault> out;
  for (const auto& c : columns_) {
    auto d = c.view_default(ctx);
    if (!d) return std::unexpected(d.error());
    if (*d) out.push_back(**d);
  }
  return out;
}

namespace {
using PhaseFn = Result<std::vector<Step>> (RebuiltColumn::*)(Context&) const;
Result<std::vector<Step>> each(const std::vector<RebuiltColumn>& columns, Context& ctx,
                               PhaseFn phase) {
  std::vector<Step> out;
  for (const auto& c : columns) {
    auto steps = (c.*phase)(ctx);
    if (!steps) return std::unexpected(steps.error());
    out.insert(out.end(), steps->begin(), steps->end());
  }
  return out;
}
}  // namespace

Result<std::vector<Step>> RebuiltColumns::start(Context& ctx) const {
  return each(columns_, ctx, &RebuiltColumn::start);
}
Result<std::vector<Step>> RebuiltColumns::complete(Context& ctx) const {
  return each(columns_, ctx, &RebuiltColumn::complete);
}
Result<std::vector<Step>> RebuiltColumns::revert(Context& ctx) const {
  return each(columns_, ctx, &RebuiltColumn::revert);
}
std::vector<Step> RebuiltColumns::finalize(Context& ctx) const {
  std::vector<Step> out;
  for (const auto& c : columns_) out.push_back(c.finalize(ctx));
  return out;
}
std::vector<Step> RebuiltColumns::abort(Context& ctx) const {
  std::vector<Step> out;
  for (const auto& c : columns_) out.push_back(c.abort(ctx));
  return out;
}

std::vector<std::string> RebuildingOperation::backfill() const {
  if (columns_.columns().empty()) return {};
  return {columns_.columns().front().table()};
}

}  // namespace keel::pg::ops
