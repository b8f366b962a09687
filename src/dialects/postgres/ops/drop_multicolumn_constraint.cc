// drop_multicolumn_constraint: removes a constraint over several columns. Each of its columns
// is rebuilt beside itself without the constraint (RebuiltColumn), filled from `up[c]`
// (default: the same value) for existing rows and old writers; the old columns, which keep the
// constraint, get `down[c]` of what new writers write, so `down` (one expression per column,
// each required) must turn any new row into one the constraint accepts. complete swaps the
// names, revert swaps them back, finalize drops the old columns and the constraint with them,
// abort drops the new columns.
#include <fmt/format.h>

#include <algorithm>

#include "dialects/postgres/ops/operation.h"
#include "util/quote.h"

namespace keel::pg::ops {

namespace {

class DropMultiColumnConstraintOp final : public RebuildingOperation {
 public:
  explicit DropMultiColumnConstraintOp(keel::ops::DropMultiColumnConstraint op)
      : op_(std::move(op)) {}

  std::string what() const override {
    std::string cols;
    for (const auto& c : columns_.columns()) {
      cols += (cols.empty() ? "" : ", ") + display_identifier(c.column());
    }
    return fmt::format("constraint {} of {} ({}; dropped at finalize)",
                       display_identifier(op_.name), display_identifier(op_.table), cols);
  }
  Result<void> prepare(Context& ctx) override {
    auto columns = constraint_columns(ctx, op_.table, op_.name);
    if (!columns) return std::unexpected(columns.error());
    for (const auto* map : {&op_.up, &op_.down}) {
      for (const auto& [column, expression] : *map) {
        if (std::find(columns->begin(), columns->end(), column) == columns->end()) {
          return usage(
              fmt::format("`up`/`down` name column {}, which the constraint does not "
                          "cover",
                          display_identifier(column)));
        }
      }
    }
    columns_ = RebuiltColumns{};
    for (const std::string& c : *columns) {
      auto down = op_.down.find(c);
      if (down == op_.down.end()) {
        return usage(
            fmt::format("`down` needs an expression for column {} (the old column keeps "
                        "the constraint while the old version runs)",
                        display_identifier(c)));
      }
      auto up = op_.up.find(c);
      columns_.add(ColumnChange{op_.table, c, std::nullopt, std::nullopt, std::nullopt,
                                std::nullopt, up == op_.up.end() ? quote_identifier(c) : up->second,
                                down->second});
    }
    return {};
  }

 private:
  Result<void> usage(const std::string& message) const {
    return fail(ErrorCode::kUsage, fmt::format("drop_multicolumn_constraint {} on {}: {}", op_.name,
                                               op_.table, message));
  }

  keel::ops::DropMultiColumnConstraint op_;
};

}  // namespace

std::unique_ptr<Operation> make_drop_multicolumn_constraint(
    const keel::ops::DropMultiColumnConstraint& op, const std::string&) {
  return std::make_unique<DropMultiColumnConstraintOp>(op);
}

}  // namespace keel::pg::ops
