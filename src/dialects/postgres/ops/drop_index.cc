// drop_index: the old version may still need the index, so it is dropped CONCURRENTLY at
// finalize; nothing happens before.
#include <fmt/format.h>

#include "dialects/postgres/ops/operation.h"
#include "util/quote.h"

namespace keel::pg::ops {

namespace {

class DropIndex final : public Operation {
 public:
  DropIndex(keel::ops::DropIndex op, std::string schema)
      : op_(std::move(op)), schema_(std::move(schema)) {}

  std::string what() const override {
    return fmt::format("index {} (dropped at finalize)", display_identifier(op_.name));
  }
  Result<std::vector<Step>> start(Context&) const override { return std::vector<Step>{}; }
  Result<std::vector<Step>> finalize(Context&) const override {
    return std::vector<Step>{
        {"DROP INDEX CONCURRENTLY IF EXISTS " + quote_qualified(schema_, op_.name), Part::kAfter}};
  }

 private:
  keel::ops::DropIndex op_;
  std::string schema_;
};

}  // namespace

std::unique_ptr<Operation> make_drop_index(const keel::ops::DropIndex& op,
                                           const std::string& schema) {
  return std::make_unique<DropIndex>(op, schema);
}

}  // namespace keel::pg::ops
