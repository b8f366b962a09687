// PostgreSQL inspector: the order of the capture, and the catalog reads for
// schemas, collations, relations and columns.
#include <fmt/format.h>

#include <algorithm>
#include <string>
#include <unordered_map>

#include "dialects/postgres/catalog.h"
#include "dialects/postgres/driver.h"
#include "util/quote.h"

namespace keel::pg {
namespace {

const std::string kEmpty;

// {keel}: keel's own schema (driver().keel.schema), left out with the system ones.
constexpr std::string_view kNamespaces = R"sql(
SELECT n.oid, n.nspname, d.description
FROM pg_namespace n
LEFT JOIN pg_description d
  ON d.classoid = 'pg_namespace'::regclass AND d.objoid = n.oid AND d.objsubid = 0
WHERE n.nspname NOT IN ('pg_catalog', 'information_schema', {keel})
  AND n.nspname NOT LIKE 'pg\_toast%' AND n.nspname NOT LIKE 'pg\_temp\_%'
  AND NOT EXISTS (SELECT 1 FROM pg_depend e
                  WHERE e.classid = 'pg_namespace'::regclass AND e.objid = n.oid
                    AND e.deptype = 'e'))sql";

// Objects that belong to an extension are left out.
constexpr std::string_view kExtensionMembers = R"sql(
SELECT CASE e.classid WHEN 'pg_class'::regclass THEN 'c' WHEN 'pg_proc'::regclass THEN 'p'
                      WHEN 'pg_type'::regclass THEN 't' WHEN 'pg_collation'::regclass THEN 'l'
                      ELSE 'o' END, e.objid
FROM pg_depend e
WHERE e.refclassid = 'pg_extension'::regclass AND e.deptype = 'e')sql";

constexpr std::string_view kCollations = R"sql(
SELECT c.oid, quote_ident(n.nspname) || '.' || quote_ident(c.collname), c.collprovider,
       c.collcollate, c.collctype, c.colliculocale, c.collversion, c.collnamespace, c.collname,
       c.collisdeterministic, d.description
FROM pg_collation c JOIN pg_namespace n ON n.oid = c.collnamespace
LEFT JOIN pg_description d
  ON d.classoid = 'pg_collation'::regclass AND d.objoid = c.oid AND d.objsubid = 0)sql";

// Partition bounds hold no column references, so they are deparsed without
// opening the table (relid 0).
constexpr std::string_view kRelations = R"sql(
SELECT c.oid, c.relnamespace, n.nspname, c.relname,
       quote_ident(n.nspname) || '.' || quote_ident(c.relname), c.relkind, c.relpersistence,
       c.relrowsecurity, c.relforcerowsecurity, c.relispartition,
       CASE WHEN c.relkind = 'p' THEN pg_get_partkeydef(c.oid) END,
       CASE WHEN c.relispartition THEN pg_get_expr(c.relpartbound, 0) END,
       array_to_string(c.reloptions, E'\x1f'),
       NULL, -- view definitions: kViews
       d.description,
       CASE WHEN c.reloftype <> 0 THEN format_type(c.reloftype, NULL) END, c.relreplident,
       array_to_string(tc.reloptions, E'\x1f'), c.relispopulated
FROM pg_class c
JOIN pg_namespace n ON n.oid = c.relnamespace
LEFT JOIN pg_class tc ON tc.oid = c.reltoastrelid
LEFT JOIN pg_description d
  ON d.classoid = 'pg_class'::regclass AND d.objoid = c.oid AND d.objsubid = 0
WHERE c.oid >= 16384 AND c.relkind IN ('r', 'p', 'f', 'v', 'm', 'c'))sql";

// Deparsing a view opens the tables it reads: a separate, later read, so
// the relation list arrives first.
constexpr std::string_view kViews = R"sql(
SELECT c.oid, pg_get_viewdef(c.oid, true) FROM pg_class c
WHERE c.oid >= 16384 AND c.relkind IN ('v', 'm'))sql";

// Views' own column properties: comments, and defaults (views only; a
// default holds no column reference, so it is deparsed without the view).
constexpr std::string_view kViewColumns = R"sql(
SELECT a.attrelid, a.attname, d.description,
       CASE WHEN ad.oid IS NOT NULL THEN pg_get_expr(ad.adbin, 0) END
FROM pg_attribute a
JOIN pg_class c ON c.oid = a.attrelid
LEFT JOIN pg_attrdef ad ON ad.adrelid = a.attrelid AND ad.adnum = a.attnum
LEFT JOIN pg_description d
  ON d.classoid = 'pg_class'::regclass AND d.objoid = a.attrelid AND d.objsubid = a.attnum
WHERE c.oid >= 16384 AND c.relkind IN ('v', 'm') AND a.attnum > 0 AND NOT a.attisdropped
  AND (d.description IS NOT NULL OR ad.oid IS NOT NULL))sql";

constexpr std::string_view kInherits = R"sql(
SELECT i.inhrelid, i.inhparent FROM pg_inherits i
WHERE i.inhrelid >= 16384 ORDER BY i.inhrelid, i.inhseqno)sql";

// Defaults cannot reference columns, so each distinct default (by the hash
// of its tree) is deparsed once, without opening a table: columns carry the
// hash and the pg_attrdef row to deparse. Generated expressions do reference
// columns, and are rare.

// Quoted names are sent only when they differ from the name.
constexpr std::string_view kColumns = R"sql(
SELECT a.attrelid, a.attnum, a.attname, NULLIF(quote_ident(a.attname), a.attname),
       a.atttypid, a.atttypmod, a.attnotnull, a.attidentity, a.attgenerated,
       CASE WHEN a.attgenerated = '' THEN hashtextextended(ad.adbin::text, 0) END, ad.oid,
       CASE WHEN a.attgenerated <> '' THEN pg_get_expr(ad.adbin, ad.adrelid) END,
       a.attcollation, t.typcollation, d.description,
       NULLIF(a.attstorage, t.typstorage), t.typstorage, a.attcompression, a.attstattarget,
       array_to_string(a.attoptions, E'\x1f')
FROM pg_attribute a
JOIN pg_class c ON c.oid = a.attrelid
JOIN pg_type t ON t.oid = a.atttypid
LEFT JOIN pg_attrdef ad ON ad.adrelid = a.attrelid AND ad.adnum = a.attnum
LEFT JOIN pg_description d
  ON d.classoid = 'pg_class'::regclass AND d.objoid = a.attrelid AND d.objsubid = a.attnum
WHERE a.attrelid >= 16384 AND a.attnum > 0 AND NOT a.attisdropped
  AND c.relkind IN ('r', 'p', 'f', 'c', 'm'))sql";

std::string storage_name(char code) {
  switch (code) {
    case 'p':
      return "plain";
    case 'e':
      return "external";
    case 'm':
      return "main";
    case 'x':
      return "extended";
    default:
      return {};
  }
}

std::string replica_identity(char code) {
  switch (code) {
    case 'n':
      return "nothing";
    case 'f':
      return "full";
    case 'i':
      return "index";  // the index's name is added by load_indexes
    default:
      return {};
  }
}

std::string table_kind(char relkind) {
  switch (relkind) {
    case 'p':
      return "partitioned table";
    case 'f':
      return "foreign table";
    default:
      return "table";
  }
}

template <typename T>
void put(std::vector<T>& v, int index, T value) {
  if (index < 0) return;
  if (static_cast<size_t>(index) >= v.size()) v.resize(index + 1);
  v[index] = std::move(value);
}

}  // namespace

const std::string& Rel::attname(int attnum) const {
  return attnum > 0 && static_cast<size_t>(attnum) < attnames.size() ? attnames[attnum] : kEmpty;
}

const std::string& Rel::attquote(int attnum) const {
  return attnum > 0 && static_cast<size_t>(attnum) < attquoted.size() ? attquoted[attnum] : kEmpty;
}

model::Schema* Catalog::schema(uint32_t nsp_oid) {
  auto it = schemas.find(nsp_oid);
  return it == schemas.end() ? nullptr : &db.schemas[it->second];
}

Rel* Catalog::rel(uint32_t oid) {
  auto it = rels.find(oid);
  return it == rels.end() || !it->second.kept ? nullptr : &it->second;
}

Rel* Catalog::any_rel(uint32_t oid) {
  auto it = rels.find(oid);
  return it == rels.end() ? nullptr : &it->second;
}

void Catalog::request_type(uint32_t oid, int32_t typmod, std::string* out) {
  type_requests[{oid, typmod}].push_back(out);
}

std::vector<int> parse_int_list(std::string_view text) {
  std::vector<int> out;
  size_t i = 0;
  while (i < text.size()) {
    if (text[i] == '-' || (text[i] >= '0' && text[i] <= '9')) {
      int value = 0;
      auto [end, ec] = std::from_chars(text.data() + i, text.data() + text.size(), value);
      out.push_back(value);
      i = end - text.data();
      if (ec != std::errc()) ++i;
    } else {
      ++i;
    }
  }
  return out;
}

std::vector<std::string> split(std::string_view text, char sep) {
  std::vector<std::string> out;
  if (text.empty()) return out;
  size_t start = 0;
  while (true) {
    size_t pos = text.find(sep, start);
    out.emplace_back(text.substr(start, pos == std::string_view::npos ? pos : pos - start));
    if (pos == std::string_view::npos) break;
    start = pos + 1;
  }
  return out;
}

std::string join(const std::vector<std::string>& parts, std::string_view sep) {
  std::string out;
  for (size_t i = 0; i < parts.size(); ++i) {
    if (i > 0) out += sep;
    out += parts[i];
  }
  return out;
}

std::string sorted_options(std::string_view joined) {
  std::vector<std::string> parts = split(joined, '\x1f');
  std::sort(parts.begin(), parts.end());
  return join(parts, ", ");
}

Result<void> load_namespaces(Catalog& cat) {
  if (auto r = cat.snap.each_row(kExtensionMembers,
                                 [&](const Row& row) {
                                   switch (row.ch(0)) {
                                     case 'c':
                                       cat.ext_rels.insert(row.oid(1));
                                       break;
                                     case 'p':
                                       cat.ext_procs.insert(row.oid(1));
                                       break;
                                     case 't':
                                       cat.ext_types.insert(row.oid(1));
                                       break;
                                     case 'l':
                                       cat.ext_collations.insert(row.oid(1));
                                       break;
                                     default:
                                       break;
                                   }
                                 });
      !r) {
    return r;
  }
  const std::string namespaces =
      fmt::format(fmt::runtime(kNamespaces), fmt::arg("keel", quote_literal(driver().keel.schema)));
  return cat.snap.each_row(namespaces, [&](const Row& row) {
    std::string name = row.str(1);
    cat.db.schemas[name].comment = row.str(2);
    cat.schemas.emplace(row.oid(0), std::move(name));
  });
}

Result<void> load_collations(Catalog& cat) {
  return cat.snap.each_row(kCollations, [&](const Row& row) {
    uint32_t oid = row.oid(0);
    cat.collations.emplace(
        oid, CollationName{row.str(1), row.ch(2), row.str(3), row.str(4), row.str(5), row.str(6)});
    // Those created after initdb in a kept schema are objects of the model.
    model::Schema* schema = oid >= 16384 ? cat.schema(row.oid(7)) : nullptr;
    if (schema == nullptr || cat.ext_collations.contains(oid)) return;
    model::Collation& c = schema->collations[row.str(8)];
    char provider = row.ch(2);
    c.provider = provider == 'i' ? "icu" : provider == 'c' ? "libc" : "default";
    if (provider == 'i') {
      c.locale = row.str(5);
    } else {
      c.locale = row.str(3);
      if (row.str(4) != row.str(3)) c.locale += " / " + row.str(4);
    }
    c.deterministic = row.boolean(9);
    c.comment = row.str(10);
  });
}

Result<void> load_relations(Catalog& cat) {
  if (auto r = cat.snap.each_row(kRelations,
                                 [&](const Row& row) {
                                   uint32_t oid = row.oid(0);
                                   Rel& rel = cat.rels[oid];
                                   rel.schema = row.str(2);
                                   rel.name = row.str(3);
                                   rel.quoted = row.str(4);
                                   rel.kind = row.ch(5);
                                   rel.is_partition = row.boolean(9);
                                   model::Schema* schema = cat.schema(row.oid(1));
                                   rel.kept = schema != nullptr && !cat.ext_rels.contains(oid);
                                   if (!rel.kept) return;
                                   rel.comment = row.str(14);
                                   switch (rel.kind) {
                                     case 'r':
                                     case 'p':
                                     case 'f': {
                                       model::Table& t = schema->tables[rel.name];
                                       t.kind = table_kind(rel.kind);
                                       t.persistence = row.ch(6) == 'u' ? "unlogged" : "permanent";
                                       t.rls_enabled = row.boolean(7);
                                       t.rls_forced = row.boolean(8);
                                       t.partition_key = row.str(10);
                                       t.partition_bound = row.str(11);
                                       t.options = sorted_options(row.view(12));
                                       t.comment = rel.comment;
                                       t.of_type = row.str(15);
                                       t.replica_identity = replica_identity(row.ch(16));
                                       t.toast_options = sorted_options(row.view(17));
                                       rel.table = &t;
                                       break;
                                     }
                                     case 'v':
                                     case 'm': {
                                       model::View& v = schema->views[rel.name];
                                       v.materialized = rel.kind == 'm';
                                       v.options = sorted_options(row.view(12));
                                       v.comment = rel.comment;
                                       v.with_no_data = v.materialized && !row.boolean(18);
                                       rel.view = &v;
                                       break;
                                     }
                                     default:
                                       break;  // composite types: objects.cc
                                   }
                                 });
      !r) {
    return r;
  }
  return cat.snap.each_row(kInherits, [&](const Row& row) {
    Rel* child = cat.rel(row.oid(0));
    Rel* parent = cat.any_rel(row.oid(1));
    if (child == nullptr || child->table == nullptr || parent == nullptr) return;
    std::string name = parent->schema + "." + parent->name;
    if (child->is_partition) {
      child->table->parent = std::move(name);
    } else {
      child->table->inherits.push_back(std::move(name));
    }
  });
}

Result<void> load_columns(Catalog& cat) {
  std::unordered_map<std::string, uint32_t> default_rows;  // tree hash -> one pg_attrdef row
  std::vector<std::pair<model::Column*, std::string>> pending_defaults;
  if (auto r = cat.snap.each_row(
          kColumns,
          [&](const Row& row) {
            Rel* rel = cat.any_rel(row.oid(0));
            if (rel == nullptr) return;
            int attnum = static_cast<int>(row.int64(1));
            put(rel->attnames, attnum, row.str(2));
            put(rel->attquoted, attnum, row.is_null(3) ? row.str(2) : row.str(3));
            uint32_t collation = row.oid(12);
            put(rel->attcollation, attnum, collation);
            if (!rel->kept) return;
            bool own_collation = collation != 0 && collation != row.oid(13);
            if (collation != 0) cat.collations_in_use.insert(collation);
            auto collation_name = [&]() -> std::string {
              if (!own_collation) return {};
              auto it = cat.collations.find(collation);
              return it == cat.collations.end() ? std::to_string(collation) : it->second.qualified;
            };
            auto typmod = static_cast<int32_t>(row.int64(5));
            if (rel->table != nullptr) {
              model::Column& c = rel->table->columns[row.str(2)];
              c.position = attnum;  // renumbered among live columns below
              cat.request_type(row.oid(4), typmod, &c.type);
              c.not_null = row.boolean(6);
              char identity = row.ch(7);
              c.identity = identity == 'a' ? "always" : identity == 'd' ? "by default" : "";
              if (!row.is_null(9)) {
                default_rows.try_emplace(row.str(9), row.oid(10));
                pending_defaults.emplace_back(&c, row.str(9));
              }
              c.generated = row.str(11);
              c.collation = collation_name();
              c.comment = row.str(14);
              c.storage = storage_name(row.ch(15));
              if (!c.storage.empty()) c.default_storage = storage_name(row.ch(16));
              char compression = row.ch(17);
              c.compression = compression == 'p' ? "pglz" : compression == 'l' ? "lz4" : "";
              c.statistics = row.int64(18);
              c.options = sorted_options(row.view(19));
            } else if (rel->composite != nullptr) {
              rel->attributes.push_back(
                  {attnum, model::CompositeAttribute{row.str(2), {}, collation_name()}, row.oid(4),
                   typmod});
            }
          });
      !r) {
    return r;
  }
  if (!default_rows.empty()) {
    std::string oids;
    std::unordered_map<uint32_t, std::string> hash_of;
    for (const auto& [hash, oid] : default_rows) {
      if (!oids.empty()) oids += ',';
      oids += std::to_string(oid);
      hash_of.emplace(oid, hash);
    }
    std::unordered_map<std::string, std::string> exprs;
    if (auto r = cat.snap.each_row(
            "SELECT oid, pg_get_expr(adbin, 0) FROM pg_attrdef WHERE oid = ANY('{" + oids +
                "}'::oid[])",
            [&](const Row& row) { exprs.emplace(hash_of[row.oid(0)], row.str(1)); });
        !r) {
      return r;
    }
    for (auto& [column, hash] : pending_defaults) column->default_expr = exprs[hash];
  }
  // Positions count live columns only, so holes left by dropped ones vanish;
  // composite attributes are put in attnum order.
  for (auto& [oid, rel] : cat.rels) {
    if (rel.table != nullptr) {
      std::vector<model::Column*> columns;
      for (auto& [name, column] : rel.table->columns) columns.push_back(&column);
      std::sort(columns.begin(), columns.end(),
                [](auto* a, auto* b) { return a->position < b->position; });
      for (size_t i = 0; i < columns.size(); ++i) columns[i]->position = static_cast<int>(i + 1);
    } else if (rel.composite != nullptr) {
      std::sort(rel.attributes.begin(), rel.attributes.end(),
                [](const auto& a, const auto& b) { return a.attnum < b.attnum; });
      auto& out = rel.composite->attributes;
      out.clear();
      for (auto& pending : rel.attributes) out.push_back(std::move(pending.attribute));
      for (size_t i = 0; i < out.size(); ++i) {
        cat.request_type(rel.attributes[i].type, rel.attributes[i].typmod, &out[i].type);
      }
    }
  }
  return {};
}

Result<void> load_view_definitions(Catalog& cat) {
  if (auto r = cat.snap.each_row(kViews,
                                 [&](const Row& row) {
                                   Rel* rel = cat.rel(row.oid(0));
                                   if (rel != nullptr && rel->view != nullptr)
                                     rel->view->definition = row.str(1);
                                 });
      !r) {
    return r;
  }
  return cat.snap.each_row(kViewColumns, [&](const Row& row) {
    Rel* rel = cat.rel(row.oid(0));
    if (rel == nullptr || rel->view == nullptr) return;
    if (!row.is_null(2)) rel->view->column_comments[row.str(1)] = row.str(2);
    if (!row.is_null(3)) rel->view->column_defaults[row.str(1)] = row.str(3);
  });
}

Result<void> inspect(Snapshot& snap, const CaptureOptions& options, Manifest& manifest) {
  manifest.dialect = driver().name;
  if (auto r = load_server_and_settings(snap, options, manifest); !r) return r;
  if (manifest.server.major < 15) {
    return fail(ErrorCode::kUnsupported,
                "keel reads PostgreSQL 15 and later; this server is " + manifest.server.version);
  }
  // From here on every name the server renders is schema-qualified,
  // whatever the environment's search_path is, and every constant it
  // deparses (defaults, CHECKs, views, index predicates) or prints is written
  // in one format, whatever the client (PGTZ, PGDATESTYLE, PGOPTIONS,
  // PGCLIENTENCODING) or ALTER DATABASE/ROLE ... SET chose: the settings
  // pg_dump pins, plus lc_monetary (money constants) and client_encoding (names
  // as UTF-8 bytes). SET LOCAL, so the session (a migration run's, in keel
  // plan) keeps its own settings after the transaction; the settings the
  // manifest reports were read above, before this. Parallel workers would
  // each start with cold catalog caches and cost more than they save.
  static constexpr std::string_view kSetup =
      "SET LOCAL search_path = pg_catalog; SET LOCAL DateStyle = 'ISO, MDY'; "
      "SET LOCAL IntervalStyle = postgres; SET LOCAL TimeZone = 'UTC'; "
      "SET LOCAL bytea_output = hex; SET LOCAL extra_float_digits = 3; "
      "SET LOCAL quote_all_identifiers = off; SET LOCAL standard_conforming_strings = on; "
      "SET LOCAL lc_monetary = 'C'; SET LOCAL client_encoding = 'UTF8'; "
      "SET LOCAL max_parallel_workers_per_gather = 0; "
      "SET LOCAL jit = off; SET LOCAL work_mem = '64MB'";
  if (auto r = snap.each_row(kSetup, [](const Row&) {}); !r) return r;
  Catalog cat(snap, manifest);
  if (auto r = load_stand_in(cat); !r) return r;
  // The bulk reads run in two more sessions, balanced by their cost at
  // 10,000 tables, while this thread builds the model from finished ones.
  std::vector<std::string> columns = {std::string(kColumns)};
  std::vector<std::string> rest = {std::string(kRelations), std::string(kInherits)};
  for (auto* part : {type_queries, index_queries, rare_object_queries}) {
    for (std::string& sql : part()) rest.push_back(std::move(sql));
  }
  for (std::string& sql : constraint_queries(cat)) rest.push_back(std::move(sql));
  for (std::string& sql : object_queries()) rest.push_back(std::move(sql));
  rest.emplace_back(kViews);
  rest.emplace_back(kViewColumns);
  snap.prefetch(kSetup, {columns, rest});
  for (auto* step : {load_namespaces, load_collations, load_relations, load_types, load_columns,
                     load_indexes, load_constraints, load_triggers_and_policies,
                     load_view_definitions, load_sequences, load_functions, load_extensions,
                     load_rare_objects, resolve_types, load_collation_versions}) {
    if (auto r = step(cat); !r) return r;
  }
  return {};
}

}  // namespace keel::pg
