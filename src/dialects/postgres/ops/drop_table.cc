// drop_table: the new version's views leave the table out; the old version keeps using it
// until finalize drops it. Abort, complete and revert change nothing physical.
#include <fmt/format.h>

#include "dialects/postgres/ops/operation.h"
#include "util/quote.h"

namespace keel::pg::ops {

namespace {

class DropTable final : public Operation {
 public:
  explicit DropTable(keel::ops::DropTable op) : op_(std::move(op)) {}

  std::string what() const override {
    return fmt::format("table {} (dropped at finalize)", display_identifier(op_.name));
  }
  void shape_new(Shape& shape) const override { shape.erase(op_.name); }
  void shape_old(Shape&) const override {}
  Result<std::vector<Step>> start(Context&) const override { return std::vector<Step>{}; }
  Result<std::vector<Step>> finalize(Context& ctx) const override {
    return std::vector<Step>{{"DROP TABLE IF EXISTS " + ctx.table(op_.name)}};
  }

 private:
  keel::ops::DropTable op_;
};

}  // namespace

std::unique_ptr<Operation> make_drop_table(const keel::ops::DropTable& op, const std::string&) {
  return std::make_unique<DropTable>(op);
}

}  // namespace keel::pg::ops
