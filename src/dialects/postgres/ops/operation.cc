// PostgreSQL expand/contract: shapes, hidden column names, the operation factory.
#include "dialects/postgres/ops/operation.h"

#include <fmt/format.h>

#include <algorithm>
#include <cctype>
#include <type_traits>

#include "lint/statements.h"
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

std::string bounded_name(const std::string& name) { return util::bounded_name(name); }

std::string new_column_name(const std::string& column) {
  return bounded_name("_keel_new_" + column);
}
std::string old_column_name(const std::string& column) {
  return bounded_name("_keel_old_" + column);
}

std::string Context::table(const std::string& name) const {
  return quote_qualified(schemas_.schema, name);
}

QualifiedName Context::relation(const std::string& name) const { return {schemas_.schema, name}; }

void append_up(std::vector<Step>& steps, const DdlStep& step) {
  const Part part = step.part == DdlPart::kTransaction ? Part::kTransaction : Part::kAfter;
  const bool index = step.object == DdlObject::kIndex && step.action == DdlAction::kCreate &&
                     step.relations.size() == 2;
  for (const auto& sql : step.up) {
    steps.push_back({sql, part, index ? step.relations[1].name : std::string()});
  }
}

void add_validated_constraint(std::vector<Step>& steps, const QualifiedName& table,
                              const std::string& name, const std::string& definition) {
  append_up(steps, ddl::add_constraint_not_valid(table, name, definition, DdlObject::kConstraint));
  append_up(steps, ddl::validate_constraint(table, name));
}

void add_unique_index(std::vector<Step>& steps, const QualifiedName& table, const std::string& name,
                      const std::string& columns, const std::string& rest) {
  const std::string definition =
      fmt::format("CREATE UNIQUE INDEX {} ON {} ({}){}", quote_identifier(name),
                  quote_qualified(table.schema, table.name), columns, rest);
  append_up(steps, ddl::create_index_concurrently(table, {table.schema, name}, definition));
}

Step unique_using_index(const QualifiedName& table, const std::string& name) {
  return {ddl::add_key_using_index_sql(table, name, ddl::KeyKind::kUnique, name, false, false)};
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

Result<bool> Context::assignable(const std::string& from, const std::string& to) {
  auto rows = session_.exec(
      "SELECT $1::pg_catalog.regtype = $2::pg_catalog.regtype OR EXISTS (SELECT FROM "
      "pg_catalog.pg_cast WHERE castsource = $1::pg_catalog.regtype AND casttarget = "
      "$2::pg_catalog.regtype AND castcontext IN ('a', 'i')) OR (SELECT typcategory = 'S' FROM "
      "pg_catalog.pg_type WHERE oid = $2::pg_catalog.regtype)",
      {from, to});
  if (!rows) return std::unexpected(rows.error());
  return !rows->empty() && (*rows)[0].view(0) == "t";
}

const std::string* Context::saved(int operation) const {
  auto it = saved_.find(operation);
  return it == saved_.end() ? nullptr : &it->second;
}

void Context::save(int operation, std::string value) {
  if (writer_) writer_(operation, value);
  saved_[operation] = std::move(value);
}

Result<void> Operation::check(Context& /*ctx*/) const { return {}; }

namespace {

// The end of the identifier token that starts at `at` in `sql` ("quoted" or a bare word).
size_t identifier_end(std::string_view sql, size_t at) {
  if (at < sql.size() && sql[at] == '"') {
    size_t i = at + 1;
    while (i < sql.size()) {
      if (sql[i] == '"') {
        if (i + 1 < sql.size() && sql[i + 1] == '"') {
          i += 2;
          continue;
        }
        return i + 1;
      }
      ++i;
    }
    return sql.size();
  }
  size_t i = at;
  while (i < sql.size() && (std::isalnum(static_cast<unsigned char>(sql[i])) || sql[i] == '_' ||
                            sql[i] == '$' || static_cast<unsigned char>(sql[i]) >= 0x80)) {
    ++i;
  }
  return i;
}

// The name a ColumnRef field holds ("String" node: sval in libpg_query 15, str before).
const nlohmann::json* field_name(const nlohmann::json& field) {
  if (!field.is_object() || !field.contains("String")) return nullptr;
  const auto& str = field["String"];
  if (str.contains("sval") && str["sval"].is_string()) return &str["sval"];
  if (str.contains("str") && str["str"].is_string()) return &str["str"];
  return nullptr;
}

// Every ColumnRef under `node`: (location, fields).
void column_refs(const nlohmann::json& node, std::vector<const nlohmann::json*>& out) {
  if (node.is_object()) {
    for (const auto& [key, value] : node.items()) {
      if (key == "ColumnRef") out.push_back(&value);
      column_refs(value, out);
    }
  } else if (node.is_array()) {
    for (const auto& value : node) column_refs(value, out);
  }
}

// The physical columns of `table`, in attnum order.
Result<std::vector<std::string>> read_columns(Context& ctx, const std::string& table) {
  auto rows = ctx.session().exec(
      "SELECT a.attname FROM pg_catalog.pg_attribute a "
      "JOIN pg_catalog.pg_class c ON c.oid = a.attrelid "
      "JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace "
      "WHERE n.nspname = $1 AND c.relname = $2 AND a.attnum > 0 AND NOT a.attisdropped "
      "ORDER BY a.attnum",
      {ctx.schemas().schema, table});
  if (!rows) return std::unexpected(rows.error());
  std::vector<std::string> out;
  for (const auto& row : *rows) out.emplace_back(row.view(0));
  return out;
}

}  // namespace

Result<std::string> rename_columns(const std::string& expression,
                                   const std::map<std::string, std::string>& renames) {
  const std::string prefix = "SELECT (";
  const std::string sql = prefix + expression + "\n)";
  auto parsed = lint::parse_statements("expression", sql);
  if (!parsed || parsed->size() != 1 || (*parsed)[0].kind != "SelectStmt") {
    return fail(ErrorCode::kUsage,
                fmt::format("the expression `{}` does not parse as one SQL expression{}",
                            expression, parsed ? "" : ": " + parsed.error().message));
  }
  std::vector<const nlohmann::json*> refs;
  column_refs((*parsed)[0].body, refs);
  std::vector<std::pair<size_t, std::string>> edits;  // location in sql -> new name
  for (const nlohmann::json* ref : refs) {
    if (!ref->contains("fields") || !(*ref)["fields"].is_array() || !ref->contains("location")) {
      continue;
    }
    const auto& fields = (*ref)["fields"];
    const nlohmann::json* last = fields.empty() ? nullptr : field_name(fields.back());
    if (last == nullptr || !renames.contains(last->get<std::string>())) continue;
    if (fields.size() != 1) {
      return fail(ErrorCode::kUsage,
                  fmt::format("the expression `{}` names column {} with a qualifier; write the "
                              "bare column name",
                              expression, display_identifier(last->get<std::string>())));
    }
    edits.emplace_back((*ref)["location"].get<size_t>(), renames.at(last->get<std::string>()));
  }
  std::sort(edits.begin(), edits.end(),
            [](const auto& a, const auto& b) { return a.first > b.first; });
  std::string out = sql;
  for (const auto& [at, name] : edits) {
    out.replace(at, identifier_end(out, at) - at, quote_identifier(name));
  }
  return out.substr(prefix.size(), out.size() - prefix.size() - 2);
}

namespace {

// Each column reference of `expression`, its parts in order (a star: nullopt); nullopt when
// the expression does not parse as one.
std::optional<std::vector<std::vector<std::optional<std::string>>>> column_ref_parts(
    const std::string& expression) {
  auto parsed = lint::parse_statements("expression", "SELECT (" + expression + "\n)");
  if (!parsed || parsed->size() != 1 || (*parsed)[0].kind != "SelectStmt") return std::nullopt;
  std::vector<const nlohmann::json*> refs;
  column_refs((*parsed)[0].body, refs);
  std::vector<std::vector<std::optional<std::string>>> out;
  for (const nlohmann::json* ref : refs) {
    std::vector<std::optional<std::string>> parts;
    if (ref->contains("fields") && (*ref)["fields"].is_array()) {
      for (const auto& field : (*ref)["fields"]) {
        const nlohmann::json* name = field_name(field);
        parts.push_back(name == nullptr ? std::nullopt
                                        : std::optional<std::string>(name->get<std::string>()));
      }
    }
    out.push_back(std::move(parts));
  }
  return out;
}

}  // namespace

std::set<std::string> referenced_columns(const std::string& expression) {
  std::set<std::string> names;
  auto refs = column_ref_parts(expression);
  if (!refs) return names;
  for (const auto& parts : *refs) {
    if (!parts.empty() && parts.back()) names.insert(*parts.back());
  }
  return names;
}

std::optional<std::set<std::string>> bare_columns_read(const std::string& expression) {
  auto refs = column_ref_parts(expression);
  if (!refs) return std::nullopt;
  std::set<std::string> names;
  for (const auto& parts : *refs) {
    if (parts.empty() || std::ranges::any_of(parts, [](const auto& p) { return !p; })) {
      return std::nullopt;  // a star, or no fields at all
    }
    if (parts.size() == 2 && (*parts[0] == "new" || *parts[0] == "old")) continue;  // NEW.x
    if (parts.size() != 1 || *parts[0] == "_keel_row" || *parts[0] == "new" || *parts[0] == "old") {
      return std::nullopt;
    }
    names.insert(*parts[0]);
  }
  return names;
}

bool waits_without_blocking_writes(const std::string& sql) {
  auto parsed = lint::parse_statements("statement", sql);
  if (!parsed || parsed->size() != 1) return false;
  const lint::ParsedStatement& st = (*parsed)[0];
  if (st.kind == "IndexStmt" || st.kind == "DropStmt") {
    return st.body.value("concurrent", false) &&
           (st.kind == "IndexStmt" || st.body.value("removeType", "") == "OBJECT_INDEX");
  }
  if (st.kind != "AlterTableStmt" || !st.body.contains("cmds")) return false;
  const auto& cmds = st.body["cmds"];
  if (!cmds.is_array() || cmds.size() != 1) return false;
  const auto& cmd = cmds[0];
  return cmd.contains("AlterTableCmd") &&
         cmd["AlterTableCmd"].value("subtype", "") == "AT_ValidateConstraint";
}

Result<std::vector<std::string>> constraint_columns(Context& ctx, const std::string& table,
                                                    const std::string& name) {
  const std::string& schema = ctx.schemas().schema;
  auto rows = ctx.session().exec(
      "SELECT a.attname FROM pg_catalog.pg_constraint k "
      "JOIN pg_catalog.pg_class c ON c.oid = k.conrelid "
      "JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace "
      "CROSS JOIN LATERAL unnest(k.conkey) WITH ORDINALITY AS u(attnum, ord) "
      "JOIN pg_catalog.pg_attribute a ON a.attrelid = c.oid AND a.attnum = u.attnum "
      "WHERE n.nspname = $1 AND c.relname = $2 AND k.conname = $3 ORDER BY u.ord",
      {schema, table, name});
  if (!rows) return std::unexpected(rows.error());
  if (rows->empty()) {
    return fail(
        ErrorCode::kUsage,
        fmt::format("table {}.{} has no constraint {} over its columns", display_identifier(schema),
                    display_identifier(table), display_identifier(name)));
  }
  auto columns = read_columns(ctx, table);
  if (!columns) return std::unexpected(columns.error());
  std::vector<std::string> out;
  for (const auto& row : *rows) {
    std::string column(row.view(0));
    for (const std::string& c : *columns) {
      if (!c.starts_with("_keel_") && old_column_name(c) == column) column = c;
    }
    out.push_back(std::move(column));
  }
  return out;
}

std::string column_definition(const keel::ops::Column& column, const std::string& schema) {
  std::string sql = quote_identifier(column.name) + " " + column.type;
  if (column.pk) sql += " PRIMARY KEY";
  if (!column.nullable && !column.pk) sql += " NOT NULL";
  if (column.default_value) sql += " DEFAULT " + *column.default_value;
  if (column.unique) sql += " UNIQUE";
  if (column.check) {
    sql += " CONSTRAINT " + quote_identifier(column.check->name) + " CHECK (" +
           column.check->constraint + ")";
    if (column.check->no_inherit) sql += " NO INHERIT";
  }
  if (column.references) {
    const auto& r = *column.references;
    sql += " CONSTRAINT " + quote_identifier(r.name) + " REFERENCES " +
           quote_qualified(schema, r.table) + " (" + quote_identifier(r.column) + ")" +
           foreign_key_options(r.match_type, r.on_delete, r.on_update, r.deferrable,
                               r.initially_deferred);
  }
  if (column.generated && column.generated->expression) {
    sql += " GENERATED ALWAYS AS (" + *column.generated->expression + ") STORED";
  } else if (column.generated && column.generated->identity) {
    const auto& id = *column.generated->identity;
    sql += " GENERATED " + id.user_specified_values + " AS IDENTITY";
    if (!id.sequence_options.empty()) sql += " (" + id.sequence_options + ")";
  }
  return sql;
}

std::string foreign_key_options(const std::string& match, const std::string& on_delete,
                                const std::string& on_update, bool deferrable,
                                bool initially_deferred) {
  std::string sql;
  if (!match.empty() && match != "SIMPLE") sql += " MATCH " + match;
  sql += " ON DELETE " + on_delete + " ON UPDATE " + on_update;
  if (deferrable) sql += " DEFERRABLE";
  if (initially_deferred) sql += " INITIALLY DEFERRED";
  return sql;
}

namespace {
std::string column_list(const std::vector<std::string>& columns) {
  std::string out;
  for (const auto& c : columns) out += (out.empty() ? "" : ", ") + quote_identifier(c);
  return out;
}
}  // namespace

Result<std::string> table_constraint(const keel::ops::TableConstraint& c,
                                     const std::string& schema) {
  using Type = keel::ops::TableConstraint::Type;
  if (c.index_parameters || c.exclude || c.type == Type::kExclude) {
    return fail(ErrorCode::kUsage,
                fmt::format("create_table constraint {}: exclusion constraints and index "
                            "parameters are not supported by keel yet; add them in a `sql` "
                            "operation",
                            c.name));
  }
  std::string sql = "CONSTRAINT " + quote_identifier(c.name);
  switch (c.type) {
    case Type::kCheck:
      sql += " CHECK (" + c.check.value_or("") + ")";
      if (c.no_inherit) sql += " NO INHERIT";
      return sql;
    case Type::kUnique:
      sql += " UNIQUE";
      if (c.nulls_not_distinct) sql += " NULLS NOT DISTINCT";
      sql += " (" + column_list(c.columns) + ")";
      break;
    case Type::kPrimaryKey:
      sql += " PRIMARY KEY (" + column_list(c.columns) + ")";
      break;
    case Type::kForeignKey: {
      if (!c.references) {
        return fail(ErrorCode::kUsage, fmt::format("constraint {}: no references", c.name));
      }
      const auto& r = *c.references;
      if (!r.on_delete_set_columns.empty()) {
        return fail(ErrorCode::kUsage,
                    fmt::format("constraint {}: ON DELETE SET ... (columns) is not supported by "
                                "keel yet",
                                c.name));
      }
      sql += " FOREIGN KEY (" + column_list(c.columns) + ") REFERENCES " +
             quote_qualified(schema, r.table) + " (" + column_list(r.columns) + ")" +
             foreign_key_options(r.match_type, r.on_delete, r.on_update, false, false);
      break;
    }
    case Type::kExclude:
      break;
  }
  if (c.deferrable) sql += " DEFERRABLE";
  if (c.initially_deferred) sql += " INITIALLY DEFERRED";
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
        if constexpr (std::is_same_v<T, k::CreateConstraint>) {
          return make_create_constraint(o, schema);
        }
        if constexpr (std::is_same_v<T, k::DropConstraint>) return make_drop_constraint(o, schema);
        if constexpr (std::is_same_v<T, k::DropMultiColumnConstraint>) {
          return make_drop_multicolumn_constraint(o, schema);
        }
        if constexpr (std::is_same_v<T, k::RenameConstraint>) {
          return make_rename_constraint(o, schema);
        }
        if constexpr (std::is_same_v<T, k::SetReplicaIdentity>) {
          return make_set_replica_identity(o, schema);
        }
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
