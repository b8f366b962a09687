// write_operations: the typed operations back to pgroll's format (YAML or JSON).
#include <yaml-cpp/yaml.h>

#include <sstream>

#include "keel/operations.h"
#include "ops/document.h"

namespace keel::ops {
namespace {

using Json = nlohmann::ordered_json;

void put(Json& j, const char* key, const std::optional<std::string>& v) {
  if (v) j[key] = *v;
}
void put_flag(Json& j, const char* key, bool v) {
  if (v) j[key] = true;
}
void put_text(Json& j, const char* key, const std::string& v, const std::string& fallback) {
  if (v != fallback) j[key] = v;
}
Json names(const std::vector<std::string>& v) { return Json(v); }
Json expressions(const std::map<std::string, std::string>& m) {
  Json out = Json::object();
  for (const auto& [k, v] : m) out[k] = v;
  return out;
}

Json check(const CheckConstraint& c) {
  Json j = {{"name", c.name}, {"constraint", c.constraint}};
  put_flag(j, "no_inherit", c.no_inherit);
  return j;
}

Json reference(const ForeignKeyReference& r) {
  Json j = {{"name", r.name}, {"table", r.table}, {"column", r.column}};
  put_text(j, "on_delete", r.on_delete, "NO ACTION");
  put_text(j, "on_update", r.on_update, "NO ACTION");
  put_text(j, "match_type", r.match_type, "SIMPLE");
  put_flag(j, "deferrable", r.deferrable);
  put_flag(j, "initially_deferred", r.initially_deferred);
  return j;
}

Json table_reference(const std::string& table, const std::vector<std::string>& columns,
                     const std::string& on_delete, const std::string& on_update,
                     const std::string& match_type, const std::vector<std::string>& set_columns) {
  Json j = {{"table", table}, {"columns", names(columns)}};
  put_text(j, "on_delete", on_delete, "NO ACTION");
  put_text(j, "on_update", on_update, "NO ACTION");
  put_text(j, "match_type", match_type, "SIMPLE");
  if (!set_columns.empty()) j["on_delete_set_columns"] = names(set_columns);
  return j;
}

Json index_parameters(const IndexParameters& p) {
  Json j = Json::object();
  if (!p.tablespace.empty()) j["tablespace"] = p.tablespace;
  if (!p.storage_parameters.empty()) j["storage_parameters"] = p.storage_parameters;
  if (!p.include_columns.empty()) j["include_columns"] = names(p.include_columns);
  return j;
}

Json column(const Column& c) {
  Json j = {{"name", c.name}, {"type", c.type}, {"nullable", c.nullable}};
  put_flag(j, "pk", c.pk);
  put_flag(j, "unique", c.unique);
  put(j, "default", c.default_value);
  if (c.check) j["check"] = check(*c.check);
  if (c.references) j["references"] = reference(*c.references);
  put(j, "comment", c.comment);
  if (c.generated) {
    Json g = Json::object();
    put(g, "expression", c.generated->expression);
    if (c.generated->identity) {
      Json i = Json::object();
      put_text(i, "user_specified_values", c.generated->identity->user_specified_values, "ALWAYS");
      put_text(i, "sequence_options", c.generated->identity->sequence_options, "");
      g["identity"] = i;
    }
    j["generated"] = g;
  }
  return j;
}

Json table_constraint(const TableConstraint& c) {
  static const char* kTypes[] = {"unique", "check", "primary_key", "foreign_key", "exclude"};
  Json j = {{"name", c.name}, {"type", kTypes[static_cast<int>(c.type)]}};
  if (!c.columns.empty()) j["columns"] = names(c.columns);
  put(j, "check", c.check);
  put_flag(j, "nulls_not_distinct", c.nulls_not_distinct);
  put_flag(j, "deferrable", c.deferrable);
  put_flag(j, "initially_deferred", c.initially_deferred);
  put_flag(j, "no_inherit", c.no_inherit);
  if (c.references) {
    const TableReference& r = *c.references;
    j["references"] = table_reference(r.table, r.columns, r.on_delete, r.on_update, r.match_type,
                                      r.on_delete_set_columns);
  }
  if (c.index_parameters) j["index_parameters"] = index_parameters(*c.index_parameters);
  if (c.exclude) {
    Json e = {{"elements", c.exclude->elements}};
    if (!c.exclude->index_method.empty()) e["index_method"] = c.exclude->index_method;
    if (!c.exclude->predicate.empty()) e["predicate"] = c.exclude->predicate;
    j["exclude"] = e;
  }
  return j;
}

Json index_columns(const CreateIndex& op) {
  bool settings =
      std::any_of(op.column_settings.begin(), op.column_settings.end(),
                  [](const IndexColumnSettings& s) { return !(s == IndexColumnSettings{}); });
  if (!settings) return names(op.columns);
  Json out = Json::array();
  for (size_t i = 0; i < op.columns.size(); ++i) {
    Json c = {{"column", op.columns[i]}};
    if (i < op.column_settings.size()) {
      const IndexColumnSettings& s = op.column_settings[i];
      put(c, "collate", s.collate);
      put(c, "sort", s.sort);
      put(c, "nulls", s.nulls);
      if (s.opclass) {
        c["opclass"] = {{"name", *s.opclass}};
        if (!s.opclass_params.empty()) c["opclass"]["params"] = names(s.opclass_params);
      }
    }
    out.push_back(c);
  }
  return out;
}

struct ToJson {
  Json operator()(const CreateTable& op) const {
    Json j = {{"name", op.name}, {"columns", Json::array()}};
    for (const auto& c : op.columns) j["columns"].push_back(column(c));
    put(j, "comment", op.comment);
    if (!op.constraints.empty()) {
      j["constraints"] = Json::array();
      for (const auto& c : op.constraints) j["constraints"].push_back(table_constraint(c));
    }
    return j;
  }
  Json operator()(const DropTable& op) const { return {{"name", op.name}}; }
  Json operator()(const RenameTable& op) const { return {{"from", op.from}, {"to", op.to}}; }
  Json operator()(const AddColumn& op) const {
    Json j = {{"table", op.table}};
    put(j, "up", op.up);
    j["column"] = column(op.column);
    return j;
  }
  Json operator()(const DropColumn& op) const {
    Json j = {{"table", op.table}, {"column", op.column}};
    put(j, "down", op.down);
    return j;
  }
  Json operator()(const RenameColumn& op) const {
    return {{"table", op.table}, {"from", op.from}, {"to", op.to}};
  }
  Json operator()(const AlterColumn& op) const {
    Json j = {{"table", op.table}, {"column", op.column}};
    put(j, "name", op.name);
    put(j, "type", op.type);
    if (op.nullable) j["nullable"] = *op.nullable;
    if (op.default_value) j["default"] = *op.default_value ? Json(**op.default_value) : Json();
    if (op.comment) j["comment"] = *op.comment ? Json(**op.comment) : Json();
    if (op.check) j["check"] = check(*op.check);
    if (op.unique) j["unique"] = {{"name", op.unique->name}};
    if (op.references) j["references"] = reference(*op.references);
    put(j, "up", op.up);
    put(j, "down", op.down);
    return j;
  }
  Json operator()(const CreateIndex& op) const {
    Json j = {{"name", op.name}, {"table", op.table}, {"columns", index_columns(op)}};
    put_flag(j, "unique", op.unique);
    put(j, "method", op.method);
    put(j, "predicate", op.predicate);
    put(j, "storage_parameters", op.storage_parameters);
    return j;
  }
  Json operator()(const DropIndex& op) const { return {{"name", op.name}}; }
  Json operator()(const CreateConstraint& op) const {
    static const char* kTypes[] = {"unique", "check", "foreign_key"};
    Json j = {{"table", op.table},
              {"name", op.name},
              {"type", kTypes[static_cast<int>(op.type)]},
              {"columns", names(op.columns)}};
    put(j, "check", op.check);
    if (op.references) {
      const auto& r = *op.references;
      j["references"] = table_reference(r.table, r.columns, r.on_delete, r.on_update, r.match_type,
                                        r.on_delete_set_columns);
    }
    put_flag(j, "no_inherit", op.no_inherit);
    if (op.index_parameters) j["index_parameters"] = index_parameters(*op.index_parameters);
    j["up"] = expressions(op.up);
    j["down"] = expressions(op.down);
    return j;
  }
  Json operator()(const DropConstraint& op) const {
    Json j = {{"table", op.table}, {"name", op.name}};
    put(j, "up", op.up);
    j["down"] = op.down;
    return j;
  }
  Json operator()(const DropMultiColumnConstraint& op) const {
    Json j = {{"table", op.table}, {"name", op.name}};
    if (!op.up.empty()) j["up"] = expressions(op.up);
    j["down"] = expressions(op.down);
    return j;
  }
  Json operator()(const RenameConstraint& op) const {
    return {{"table", op.table}, {"from", op.from}, {"to", op.to}};
  }
  Json operator()(const SetReplicaIdentity& op) const {
    Json identity = {{"type", op.type}};
    put(identity, "index", op.index);
    return {{"table", op.table}, {"identity", identity}};
  }
  Json operator()(const RawSql& op) const {
    Json j = {{"up", op.up}};
    put(j, "down", op.down);
    put_flag(j, "onComplete", op.on_complete);
    return j;
  }
};

Json to_json(const OperationMigration& m) {
  Json root = Json::object();
  if (m.version_schema) root["version_schema"] = *m.version_schema;
  root["operations"] = Json::array();
  for (const auto& located : m.operations) {
    root["operations"].push_back(
        {{std::string(operation_name(located.op)), std::visit(ToJson{}, located.op)}});
  }
  return root;
}

void emit(YAML::Emitter& out, const Json& j) {
  if (j.is_object()) {
    out << YAML::BeginMap;
    for (const auto& [k, v] : j.items()) {
      out << YAML::Key << k << YAML::Value;
      emit(out, v);
    }
    out << YAML::EndMap;
  } else if (j.is_array()) {
    bool flat = std::all_of(j.begin(), j.end(), [](const Json& v) { return v.is_string(); });
    if (flat) out << YAML::Flow;
    out << YAML::BeginSeq;
    for (const auto& v : j) emit(out, v);
    out << YAML::EndSeq;
  } else if (j.is_string()) {
    const std::string& s = j.get_ref<const std::string&>();
    if (s.ends_with('\n') && !s.ends_with("\n\n") && s.find_first_of("\t\r") == std::string::npos &&
        s.front() != ' ' && s.find(" \n") == std::string::npos) {
      out << YAML::Literal << s;
    } else if (yaml_plain_scalar(s) != Json(s) || s.empty() || s.front() == ' ' ||
               s.back() == ' ' ||
               s.find_first_of(":#{}[],&*!|>'\"%@`\t\r\n") != std::string::npos ||
               s.front() == '-' || s.front() == '?') {
      out << YAML::DoubleQuoted << s;
    } else {
      out << s;
    }
  } else if (j.is_boolean()) {
    out << (j.get<bool>() ? "true" : "false");
  } else if (j.is_null()) {
    out << YAML::Null;
  } else {
    out << j.dump();
  }
}

}  // namespace

std::string write_operations(const OperationMigration& migration, bool json,
                             const std::string& header) {
  Json root = to_json(migration);
  if (json) return root.dump(2) + "\n";
  YAML::Emitter out;
  out.SetIndent(2);
  emit(out, root);
  std::string text;
  std::istringstream lines(header);
  for (std::string line; std::getline(lines, line);) text += "# " + line + "\n";
  return text + out.c_str() + "\n";
}

}  // namespace keel::ops
