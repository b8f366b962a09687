// drop_column: the new version's views leave the column out; rows new writers write get it
// from `down`. complete hides it as _keel_old_<c> (the old version's views still show it),
// revert shows it again, finalize drops it. Abort changes nothing physical.
#include <fmt/format.h>

#include "dialects/postgres/ops/operation.h"
#include "util/quote.h"

namespace keel::pg::ops {

namespace {

class DropColumn final : public Operation {
 public:
  explicit DropColumn(keel::ops::DropColumn op)
      : op_(std::move(op)), hidden_(old_column_name(op_.column)) {}

  std::string what() const override {
    return fmt::format("{}.{} (dropped at finalize)", display_identifier(op_.table),
                       display_identifier(op_.column));
  }
  Result<void> check(Context& ctx) const override {
    auto type = ctx.column_type(op_.table, op_.column);
    if (!type) return std::unexpected(type.error());
    if (type->not_null && !op_.down) {
      // Without `down`, a new writer's row would have no value for a NOT NULL column.
      auto def = ctx.column_default(ctx.schemas().schema, op_.table, op_.column);
      if (!def) return std::unexpected(def.error());
      if (!*def) {
        return fail(ErrorCode::kUsage,
                    fmt::format("drop_column {}.{}: the column is NOT NULL without a default, so "
                                "rows the new version writes need `down`",
                                op_.table, op_.column));
      }
    }
    return {};
  }
  void shape_new(Shape& shape) const override {
    for (auto& [name, t] : shape) {
      if (t.physical != op_.table) continue;
      std::erase_if(t.columns, [&](const auto& c) { return c.first == op_.column; });
    }
  }
  void shape_old(Shape& shape) const override {
    for (auto& [name, t] : shape) {
      if (t.physical == op_.table) t.columns.emplace_back(op_.column, hidden_);
    }
  }
  std::vector<Sync> sync(bool completed) const override {
    if (!op_.down) return {};
    return {Sync{op_.table, completed ? hidden_ : op_.column, "", "", *op_.down}};
  }
  Result<std::vector<Step>> start(Context&) const override { return std::vector<Step>{}; }
  Result<std::vector<Step>> complete(Context& ctx) const override {
    return std::vector<Step>{
        {fmt::format("ALTER TABLE {} RENAME COLUMN {} TO {}", ctx.table(op_.table),
                     quote_identifier(op_.column), quote_identifier(hidden_))}};
  }
  Result<std::vector<Step>> revert(Context& ctx) const override {
    return std::vector<Step>{
        {fmt::format("ALTER TABLE {} RENAME COLUMN {} TO {}", ctx.table(op_.table),
                     quote_identifier(hidden_), quote_identifier(op_.column))}};
  }
  Result<std::vector<Step>> finalize(Context& ctx) const override {
    return std::vector<Step>{{fmt::format("ALTER TABLE {} DROP COLUMN IF EXISTS {}",
                                          ctx.table(op_.table), quote_identifier(hidden_))}};
  }

 private:
  keel::ops::DropColumn op_;
  std::string hidden_;
};

}  // namespace

std::unique_ptr<Operation> make_drop_column(const keel::ops::DropColumn& op, const std::string&) {
  return std::make_unique<DropColumn>(op);
}

}  // namespace keel::pg::ops
