// PostgreSQL inspector: indexes and their statistics.
//
// Definitions of plain-column indexes are rendered here, in the shape of
// pg_get_indexdef(), from the raw pg_index row: pg_get_indexdef() builds the
// table's relcache entry, which costs more than the whole capture at 10,000
// tables. Indexes with expressions or a predicate are still deparsed by the
// server.
#include <algorithm>
#include <cctype>
#include <set>
#include <string>
#include <unordered_map>

#include "dialects/postgres/catalog.h"

namespace keel::pg {
namespace {

constexpr std::string_view kOpclasses = R"sql(
SELECT c.oid, CASE WHEN n.nspname = 'pg_catalog' THEN quote_ident(c.opcname)
                   ELSE quote_ident(n.nspname) || '.' || quote_ident(c.opcname) END,
       c.opcdefault
FROM pg_opclass c JOIN pg_namespace n ON n.oid = c.opcnamespace)sql";

// Sizes come from relpages: pg_relation_size() would open every index.
constexpr std::string_view kIndexes = R"sql(
SELECT i.indexrelid, i.indrelid, ic.relname, quote_ident(ic.relname), am.amname,
       i.indisunique, i.indisprimary, i.indnullsnotdistinct, i.indnkeyatts, i.indkey,
       i.indclass, i.indoption, i.indcollation, i.indisvalid, ic.relkind,
       array_to_string(ic.reloptions, E'\x1f'),
       CASE WHEN i.indexprs IS NOT NULL OR i.indpred IS NOT NULL
            THEN pg_get_indexdef(i.indexrelid) END,
       CASE WHEN i.indexprs IS NOT NULL
            THEN (SELECT string_agg(pg_get_indexdef(i.indexrelid, k, true), E'\x1f' ORDER BY k)
                  FROM generate_series(1, i.indnatts) k) END,
       CASE WHEN i.indpred IS NOT NULL THEN pg_get_expr(i.indpred, i.indrelid) END,
       ic.relpages::bigint * current_setting('block_size')::bigint, ic.reltuples,
       pg_stat_get_numscans(i.indexrelid), d.description, i.indisclustered, i.indisreplident
FROM pg_index i
JOIN pg_class ic ON ic.oid = i.indexrelid
JOIN pg_am am ON am.oid = ic.relam
LEFT JOIN pg_description d
  ON d.classoid = 'pg_class'::regclass AND d.objoid = i.indexrelid AND d.objsubid = 0
WHERE i.indrelid >= 16384 AND ic.relnamespace <> 'pg_toast'::regnamespace)sql";

struct Opclass {
  std::string name;
  bool is_default = false;
};

constexpr int kIndoptionDesc = 1;
constexpr int kIndoptionNullsFirst = 2;

}  // namespace

std::string with_clause(std::string_view joined) {
  std::vector<std::string> options = split(joined, '\x1f');
  std::sort(options.begin(), options.end());
  std::string out;
  for (const std::string& option : options) {
    size_t eq = option.find('=');
    std::string name = option.substr(0, eq);
    std::string value = eq == std::string::npos ? "" : option.substr(eq + 1);
    // As flatten_reloptions(): a value that is not a plain identifier is quoted.
    bool plain =
        !value.empty() && (std::islower(static_cast<unsigned char>(value[0])) || value[0] == '_');
    for (char c : value) {
      plain = plain && (std::islower(static_cast<unsigned char>(c)) ||
                        std::isdigit(static_cast<unsigned char>(c)) || c == '_');
    }
    static const std::set<std::string> kReserved = {"on", "true", "false", "null", "default"};
    plain = plain && !kReserved.contains(value);
    std::string quoted;
    for (char c : value) quoted += c == '\'' ? std::string("''") : std::string(1, c);
    out += (out.empty() ? "" : ", ") + name + "=" + (plain ? value : "'" + quoted + "'");
  }
  return out;
}

std::vector<std::string> index_queries() { return {std::string(kIndexes)}; }

Result<void> load_indexes(Catalog& cat) {
  std::unordered_map<uint32_t, Opclass> opclasses;
  if (auto r =
          cat.snap.each_row(kOpclasses,
                            [&](const Row& row) {
                              opclasses.emplace(row.oid(0), Opclass{row.str(1), row.boolean(2)});
                            });
      !r) {
    return r;
  }
  return cat.snap.each_row(kIndexes, [&](const Row& row) {
    Rel* rel = cat.rel(row.oid(1));
    if (rel == nullptr || (rel->table == nullptr && rel->view == nullptr)) return;
    std::string name = row.str(2);
    model::Index& index =
        rel->table != nullptr ? rel->table->indexes[name] : rel->view->indexes[name];
    index.method = row.str(4);
    index.unique = row.boolean(5);
    index.primary = row.boolean(6);
    index.valid = row.boolean(13);
    index.options = sorted_options(row.view(15));
    index.predicate = row.str(18);
    index.comment = row.str(22);
    if (rel->table != nullptr) {
      if (row.boolean(23)) rel->table->cluster_index = name;
      if (row.boolean(24) && rel->table->replica_identity == "index")
        rel->table->replica_identity = "index " + name;
    }

    auto nkey = static_cast<size_t>(row.int64(8));
    std::vector<int> keys = parse_int_list(row.view(9));
    std::vector<int> classes = parse_int_list(row.view(10));
    std::vector<int> options = parse_int_list(row.view(11));
    std::vector<int> collations = parse_int_list(row.view(12));
    IndexFacts& facts = cat.index_facts[row.oid(0)];
    facts.options = with_clause(row.view(15));
    facts.nulls_not_distinct = row.boolean(7);
    for (int c : collations) {
      if (c != 0) cat.collations_in_use.insert(static_cast<uint32_t>(c));
    }

    if (!row.is_null(16)) {
      // Expressions or a predicate: the server deparses them.
      index.definition = row.str(16);
      std::vector<std::string> columns = split(row.view(17), '\x1f');
      for (size_t k = 0; k < keys.size(); ++k) {
        std::string column = k < columns.size() ? columns[k] : rel->attname(keys[k]);
        (k < nkey ? index.columns : index.include).push_back(std::move(column));
        if (k >= nkey) facts.include_quoted.push_back(rel->attquote(keys[k]));
      }
    } else {
      std::string cols;
      for (size_t k = 0; k < nkey && k < keys.size(); ++k) {
        int attnum = keys[k];
        index.columns.push_back(rel->attname(attnum));
        if (k > 0) cols += ", ";
        cols += rel->attquote(attnum);
        auto collation = k < collations.size() ? static_cast<uint32_t>(collations[k]) : 0;
        uint32_t column_collation =
            static_cast<size_t>(attnum) < rel->attcollation.size() ? rel->attcollation[attnum] : 0;
        if (collation != 0 && collation != column_collation) {
          auto it = cat.collations.find(collation);
          cols += " COLLATE " +
                  (it == cat.collations.end() ? std::to_string(collation) : it->second.qualified);
        }
        if (k < classes.size()) {
          auto it = opclasses.find(static_cast<uint32_t>(classes[k]));
          if (it != opclasses.end() && !it->second.is_default) cols += " " + it->second.name;
        }
        int option = k < options.size() ? options[k] : 0;
        bool desc = (option & kIndoptionDesc) != 0;
        bool nulls_first = (option & kIndoptionNullsFirst) != 0;
        if (desc) cols += " DESC";
        if (desc && !nulls_first) cols += " NULLS LAST";
        if (!desc && nulls_first) cols += " NULLS FIRST";
      }
      for (size_t k = nkey; k < keys.size(); ++k) {
        index.include.push_back(rel->attname(keys[k]));
        facts.include_quoted.push_back(rel->attquote(keys[k]));
      }
      std::string def = index.unique ? "CREATE UNIQUE INDEX " : "CREATE INDEX ";
      def += row.view(3);
      def += row.ch(14) == 'I' ? " ON ONLY " : " ON ";
      def += rel->quoted + " USING " + index.method + " (" + cols + ")";
      if (!facts.include_quoted.empty())
        def += " INCLUDE (" + join(facts.include_quoted, ", ") + ")";
      if (row.boolean(7)) def += " NULLS NOT DISTINCT";
      if (!facts.options.empty()) def += " WITH (" + facts.options + ")";
      index.definition = std::move(def);
    }

    IndexStats& stats = cat.manifest.index_statistics[rel->schema + "." + name];
    stats.size_bytes = row.int64(19);
    stats.reltuples = row.real(20);
    stats.idx_scan = row.int64(21);
  });
}

}  // namespace keel::pg
