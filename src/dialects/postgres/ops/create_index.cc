// create_index: built CONCURRENTLY at start (writes go on), with per-column collation, operator
// class (and its parameters), sort order and NULLS placement; abort drops it CONCURRENTLY.
#include <fmt/format.h>
#include <strings.h>

#include <cctype>
#include <initializer_list>

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
    if (op_.columns.empty()) {
      return fail(ErrorCode::kUsage, fmt::format("create_index {}: no columns", op_.name));
    }
    for (size_t i = 0; i < op_.column_settings.size(); ++i) {
      const auto& c = op_.column_settings[i];
      if (c.sort && !one_of(*c.sort, {"ASC", "DESC"})) {
        return bad(i, fmt::format("sort {} (use ASC or DESC)", *c.sort));
      }
      if (c.nulls && !one_of(*c.nulls, {"FIRST", "LAST"})) {
        return bad(i, fmt::format("nulls {} (use FIRST or LAST)", *c.nulls));
      }
      if (!c.opclass_params.empty() && !c.opclass) {
        return bad(i, "opclass parameters without an opclass");
      }
    }
    return {};
  }
  Result<std::vector<Step>> start(Context& ctx) const override {
    std::string columns;
    for (size_t i = 0; i < op_.columns.size(); ++i) {
      columns += (columns.empty() ? "" : ", ") + quote_identifier(op_.columns[i]);
      if (i < op_.column_settings.size()) columns += settings_sql(op_.column_settings[i]);
    }
    std::string definition = fmt::format(
        "CREATE {}INDEX {} ON {}{} ({})", op_.unique ? "UNIQUE " : "", quote_identifier(op_.name),
        ctx.table(op_.table), op_.method ? " USING " + quote_identifier(*op_.method) : "", columns);
    if (op_.storage_parameters) definition += " WITH (" + *op_.storage_parameters + ")";
    if (op_.predicate) definition += " WHERE " + *op_.predicate;
    std::vector<Step> steps;
    append_up(steps, ddl::create_index_concurrently(ctx.relation(op_.table), {schema_, op_.name},
                                                    definition));
    return steps;
  }
  Result<std::vector<Step>> abort(Context&) const override {
    return std::vector<Step>{
        {"DROP INDEX CONCURRENTLY IF EXISTS " + quote_qualified(schema_, op_.name), Part::kAfter}};
  }

 private:
  static bool one_of(const std::string& value, std::initializer_list<const char*> allowed) {
    for (const char* a : allowed) {
      if (strcasecmp(value.c_str(), a) == 0) return true;
    }
    return false;
  }
  static std::string upper(std::string s) {
    for (char& c : s) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    return s;
  }
  Result<void> bad(size_t column, const std::string& what) const {
    return fail(ErrorCode::kUsage,
                fmt::format("create_index {} column {}: {}", op_.name, op_.columns[column], what));
  }
  // " COLLATE c opclass (params) DESC NULLS LAST" of one column (checked by check()).
  static std::string settings_sql(const keel::ops::IndexColumnSettings& c) {
    std::string sql;
    if (c.collate) sql += " COLLATE " + quote_identifier(*c.collate);
    if (c.opclass) {
      sql += " " + qualified_name(*c.opclass);
      if (!c.opclass_params.empty()) {
        std::string params;
        for (const auto& p : c.opclass_params) params += (params.empty() ? "" : ", ") + p;
        sql += " (" + params + ")";
      }
    }
    if (c.sort) sql += " " + upper(*c.sort);
    if (c.nulls) sql += " NULLS " + upper(*c.nulls);
    return sql;
  }
  // "schema.name" or "name", each part quoted.
  static std::string qualified_name(const std::string& name) {
    auto dot = name.find('.');
    if (dot == std::string::npos) return quote_identifier(name);
    return quote_qualified(name.substr(0, dot), name.substr(dot + 1));
  }

  keel::ops::CreateIndex op_;
  std::string schema_;
};

}  // namespace

std::unique_ptr<Operation> make_create_index(const keel::ops::CreateIndex& op,
                                             const std::string& schema) {
  return std::make_unique<CreateIndex>(op, schema);
}

}  // namespace keel::pg::ops
