// PostgreSQL expand/contract: shapes, hidden column names, the operation factory.
#include "dialects/postgres/ops/operation.h"

#include <fmt/format.h>

#include <type_traits>

#include "util/quote.h"
#include "util/sha256.h"

namespace keel::pg::ops {

const std::string* TableShape::physical_of(const std::string& column) const {
  for (const auto& [name, physical] : columns) {
    if (name == column) return &physical;
  }
  return nullptr;
}

Shape identity_shape(const Catalog& catalog) {
  Shape shape;
  for (const auto& [table, columns] : catalog) {
    TableShape t{table, {}};
    for (const std::string& c : columns) {
      if (!c.starts_with("_keel_")) t.columns.emplace_back(c, c);
    }
    shape[table] = std::move(t);
  }
  return shape;
}

std::string bounded_name(const std::string& name) {
  constexpr size_t kMax = 63;
  if (name.size() <= kMax) return name;
  return name.substr(0, kMax - 9) + "_" + util::sha256_hex(name).substr(0, 8);
}

std::string new_column_name(const std::string& column) {
  return bounded_name("_keel_new_" + column);
}
std::string old_column_name(const std::string& column) {
  return bounded_name("_keel_old_" + column);
}

std::string Context::table(const std::string& name) const {
  return quote_qualified(schemas_.schema, name);
}

Result<std::optional<std::string>> Context::column_default(const std::string& schema,
                                                           const std::string& relation,
                                                           const std::string& column) {
  auto rows = session_.exec(
      "SELECT pg_catalog.pg_get_expr(d.adbin, d.adrelid) FROM pg_catalog.pg_attrdef d "
      "JOIN pg_catalog.pg_attribute a ON a.attrelid = d.adrelid AND a.attnum = d.adnum "
      "JOIN pg_catalog.pg_class c ON c.oid = d.adrelid "
      "JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace "
      "WHERE n.nspname = $1 AND c.relname = $2 AND a.attname = $3 AND NOT a.attisdropped",
      {schema, relation, column});
  if (!rows) return std::unexpected(rows.error());
  if (rows->empty() || (*rows)[0].is_null(0)) return std::optional<std::string>{};
  return std::optional<std::string>(std::string((*rows)[0].view(0)));
}

Result<Context::ColumnType> Context::column_type(const std::string& table,
                                                 const std::string& column) {
  auto rows = session_.exec(
      "SELECT pg_catalog.format_type(a.atttypid, a.atttypmod), a.attnotnull "
      "FROM pg_catalog.pg_attribute a JOIN pg_catalog.pg_class c ON c.oid = a.attrelid "
      "JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace "
      "WHERE n.nspname = $1 AND c.relname = $2 AND a.attname = $3 AND a.attnum > 0 "
      "AND NOT a.attisdropped",
      {schemas_.schema, table, column});
  if (!rows) return std::unexpected(rows.error());
  if (rows->empty()) {
    return fail(ErrorCode::kUsage,
                fmt::format("column {}.{} does not exist in schema {}", display_identifier(table),
                            display_identifier(column), display_identifier(schemas_.schema)));
  }
  return ColumnType{std::string((*rows)[0].view(0)), (*rows)[0].view(1) == "t"};
}

Result<void> Operation::check(Context& /*ctx*/) const { return {}; }

std::string column_definition(const keel::ops::Column& column, const std::string& schema) {
  std::string sql = quote_identifier(column.name) + " " + column.type;
  if (column.pk) sql += " PRIMARY KEY";
  if (!column.nullable && !column.pk) sql += " NOT NULL";
  if (column.default_value) sql += " DEFAULT " + *column.default_value;
  if (column.unique) sql += " UNIQUE";
  if (column.check) {
    sql += " CONSTRAINT " + quote_identifier(column.check->name) + " CHECK (" +
           column.check->constraint + ")";
  }
  if (column.references) {
    const auto& r = *column.references;
    sql += " CONSTRAINT " + quote_identifier(r.name) + " REFERENCES " +
           quote_qualified(schema, r.table) + " (" + quote_identifier(r.column) + ") ON DELETE " +
           r.on_delete;
  }
  return sql;
}

Result<std::unique_ptr<Operation>> make_operation(const keel::ops::Operation& op,
                                                  const std::string& schema) {
  namespace k = keel::ops;
  std::unique_ptr<Operation> made = std::visit(
      [&](const auto& o) -> std::unique_ptr<Operation> {
        using T = std::decay_t<decltype(o)>;
        if constexpr (std::is_same_v<T, k::CreateTable>) return make_create_table(o, schema);
        if constexpr (std::is_same_v<T, k::DropTable>) return make_drop_table(o, schema);
        if constexpr (std::is_same_v<T, k::RenameTable>) return make_rename_table(o, schema);
        if constexpr (std::is_same_v<T, k::AddColumn>) return make_add_column(o, schema);
        if constexpr (std::is_same_v<T, k::DropColumn>) return make_drop_column(o, schema);
        if constexpr (std::is_same_v<T, k::RenameColumn>) return make_rename_column(o, schema);
        if constexpr (std::is_same_v<T, k::AlterColumn>) return make_alter_column(o, schema);
        if constexpr (std::is_same_v<T, k::CreateIndex>) return make_create_index(o, schema);
        if constexpr (std::is_same_v<T, k::DropIndex>) return make_drop_index(o, schema);
        if constexpr (std::is_same_v<T, k::RawSql>) return make_raw_sql(o, schema);
        return nullptr;
      },
      op);
  if (!made) {
    return fail(ErrorCode::kUsage,
                fmt::format("operation {} is not supported by keel's PostgreSQL engine yet; "
                            "write it as a `sql` operation with up and down",
                            keel::ops::operation_name(op)));
  }
  return made;
}

}  // namespace keel::pg::ops
