// rename_column (and alter_column with only `name`): the new version's view shows the column
// under its new name at once; complete renames the physical column (views follow it), revert
// renames it back. Nothing is copied and no trigger is needed.
#include <fmt/format.h>

#include "dialects/postgres/ops/operation.h"
#include "util/quote.h"

namespace keel::pg::ops {

namespace {

void rename_in(Shape& shape, const std::string& table, const std::string& from,
               const std::string& to) {
  for (auto& [name, t] : shape) {
    if (t.physical != table && name != table) continue;
    for (auto& column : t.columns) {
      if (column.first == from) column.first = to;
    }
  }
}

class RenameColumn final : public Operation {
 public:
  RenameColumn(keel::ops::RenameColumn op, std::string schema)
      : op_(std::move(op)), schema_(std::move(schema)) {}

  std::string what() const override {
    return fmt::format("{}.{} -> {}", display_identifier(op_.table), display_identifier(op_.from),
                       display_identifier(op_.to));
  }
  Result<void> check(Context& ctx) const override {
    auto type = ctx.column_type(op_.table, op_.from);
    if (!type) return std::unexpected(type.error());
    return {};
  }
  void shape_new(Shape& shape) const override { rename_in(shape, op_.table, op_.from, op_.to); }
  void shape_old(Shape& shape) const override { rename_in(shape, op_.table, op_.to, op_.from); }
  Result<std::vector<Step>> start(Context&) const override { return std::vector<Step>{}; }
  Result<std::vector<Step>> complete(Context& ctx) const override {
    return std::vector<Step>{{rename(ctx, op_.from, op_.to)}};
  }
  Result<std::vector<Step>> revert(Context& ctx) const override {
    return std::vector<Step>{{rename(ctx, op_.to, op_.from)}};
  }

 private:
  std::string rename(Context& ctx, const std::string& from, const std::string& to) const {
    return fmt::format("ALTER TABLE {} RENAME COLUMN {} TO {}", ctx.table(op_.table),
                       quote_identifier(from), quote_identifier(to));
  }
  keel::ops::RenameColumn op_;
  std::string schema_;
};

}  // namespace

std::unique_ptr<Operation> make_rename_column(const keel::ops::RenameColumn& op,
                                              const std::string& schema) {
  return std::make_unique<RenameColumn>(op, schema);
}

}  // namespace keel::pg::ops
