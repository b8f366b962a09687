// The schema check: explain the first problem from the schema itself, then valijson's full
// validation as the last word.
#define VALIJSON_USE_EXCEPTIONS 1
#include "ops/schema.h"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <valijson/adapters/nlohmann_json_adapter.hpp>
#include <valijson/schema.hpp>
#include <valijson/schema_parser.hpp>
#include <valijson/validator.hpp>

namespace keel::ops {
namespace {

using Json = nlohmann::ordered_json;

const Json& schema_root() {
  static const Json root = Json::parse(kOperationsSchemaText);
  return root;
}

// Follows "$ref": "#/definitions/Name" (the only form the schema uses); `name` gets the last
// definition's name.
const Json& resolve(const Json& schema, std::string* name) {
  const Json* s = &schema;
  for (int hops = 0; hops < 8 && s->is_object() && s->contains("$ref"); ++hops) {
    std::string ref = (*s)["$ref"].get<std::string>();
    std::string def = ref.substr(ref.rfind('/') + 1);
    if (name) *name = def;
    s = &schema_root()["definitions"][def];
  }
  return *s;
}

std::string type_of(const Json& v) {
  if (v.is_string()) return "string";
  if (v.is_boolean()) return "boolean";
  if (v.is_number_integer() || v.is_number_unsigned()) return "integer";
  if (v.is_number()) return "number";
  if (v.is_object()) return "object";
  if (v.is_array()) return "array";
  return "null";
}

bool type_matches(const Json& v, const std::string& type) {
  std::string got = type_of(v);
  return got == type || (type == "number" && got == "integer");
}

// How a type is named in messages: YAML users write mappings and lists.
std::string spoken(const std::string& type) {
  if (type == "string") return "a string";
  if (type == "boolean") return "true or false";
  if (type == "integer" || type == "number") return "a number";
  if (type == "object") return "a mapping";
  if (type == "array") return "a list";
  return "null";
}

std::string got_text(const Json& v) {
  std::string type = type_of(v);
  if (v.is_object() || v.is_array()) return spoken(type);
  std::string shown = v.dump();
  if (shown.size() > 40) shown = shown.substr(0, 37) + "...";
  return fmt::format("{} {}", spoken(type), shown);
}

std::vector<std::string> types_of(const Json& schema) {
  std::vector<std::string> out;
  if (!schema.contains("type")) return out;
  if (schema["type"].is_string()) {
    out.push_back(schema["type"].get<std::string>());
  } else {
    for (const auto& t : schema["type"]) out.push_back(t.get<std::string>());
  }
  return out;
}

std::string joined_spoken(const std::vector<std::string>& types) {
  std::vector<std::string> words;
  for (const auto& t : types) words.push_back(spoken(t));
  return fmt::format("{}", fmt::join(words, " or "));
}

std::vector<std::string> keys_of(const Json& object) {
  std::vector<std::string> out;
  for (const auto& [k, _] : object.items()) out.push_back(k);
  return out;
}

class Explainer {
 public:
  std::optional<SchemaFinding> check(const Json& value, const Json& raw_schema,
                                     const std::string& pointer) {
    std::string def;
    const Json& schema = resolve(raw_schema, &def);
    if (auto f = check_type(value, schema, pointer)) return f;
    if (auto f = check_enum(value, schema, pointer)) return f;
    if (value.is_string() && schema.value("minLength", 0) > 0 && value.get<std::string>().empty()) {
      return SchemaFinding{pointer, "must not be empty; give a value"};
    }
    if (value.is_object()) return check_object(value, schema, pointer, def);
    if (value.is_array()) return check_array(value, schema, pointer);
    return std::nullopt;
  }

 private:
  std::optional<SchemaFinding> check_type(const Json& value, const Json& schema,
                                          const std::string& pointer) {
    std::vector<std::string> types = types_of(schema);
    if (!types.empty()) {
      for (const auto& t : types) {
        if (type_matches(value, t)) return std::nullopt;
      }
      return SchemaFinding{pointer,
                           fmt::format("expected {}, got {}; write {}", joined_spoken(types),
                                       got_text(value), joined_spoken(types))};
    }
    // A union of types (create_index's columns): pick the branches of the value's type.
    const Json* branches = schema.contains("oneOf")   ? &schema["oneOf"]
                           : schema.contains("anyOf") ? &schema["anyOf"]
                                                      : nullptr;
    if (!branches) return std::nullopt;
    std::vector<std::string> all;
    std::optional<SchemaFinding> first;
    for (const auto& branch : *branches) {
      std::vector<std::string> bt = types_of(resolve(branch, nullptr));
      if (bt.empty()) return std::nullopt;  // a conditional rule, not a union of types
      all.insert(all.end(), bt.begin(), bt.end());
      if (!type_matches(value, bt.front())) continue;
      auto finding = check(value, branch, pointer);
      if (!finding) return std::nullopt;
      if (!first) first = finding;
    }
    if (first) return first;
    std::sort(all.begin(), all.end());
    all.erase(std::unique(all.begin(), all.end()), all.end());
    return SchemaFinding{pointer, fmt::format("expected {}, got {}; write {}", joined_spoken(all),
                                              got_text(value), joined_spoken(all))};
  }

  std::optional<SchemaFinding> check_enum(const Json& value, const Json& schema,
                                          const std::string& pointer) {
    if (!schema.contains("enum")) return std::nullopt;
    for (const auto& allowed : schema["enum"]) {
      if (allowed == value) return std::nullopt;
    }
    std::vector<std::string> names;
    for (const auto& allowed : schema["enum"]) names.push_back(allowed.dump());
    return SchemaFinding{pointer, fmt::format("{} is not allowed; use one of {}", value.dump(),
                                              fmt::join(names, ", "))};
  }

  std::optional<SchemaFinding> check_object(const Json& value, const Json& schema,
                                            const std::string& pointer, const std::string& def) {
    static const Json kEmpty = Json::object();
    const Json& properties = schema.contains("properties") ? schema["properties"] : kEmpty;
    bool closed = schema.contains("additionalProperties") &&
                  schema["additionalProperties"].is_boolean() &&
                  !schema["additionalProperties"].get<bool>();
    bool operation = def == "Operation";
    if (operation && value.size() != 1) {
      std::string message = value.empty()
                                ? fmt::format(
                                      "an operation is a mapping with one key, its name; known "
                                      "operations: {}",
                                      fmt::join(keys_of(properties), ", "))
                                : fmt::format(
                                      "one operation per list item, got {}; start each operation "
                                      "with its own `-` (JSON: its own {{...}})",
                                      fmt::join(keys_of(value), " and "));
      return SchemaFinding{pointer, message};
    }
    for (const auto& [key, member] : value.items()) {
      if (!closed || properties.contains(key)) continue;
      std::string known = fmt::format("{}", fmt::join(keys_of(properties), ", "));
      return SchemaFinding{
          child_pointer(pointer, key),
          operation ? fmt::format("unknown operation `{}`; known operations: {}", key, known)
                    : fmt::format("unknown field `{}`; known fields: {}", key, known)};
    }
    if (schema.contains("required")) {
      for (const auto& required : schema["required"]) {
        std::string name = required.get<std::string>();
        if (!value.contains(name)) {
          return SchemaFinding{pointer, fmt::format("missing required field `{}`; add it", name)};
        }
      }
    }
    if (schema.value("minProperties", 0) > 0 && value.empty()) {
      return SchemaFinding{pointer, "must not be empty; give at least one entry"};
    }
    for (const auto& [key, member] : value.items()) {
      std::string child = child_pointer(pointer, key);
      if (properties.contains(key)) {
        if (auto f = check(member, properties[key], child)) return f;
      } else if (schema.contains("additionalProperties") &&
                 schema["additionalProperties"].is_object()) {
        if (auto f = check(member, schema["additionalProperties"], child)) return f;
      }
    }
    return std::nullopt;
  }

  std::optional<SchemaFinding> check_array(const Json& value, const Json& schema,
                                           const std::string& pointer) {
    if (schema.value("minItems", 0) > 0 && value.empty()) {
      return SchemaFinding{pointer, "must not be empty; list at least one"};
    }
    if (!schema.contains("items")) return std::nullopt;
    for (size_t i = 0; i < value.size(); ++i) {
      if (auto f = check(value[i], schema["items"], child_pointer(pointer, std::to_string(i)))) {
        return f;
      }
    }
    return std::nullopt;
  }
};

// valijson's context ("<root>", "[operations]", "[0]", ...) as a JSON pointer.
std::string pointer_of(const std::vector<std::string>& context) {
  std::string pointer;
  for (const auto& part : context) {
    if (part == "<root>") continue;
    std::string key = part;
    if (key.size() >= 2 && key.front() == '[' && key.back() == ']') {
      key = key.substr(1, key.size() - 2);
    }
    pointer = child_pointer(pointer, key);
  }
  return pointer;
}

}  // namespace

std::vector<std::string> known_operations() {
  return keys_of(schema_root()["definitions"]["Operation"]["properties"]);
}

std::optional<SchemaFinding> explain_schema(const nlohmann::ordered_json& document) {
  Explainer explainer;
  return explainer.check(document, schema_root(), "");
}

std::optional<SchemaFinding> validate_schema(const nlohmann::ordered_json& document) {
  static const nlohmann::json schema_json = nlohmann::json::parse(kOperationsSchemaText);
  static const valijson::Schema* schema = [] {
    auto* s = new valijson::Schema();
    valijson::SchemaParser parser(valijson::SchemaParser::kDraft7);
    valijson::adapters::NlohmannJsonAdapter adapter(schema_json);
    parser.populateSchema(adapter, *s);
    return s;
  }();
  nlohmann::json target = nlohmann::json::parse(document.dump());
  valijson::Validator validator;
  valijson::ValidationResults results;
  valijson::adapters::NlohmannJsonAdapter adapter(target);
  if (validator.validate(*schema, adapter, &results)) return std::nullopt;
  const valijson::ValidationResults::Error* deepest = nullptr;
  for (const auto& error : results) {
    if (!deepest || error.context.size() > deepest->context.size()) deepest = &error;
  }
  return SchemaFinding{
      pointer_of(deepest->context),
      fmt::format("{} (docs/operations.schema.json); fix the file", deepest->description)};
}

}  // namespace keel::ops
