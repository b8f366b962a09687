// PostgreSQL inspector: table constraints.
//
// Primary key, unique and foreign key definitions are rendered here from the
// raw pg_constraint row, in the shape of pg_get_constraintdef(), which would
// open every table. CHECK expressions must be deparsed by the server; to keep
// it from opening each table, each distinct expression is deparsed once
// against pg_class (always open), whose column names stand in for the
// table's, and the real names are put back here. When that is not certain to
// be exact, the server deparses the constraint the usual way.
#include <algorithm>
#include <map>
#include <string>
#include <unordered_map>

#include "dialects/postgres/catalog.h"

namespace keel::pg {
namespace {

constexpr std::string_view kStandInColumns = R"sql(
SELECT attnum, attname FROM pg_attribute
WHERE attrelid = 'pg_class'::regclass AND attnum > 0 AND NOT attisdropped ORDER BY attnum)sql";

constexpr std::string_view kKeys = R"sql(
SELECT co.oid, co.conrelid, co.conname, co.contype, co.conindid, co.conkey, co.confrelid,
       co.confkey, co.confupdtype, co.confdeltype, co.confmatchtype, co.confdelsetcols,
       co.condeferrable, co.condeferred, co.convalidated, co.conparentid,
       CASE WHEN co.contype = 'x' THEN pg_get_constraintdef(co.oid) END, d.description
FROM pg_constraint co
LEFT JOIN pg_description d
  ON d.classoid = 'pg_constraint'::regclass AND d.objoid = co.oid AND d.objsubid = 0
WHERE co.conrelid >= 16384 AND co.contype IN ('p', 'u', 'f', 'x'))sql";

// {N} is replaced by the stand-in's column list "{1,2,...}".
constexpr std::string_view kChecks = R"sql(
WITH c AS MATERIALIZED (
  SELECT co.oid, co.conrelid, co.conname, co.condeferrable, co.condeferred, co.convalidated,
         co.connoinherit,
         CASE WHEN co.conkey <@ '{N}'::int2[] THEN hashtextextended(co.conbin::text, 0) END AS h
  FROM pg_constraint co WHERE co.contype = 'c' AND co.conrelid >= 16384),
g AS (SELECT h, min(oid) AS rep FROM c WHERE h IS NOT NULL GROUP BY h)
SELECT c.oid, c.conrelid, c.conname, c.condeferrable, c.condeferred, c.convalidated,
       c.connoinherit, c.h, pg_get_expr(r.conbin, 'pg_class'::regclass), r.conbin::text,
       CASE WHEN c.h IS NULL THEN pg_get_constraintdef(c.oid) END, d.description
FROM c
LEFT JOIN g ON g.rep = c.oid
LEFT JOIN pg_constraint r ON r.oid = g.rep
LEFT JOIN pg_description d
  ON d.classoid = 'pg_constraint'::regclass AND d.objoid = c.oid AND d.objsubid = 0)sql";

std::string action(char code) {
  switch (code) {
    case 'r':
      return "restrict";
    case 'c':
      return "cascade";
    case 'n':
      return "set null";
    case 'd':
      return "set default";
    default:
      return "no action";
  }
}

std::string upper(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return std::toupper(c); });
  return s;
}

std::string quoted_list(const Rel& rel, const std::vector<int>& attnums) {
  std::string out;
  for (size_t i = 0; i < attnums.size(); ++i) {
    if (i > 0) out += ", ";
    out += rel.attquote(attnums[i]);
  }
  return out;
}

std::vector<std::string> names(const Rel& rel, const std::vector<int>& attnums) {
  std::vector<std::string> out;
  for (int n : attnums) out.push_back(rel.attname(n));
  return out;
}

std::string deferral(const model::Constraint& c) {
  std::string out;
  if (c.deferrable) out += " DEFERRABLE";
  if (c.initially_deferred) out += " INITIALLY DEFERRED";
  if (!c.validated) out += " NOT VALID";
  return out;
}

bool ident_char(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' ||
         c == '$' || static_cast<unsigned char>(c) >= 0x80;
}

// A deparsed expression with the stand-in's column names cut out: text
// pieces and, between them, the attnum of the column that goes there.
struct Template {
  bool exact = false;
  std::vector<std::string> text;  // text.size() == attnums.size() + 1
  std::vector<int> attnums;

  std::string render(const Rel& rel) const {
    std::string out = text[0];
    for (size_t i = 0; i < attnums.size(); ++i) out += rel.attquote(attnums[i]) + text[i + 1];
    return out;
  }
};

// Exact only when each stand-in name occurs in the text as often as its
// column is referenced in the expression tree (so no literal or other name
// is mistaken for a column reference).
Template make_template(std::string_view expr, std::string_view tree,
                       const std::unordered_map<std::string_view, int>& stand_in) {
  std::map<int, int> references;
  static constexpr std::string_view kVar = "{VAR :varno 1 :varattno ";
  for (size_t pos = tree.find(kVar); pos != std::string_view::npos;
       pos = tree.find(kVar, pos + 1)) {
    std::vector<int> attnum = parse_int_list(tree.substr(pos + kVar.size(), 6));
    if (!attnum.empty()) ++references[attnum.front()];
  }
  Template t;
  t.text.emplace_back();
  std::map<int, int> seen;
  size_t i = 0;
  while (i < expr.size()) {
    if (!ident_char(expr[i])) {
      t.text.back() += expr[i++];
      continue;
    }
    size_t end = i;
    while (end < expr.size() && ident_char(expr[end])) ++end;
    std::string_view word = expr.substr(i, end - i);
    auto it = stand_in.find(word);
    if (it != stand_in.end() && references.contains(it->second)) {
      t.attnums.push_back(it->second);
      t.text.emplace_back();
      ++seen[it->second];
    } else {
      t.text.back() += word;
    }
    i = end;
  }
  t.exact = seen == references;
  return t;
}

struct PendingCheck {
  model::Constraint* constraint;
  const Rel* rel;
  std::string hash;
  uint32_t oid;
};

}  // namespace

Result<void> load_stand_in(Catalog& cat) {
  std::string list;
  if (auto r = cat.snap.each_row(kStandInColumns,
                                 [&](const Row& row) {
                                   cat.stand_in.emplace(row.str(1), row.int64(0));
                                   if (!list.empty()) list += ',';
                                   list += row.view(0);
                                 });
      !r) {
    return r;
  }
  cat.checks_sql = kChecks;
  cat.checks_sql.replace(cat.checks_sql.find("{N}"), 3, "{" + list + "}");
  return {};
}

std::vector<std::string> constraint_queries(const Catalog& cat) {
  return {std::string(kKeys), cat.checks_sql};
}

Result<void> load_constraints(Catalog& cat) {
  // Keys and foreign keys.
  struct Origin {
    uint32_t oid;
    uint32_t parent;
  };
  std::unordered_map<model::Constraint*, Origin> origins;
  if (auto r = cat.snap.each_row(
          kKeys,
          [&](const Row& row) {
            Rel* rel = cat.rel(row.oid(1));
            if (rel == nullptr || rel->table == nullptr) return;
            Origin origin{row.oid(0), row.oid(15)};
            auto [it, fresh] = rel->table->constraints.try_emplace(row.str(2));
            model::Constraint& c = it->second;
            // A foreign key to a partitioned table has one extra row per referenced
            // partition, on the same table and under the same name, whose parent
            // is the real one: keep the real one.
            if (!fresh) {
              const Origin& seen = origins[&c];
              if (origin.parent == seen.oid) return;
              if (seen.parent != origin.oid) return;  // not one family: keep the first
            }
            c = model::Constraint{};
            origins[&c] = origin;
            char type = row.ch(3);
            std::vector<int> keys = parse_int_list(row.view(5));
            c.columns = names(*rel, keys);
            c.deferrable = row.boolean(12);
            c.initially_deferred = row.boolean(13);
            c.validated = row.boolean(14);
            c.comment = row.str(17);
            if (type == 'p' || type == 'u') {
              c.type = type == 'p' ? "primary key" : "unique";
              const IndexFacts& facts = cat.index_facts[row.oid(4)];
              c.definition = type == 'p' ? "PRIMARY KEY (" : "UNIQUE (";
              if (type == 'u' && facts.nulls_not_distinct)
                c.definition = "UNIQUE NULLS NOT DISTINCT (";
              c.definition += quoted_list(*rel, keys) + ")";
              if (!facts.include_quoted.empty()) {
                c.definition += " INCLUDE (" + join(facts.include_quoted, ", ") + ")";
              }
              if (!facts.options.empty()) c.definition += " WITH (" + facts.options + ")";
            } else if (type == 'f') {
              c.type = "foreign key";
              const Rel* ref = cat.any_rel(row.oid(6));
              std::vector<int> ref_keys = parse_int_list(row.view(7));
              c.on_update = action(row.ch(8));
              c.on_delete = action(row.ch(9));
              char match = row.ch(10);
              c.match = match == 'f' ? "full" : match == 'p' ? "partial" : "simple";
              c.definition = "FOREIGN KEY (" + quoted_list(*rel, keys) + ") REFERENCES ";
              if (ref != nullptr) {
                c.ref_table = ref->schema + "." + ref->name;
                c.ref_columns = names(*ref, ref_keys);
                c.definition += ref->quoted + "(" + quoted_list(*ref, ref_keys) + ")";
              } else {
                c.ref_table = std::to_string(row.oid(6));
              }
              if (match != 's') c.definition += " MATCH " + upper(c.match);
              if (c.on_update != "no action") c.definition += " ON UPDATE " + upper(c.on_update);
              if (c.on_delete != "no action") {
                c.definition += " ON DELETE " + upper(c.on_delete);
                std::vector<int> set_columns = parse_int_list(row.view(11));
                if (!set_columns.empty())
                  c.definition += " (" + quoted_list(*rel, set_columns) + ")";
              }
            } else {
              c.type = "exclusion";
              c.definition = row.str(16);
              return;  // the server's text already carries deferral and validity
            }
            c.definition += deferral(c);
          });
      !r) {
    return r;
  }

  // CHECK constraints.
  std::unordered_map<std::string_view, int> stand_in;
  for (const auto& [name, attnum] : cat.stand_in) stand_in.emplace(name, attnum);
  const std::string& sql = cat.checks_sql;

  std::unordered_map<std::string, Template> templates;
  std::vector<PendingCheck> pending;
  if (auto r = cat.snap.each_row(sql,
                                 [&](const Row& row) {
                                   Rel* rel = cat.rel(row.oid(1));
                                   if (rel == nullptr || rel->table == nullptr) return;
                                   model::Constraint& c = rel->table->constraints[row.str(2)];
                                   c.type = "check";
                                   c.deferrable = row.boolean(3);
                                   c.initially_deferred = row.boolean(4);
                                   c.validated = row.boolean(5);
                                   c.comment = row.str(11);
                                   if (row.is_null(7)) {
                                     c.definition = row.str(10);
                                     return;
                                   }
                                   // The suffix of pg_get_constraintdef(); the expression comes
                                   // later.
                                   c.definition = row.boolean(6) ? " NO INHERIT" : "";
                                   if (!c.validated) c.definition += " NOT VALID";
                                   std::string hash = row.str(7);
                                   if (!row.is_null(8)) {
                                     templates.emplace(
                                         hash, make_template(row.view(8), row.view(9), stand_in));
                                   }
                                   pending.push_back({&c, rel, std::move(hash), row.oid(0)});
                                 });
      !r) {
    return r;
  }
  std::unordered_map<uint32_t, model::Constraint*> fallback;
  for (const PendingCheck& p : pending) {
    auto it = templates.find(p.hash);
    if (it == templates.end() || !it->second.exact) {
      fallback.emplace(p.oid, p.constraint);
      continue;
    }
    p.constraint->definition =
        "CHECK (" + it->second.render(*p.rel) + ")" + p.constraint->definition;
  }
  if (fallback.empty()) return {};
  std::string oids;
  for (const auto& [oid, c] : fallback) {
    if (!oids.empty()) oids += ',';
    oids += std::to_string(oid);
  }
  return cat.snap.each_row(
      "SELECT oid, pg_get_constraintdef(oid) FROM pg_constraint WHERE oid = ANY('{" + oids +
          "}'::oid[])",
      [&](const Row& row) {
        auto it = fallback.find(row.oid(0));
        if (it != fallback.end()) it->second->definition = row.str(1);
      });
}

}  // namespace keel::pg
