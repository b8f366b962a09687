// Syntax the target server does not have (LintOptions::pg_version: --pg-version, or the
// server's own): PostgreSQL refuses the statement there, so the migration fails at it. And
// ALTER TYPE ... ADD VALUE in a transaction block before PostgreSQL 12, which refuses it.
#include <fmt/format.h>

#include "lint/rules/rules.h"

namespace keel::lint::checks {
namespace {

struct Feature {
  int since = 0;
  std::string what;
  size_t at = 0;
};

bool has_option(const Json& list, std::string_view name) {
  for (const Json& item : list) {
    if (field(item, "DefElem").value("defname", "") == name) return true;
  }
  return false;
}

// Constraints of a CREATE TABLE's columns and table, or of an ALTER TABLE's commands.
void constraint_features(Context& ctx, const Json& c, std::vector<Feature>& out) {
  if (c.value("contype", "") == "CONSTR_GENERATED") {
    out.push_back({12, "a generated column (GENERATED ALWAYS AS ... STORED)", ctx.at(c)});
  }
  if (c.value("nulls_not_distinct", false)) {
    out.push_back({15, "UNIQUE NULLS NOT DISTINCT", ctx.at(c)});
  }
}

void column_features(Context& ctx, const Json& column_def, std::vector<Feature>& out) {
  for (const Json* c : column_constraints(column_def)) constraint_features(ctx, *c, out);
}

std::vector<Feature> features(Context& ctx) {
  const std::string_view kind = ctx.stmt().kind;
  const Json& body = ctx.body();
  const size_t begin = ctx.stmt().begin;
  std::vector<Feature> out;
  if (kind == "ReindexStmt" && has_option(field(body, "params"), "concurrently")) {
    out.push_back({12, "REINDEX CONCURRENTLY", begin});
  } else if (kind == "IndexStmt") {
    if (!field(body, "indexIncludingParams").empty()) {
      out.push_back({11, "CREATE INDEX ... INCLUDE", begin});
    }
    if (body.value("nulls_not_distinct", false)) {
      out.push_back({15, "UNIQUE NULLS NOT DISTINCT", begin});
    }
  } else if (kind == "CreateFunctionStmt" && body.value("is_procedure", false)) {
    out.push_back({11, "CREATE PROCEDURE", begin});
  } else if (kind == "CallStmt") {
    out.push_back({11, "CALL", begin});
  } else if (kind == "CreateTrigStmt" && body.value("replace", false)) {
    out.push_back({14, "CREATE OR REPLACE TRIGGER", begin});
  } else if (kind == "MergeStmt") {
    out.push_back({15, "MERGE", begin});
  } else if (kind == "CreateStmt") {
    for (const Json& element : field(body, "tableElts")) {
      column_features(ctx, field(element, "ColumnDef"), out);
      constraint_features(ctx, field(element, "Constraint"), out);
    }
  } else if (kind == "AlterTableStmt") {
    for (const Json& item : field(body, "cmds")) {
      const Json& cmd = field(item, "AlterTableCmd");
      const std::string subtype = cmd.value("subtype", "");
      if (subtype == "AT_DetachPartition" &&
          field(field(cmd, "def"), "PartitionCmd").value("concurrent", false)) {
        out.push_back({14, "DETACH PARTITION ... CONCURRENTLY", begin});
      } else if (subtype == "AT_SetAccessMethod") {
        out.push_back({15, "ALTER TABLE ... SET ACCESS METHOD", begin});
      } else if (subtype == "AT_AddColumn") {
        column_features(ctx, field(field(cmd, "def"), "ColumnDef"), out);
      } else if (subtype == "AT_AddConstraint") {
        constraint_features(ctx, field(field(cmd, "def"), "Constraint"), out);
      }
    }
  }
  return out;
}

void check(Context& ctx) {
  if (ctx.stmt().kind == "AlterEnumStmt" && ctx.body().contains("newVal") &&
      !ctx.body().contains("oldVal") && !ctx.suppressed(kNeedsNewerServer.info.id)) {
    ctx.state().enum_adds.emplace_back(ctx.stmt().begin, ctx.state().transaction_line);
  }
  for (const Feature& f : features(ctx)) {
    if (ctx.pg_version() >= f.since) continue;
    ctx.report(kNeedsNewerServer.info.id, f.at,
               fmt::format("{} needs PostgreSQL {}; the target is {}: the server refuses the "
                           "statement, and the migration fails here",
                           f.what, f.since, ctx.pg_version()),
               fmt::format("write it without {} for PostgreSQL {}, or upgrade the servers first "
                           "(--pg-version says which major version keel lints for; with --url "
                           "it is the server's own)",
                           f.what, ctx.pg_version()));
  }
}

void finish(Context& ctx) {
  if (ctx.pg_version() >= 12) return;
  for (const auto& [at, block] : ctx.state().enum_adds) {
    if (block == 0 && !ctx.one_transaction()) continue;
    ctx.report(kNeedsNewerServer.info.id, at,
               fmt::format("ALTER TYPE ... ADD VALUE cannot run inside a transaction block "
                           "before PostgreSQL 12 (the target is {}), and this migration runs in "
                           "one: it fails here",
                           ctx.pg_version()),
               "move it to a migration of its own marked -- keel:no-transaction, outside any "
               "BEGIN");
  }
}

}  // namespace

const Rule kNeedsNewerServer{{"needs-newer-server", Severity::kError, "",
                              "syntax the target PostgreSQL version does not have"},
                             &check,
                             &finish};

}  // namespace keel::lint::checks
