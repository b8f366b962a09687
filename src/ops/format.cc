// parse_operations: an operation file (YAML or JSON, pgroll's format) -> the typed operations.
// The tree is checked against docs/operations.schema.json (explained first, then validated in
// full by valijson); the rules the schema states as conditions get their own messages here.
#include <fmt/format.h>

#include <algorithm>

#include "keel/operations.h"
#include "ops/document.h"
#include "ops/schema.h"

namespace keel::ops {
namespace {

using Json = nlohmann::ordered_json;

// Reads the typed values of one checked tree; every error names path:line and the field.
class Builder {
 public:
  Builder(const std::string& path, const Document& doc) : path_(path), doc_(doc) {}

  Error error(const std::string& pointer, const std::string& message) const {
    return Error{ErrorCode::kConfig,
                 fmt::format("{}: {}", field_path(pointer), message),
                 fmt::format("{}:{}", path_, doc_.line_of(pointer)),
                 {}};
  }

  Result<Operation> operation(const Json& item, const std::string& pointer) {
    auto first = item.begin();
    const std::string name = first.key();
    const Json& body = first.value();
    std::string at = child_pointer(pointer, name);
    if (name != "sql") {
      if (auto placeholder = find_placeholder(body, at)) return std::unexpected(*placeholder);
    }
    if (name == "create_table") return create_table(body, at);
    if (name == "drop_table") return DropTable{body["name"]};
    if (name == "rename_table") return RenameTable{body["from"], body["to"]};
    if (name == "add_column") {
      auto column = this->column(body["column"], child_pointer(at, "column"));
      if (!column) return std::unexpected(column.error());
      return AddColumn{body["table"], std::move(*column), opt(body, "up")};
    }
    if (name == "drop_column") return DropColumn{body["table"], body["column"], opt(body, "down")};
    if (name == "rename_column") return RenameColumn{body["table"], body["from"], body["to"]};
    if (name == "alter_column") return alter_column(body, at);
    if (name == "create_index") return create_index(body);
    if (name == "drop_index") return DropIndex{body["name"]};
    if (name == "create_constraint") return create_constraint(body, at);
    if (name == "drop_constraint") {
      return DropConstraint{body["table"], body["name"], opt(body, "up"), body["down"]};
    }
    if (name == "drop_multicolumn_constraint") {
      return DropMultiColumnConstraint{body["table"], body["name"], expressions(body, "up"),
                                       expressions(body, "down")};
    }
    if (name == "rename_constraint") {
      return RenameConstraint{body["table"], body["from"], body["to"]};
    }
    if (name == "set_replica_identity") return replica_identity(body, at);
    return RawSql{body["up"], opt(body, "down"), flag(body, "onComplete", false)};
  }

 private:
  // keel convert writes "TODO: ..." where the user must write an expression.
  std::optional<Error> find_placeholder(const Json& body, const std::string& at) const {
    auto placeholder = [](const Json& v) {
      return v.is_string() && v.get_ref<const std::string&>().starts_with("TODO");
    };
    for (const char* key : {"up", "down"}) {
      if (!body.contains(key)) continue;
      const Json& value = body[key];
      std::string pointer = child_pointer(at, key);
      if (placeholder(value)) return placeholder_error(pointer, value);
      if (!value.is_object()) continue;
      for (const auto& [column, expr] : value.items()) {
        if (placeholder(expr)) return placeholder_error(child_pointer(pointer, column), expr);
      }
    }
    return std::nullopt;
  }
  Error placeholder_error(const std::string& pointer, const Json& value) const {
    std::string text = value.get<std::string>();
    if (text.size() > 80) text = text.substr(0, 77) + "...";
    return error(pointer, fmt::format("still the placeholder keel convert wrote (\"{}\"); replace "
                                      "it with the SQL expression it asks for",
                                      text));
  }

  static std::optional<std::string> opt(const Json& object, const char* key) {
    if (!object.contains(key) || object[key].is_null()) return std::nullopt;
    return object[key].get<std::string>();
  }
  // Outer: given or not; inner nullopt: null (drop).
  static std::optional<std::optional<std::string>> nullable_text(const Json& object,
                                                                 const char* key) {
    if (!object.contains(key)) return std::nullopt;
    return opt(object, key);
  }
  static bool flag(const Json& object, const char* key, bool fallback) {
    return object.contains(key) ? object[key].get<bool>() : fallback;
  }
  static std::string text(const Json& object, const char* key, std::string fallback) {
    return object.contains(key) ? object[key].get<std::string>() : fallback;
  }
  static std::vector<std::string> names(const Json& object, const char* key) {
    std::vector<std::string> out;
    if (object.contains(key)) {
      for (const auto& n : object[key]) out.push_back(n.get<std::string>());
    }
    return out;
  }
  static std::map<std::string, std::string> expressions(const Json& object, const char* key) {
    std::map<std::string, std::string> out;
    if (object.contains(key)) {
      for (const auto& [column, expr] : object[key].items()) out[column] = expr.get<std::string>();
    }
    return out;
  }

  static CheckConstraint check(const Json& c) {
    return CheckConstraint{c["name"], c["constraint"], flag(c, "no_inherit", false)};
  }
  static ForeignKeyReference reference(const Json& r) {
    return ForeignKeyReference{r["name"],
                               r["table"],
                               r["column"],
                               text(r, "on_delete", "NO ACTION"),
                               text(r, "on_update", "NO ACTION"),
                               text(r, "match_type", "SIMPLE"),
                               flag(r, "deferrable", false),
                               flag(r, "initially_deferred", false)};
  }
  static TableReference table_reference(const Json& r) {
    return TableReference{r["table"],
                          names(r, "columns"),
                          text(r, "on_delete", "NO ACTION"),
                          text(r, "on_update", "NO ACTION"),
                          text(r, "match_type", "SIMPLE"),
                          names(r, "on_delete_set_columns")};
  }
  static std::optional<IndexParameters> index_parameters(const Json& object) {
    if (!object.contains("index_parameters")) return std::nullopt;
    const Json& p = object["index_parameters"];
    return IndexParameters{text(p, "tablespace", ""), text(p, "storage_parameters", ""),
                           names(p, "include_columns")};
  }

  Result<Column> column(const Json& c, const std::string& pointer) {
    Column out;
    out.name = c["name"];
    out.type = c["type"];
    out.nullable = flag(c, "nullable", false);
    out.pk = flag(c, "pk", false);
    out.unique = flag(c, "unique", false);
    out.default_value = opt(c, "default");
    if (c.contains("check")) out.check = check(c["check"]);
    if (c.contains("references")) out.references = reference(c["references"]);
    out.comment = opt(c, "comment");
    if (c.contains("generated")) {
      const Json& g = c["generated"];
      if (g.contains("expression") && g.contains("identity")) {
        return std::unexpected(error(child_pointer(pointer, "generated"),
                                     "`expression` and `identity` together; a generated column "
                                     "is either stored (expression) or identity: keep one"));
      }
      GeneratedColumn generated;
      generated.expression = opt(g, "expression");
      if (g.contains("identity")) {
        const Json& i = g["identity"];
        generated.identity = GeneratedColumn::Identity{text(i, "user_specified_values", "ALWAYS"),
                                                       text(i, "sequence_options", "")};
      }
      out.generated = std::move(generated);
    }
    return out;
  }

  Result<TableConstraint> table_constraint(const Json& c, const std::string& pointer) {
    static const std::map<std::string, TableConstraint::Type> kTypes = {
        {"unique", TableConstraint::Type::kUnique},
        {"check", TableConstraint::Type::kCheck},
        {"primary_key", TableConstraint::Type::kPrimaryKey},
        {"foreign_key", TableConstraint::Type::kForeignKey},
        {"exclude", TableConstraint::Type::kExclude}};
    std::string type = c["type"];
    const std::map<std::string, const char*> kNeeds = {{"unique", "columns"},
                                                       {"primary_key", "columns"},
                                                       {"check", "check"},
                                                       {"exclude", "exclude"}};
    if (auto need = kNeeds.find(type); need != kNeeds.end() && !c.contains(need->second)) {
      return std::unexpected(
          error(pointer, fmt::format("a {} constraint needs `{}`; add it", type, need->second)));
    }
    if (type == "foreign_key" && (!c.contains("columns") || !c.contains("references"))) {
      return std::unexpected(
          error(pointer, "a foreign_key constraint needs `columns` and `references`; add them"));
    }
    TableConstraint out;
    out.name = c["name"];
    out.type = kTypes.at(type);
    out.columns = names(c, "columns");
    out.check = opt(c, "check");
    out.nulls_not_distinct = flag(c, "nulls_not_distinct", false);
    out.deferrable = flag(c, "deferrable", false);
    out.initially_deferred = flag(c, "initially_deferred", false);
    out.no_inherit = flag(c, "no_inherit", false);
    if (c.contains("references")) out.references = table_reference(c["references"]);
    out.index_parameters = index_parameters(c);
    if (c.contains("exclude")) {
      const Json& e = c["exclude"];
      out.exclude = TableConstraint::Exclude{text(e, "index_method", ""), e["elements"],
                                             text(e, "predicate", "")};
    }
    return out;
  }

  Result<Operation> create_table(const Json& body, const std::string& pointer) {
    CreateTable out;
    out.name = body["name"];
    out.comment = opt(body, "comment");
    for (size_t i = 0; i < body["columns"].size(); ++i) {
      auto c = column(body["columns"][i],
                      child_pointer(child_pointer(pointer, "columns"), std::to_string(i)));
      if (!c) return std::unexpected(c.error());
      out.columns.push_back(std::move(*c));
    }
    if (body.contains("constraints")) {
      for (size_t i = 0; i < body["constraints"].size(); ++i) {
        auto c = table_constraint(
            body["constraints"][i],
            child_pointer(child_pointer(pointer, "constraints"), std::to_string(i)));
        if (!c) return std::unexpected(c.error());
        out.constraints.push_back(std::move(*c));
      }
    }
    return out;
  }

  Result<Operation> alter_column(const Json& body, const std::string& pointer) {
    AlterColumn out;
    out.table = body["table"];
    out.column = body["column"];
    out.name = opt(body, "name");
    out.type = opt(body, "type");
    if (body.contains("nullable")) out.nullable = body["nullable"].get<bool>();
    out.default_value = nullable_text(body, "default");
    out.comment = nullable_text(body, "comment");
    if (body.contains("check")) out.check = check(body["check"]);
    if (body.contains("unique")) out.unique = UniqueConstraint{body["unique"]["name"]};
    if (body.contains("references")) out.references = reference(body["references"]);
    out.up = opt(body, "up");
    out.down = opt(body, "down");
    bool data_change = out.type || out.nullable || out.check || out.unique || out.references;
    bool any_change = data_change || out.default_value || out.comment;
    if (out.name && (any_change || out.up || out.down)) {
      return std::unexpected(
          error(pointer,
                "`name` (a rename) together with other changes; rename in its own "
                "operation (rename_column, or alter_column with only `name`)"));
    }
    if (!out.name && !any_change) {
      return std::unexpected(
          error(pointer,
                "nothing to change; give name, type, nullable, default, comment, check, "
                "unique or references"));
    }
    if (data_change && (!out.up || !out.down)) {
      std::string missing = !out.up && !out.down ? "`up` and `down`" : !out.up ? "`up`" : "`down`";
      return std::unexpected(
          error(pointer,
                fmt::format("changing type, nullable, check, unique or references needs {}: `up` "
                            "computes the new column from the old row, `down` the old from the new "
                            "(e.g. up: \"CAST({} AS ...)\"); add {}",
                            missing, out.column, missing)));
    }
    return out;
  }

  static Result<Operation> create_index(const Json& body) {
    CreateIndex out;
    out.name = body["name"];
    out.table = body["table"];
    const Json& columns = body["columns"];
    auto settings = [](const Json& s) {
      IndexColumnSettings out;
      out.collate = opt(s, "collate");
      out.sort = opt(s, "sort");
      out.nulls = opt(s, "nulls");
      if (s.contains("opclass")) {
        out.opclass = s["opclass"]["name"].get<std::string>();
        out.opclass_params = names(s["opclass"], "params");
      }
      return out;
    };
    if (columns.is_object()) {
      for (const auto& [name, s] : columns.items()) {
        out.columns.push_back(name);
        out.column_settings.push_back(settings(s));
      }
    } else {
      for (const auto& c : columns) {
        if (c.is_string()) {
          out.columns.push_back(c.get<std::string>());
          out.column_settings.emplace_back();
        } else {
          out.columns.push_back(c.contains("column") ? c["column"] : c["name"]);
          out.column_settings.push_back(settings(c));
        }
      }
    }
    out.unique = flag(body, "unique", false);
    out.method = opt(body, "method");
    out.predicate = opt(body, "predicate");
    out.storage_parameters = opt(body, "storage_parameters");
    return out;
  }

  Result<Operation> create_constraint(const Json& body, const std::string& pointer) {
    static const std::map<std::string, CreateConstraint::Type> kTypes = {
        {"unique", CreateConstraint::Type::kUnique},
        {"check", CreateConstraint::Type::kCheck},
        {"foreign_key", CreateConstraint::Type::kForeignKey}};
    CreateConstraint out;
    out.table = body["table"];
    out.name = body["name"];
    std::string type = body["type"];
    out.type = kTypes.at(type);
    if (type == "check" && !body.contains("check")) {
      return std::unexpected(error(pointer, "a check constraint needs `check`; add it"));
    }
    if (type == "foreign_key" && !body.contains("references")) {
      return std::unexpected(error(pointer, "a foreign_key constraint needs `references`; add it"));
    }
    out.columns = names(body, "columns");
    out.check = opt(body, "check");
    if (body.contains("references")) {
      TableReference r = table_reference(body["references"]);
      out.references = CreateConstraint::References{
          r.table, r.columns, r.on_delete, r.on_update, r.match_type, r.on_delete_set_columns};
    }
    out.no_inherit = flag(body, "no_inherit", false);
    out.index_parameters = index_parameters(body);
    out.up = expressions(body, "up");
    out.down = expressions(body, "down");
    return out;
  }

  Result<Operation> replica_identity(const Json& body, const std::string& pointer) {
    const Json& identity = body["identity"];
    std::string type = identity["type"];
    std::transform(type.begin(), type.end(), type.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    if ((type == "index") != identity.contains("index")) {
      return std::unexpected(error(child_pointer(pointer, "identity"),
                                   type == "index"
                                       ? "type index needs `index`, the index's name; add it"
                                       : "`index` is only for type index; remove it"));
    }
    return SetReplicaIdentity{body["table"], type, opt(identity, "index")};
  }

  const std::string& path_;
  const Document& doc_;
};

}  // namespace

std::string_view operation_name(const Operation& op) {
  static constexpr std::string_view kNames[] = {
      "create_table",      "drop_table",           "rename_table",
      "add_column",        "drop_column",          "rename_column",
      "alter_column",      "create_index",         "drop_index",
      "create_constraint", "drop_constraint",      "drop_multicolumn_constraint",
      "rename_constraint", "set_replica_identity", "sql"};
  static_assert(std::size(kNames) == std::variant_size_v<Operation>);
  return kNames[op.index()];
}

Result<OperationMigration> parse_operations(const std::string& path, std::string_view text) {
  auto syntax = syntax_of(path);
  if (!syntax) {
    return fail(ErrorCode::kConfig,
                "not an operation file: name it <version>_<name>.yaml, .yml or .json", path);
  }
  auto doc = read_document(path, text, *syntax);
  if (!doc) return std::unexpected(doc.error());
  Builder builder(path, *doc);
  if (doc->root.is_null()) {
    return std::unexpected(builder.error(
        "", "is empty; write `operations:` with a list of operations (docs/operations_format.md)"));
  }
  if (auto finding = explain_schema(doc->root)) {
    return std::unexpected(builder.error(finding->pointer, finding->message));
  }
  OperationMigration out;
  out.path = path;
  if (doc->root.contains("version_schema")) {
    out.version_schema = doc->root["version_schema"].get<std::string>();
  }
  const Json& operations = doc->root["operations"];
  for (size_t i = 0; i < operations.size(); ++i) {
    std::string pointer = child_pointer("/operations", std::to_string(i));
    auto op = builder.operation(operations[i], pointer);
    if (!op) return std::unexpected(op.error());
    out.operations.push_back(LocatedOperation{std::move(*op), doc->line_of(pointer)});
  }
  if (auto finding = validate_schema(doc->root)) {
    return std::unexpected(builder.error(finding->pointer, finding->message));
  }
  return out;
}

}  // namespace keel::ops
