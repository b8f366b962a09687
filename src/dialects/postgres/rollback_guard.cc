// PostgreSQL: integrity checks before a rollback commits, and the sessions
// draining waits for.
#include "dialects/postgres/rollback_guard.h"

#include <fmt/format.h>

#include <charconv>
#include <functional>
#include <map>
#include <set>

#include "dialects/postgres/driver.h"
#include "util/quote.h"

namespace keel::pg {
namespace {

// The one integer `sql` returns (its first row's first column).
Result<int64_t> count_of(Session& session, const std::string& sql) {
  auto r = session.exec(sql);
  if (!r) return std::unexpected(r.error());
  int64_t out = 0;
  std::string_view text = r->empty() || r->columns == 0 ? std::string_view() : (*r)[0].view(0);
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), out);
  if (text.empty() || ec != std::errc() || end != text.data() + text.size()) {
    return fail(ErrorCode::kSql, "the check must return one row with one integer column");
  }
  return out;
}

// count(*) of child rows whose key (every column set: MATCH SIMPLE) has no
// parent row. NOT EXISTS, not NOT IN: a NULL among the parent keys would
// make NOT IN unknown for every row and hide every orphan.
std::string orphan_query(const std::string& child, const std::vector<std::string>& child_columns,
                         const std::string& parent,
                         const std::vector<std::string>& parent_columns) {
  std::string not_null;
  std::string join;
  for (size_t i = 0; i < child_columns.size(); ++i) {
    not_null += fmt::format("{}c.{} IS NOT NULL", i == 0 ? "" : " AND ",
                            quote_identifier(child_columns[i]));
    join += fmt::format("{}p.{} = c.{}", i == 0 ? "" : " AND ", quote_identifier(parent_columns[i]),
                        quote_identifier(child_columns[i]));
  }
  return fmt::format(
      "SELECT count(*) FROM {} AS c WHERE {} AND NOT EXISTS (SELECT 1 FROM {} AS p "
      "WHERE {})",
      child, not_null, parent, join);
}

// Lists cross the wire as text joined by the unit separator (libpqxx 6
// has no array parameters); string_agg(..., E'\x1f') comes back the same way.
constexpr char kUnit = '\x1f';

std::string join_units(const std::vector<std::string>& items) {
  std::string out;
  for (size_t i = 0; i < items.size(); ++i) {
    if (i > 0) out += kUnit;
    out += items[i];
  }
  return out;
}

std::vector<std::string> split_units(const Row& row, int column) {
  std::vector<std::string> out;
  if (row.is_null(column)) return out;
  std::string text = row.str(column);
  size_t start = 0;
  for (;;) {
    size_t end = text.find(kUnit, start);
    out.push_back(text.substr(start, end - start));
    if (end == std::string::npos) return out;
    start = end + 1;
  }
}

// Names of the relation a statement node refers to: every RangeVar, and the
// objects of DROP TABLE/INDEX/VIEW/SEQUENCE.
void collect_relations(const nlohmann::json& node, std::set<std::string>& out) {
  if (node.is_array()) {
    for (const auto& item : node) collect_relations(item, out);
    return;
  }
  if (!node.is_object()) return;
  // A RangeVar: wrapped as {"RangeVar": {...}} where the field is any Node,
  // bare where it is typed RangeVar (DeleteStmt.relation, AlterTableStmt...).
  if (node.contains("relname") && node["relname"].is_string() && node.contains("relpersistence")) {
    out.insert(quote_qualified(node.value("schemaname", ""), node["relname"].get<std::string>()));
    return;
  }
  for (const auto& [key, value] : node.items()) {
    // A relation renamed or moved: its new name too (resolved after the
    // script ran, it is the one that exists).
    if ((key == "RenameStmt" || key == "AlterObjectSchemaStmt") && value.is_object() &&
        value.contains("relation") && value["relation"].is_object()) {
      const nlohmann::json& rel = value["relation"];
      std::string schema = rel.value("schemaname", "");
      std::string name = rel.value("relname", "");
      if (key == "RenameStmt" && value.value("renameType", "") != "OBJECT_COLUMN" &&
          value.value("renameType", "") != "OBJECT_TABCONSTRAINT" &&
          value.value("renameType", "") != "OBJECT_TRIGGER" &&
          value.value("renameType", "") != "OBJECT_POLICY" &&
          value.value("renameType", "") != "OBJECT_RULE") {
        name = value.value("newname", name);
      }
      if (key == "AlterObjectSchemaStmt") schema = value.value("newschema", schema);
      if (!name.empty()) {
        out.insert(schema.empty() ? quote_identifier(name) : quote_qualified(schema, name));
      }
    }
    if (key == "DropStmt" && value.is_object()) {
      static const std::set<std::string> kRelationKinds = {
          "OBJECT_TABLE",   "OBJECT_INDEX",    "OBJECT_VIEW",
          "OBJECT_MATVIEW", "OBJECT_SEQUENCE", "OBJECT_FOREIGN_TABLE"};
      if (kRelationKinds.contains(value.value("removeType", "")) && value.contains("objects")) {
        for (const auto& object : value["objects"]) {
          if (!object.contains("List")) continue;
          std::vector<std::string> parts;
          for (const auto& item : object["List"].value("items", nlohmann::json::array())) {
            if (item.contains("String")) {
              parts.push_back(item["String"].value("sval", item["String"].value("str", "")));
            }
          }
          if (parts.size() == 1) out.insert(quote_identifier(parts[0]));
          if (parts.size() == 2) out.insert(quote_qualified(parts[0], parts[1]));
        }
      }
    }
    collect_relations(value, out);
  }
}

// "schema\x1fname" of every function a statement calls (schema empty when
// not qualified).
void collect_calls(const nlohmann::json& node, std::set<std::string>& out) {
  if (node.is_array()) {
    for (const auto& item : node) collect_calls(item, out);
    return;
  }
  if (!node.is_object()) return;
  for (const auto& [key, value] : node.items()) {
    if (key == "FuncCall" && value.is_object() && value.contains("funcname")) {
      std::vector<std::string> parts;
      for (const auto& item : value["funcname"]) {
        if (item.contains("String")) {
          parts.push_back(item["String"].value("sval", item["String"].value("str", "")));
        }
      }
      if (parts.size() == 1) out.insert(std::string(1, kUnit) + parts[0]);
      if (parts.size() >= 2) {
        out.insert(parts[parts.size() - 2] + kUnit + parts[parts.size() - 1]);
      }
    }
    collect_calls(value, out);
  }
}

// The relations named by `names` (as written), with the tables behind named
// indexes, the relations views read (at any depth: writing through a view
// writes its tables), and partition/inheritance ancestors and descendants
// (a partitioned table holds its partitions' foreign keys). As an oid array
// literal.
Result<std::string> scope_oids(Session& session, const std::vector<std::string>& names) {
  auto r = session.exec(R"(
WITH RECURSIVE named AS (
  SELECT to_regclass(name)::oid AS oid FROM unnest(string_to_array($1, E'\x1f')) AS u(name)
), base AS (
  SELECT oid FROM named WHERE oid IS NOT NULL
  UNION SELECT i.indrelid FROM pg_index i JOIN named n ON n.oid = i.indexrelid
), reads(oid) AS (
  SELECT oid FROM base
  UNION
  SELECT d.refobjid FROM reads
  JOIN pg_rewrite w ON w.ev_class = reads.oid
  JOIN pg_depend d ON d.classid = 'pg_rewrite'::regclass AND d.objid = w.oid
   AND d.refclassid = 'pg_class'::regclass AND d.refobjid <> reads.oid
), up(oid) AS (
  SELECT oid FROM reads
  UNION SELECT i.inhparent FROM up JOIN pg_inherits i ON i.inhrelid = up.oid
), down(oid) AS (
  SELECT oid FROM reads
  UNION SELECT i.inhrelid FROM down JOIN pg_inherits i ON i.inhparent = down.oid
)
SELECT '{' || coalesce(string_agg(oid::text, ','), '') || '}'
FROM (SELECT oid FROM up UNION SELECT oid FROM down) s)",
                        {join_units(names)});
  if (!r) return std::unexpected(r.error());
  return (*r)[0].str(0);
}

// The first of `calls` ("schema\x1fname" -> the line it is on) that is not
// known harmless: a call is when every function of that name is
// PostgreSQL's own (pg_catalog); one of the database's, or one that does not
// exist yet (the script creates it), may change any table. Its line and
// "a call of name() (...)"; nullopt when every call is harmless.
Result<std::optional<std::pair<int, std::string>>> first_unsafe_call(
    Session& session, const std::map<std::string, int>& calls) {
  if (calls.empty()) return std::nullopt;
  std::vector<std::string> schemas_list, names_list;
  for (const auto& [c, line] : calls) {
    size_t unit = c.find(kUnit);
    schemas_list.push_back("." + c.substr(0, unit));
    names_list.push_back(c.substr(unit + 1));
  }
  auto unsafe = session.exec(R"(
SELECT u.s, u.n
FROM (SELECT substr(s, 2) AS s, n  -- each schema has a leading '.' (an empty one stays a list item)
      FROM unnest(string_to_array($1, E'\x1f'), string_to_array($2, E'\x1f')) AS l(s, n)) u
WHERE NOT EXISTS (SELECT 1 FROM pg_proc p JOIN pg_namespace ns ON ns.oid = p.pronamespace
                  WHERE p.proname = u.n AND ns.nspname = 'pg_catalog'
                    AND (u.s = '' OR u.s = 'pg_catalog'))
   OR EXISTS (SELECT 1 FROM pg_proc p JOIN pg_namespace ns ON ns.oid = p.pronamespace
              WHERE p.proname = u.n AND ns.nspname <> 'pg_catalog'
                AND (u.s = '' OR u.s = ns.nspname))
ORDER BY 1, 2)",
                             {join_units(schemas_list), join_units(names_list)});
  if (!unsafe) return std::unexpected(unsafe.error());
  if (unsafe->empty()) return std::nullopt;
  std::string s = (*unsafe)[0].str(0), n = (*unsafe)[0].str(1);
  return std::pair<int, std::string>{
      calls.at(s + kUnit + n),
      fmt::format("a call of {}() (not one of PostgreSQL's own functions)",
                  s.empty() ? quote_identifier(n) : quote_qualified(s, n))};
}

}  // namespace

Result<migrate::IntegrityScope> integrity_scope(Session& session,
                                                const std::vector<migrate::Statement>& statements) {
  static const std::map<std::string, std::string> kOpaque = {
      {"DoStmt", "a DO block"},
      {"CallStmt", "CALL"},
      {"ExecuteStmt", "EXECUTE of a prepared statement"}};
  // Statements that run expressions now (not store them): the functions
  // they call may write anywhere.
  static const std::set<std::string> kRuns = {"SelectStmt",        "InsertStmt", "UpdateStmt",
                                              "DeleteStmt",        "MergeStmt",  "CopyStmt",
                                              "CreateTableAsStmt", "ExplainStmt"};
  migrate::IntegrityScope scope;
  auto whole = [&](int line, const std::string& what) {
    scope.whole = true;
    scope.relations.clear();
    scope.why =
        fmt::format("line {}: {}, whose effects cannot be read from the script", line, what);
    return scope;
  };
  std::set<std::string> names;
  std::map<std::string, int> calls;  // "schema\x1fname" -> first line
  for (const migrate::Statement& st : statements) {
    nlohmann::json tree = parse_statement(st.sql);
    if (!tree.is_object()) return whole(st.line, "a statement libpg_query cannot parse");
    for (const auto& stmt : tree.value("stmts", nlohmann::json::array())) {
      if (!stmt.contains("stmt") || !stmt["stmt"].is_object() || stmt["stmt"].empty()) continue;
      const std::string kind = stmt["stmt"].begin().key();
      if (auto it = kOpaque.find(kind); it != kOpaque.end()) return whole(st.line, it->second);
      if (kRuns.contains(kind)) {
        std::set<std::string> called;
        collect_calls(stmt["stmt"], called);
        for (const std::string& c : called) calls.emplace(c, st.line);
      }
    }
    collect_relations(tree, names);
  }
  auto unsafe = first_unsafe_call(session, calls);
  if (!unsafe) return std::unexpected(unsafe.error());
  if (*unsafe) return whole((*unsafe)->first, (*unsafe)->second);
  scope.whole = false;
  scope.relations.assign(names.begin(), names.end());
  return scope;
}

Result<migrate::IntegrityCatalog> integrity_catalog(Session& session,
                                                    const migrate::IntegrityScope& scope) {
  // Each check holds its relations' locks (and their indexes') until COMMIT:
  // checking every key of a large schema fills the server's lock table. The
  // scope's relations are resolved now, after the down scripts ran.
  std::string oids = "{}";
  if (!scope.whole) {
    auto resolved = scope_oids(session, scope.relations);
    if (!resolved) return std::unexpected(resolved.error());
    oids = *resolved;
  }
  const std::vector<Param> params = {scope.whole ? "true" : "false", oids,
                                     std::string(driver().keel.schema)};
  // Foreign keys (validated or not) in scope, once per constraint: a
  // partitioned table's key is checked on the table, not per partition.
  auto keys = session.exec(R"(
SELECT cn.nspname, cl.relname, c.conname, pn.nspname, pcl.relname, c.convalidated,
       (SELECT string_agg(a.attname, E'\x1f' ORDER BY k.o) FROM unnest(c.conkey) WITH ORDINALITY k(n, o)
        JOIN pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = k.n),
       (SELECT string_agg(a.attname, E'\x1f' ORDER BY k.o) FROM unnest(c.confkey) WITH ORDINALITY k(n, o)
        JOIN pg_attribute a ON a.attrelid = c.confrelid AND a.attnum = k.n)
FROM pg_constraint c
JOIN pg_class cl ON cl.oid = c.conrelid JOIN pg_namespace cn ON cn.oid = cl.relnamespace
JOIN pg_class pcl ON pcl.oid = c.confrelid JOIN pg_namespace pn ON pn.oid = pcl.relnamespace
WHERE c.contype = 'f' AND c.conparentid = 0
  AND cn.nspname NOT IN ('pg_catalog', 'information_schema', $3)
  AND cn.nspname NOT LIKE 'pg\_%'
  AND ($1 OR c.conrelid = ANY($2::oid[]) OR c.confrelid = ANY($2::oid[]))
ORDER BY 1, 2, 3)",
                           params);
  if (!keys) return std::unexpected(keys.error());
  migrate::IntegrityCatalog catalog;
  for (const auto& row : *keys) {
    catalog.foreign_keys.push_back({.schema = row.str(0),
                                    .table = row.str(1),
                                    .constraint = row.str(2),
                                    .columns = split_units(row, 6),
                                    .parent_schema = row.str(3),
                                    .parent_table = row.str(4),
                                    .parent_columns = split_units(row, 7),
                                    .validated = row.boolean(5)});
  }
  auto checks = session.exec(R"(
SELECT n.nspname, cl.relname, c.conname, pg_get_expr(c.conbin, c.conrelid)
FROM pg_constraint c
JOIN pg_class cl ON cl.oid = c.conrelid JOIN pg_namespace n ON n.oid = cl.relnamespace
WHERE c.contype = 'c' AND NOT c.convalidated AND c.conparentid = 0
  AND n.nspname NOT IN ('pg_catalog', 'information_schema', $3) AND n.nspname NOT LIKE 'pg\_%'
  AND ($1 OR c.conrelid = ANY($2::oid[]))
ORDER BY 1, 2, 3)",
                             params);
  if (!checks) return std::unexpected(checks.error());
  for (const auto& row : *checks) {
    catalog.unvalidated_checks.push_back({.schema = row.str(0),
                                          .table = row.str(1),
                                          .constraint = row.str(2),
                                          .expression = row.str(3)});
  }
  return catalog;
}

std::string orphans_sql(const migrate::ForeignKeyRef& key) {
  return orphan_query(quote_qualified(key.schema, key.table), key.columns,
                      quote_qualified(key.parent_schema, key.parent_table), key.parent_columns);
}

// Rows for which the expression is false (NULL passes, as it does for a
// CHECK).
std::string violations_sql(const migrate::CheckConstraintRef& check) {
  return fmt::format("SELECT count(*) FROM {} WHERE NOT ({})",
                     quote_qualified(check.schema, check.table), check.expression);
}

Result<bool> table_exists(Session& session, const std::string& schema, const std::string& table) {
  auto missing = session.flag("SELECT to_regclass($1) IS NULL", {quote_qualified(schema, table)});
  if (!missing) return std::unexpected(missing.error());
  return !*missing;
}

// Runs the count `sql` in a savepoint (when in a transaction), so that the
// server's refusal of one check does not end the transaction: that refusal
// is returned as the Session's kSql error (its message, the password masked:
// it may echo a value). Other errors (a lost connection) are returned as
// they are.
Result<int64_t> count_check(Session& session, bool in_transaction, const std::string& sql) {
  auto step = [&](const char* statement) -> Result<void> {
    if (!in_transaction) return {};
    auto done = session.exec(statement);
    if (!done) return std::unexpected(done.error());
    return {};
  };
  if (auto ok = step("SAVEPOINT keel_integrity"); !ok) return std::unexpected(ok.error());
  auto count = count_of(session, sql);
  if (count) {
    if (auto ok = step("RELEASE SAVEPOINT keel_integrity"); !ok) {
      return std::unexpected(ok.error());
    }
    return count;
  }
  if (count.error().code != ErrorCode::kSql) return count;
  if (auto ok = step("ROLLBACK TO SAVEPOINT keel_integrity"); !ok) {
    return std::unexpected(ok.error());
  }
  return count;
}

Result<std::vector<std::string>> relations_of(Session& session,
                                              const std::vector<migrate::Statement>& statements) {
  std::set<std::string> names;
  for (const migrate::Statement& st : statements) collect_relations(parse_statement(st.sql), names);
  if (names.empty()) return std::vector<std::string>();
  // Resolved with the session's search_path; an index stands for its table
  // too (sessions lock the table to use it).
  auto rows =
      session.exec(R"(
WITH r AS (SELECT to_regclass(name) AS oid FROM unnest(string_to_array($1, E'\x1f')) AS u(name)),
     t AS (SELECT oid FROM r WHERE oid IS NOT NULL
           UNION SELECT i.indrelid FROM pg_index i JOIN r ON r.oid = i.indexrelid)
SELECT DISTINCT n.nspname || '.' || c.relname
FROM t JOIN pg_class c ON c.oid = t.oid JOIN pg_namespace n ON n.oid = c.relnamespace
WHERE n.nspname NOT IN ('pg_catalog', 'information_schema', $2)
ORDER BY 1)",
                   {join_units({names.begin(), names.end()}), std::string(driver().keel.schema)});
  if (!rows) return std::unexpected(rows.error());
  std::vector<std::string> out;
  for (const auto& row : *rows) out.push_back(row.str(0));
  return out;
}

Result<std::vector<migrate::SessionInLock>> sessions_in_lock(
    Session& session, const std::vector<std::string>& relations) {
  // Autovacuum workers are left out: they cancel themselves for DDL. So are
  // transactions younger than 500 ms: on a busy table some short one always
  // holds a lock, and the rollback's lock_timeout and retries wait those out;
  // draining is for the long ones (idle in transaction, long queries).
  auto rows = session.exec(R"(
SELECT l.pid, coalesce(a.usename, ''), coalesce(a.application_name, ''), coalesce(a.state, ''),
       coalesce(a.query, ''),
       (extract(epoch FROM clock_timestamp() - coalesce(a.state_change, a.backend_start)) * 1000)::bigint,
       bool_or(NOT l.granted),
       string_agg(DISTINCT n.nspname || '.' || c.relname, E'\x1f')
FROM pg_locks l
JOIN pg_class c ON c.oid = l.relation JOIN pg_namespace n ON n.oid = c.relnamespace
JOIN pg_stat_activity a ON a.pid = l.pid
WHERE l.locktype = 'relation' AND l.pid <> pg_backend_pid()
  AND l.database = (SELECT oid FROM pg_database WHERE datname = current_database())
  AND a.backend_type <> 'autovacuum worker'
  AND coalesce(a.xact_start, a.query_start, a.backend_start) <= clock_timestamp() - interval '500 milliseconds'
  AND n.nspname || '.' || c.relname = ANY(string_to_array($1, E'\x1f'))
GROUP BY 1, 2, 3, 4, 5, 6
ORDER BY 1)",
                           {join_units(relations)});
  if (!rows) return std::unexpected(rows.error());
  std::vector<migrate::SessionInLock> out;
  for (const auto& row : *rows) {
    migrate::SessionInLock s;
    s.pid = static_cast<int>(row.int64(0));
    s.user = row.str(1);
    s.application = row.str(2);
    s.state = row.str(3);
    s.query = row.str(4);
    s.state_ms = row.is_null(5) ? 0 : row.int64(5);
    s.waiting = row.boolean(6);
    s.relations = split_units(row, 7);
    out.push_back(s);
  }
  return out;
}

Result<bool> terminate_backend(Session& session, int pid) {
  return session.flag("SELECT pg_terminate_backend($1)", {std::to_string(pid)});
}

}  // namespace keel::pg
