// PostgreSQL dialect, internal: what the inspector knows while it reads the
// catalogs of one snapshot. inspect.cc, constraints.cc, objects.cc and
// settings.cc share it.
//
// Why it works this way: building a relation's relcache entry costs the server
// ~0.1 ms, so any catalog function that opens a table (pg_get_indexdef,
// pg_get_constraintdef, pg_get_expr with a table, pg_relation_size) is too
// slow for 10,000 tables. The inspector reads raw catalog rows in one bulk
// query per object kind and renders the simple definitions itself; it asks the
// server to deparse only what it must (expressions), and without opening the
// table where it can.
#pragma once

#include <cstdint>
#include <map>
#include <set>
#include <string>
#include <string_view>
#include <unordered_map>
#include <unordered_set>
#include <utility>
#include <vector>

#include "dialects/postgres/snapshot.h"
#include "keel/connection.h"
#include "keel/manifest.h"

namespace keel::pg {

// Objects at or above this OID were created after initdb.
inline constexpr std::string_view kFirstNormalOid = "16384";

// A relation (table, view, sequence, composite type) in a kept schema.
struct Rel {
  std::string schema;
  std::string name;
  std::string quoted;  // quote_ident(schema) || '.' || quote_ident(name)
  char kind = 0;
  bool kept = false;  // in a kept schema and not part of an extension
  bool is_partition = false;
  std::string comment;
  model::Table* table = nullptr;
  model::View* view = nullptr;
  model::Type* composite = nullptr;
  // Column names by attnum (index 0 unused), raw and quoted.
  std::vector<std::string> attnames;
  std::vector<std::string> attquoted;
  std::vector<uint32_t> attcollation;
  // Composite type attributes until they are sorted by attnum.
  struct PendingAttribute {
    int attnum = 0;
    model::CompositeAttribute attribute;
    uint32_t type = 0;
    int32_t typmod = -1;
  };
  std::vector<PendingAttribute> attributes;

  const std::string& attname(int attnum) const;
  const std::string& attquote(int attnum) const;
};

struct CollationName {
  std::string qualified;  // quote_ident(schema) || '.' || quote_ident(name)
  char provider = 0;
  std::string collate;
  std::string ctype;
  std::string icu_locale;
  std::string version;
};

// Index facts that constraint definitions reuse.
struct IndexFacts {
  std::vector<std::string> include_quoted;
  std::string options;  // as in a WITH (...) clause, quoted like the server does
  bool nulls_not_distinct = false;
};

struct Catalog {
  explicit Catalog(Snapshot& s, Manifest& m) : snap(s), manifest(m), db(m.schema) {}

  Snapshot& snap;
  Manifest& manifest;
  model::Database& db;

  std::unordered_map<uint32_t, std::string> schemas;  // kept namespaces
  std::unordered_set<uint32_t> ext_rels, ext_procs, ext_types, ext_collations;
  std::unordered_map<uint32_t, Rel> rels;
  std::unordered_map<uint32_t, CollationName> collations;
  std::unordered_map<uint32_t, IndexFacts> index_facts;
  std::set<uint32_t> collations_in_use;
  // pg_class's column names by attnum, standing in for a table's columns
  // when CHECK expressions are deparsed (constraints.cc).
  std::unordered_map<std::string, int> stand_in;
  std::string checks_sql;
  // Pending format_type() calls: (type oid, typmod) -> where to write.
  std::map<std::pair<uint32_t, int32_t>, std::vector<std::string*>> type_requests;

  model::Schema* schema(uint32_t nsp_oid);
  Rel* rel(uint32_t oid);      // kept relations only
  Rel* any_rel(uint32_t oid);  // also those of extensions and left-out schemas
  // Asks for format_type(oid, typmod) to be written to *out by resolve_types().
  void request_type(uint32_t oid, int32_t typmod, std::string* out);
};

// The statements that the parts below run in bulk, for Snapshot::prefetch().
// The CHECK query needs the stand-in columns (load_stand_in) first.
std::vector<std::string> index_queries();
std::vector<std::string> constraint_queries(const Catalog& cat);
std::vector<std::string> object_queries();
std::vector<std::string> type_queries();
std::vector<std::string> rare_object_queries();
Result<void> load_stand_in(Catalog& cat);

// Reads each part of the catalog; each runs one or two bulk queries.
Result<void> load_namespaces(Catalog& cat);
Result<void> load_collations(Catalog& cat);
Result<void> load_relations(Catalog& cat);
Result<void> load_columns(Catalog& cat);
Result<void> load_indexes(Catalog& cat);
Result<void> load_constraints(Catalog& cat);
Result<void> load_triggers_and_policies(Catalog& cat);
Result<void> load_view_definitions(Catalog& cat);
Result<void> load_sequences(Catalog& cat);
Result<void> load_functions(Catalog& cat);
Result<void> load_types(Catalog& cat);
Result<void> load_extensions(Catalog& cat);
Result<void> resolve_types(Catalog& cat);
Result<void> load_collation_versions(Catalog& cat);
// Extended statistics, rules, publications, event triggers, casts.
Result<void> load_rare_objects(Catalog& cat);

// Server version, encoding and settings; runs before search_path is pinned.
Result<void> load_server_and_settings(Snapshot& snap, const CaptureOptions& options,
                                      Manifest& manifest);

// The whole capture inside an open snapshot (called by connection.cc).
Result<void> inspect(Snapshot& snap, const CaptureOptions& options, Manifest& manifest);

// Helpers for catalog text.
std::vector<int> parse_int_list(std::string_view text);           // "{1,2}" or "1 2"
std::vector<std::string> split(std::string_view text, char sep);  // "" -> {}
std::string join(const std::vector<std::string>& parts, std::string_view sep);
// A trigger's, rule's or event trigger's enabled state ('O', 'D', 'R', 'A').
std::string enabled_state(char code);
// A sorted "k=v, k=v" from a text[] literal's elements joined by \x1f.
std::string sorted_options(std::string_view joined);
// The same, with values quoted as in pg_get_indexdef()'s WITH clause.
std::string with_clause(std::string_view joined);

}  // namespace keel::pg
