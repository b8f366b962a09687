// create_index: built CONCURRENTLY at start (writes go on); abort drops it CONCURRENTLY.
#include <fmt/format.h>

#include "dialects/postgres/ops/operation.h"
#include "util/quote.h"

namespace keel::pg::ops {

namespace {

class CreateIndex final : public Operation {
 public:
  CreateIndex(keel::ops::CreateIndex op, std::string schema)
      : op_(std::move(op)), schema_(std::move(schema)) {}

  std::string what() const override {
    return fmt::format("{}index {} on {}", op_.unique ? "unique " : "",
                       display_identifier(op_.name), display_identifier(op_.table));
  }
  Result<void> check(Context&) const override {
    for (const auto& settings : op_.column_settings) {
      if (!(settings == keel::ops::IndexColumnSettings{})) {
        return fail(ErrorCode::kUsage,
                    fmt::format("create_index {}: per-column settings (opclass, collation, sort "
                                "order) are not supported by keel yet; use a `sql` operation",
                                op_.name));
      }
    }
    if (op_.columns.empty()) {
      return fail(ErrorCode::kUsage, fmt::format("create_index {}: no columns", op_.name));
    }
    return {};
  }
  Result<std::vector<Step>> start(Context& ctx) const override {
    std::string columns;
    for (const auto& c : op_.columns)
      columns += (columns.empty() ? "" : ", ") + quote_identifier(c);
    std::string sql =
        fmt::format("CREATE {}INDEX CONCURRENTLY {} ON {}{} ({})", op_.unique ? "UNIQUE " : "",
                    quote_identifier(op_.name), ctx.table(op_.table),
                    op_.method ? " USING " + quote_identifier(*op_.method) : "", columns);
    if (op_.storage_parameters) sql += " WITH (" + *op_.storage_parameters + ")";
    if (op_.predicate) sql += " WHERE " + *op_.predicate;
    return std::vector<Step>{{sql, Part::kAfter}};
  }
  Result<std::vector<Step>> abort(Context&) const override {
    return std::vector<Step>{
        {"DROP INDEX CONCURRENTLY IF EXISTS " + quote_qualified(schema_, op_.name), Part::kAfter}};
  }

 private:
  keel::ops::CreateIndex op_;
  std::string schema_;
};

}  // namespace

std::unique_ptr<Operation> make_create_index(const keel::ops::CreateIndex& op,
                                             const std::string& schema) {
  return std::make_unique<CreateIndex>(op, schema);
}

}  // namespace keel::pg::ops
