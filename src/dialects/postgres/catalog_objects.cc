// PostgreSQL inspector: the objects few schemas have, each read in one
// query — extended statistics and rewrite rules (members of tables and
// views), publications, event triggers and user-defined casts (database
// wide). Their definitions are deparsed by the server: they are rare enough
// that opening their tables costs nothing at scale.
#include <algorithm>
#include <string>
#include <unordered_map>

#include "dialects/postgres/catalog.h"

namespace keel::pg {
namespace {

constexpr std::string_view kStatistics = R"sql(
SELECT s.stxrelid, s.stxname, pg_get_statisticsobjdef(s.oid), s.stxstattarget, d.description
FROM pg_statistic_ext s
LEFT JOIN pg_description d
  ON d.classoid = 'pg_statistic_ext'::regclass AND d.objoid = s.oid AND d.objsubid = 0
WHERE s.stxrelid >= 16384)sql";

// A view's own SELECT rule is the view.
constexpr std::string_view kRules = R"sql(
SELECT r.ev_class, r.rulename, pg_get_ruledef(r.oid), r.ev_enabled, d.description
FROM pg_rewrite r
LEFT JOIN pg_description d
  ON d.classoid = 'pg_rewrite'::regclass AND d.objoid = r.oid AND d.objsubid = 0
WHERE r.ev_class >= 16384 AND r.rulename <> '_RETURN')sql";

constexpr std::string_view kPublications = R"sql(
SELECT p.oid, p.pubname, p.puballtables, p.pubinsert, p.pubupdate, p.pubdelete, p.pubtruncate,
       p.pubviaroot, d.description
FROM pg_publication p
LEFT JOIN pg_description d
  ON d.classoid = 'pg_publication'::regclass AND d.objoid = p.oid AND d.objsubid = 0)sql";

constexpr std::string_view kPublicationTables = R"sql(
SELECT pr.prpubid, quote_ident(n.nspname) || '.' || quote_ident(c.relname),
       (SELECT string_agg(quote_ident(a.attname), ', ' ORDER BY k.o)
        FROM unnest(pr.prattrs::int2[]) WITH ORDINALITY AS k(n, o)
        JOIN pg_attribute a ON a.attrelid = pr.prrelid AND a.attnum = k.n),
       pg_get_expr(pr.prqual, pr.prrelid)
FROM pg_publication_rel pr
JOIN pg_class c ON c.oid = pr.prrelid
JOIN pg_namespace n ON n.oid = c.relnamespace)sql";

constexpr std::string_view kPublicationSchemas = R"sql(
SELECT pn.pnpubid, quote_ident(n.nspname)
FROM pg_publication_namespace pn JOIN pg_namespace n ON n.oid = pn.pnnspid)sql";

constexpr std::string_view kEventTriggers = R"sql(
SELECT e.evtname, e.evtevent, quote_ident(n.nspname) || '.' || quote_ident(p.proname),
       array_to_string(e.evttags, E'\x1f'), e.evtenabled, d.description
FROM pg_event_trigger e
JOIN pg_proc p ON p.oid = e.evtfoid
JOIN pg_namespace n ON n.oid = p.pronamespace
LEFT JOIN pg_description d
  ON d.classoid = 'pg_event_trigger'::regclass AND d.objoid = e.oid AND d.objsubid = 0
WHERE NOT EXISTS (SELECT 1 FROM pg_depend x WHERE x.classid = 'pg_event_trigger'::regclass
                    AND x.objid = e.oid AND x.deptype = 'e'))sql";

constexpr std::string_view kCasts = R"sql(
SELECT format_type(c.castsource, NULL) || ' AS ' || format_type(c.casttarget, NULL),
       c.castmethod, CASE WHEN c.castfunc <> 0 THEN c.castfunc::regprocedure::text END,
       c.castcontext, d.description
FROM pg_cast c
LEFT JOIN pg_description d
  ON d.classoid = 'pg_cast'::regclass AND d.objoid = c.oid AND d.objsubid = 0
WHERE c.oid >= 16384
  AND NOT EXISTS (SELECT 1 FROM pg_depend x WHERE x.classid = 'pg_cast'::regclass
                    AND x.objid = c.oid AND x.deptype IN ('e', 'i')))sql";

Result<void> load_publications(Catalog& cat) {
  std::unordered_map<uint32_t, model::Publication*> by_oid;
  if (auto r = cat.snap.each_row(
          kPublications,
          [&](const Row& row) {
            model::Publication& p = cat.db.publications[row.str(1)];
            by_oid[row.oid(0)] = &p;
            p.all_tables = row.boolean(2);
            std::vector<std::string> ops;
            static const char* kOps[] = {"insert", "update", "delete", "truncate"};
            for (int i = 0; i < 4; ++i) {
              if (row.boolean(3 + i)) ops.emplace_back(kOps[i]);
            }
            if (ops.size() < 4) p.publish = ops.empty() ? "none" : join(ops, ", ");
            p.via_root = row.boolean(7);
            p.comment = row.str(8);
          });
      !r) {
    return r;
  }
  if (by_oid.empty()) return {};
  if (auto r = cat.snap.each_row(kPublicationTables,
                                 [&](const Row& row) {
                                   auto it = by_oid.find(row.oid(0));
                                   if (it == by_oid.end()) return;
                                   std::string tail;
                                   if (!row.is_null(2)) tail += " (" + row.str(2) + ")";
                                   if (!row.is_null(3)) tail += " WHERE (" + row.str(3) + ")";
                                   it->second->tables[row.str(1)] = tail;
                                 });
      !r) {
    return r;
  }
  if (auto r = cat.snap.each_row(kPublicationSchemas,
                                 [&](const Row& row) {
                                   auto it = by_oid.find(row.oid(0));
                                   if (it != by_oid.end())
                                     it->second->schemas.push_back(row.str(1));
                                 });
      !r) {
    return r;
  }
  for (auto& [oid, p] : by_oid) std::sort(p->schemas.begin(), p->schemas.end());
  return {};
}

}  // namespace

std::vector<std::string> rare_object_queries() {
  return {std::string(kStatistics), std::string(kRules), std::string(kPublications),
          std::string(kEventTriggers), std::string(kCasts)};
}

Result<void> load_rare_objects(Catalog& cat) {
  if (auto r = cat.snap.each_row(kStatistics,
                                 [&](const Row& row) {
                                   Rel* rel = cat.rel(row.oid(0));
                                   if (rel == nullptr || rel->table == nullptr) return;
                                   model::Statistics& s = rel->table->statistics[row.str(1)];
                                   s.definition = row.str(2);
                                   s.target = row.int64(3);
                                   s.comment = row.str(4);
                                 });
      !r) {
    return r;
  }
  if (auto r = cat.snap.each_row(kRules,
                                 [&](const Row& row) {
                                   Rel* rel = cat.rel(row.oid(0));
                                   if (rel == nullptr) return;
                                   model::Rule* rule =
                                       rel->table != nullptr  ? &rel->table->rules[row.str(1)]
                                       : rel->view != nullptr ? &rel->view->rules[row.str(1)]
                                                              : nullptr;
                                   if (rule == nullptr) return;
                                   rule->definition = row.str(2);
                                   rule->enabled = enabled_state(row.ch(3));
                                   rule->comment = row.str(4);
                                 });
      !r) {
    return r;
  }
  if (auto r = load_publications(cat); !r) return r;
  if (auto r = cat.snap.each_row(kEventTriggers,
                                 [&](const Row& row) {
                                   model::EventTrigger& e = cat.db.event_triggers[row.str(0)];
                                   e.event = row.str(1);
                                   e.function = row.str(2);
                                   e.tags = split(row.view(3), '\x1f');
                                   std::sort(e.tags.begin(), e.tags.end());
                                   e.enabled = enabled_state(row.ch(4));
                                   e.comment = row.str(5);
                                 });
      !r) {
    return r;
  }
  return cat.snap.each_row(kCasts, [&](const Row& row) {
    model::Cast& c = cat.db.casts[row.str(0)];
    char method = row.ch(1);
    c.method = method == 'b' ? "binary" : method == 'i' ? "inout" : "function " + row.str(2);
    char context = row.ch(3);
    c.context = context == 'i' ? "implicit" : context == 'a' ? "assignment" : "explicit";
    c.comment = row.str(4);
  });
}

}  // namespace keel::pg
