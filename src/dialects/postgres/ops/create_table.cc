// create_table: the table is created at start (only the new version's views show it); abort
// drops it. complete, revert and finalize have nothing to do.
#include <fmt/format.h>

#include "dialects/postgres/ops/operation.h"
#include "util/quote.h"

namespace keel::pg::ops {

namespace {

class CreateTable final : public Operation {
 public:
  CreateTable(keel::ops::CreateTable op, std::string schema)
      : op_(std::move(op)), schema_(std::move(schema)) {}

  std::string what() const override {
    return fmt::format("table {} ({} column{})", display_identifier(op_.name), op_.columns.size(),
                       op_.columns.size() == 1 ? "" : "s");
  }
  Result<void> check(Context&) const override {
    if (op_.columns.empty()) {
      return fail(ErrorCode::kUsage, fmt::format("create_table {}: no columns", op_.name));
    }
    return {};
  }
  Result<std::vector<Step>> start(Context& ctx) const override {
    std::string columns;
    for (const auto& c : op_.columns) {
      if (!columns.empty()) columns += ", ";
      columns += column_definition(c, schema_);
    }
    for (const auto& c : op_.constraints) {
      auto sql = table_constraint(c, schema_);
      if (!sql) return std::unexpected(sql.error());
      columns += ", " + *sql;
    }
    std::vector<Step> steps{{fmt::format("CREATE TABLE {} ({})", ctx.table(op_.name), columns)}};
    if (op_.comment) {
      steps.push_back({fmt::format("COMMENT ON TABLE {} IS {}", ctx.table(op_.name),
                                   quote_literal(*op_.comment))});
    }
    for (const auto& c : op_.columns) {
      if (!c.comment) continue;
      steps.push_back({fmt::format("COMMENT ON COLUMN {}.{} IS {}", ctx.table(op_.name),
                                   quote_identifier(c.name), quote_literal(*c.comment))});
    }
    return steps;
  }
  Result<std::vector<Step>> abort(Context& ctx) const override {
    return std::vector<Step>{{"DROP TABLE IF EXISTS " + ctx.table(op_.name)}};
  }

 private:
  keel::ops::CreateTable op_;
  std::string schema_;
};

}  // namespace

std::unique_ptr<Operation> make_create_table(const keel::ops::CreateTable& op,
                                             const std::string& schema) {
  return std::make_unique<CreateTable>(op, schema);
}

}  // namespace keel::pg::ops
