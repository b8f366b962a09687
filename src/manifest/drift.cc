// Comparing two manifests: every difference named by category, object,
// property, expected and actual value.
//
// The schema part is compared on its canonical JSON, walked generically: keys
// that hold collections ("tables", "columns", ...) contribute to object names
// ("public.users.email"), every other key is a property. A new field in the
// model is therefore compared without any change here.
#include <fmt/format.h>

#include <algorithm>
#include <set>

#include "keel/canonical.h"
#include "keel/drift.h"
#include "util/quote.h"

namespace keel {
namespace {

using nlohmann::json;

// Collection key -> the kind of object its members are.
const std::map<std::string, std::string>& collections() {
  static const std::map<std::string, std::string> kCollections = {
      {"schemas", "schema"},
      {"tables", "table"},
      {"columns", "column"},
      {"constraints", "constraint"},
      {"indexes", "index"},
      {"triggers", "trigger"},
      {"policies", "policy"},
      {"views", "view"},
      {"sequences", "sequence"},
      {"functions", "function"},
      {"types", "type"},
      {"extensions", "extension"},
      {"checks", "domain constraint"},
      {"statistics_objects", "statistics"},
      {"rules", "rule"},
      {"publications", "publication"},
      {"event_triggers", "event trigger"},
      {"casts", "cast"},
      {"collations", "collation"},
  };
  return kCollections;
}

// `other` is the value on the other side: the canonical form leaves defaults
// out, so an absent boolean is the negation of a present one, an absent list
// is empty, and an absent text is none.
std::string render(const json* value, const json* other = nullptr) {
  if (value == nullptr || value->is_null()) {
    if (other != nullptr && other->is_boolean()) return other->get<bool>() ? "false" : "true";
    if (other != nullptr && other->is_array()) return "[]";
    if (other != nullptr && other->is_number()) return "(default)";
    return "(none)";
  }
  if (value->is_string()) return value->get<std::string>();
  return value->dump(-1, ' ', false, json::error_handler_t::replace);
}

std::set<std::string> key_union(const json& a, const json& b) {
  std::set<std::string> keys;
  if (a.is_object())
    for (const auto& [k, v] : a.items()) keys.insert(k);
  if (b.is_object())
    for (const auto& [k, v] : b.items()) keys.insert(k);
  return keys;
}

const json* member(const json& j, const std::string& key) {
  if (!j.is_object()) return nullptr;
  auto it = j.find(key);
  return it == j.end() ? nullptr : &*it;
}

// A member's key as printed: names that need quotes get them, so that
// table "a.b" column e reads "public."a.b".e", apart from public.a.b.e.
// Functions are keyed "name(identity arguments)": the arguments are already
// the server's SQL, only the name is quoted.
std::string display_member(const std::string& kind, const std::string& key) {
  if (kind == "function" && key.ends_with(')')) {
    // The '(' that opens the argument list: the one balancing the final ')',
    // skipping quoted type names in the arguments.
    int depth = 0;
    bool quoted = false;
    for (size_t i = key.size(); i-- > 0;) {
      char c = key[i];
      if (c == '"') quoted = !quoted;
      if (quoted) continue;
      if (c == ')') ++depth;
      if (c == '(' && --depth == 0) {
        return display_identifier(std::string_view(key).substr(0, i)) + key.substr(i);
      }
    }
  }
  return display_identifier(key);
}

struct SchemaWalker {
  std::vector<Difference>& out;

  void object(const json& expected, const json& actual, const std::string& name,
              const std::string& kind, const std::string& category, const std::string& prefix) {
    for (const auto& key : key_union(expected, actual)) {
      // Kept beside `storage` only to set it back: its difference is storage's.
      if (key == "default_storage") continue;
      const json* e = member(expected, key);
      const json* a = member(actual, key);
      auto coll = collections().find(key);
      bool is_collection = coll != collections().end() && prefix.empty() &&
                           ((e && e->is_object()) || (a && a->is_object()));
      if (is_collection) {
        std::string member_category = key == "extensions" ? "extensions" : category;
        collection(e ? *e : json::object(), a ? *a : json::object(), name, coll->second,
                   member_category);
      } else if ((!e || e->is_object()) && (!a || a->is_object())) {
        // A property holding names and values (dialect_options): each name
        // compared apart, one side absent meaning none of them.
        object(e ? *e : json::object(), a ? *a : json::object(), name, kind, category,
               prefix + key + ".");
      } else if (!e || !a || *e != *a) {
        out.push_back({category, name, kind, prefix + key, render(e, a), render(a, e), false});
      }
    }
  }

  void collection(const json& expected, const json& actual, const std::string& owner,
                  const std::string& kind, const std::string& category) {
    for (const auto& key : key_union(expected, actual)) {
      const json* e = member(expected, key);
      const json* a = member(actual, key);
      std::string part = display_member(kind, key);
      std::string name = owner.empty() ? part : owner + "." + part;
      if (!a) {
        out.push_back({category, name, kind, "presence", "present", "missing", false});
      } else if (!e) {
        out.push_back({category, name, kind, "presence", "absent", "present", false});
      } else if (e->is_object() && a->is_object()) {
        object(*e, *a, name, kind, category, "");
      } else if (*e != *a) {
        out.push_back({category, name, kind, "definition", render(e), render(a), false});
      }
    }
  }
};

void compare_values(std::vector<Difference>& out, const std::string& category,
                    const std::string& object, const std::string& kind, const std::string& property,
                    const std::string& expected, const std::string& actual, bool info = false) {
  if (expected != actual) out.push_back({category, object, kind, property, expected, actual, info});
}

void compare_server(const Manifest& e, const Manifest& a, const DriftOptions& options,
                    std::vector<Difference>& out) {
  const std::string category = "server version";
  compare_values(out, category, "server", "server", "product", e.server.product, a.server.product);
  compare_values(out, category, "server", "server", "major version", std::to_string(e.server.major),
                 std::to_string(a.server.major));
  if (e.server.major == a.server.major && e.server.version != a.server.version) {
    compare_values(out, category, "server", "server", "version", e.server.version, a.server.version,
                   !options.strict_server_version);
  }
}

void compare_encoding(const Manifest& e, const Manifest& a, std::vector<Difference>& out) {
  const std::string category = "encoding/collation";
  const auto& ee = e.encoding;
  const auto& ae = a.encoding;
  compare_values(out, category, "database", "database", "encoding", ee.encoding, ae.encoding);
  compare_values(out, category, "database", "database", "lc_collate", ee.collate, ae.collate);
  compare_values(out, category, "database", "database", "lc_ctype", ee.ctype, ae.ctype);
  compare_values(out, category, "database", "database", "locale_provider", ee.locale_provider,
                 ae.locale_provider);
  std::set<std::string> names;
  for (const auto& [n, c] : ee.collations) names.insert(n);
  for (const auto& [n, c] : ae.collations) names.insert(n);
  for (const auto& name : names) {
    auto ei = ee.collations.find(name);
    auto ai = ae.collations.find(name);
    if (ai == ae.collations.end()) {
      out.push_back({category, name, "collation", "in use", "yes", "no", false});
      continue;
    }
    if (ei == ee.collations.end()) {
      out.push_back({category, name, "collation", "in use", "no", "yes", false});
      continue;
    }
    compare_values(out, category, name, "collation", "provider", ei->second.provider,
                   ai->second.provider);
    compare_values(out, category, name, "collation", "collate", ei->second.collate,
                   ai->second.collate);
    compare_values(out, category, name, "collation", "ctype", ei->second.ctype, ai->second.ctype);
    compare_values(out, category, name, "collation", "library version", ei->second.actual_version,
                   ai->second.actual_version);
  }
  // Within the checked environment: an index built under another collation
  // library version may be corrupt. Not drift between environments, but said.
  for (const auto& [name, c] : ae.collations) {
    if (c.recorded_version != c.actual_version) {
      out.push_back({category, name, "collation", "recorded version (REINDEX needed)",
                     c.actual_version, c.recorded_version, true});
    }
  }
}

void compare_settings(const Manifest& e, const Manifest& a, std::vector<Difference>& out) {
  std::set<std::string> scopes;
  for (const auto& [s, m] : e.settings) scopes.insert(s);
  for (const auto& [s, m] : a.settings) scopes.insert(s);
  static const std::map<std::string, std::string> kEmpty;
  for (const auto& scope : scopes) {
    auto ei = e.settings.find(scope);
    auto ai = a.settings.find(scope);
    const auto& em = ei == e.settings.end() ? kEmpty : ei->second;
    const auto& am = ai == a.settings.end() ? kEmpty : ai->second;
    std::set<std::string> names;
    for (const auto& [n, v] : em) names.insert(n);
    for (const auto& [n, v] : am) names.insert(n);
    for (const auto& name : names) {
      auto ev = em.find(name);
      auto av = am.find(name);
      std::string expected = ev == em.end() ? "(not set)" : ev->second;
      std::string actual = av == am.end() ? "(not set)" : av->second;
      std::string object = scope == "server" ? name : fmt::format("{} {}", scope, name);
      compare_values(out, "settings", object, "setting", "value", expected, actual);
    }
  }
}

void compare_index_stats(const Manifest& e, const Manifest& a, std::vector<Difference>& out) {
  for (const auto& [name, es] : e.index_statistics) {
    auto it = a.index_statistics.find(name);
    if (it == a.index_statistics.end()) continue;  // the schema comparison names it
    const auto& as = it->second;
    compare_values(out, "statistics", name, "index", "size_bytes", std::to_string(es.size_bytes),
                   std::to_string(as.size_bytes));
    compare_values(out, "statistics", name, "index", "reltuples", fmt::format("{}", es.reltuples),
                   fmt::format("{}", as.reltuples));
    compare_values(out, "statistics", name, "index", "idx_scan", std::to_string(es.idx_scan),
                   std::to_string(as.idx_scan));
  }
}

}  // namespace

Result<void> check_same_dialect(const Manifest& expected, const Manifest& actual,
                                const std::string& expected_label,
                                const std::string& actual_label) {
  if (expected.dialect == actual.dialect) return {};
  auto name = [](const std::string& dialect) {
    return dialect.empty() ? std::string("of no dialect") : "a " + dialect + " schema";
  };
  return fail(
      ErrorCode::kUsage,
      fmt::format("{} is {} and {} is {}: keel compares schemas of one dialect; compare "
                  "with a manifest or database of the same dialect",
                  actual_label, name(actual.dialect), expected_label, name(expected.dialect)));
}

namespace {

// Columns' positions, named as one difference per table: the order of the
// columns both sides have, when it differs ("column order": "id, name, email"
// -> "id, email, name"). A position that moved only because a column is
// missing or added on one side is that column's difference, not an order one.
// Info when column order is ignored ([baseline] column_order = "ignore").
void compare_column_order(const model::Database& e, const model::Database& a, bool ignore,
                          std::vector<Difference>& out) {
  std::erase_if(out, [](const Difference& d) {
    return d.category == "schema" && d.kind == "column" && d.property == "position";
  });
  auto order = [](const model::Table& t, const model::Table& other) {
    std::vector<std::pair<int, std::string>> cols;
    for (const auto& [name, c] : t.columns) {
      if (other.columns.contains(name)) cols.emplace_back(c.position, name);
    }
    std::sort(cols.begin(), cols.end());
    std::string text;
    for (const auto& [position, name] : cols) {
      text += (text.empty() ? "" : ", ") + display_identifier(name);
    }
    return text;
  };
  for (const auto& [sname, s] : e.schemas) {
    auto other = a.schemas.find(sname);
    if (other == a.schemas.end()) continue;
    for (const auto& [tname, t] : s.tables) {
      auto it = other->second.tables.find(tname);
      if (it == other->second.tables.end()) continue;
      std::string want = order(t, it->second), have = order(it->second, t);
      if (want != have) {
        out.push_back({"schema", display_identifier(sname) + "." + display_identifier(tname),
                       "table", "column order", want, have, ignore});
      }
    }
  }
}

}  // namespace

std::vector<Difference> compare_manifests(const Manifest& expected, const Manifest& actual,
                                          const DriftOptions& options) {
  std::vector<Difference> out;
  compare_server(expected, actual, options, out);
  compare_encoding(expected, actual, out);
  compare_settings(expected, actual, out);
  json e = model::to_canonical_json(expected.schema);
  json a = model::to_canonical_json(actual.schema);
  SchemaWalker{out}.object(e["schema"], a["schema"], "", "database", "schema", "");
  compare_column_order(expected.schema, actual.schema,
                       options.ignore_column_order || expected.schema.ignore_column_order ||
                           actual.schema.ignore_column_order,
                       out);
  if (options.include_index_stats) compare_index_stats(expected, actual, out);
  return out;
}

size_t drift_count(const std::vector<Difference>& differences) {
  size_t n = 0;
  for (const auto& d : differences) n += d.info ? 0 : 1;
  return n;
}

}  // namespace keel
