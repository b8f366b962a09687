// rename_constraint: a constraint's new name. Constraint names are not part of either
// version's views, so the rename happens at complete (the new version primary) and revert puts
// the old name back; start checks the constraint exists and the new name is free; abort and
// finalize have nothing to do. A UNIQUE or PRIMARY KEY constraint's index is renamed with it.
#include <fmt/format.h>

#include "dialects/postgres/ops/operation.h"
#include "util/quote.h"

namespace keel::pg::ops {

namespace {

class RenameConstraintOp final : public Operation {
 public:
  explicit RenameConstraintOp(keel::ops::RenameConstraint op) : op_(std::move(op)) {}

  std::string what() const override {
    return fmt::format("constraint {} of {} -> {} (at complete)", display_identifier(op_.from),
                       display_identifier(op_.table), display_identifier(op_.to));
  }
  Result<void> check(Context& ctx) const override {
    auto from = exists(ctx, op_.from);
    if (!from) return std::unexpected(from.error());
    if (!*from) {
      return fail(ErrorCode::kUsage,
                  fmt::format("rename_constraint: table {} has no constraint {}",
                              display_identifier(op_.table), display_identifier(op_.from)));
    }
    auto to = exists(ctx, op_.to);
    if (!to) return std::unexpected(to.error());
    if (*to) {
      return fail(ErrorCode::kUsage,
                  fmt::format("rename_constraint: table {} has a constraint {} "
                              "already",
                              display_identifier(op_.table), display_identifier(op_.to)));
    }
    return {};
  }
  Result<std::vector<Step>> start(Context&) const override { return std::vector<Step>{}; }
  Result<std::vector<Step>> complete(Context& ctx) const override {
    return std::vector<Step>{{rename(ctx, op_.from, op_.to)}};
  }
  Result<std::vector<Step>> revert(Context& ctx) const override {
    return std::vector<Step>{{rename(ctx, op_.to, op_.from)}};
  }

 private:
  Result<bool> exists(Context& ctx, const std::string& name) const {
    return ctx.session().flag(
        "SELECT EXISTS (SELECT 1 FROM pg_catalog.pg_constraint k "
        "JOIN pg_catalog.pg_class c ON c.oid = k.conrelid "
        "JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace "
        "WHERE n.nspname = $1 AND c.relname = $2 AND k.conname = $3)",
        {ctx.schemas().schema, op_.table, name});
  }
  std::string rename(Context& ctx, const std::string& from, const std::string& to) const {
    return fmt::format("ALTER TABLE {} RENAME CONSTRAINT {} TO {}", ctx.table(op_.table),
                       quote_identifier(from), quote_identifier(to));
  }

  keel::ops::RenameConstraint op_;
};

}  // namespace

std::unique_ptr<Operation> make_rename_constraint(const keel::ops::RenameConstraint& op,
                                                  const std::string&) {
  return std::make_unique<RenameConstraintOp>(op);
}

}  // namespace keel::pg::ops
