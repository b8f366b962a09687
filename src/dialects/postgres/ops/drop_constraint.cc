// drop_constraint: removes a constraint over one column (pgroll's; drop_multicolumn_constraint
// takes several). The column is rebuilt beside itself without the constraint (RebuiltColumn:
// _keel_new_<c>, same type, NOT NULL and default), filled from `up` (default: the same value)
// for existing rows and old writers; the old column, which keeps the constraint, gets `down`
// of what new writers write, so `down` must turn any new value into one the constraint
// accepts. complete swaps the names, revert swaps them back, finalize drops the old column and
// the constraint with it, abort drops the new column.
#include <fmt/format.h>

#include "dialects/postgres/ops/operation.h"
#include "util/quote.h"

namespace keel::pg::ops {

namespace {

class DropConstraintOp final : public RebuildingOperation {
 public:
  explicit DropConstraintOp(keel::ops::DropConstraint op) : op_(std::move(op)) {}

  std::string what() const override {
    return fmt::format("constraint {} of {} ({}; dropped at finalize)",
                       display_identifier(op_.name), display_identifier(op_.table),
                       column_.empty() ? std::string("?") : display_identifier(column_));
  }
  Result<void> prepare(Context& ctx) override {
    auto columns = constraint_columns(ctx, op_.table, op_.name);
    if (!columns) return std::unexpected(columns.error());
    if (columns->size() != 1) {
      return fail(ErrorCode::kUsage,
                  fmt::format("drop_constraint {} on {}: the constraint covers {} columns; use "
                              "drop_multicolumn_constraint with `up` and `down` for each",
                              op_.name, op_.table, columns->size()));
    }
    column_ = columns->front();
    columns_ = RebuiltColumns{};
    columns_.add(ColumnChange{op_.table, column_, std::nullopt, std::nullopt, std::nullopt,
                              std::nullopt, op_.up.value_or(quote_identifier(column_)), op_.down});
    return {};
  }

 private:
  keel::ops::DropConstraint op_;
  std::string column_;
};

}  // namespace

std::unique_ptr<Operation> make_drop_constraint(const keel::ops::DropConstraint& op,
                                                const std::string&) {
  return std::make_unique<DropConstraintOp>(op);
}

}  // namespace keel::pg::ops
