// PostgreSQL inspector: triggers, policies, sequences, functions, types and
// extensions, and the deferred format_type() calls.
#include <algorithm>
#include <string>
#include <unordered_map>

#include "dialects/postgres/catalog.h"
#include "dialects/postgres/function_config.h"
#include "util/quote.h"

namespace keel::pg {
namespace {

constexpr std::string_view kTriggers = R"sql(
SELECT t.tgrelid, t.tgname, pg_get_triggerdef(t.oid), t.tgenabled, d.description
FROM pg_trigger t
LEFT JOIN pg_description d
  ON d.classoid = 'pg_trigger'::regclass AND d.objoid = t.oid AND d.objsubid = 0
WHERE t.tgrelid >= 16384 AND NOT t.tgisinternal)sql";

constexpr std::string_view kPolicies = R"sql(
SELECT p.polrelid, p.polname, p.polcmd, p.polpermissive,
       (SELECT string_agg(CASE WHEN r = 0 THEN 'public' ELSE pg_get_userbyid(r)::text END, E'\x1f')
        FROM unnest(p.polroles) r),
       pg_get_expr(p.polqual, p.polrelid), pg_get_expr(p.polwithcheck, p.polrelid), d.description
FROM pg_policy p
LEFT JOIN pg_description d
  ON d.classoid = 'pg_policy'::regclass AND d.objoid = p.oid AND d.objsubid = 0
WHERE p.polrelid >= 16384)sql";

// Identity sequences (deptype 'i') belong to their column; the current value
// is never read.
constexpr std::string_view kSequences = R"sql(
SELECT s.seqrelid, s.seqtypid, s.seqstart, s.seqincrement, s.seqmin, s.seqmax, s.seqcache,
       s.seqcycle, dep.deptype, dep.refobjid, dep.refobjsubid, c.relnamespace,
       c.relname, d.description,
       c.relpersistence
FROM pg_sequence s
JOIN pg_class c ON c.oid = s.seqrelid
LEFT JOIN pg_depend dep
  ON dep.classid = 'pg_class'::regclass AND dep.objid = s.seqrelid AND dep.objsubid = 0
 AND dep.refclassid = 'pg_class'::regclass AND dep.deptype IN ('a', 'i')
LEFT JOIN pg_description d
  ON d.classoid = 'pg_class'::regclass AND d.objoid = s.seqrelid AND d.objsubid = 0
WHERE s.seqrelid >= 16384)sql";

constexpr std::string_view kFunctions = R"sql(
SELECT p.oid, p.pronamespace, p.proname, pg_get_function_identity_arguments(p.oid), p.prokind,
       pg_get_function_arguments(p.oid),
       CASE WHEN p.prokind <> 'p' THEN pg_get_function_result(p.oid) END,
       l.lanname, p.provolatile, p.proisstrict, p.prosecdef, p.proleakproof, p.proparallel,
       array_to_string(p.proconfig, E'\x1f'),
       CASE WHEN p.prokind = 'a' THEN
              concat_ws(' ', 'sfunc=' || a.aggtransfn::regproc::text,
                        'stype=' || format_type(a.aggtranstype, NULL),
                        CASE WHEN a.aggfinalfn <> 0 THEN 'finalfunc=' || a.aggfinalfn::regproc::text END,
                        CASE WHEN a.aggcombinefn <> 0 THEN 'combinefunc=' || a.aggcombinefn::regproc::text END,
                        CASE WHEN a.aggsortop <> 0 THEN 'sortop=' || a.aggsortop::regoperator::text END,
                        CASE WHEN a.agginitval IS NOT NULL THEN 'initcond=' || quote_literal(a.agginitval) END,
                        CASE WHEN a.aggkind <> 'n' THEN 'kind=' || a.aggkind::text END)
            WHEN p.prosqlbody IS NOT NULL THEN pg_get_function_sqlbody(p.oid)
            ELSE p.prosrc END,
       d.description, p.procost, p.prorows, p.proretset
FROM pg_proc p
JOIN pg_language l ON l.oid = p.prolang
LEFT JOIN pg_aggregate a ON a.aggfnoid = p.oid
LEFT JOIN pg_description d
  ON d.classoid = 'pg_proc'::regclass AND d.objoid = p.oid AND d.objsubid = 0
WHERE p.oid >= 16384)sql";

// Table row types are not types of their own; standalone composites are.
constexpr std::string_view kTypes = R"sql(
SELECT t.oid, t.typnamespace, t.typname, t.typtype, t.typrelid, t.typbasetype, t.typtypmod,
       t.typnotnull, CASE WHEN t.typtype = 'd' THEN pg_get_expr(t.typdefaultbin, 0) END,
       t.typcollation, bt.typcollation, r.rngsubtype, r.rngcollation, d.description,
       CASE WHEN r.rngsubdiff <> 0 THEN r.rngsubdiff::regproc::text END
FROM pg_type t
LEFT JOIN pg_type bt ON bt.oid = t.typbasetype
LEFT JOIN pg_range r ON r.rngtypid = t.oid
LEFT JOIN pg_class tc ON tc.oid = t.typrelid
LEFT JOIN pg_description d
  ON d.classoid = 'pg_type'::regclass AND d.objoid = t.oid AND d.objsubid = 0
WHERE t.oid >= 16384 AND t.typtype IN ('e', 'd', 'c', 'r')
  AND (t.typtype <> 'c' OR tc.relkind = 'c'))sql";

constexpr std::string_view kEnumLabels = R"sql(
SELECT enumtypid, enumlabel FROM pg_enum WHERE enumtypid >= 16384
ORDER BY enumtypid, enumsortorder)sql";

constexpr std::string_view kDomainChecks = R"sql(
SELECT contypid, conname, pg_get_constraintdef(oid) FROM pg_constraint
WHERE contypid >= 16384)sql";

constexpr std::string_view kExtensions = R"sql(
SELECT e.extname, e.extversion, n.nspname, d.description
FROM pg_extension e
JOIN pg_namespace n ON n.oid = e.extnamespace
LEFT JOIN pg_description d
  ON d.classoid = 'pg_extension'::regclass AND d.objoid = e.oid AND d.objsubid = 0)sql";

std::string command(char code) {
  switch (code) {
    case 'r':
      return "select";
    case 'a':
      return "insert";
    case 'w':
      return "update";
    case 'd':
      return "delete";
    default:
      return "all";
  }
}

std::string function_kind(char code) {
  switch (code) {
    case 'p':
      return "procedure";
    case 'a':
      return "aggregate";
    case 'w':
      return "window";
    default:
      return "function";
  }
}

std::string collation_name(const Catalog& cat, uint32_t oid) {
  auto it = cat.collations.find(oid);
  return it == cat.collations.end() ? std::to_string(oid) : it->second.qualified;
}

}  // namespace

std::string enabled_state(char code) {
  switch (code) {
    case 'D':
      return "disabled";
    case 'R':
      return "replica";
    case 'A':
      return "always";
    default:
      return "origin";
  }
}

std::vector<std::string> object_queries() {
  return {std::string(kTriggers), std::string(kPolicies), std::string(kSequences),
          std::string(kFunctions), std::string(kExtensions)};
}

std::vector<std::string> type_queries() {
  return {std::string(kTypes), std::string(kEnumLabels), std::string(kDomainChecks)};
}

Result<void> load_triggers_and_policies(Catalog& cat) {
  if (auto r = cat.snap.each_row(kTriggers,
                                 [&](const Row& row) {
                                   Rel* rel = cat.rel(row.oid(0));
                                   if (rel == nullptr) return;
                                   model::Trigger* t =
                                       rel->table != nullptr  ? &rel->table->triggers[row.str(1)]
                                       : rel->view != nullptr ? &rel->view->triggers[row.str(1)]
                                                              : nullptr;
                                   if (t == nullptr) return;
                                   t->definition = row.str(2);
                                   t->enabled = enabled_state(row.ch(3));
                                   t->comment = row.str(4);
                                 });
      !r) {
    return r;
  }
  return cat.snap.each_row(kPolicies, [&](const Row& row) {
    Rel* rel = cat.rel(row.oid(0));
    if (rel == nullptr || rel->table == nullptr) return;
    model::Policy& p = rel->table->policies[row.str(1)];
    p.command = command(row.ch(2));
    p.permissive = row.boolean(3);
    p.roles = split(row.view(4), '\x1f');
    std::sort(p.roles.begin(), p.roles.end());
    p.using_expr = row.str(5);
    p.check_expr = row.str(6);
    p.comment = row.str(7);
  });
}

Result<void> load_sequences(Catalog& cat) {
  return cat.snap.each_row(kSequences, [&](const Row& row) {
    model::Schema* schema = cat.schema(row.oid(11));
    if (schema == nullptr || cat.ext_rels.contains(row.oid(0))) return;
    char deptype = row.ch(8);
    Rel* owner = cat.rel(row.oid(9));
    auto attnum = static_cast<int>(row.int64(10));
    if (deptype == 'i') {
      if (owner == nullptr || owner->table == nullptr) return;
      auto it = owner->table->columns.find(owner->attname(attnum));
      if (it == owner->table->columns.end()) return;
      std::string params = "start " + row.str(2) + " increment " + row.str(3) + " min " +
                           row.str(4) + " max " + row.str(5) + " cache " + row.str(6);
      if (row.boolean(7)) params += " cycle";
      // The sequence's name, when not the one ADD ... IDENTITY picks
      // (table_column_seq in the table's schema): last, as it may hold spaces.
      auto nsp = cat.schemas.find(row.oid(11));
      std::string seq_schema = nsp == cat.schemas.end() ? owner->schema : nsp->second;
      if (seq_schema != owner->schema ||
          row.str(12) != owner->name + "_" + owner->attname(attnum) + "_seq") {
        params += " name " + quote_identifier(seq_schema) + "." + quote_identifier(row.str(12));
      }
      it->second.identity_sequence = std::move(params);
      return;
    }
    model::Sequence& s = schema->sequences[row.str(12)];
    cat.request_type(row.oid(1), -1, &s.type);
    s.start = row.int64(2);
    s.increment = row.int64(3);
    s.min_value = row.int64(4);
    s.max_value = row.int64(5);
    s.cache = row.int64(6);
    s.cycle = row.boolean(7);
    if (deptype == 'a' && owner != nullptr) {
      s.owned_by = owner->schema + "." + owner->name + "." + owner->attname(attnum);
    }
    s.comment = row.str(13);
    if (row.ch(14) == 'u') s.persistence = "unlogged";
  });
}

// The type and unit of every setting, to read functions' SET clauses by.
constexpr std::string_view kSettingTypes = R"sql(
SELECT pg_catalog.lower(name), name, vartype, coalesce(unit, '') FROM pg_catalog.pg_settings)sql";

Result<void> load_functions(Catalog& cat) {
  std::vector<model::Function*> with_config;
  auto done = cat.snap.each_row(kFunctions, [&](const Row& row) {
    if (cat.ext_procs.contains(row.oid(0))) return;
    model::Schema* schema = cat.schema(row.oid(1));
    if (schema == nullptr) return;
    std::string key = row.str(2) + "(" + row.str(3) + ")";
    model::Function& f = schema->functions[key];
    f.kind = function_kind(row.ch(4));
    f.arguments = row.str(5);
    f.result = row.str(6);
    f.language = row.str(7);
    char volatility = row.ch(8);
    f.volatility = volatility == 'i' ? "immutable" : volatility == 's' ? "stable" : "volatile";
    f.strict = row.boolean(9);
    f.security_definer = row.boolean(10);
    f.leakproof = row.boolean(11);
    char parallel = row.ch(12);
    f.parallel = parallel == 's' ? "safe" : parallel == 'r' ? "restricted" : "unsafe";
    f.config = split(row.view(13), '\x1f');
    if (!f.config.empty()) with_config.push_back(&f);
    f.body = row.str(14);
    f.comment = row.str(15);
    // COST and ROWS as CREATE FUNCTION defaults them: 1 for C and internal
    // functions, 100 for others; 1000 rows for a set-returning function.
    std::string default_cost = f.language == "c" || f.language == "internal" ? "1" : "100";
    if (f.kind != "aggregate" && f.kind != "procedure" && row.str(16) != default_cost)
      f.cost = row.str(16);
    if (row.boolean(18) && row.str(17) != "1000") f.rows = row.str(17);
  });
  if (!done || with_config.empty()) return done;
  // SET clauses compare by meaning: in name order, values in one spelling.
  std::map<std::string, SettingType> types;
  if (auto r = cat.snap.each_row(kSettingTypes,
                                 [&](const Row& row) {
                                   types[row.str(0)] = {row.str(1), row.str(2), row.str(3)};
                                 });
      !r) {
    return r;
  }
  for (model::Function* f : with_config) f->config = canonical_function_config(f->config, types);
  return {};
}

Result<void> load_types(Catalog& cat) {
  std::unordered_map<uint32_t, model::Type*> types;
  if (auto r = cat.snap.each_row(
          kTypes,
          [&](const Row& row) {
            uint32_t oid = row.oid(0);
            if (cat.ext_types.contains(oid)) return;
            model::Schema* schema = cat.schema(row.oid(1));
            if (schema == nullptr) return;
            model::Type& t = schema->types[row.str(2)];
            types[oid] = &t;
            t.comment = row.str(13);
            switch (row.ch(3)) {
              case 'e':
                t.kind = "enum";
                break;
              case 'd':
                t.kind = "domain";
                cat.request_type(row.oid(5), static_cast<int32_t>(row.int64(6)), &t.base_type);
                t.not_null = row.boolean(7);
                t.default_expr = row.str(8);
                if (row.oid(9) != row.oid(10)) t.collation = collation_name(cat, row.oid(9));
                break;
              case 'c':
                t.kind = "composite";
                if (Rel* rel = cat.any_rel(row.oid(4)); rel != nullptr) rel->composite = &t;
                break;
              case 'r':
                t.kind = "range";
                cat.request_type(row.oid(11), -1, &t.base_type);
                if (row.oid(12) != 0) t.collation = collation_name(cat, row.oid(12));
                t.subtype_diff = row.str(14);
                break;
              default:
                break;
            }
          });
      !r) {
    return r;
  }
  if (auto r = cat.snap.each_row(kEnumLabels,
                                 [&](const Row& row) {
                                   auto it = types.find(row.oid(0));
                                   if (it != types.end()) it->second->labels.push_back(row.str(1));
                                 });
      !r) {
    return r;
  }
  return cat.snap.each_row(kDomainChecks, [&](const Row& row) {
    auto it = types.find(row.oid(0));
    if (it != types.end()) it->second->checks[row.str(1)] = row.str(2);
  });
}

Result<void> load_extensions(Catalog& cat) {
  return cat.snap.each_row(kExtensions, [&](const Row& row) {
    model::Extension& e = cat.db.extensions[row.str(0)];
    e.version = row.str(1);
    e.schema = row.str(2);
    e.comment = row.str(3);
  });
}

Result<void> resolve_types(Catalog& cat) {
  if (cat.type_requests.empty()) return {};
  std::string oids, typmods;
  std::vector<std::vector<std::string*>*> targets;
  for (auto& [key, outs] : cat.type_requests) {
    if (!targets.empty()) {
      oids += ',';
      typmods += ',';
    }
    oids += std::to_string(key.first);
    typmods += std::to_string(key.second);
    targets.push_back(&outs);
  }
  size_t i = 0;
  return cat.snap.each_row("SELECT format_type(u.t, u.m) FROM unnest('{" + oids + "}'::oid[], '{" +
                               typmods + "}'::int4[]) WITH ORDINALITY AS u(t, m, o) ORDER BY u.o",
                           [&](const Row& row) {
                             if (i >= targets.size()) return;
                             for (std::string* out : *targets[i]) *out = row.str(0);
                             ++i;
                           });
}

}  // namespace keel::pg
