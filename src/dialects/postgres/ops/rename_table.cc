// rename_table: the new version's view of the table has the new name at once; complete
// renames the physical table (views follow it), revert renames it back.
#include <fmt/format.h>

#include "dialects/postgres/ops/operation.h"
#include "util/quote.h"

namespace keel::pg::ops {

namespace {

void rename_in(Shape& shape, const std::string& from, const std::string& to) {
  auto it = shape.find(from);
  if (it == shape.end()) return;
  TableShape t = std::move(it->second);
  shape.erase(it);
  shape[to] = std::move(t);
}

class RenameTable final : public Operation {
 public:
  explicit RenameTable(keel::ops::RenameTable op) : op_(std::move(op)) {}

  std::string what() const override {
    return fmt::format("table {} -> {}", display_identifier(op_.from), display_identifier(op_.to));
  }
  Result<void> check(Context& ctx) const override {
    auto exists = ctx.session().flag(
        "SELECT EXISTS (SELECT 1 FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n ON "
        "n.oid = c.relnamespace WHERE n.nspname = $1 AND c.relname = $2)",
        {ctx.schemas().schema, op_.from});
    if (!exists) return std::unexpected(exists.error());
    if (!*exists) {
      return fail(ErrorCode::kUsage, fmt::format("rename_table: table {} does not exist",
                                                 display_identifier(op_.from)));
    }
    return {};
  }
  void shape_new(Shape& shape) const override { rename_in(shape, op_.from, op_.to); }
  void shape_old(Shape& shape) const override { rename_in(shape, op_.to, op_.from); }
  Result<std::vector<Step>> start(Context&) const override { return std::vector<Step>{}; }
  Result<std::vector<Step>> complete(Context& ctx) const override {
    return std::vector<Step>{{fmt::format("ALTER TABLE {} RENAME TO {}", ctx.table(op_.from),
                                          quote_identifier(op_.to))}};
  }
  Result<std::vector<Step>> revert(Context& ctx) const override {
    return std::vector<Step>{{fmt::format("ALTER TABLE {} RENAME TO {}", ctx.table(op_.to),
                                          quote_identifier(op_.from))}};
  }

 private:
  keel::ops::RenameTable op_;
};

}  // namespace

std::unique_ptr<Operation> make_rename_table(const keel::ops::RenameTable& op, const std::string&) {
  return std::make_unique<RenameTable>(op);
}

}  // namespace keel::pg::ops
