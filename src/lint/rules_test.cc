// Every lint rule: a hazardous form is reported, a safe form is not (at
// warning or error).
#include <gtest/gtest.h>

#include <map>

#include "keel/lint.h"

namespace keel::lint {
namespace {

struct FakeCatalog final : Catalog {
  std::map<std::string, Volatility> functions;
  std::map<std::string, ColumnType> columns;  // "schema.table.column"
  int server_major_version() override { return 15; }
  Result<std::optional<Volatility>> function_volatility(const std::string&,
                                                        const std::string& name) override {
    auto it = functions.find(name);
    return it == functions.end() ? std::nullopt : std::optional(it->second);
  }
  Result<std::optional<ColumnType>> column_type(const std::string& schema, const std::string& table,
                                                const std::string& column) override {
    auto it = columns.find(schema + "." + table + "." + column);
    return it == columns.end() ? std::nullopt : std::optional(it->second);
  }
};

std::vector<Finding> lint(const std::string& sql, LintOptions options = {}) {
  migrate::Script script{.path = "m.sql", .sql = sql};
  if (sql.starts_with("-- keel:no-transaction")) script.directives.no_transaction = true;
  return lint_script(script, options);
}

// Findings of `rule` at warning or above.
int count(const std::vector<Finding>& findings, const std::string& rule) {
  int n = 0;
  for (const auto& f : findings) n += f.rule == rule && f.severity >= Severity::kWarning;
  return n;
}

std::string dump(const std::vector<Finding>& findings) {
  std::string out;
  for (const auto& f : findings) {
    out += "\n  " + std::to_string(f.line) + ":" + std::to_string(f.column) + " " + f.rule + ": " +
           f.message;
  }
  return out;
}

void expect_reported(const std::string& rule, const std::string& sql, LintOptions options = {}) {
  auto findings = lint(sql, options);
  EXPECT_EQ(count(findings, rule), 1) << sql << dump(findings);
  for (const auto& f : findings) {
    EXPECT_FALSE(f.fix.empty()) << f.rule;
    const RuleInfo* info = find_rule(f.rule);
    ASSERT_NE(info, nullptr) << f.rule;
    if (!info->lock.empty()) {
      EXPECT_NE(f.message.find(std::string(info->lock) + " lock"), std::string::npos)
          << f.rule << " does not name its lock: " << f.message;
    }
  }
}

// Nothing at warning or error.
void expect_clean(const std::string& sql, LintOptions options = {}) {
  auto findings = lint(sql, options);
  int serious = 0;
  for (const auto& f : findings) serious += f.severity >= Severity::kWarning;
  EXPECT_EQ(serious, 0) << sql << dump(findings);
}

TEST(LintRules, CreateIndexNotConcurrent) {
  expect_reported("create-index-not-concurrent", "CREATE INDEX i ON users (email);");
  expect_reported("create-index-not-concurrent", "CREATE UNIQUE INDEX i ON app.users (email);");
  expect_clean("CREATE INDEX CONCURRENTLY i ON users (email);");
  expect_clean("CREATE TABLE t (id int, a text);\nCREATE INDEX t_a ON t (a);");
  expect_clean("CREATE TABLE s.t (id int);\nCREATE INDEX t_id ON s.t (id);");
}

TEST(LintRules, DropIndexNotConcurrent) {
  expect_reported("drop-index-not-concurrent", "DROP INDEX users_email;");
  expect_clean("DROP INDEX CONCURRENTLY users_email;");
  expect_clean("CREATE TABLE t (a int); CREATE INDEX t_a ON t (a); DROP INDEX t_a;");
}

TEST(LintRules, ReindexNotConcurrent) {
  expect_reported("reindex-not-concurrent", "REINDEX TABLE users;");
  expect_reported("reindex-not-concurrent", "REINDEX INDEX users_email;");
  expect_clean("REINDEX TABLE CONCURRENTLY users;");
  expect_clean("REINDEX (CONCURRENTLY) INDEX users_email;");
}

TEST(LintRules, ConcurrentlyInTransaction) {
  expect_reported("concurrently-in-transaction",
                  "BEGIN;\nCREATE INDEX CONCURRENTLY i ON users (email);\nCOMMIT;");
  expect_reported("concurrently-in-transaction", "BEGIN;\nDROP INDEX CONCURRENTLY i;\nCOMMIT;");
  expect_clean("CREATE INDEX CONCURRENTLY i ON users (email);");
  expect_clean("BEGIN; COMMIT;\nCREATE INDEX CONCURRENTLY i ON users (email);");
}

TEST(LintRules, NonTransactionalMixIsInfoOnly) {
  std::string sql =
      "CREATE UNIQUE INDEX CONCURRENTLY u_idx ON users (email);\n"
      "ALTER TABLE users ADD CONSTRAINT u UNIQUE USING INDEX u_idx;";
  auto findings = lint(sql);
  ASSERT_EQ(findings.size(), 1u) << dump(findings);
  EXPECT_EQ(findings[0].rule, "non-transactional-mix");
  EXPECT_EQ(findings[0].severity, Severity::kInfo);
  expect_clean(sql);
  EXPECT_TRUE(lint("CREATE INDEX CONCURRENTLY i ON users (email);").empty());
}

TEST(LintRules, AddColumnVolatileDefault) {
  for (std::string def : {"random()", "clock_timestamp()", "gen_random_uuid()", "nextval('s')",
                          "my_unknown_function()"}) {
    expect_reported("add-column-volatile-default",
                    "ALTER TABLE users ADD COLUMN x text DEFAULT " + def + ";");
  }
  expect_reported("add-column-volatile-default", "ALTER TABLE users ADD COLUMN id2 bigserial;");
  expect_reported("add-column-volatile-default",
                  "ALTER TABLE users ADD COLUMN n int GENERATED ALWAYS AS IDENTITY;");
  expect_reported("add-column-volatile-default",
                  "ALTER TABLE users ADD COLUMN n int GENERATED ALWAYS AS (id * 2) STORED;");
  LintOptions pg10;
  pg10.pg_version = 10;
  expect_reported("add-column-volatile-default",
                  "ALTER TABLE users ADD COLUMN a int NOT NULL DEFAULT 0;", pg10);
  expect_clean("ALTER TABLE users ADD COLUMN a int NOT NULL DEFAULT 0;");
  expect_clean("ALTER TABLE users ADD COLUMN a text DEFAULT 'x';");
  expect_clean("ALTER TABLE users ADD COLUMN at timestamptz DEFAULT now();");
  expect_clean("ALTER TABLE users ADD COLUMN at timestamptz NOT NULL DEFAULT CURRENT_TIMESTAMP;");
  expect_clean("ALTER TABLE users ADD COLUMN at text DEFAULT lower('X');");
  expect_clean(
      "CREATE TABLE t (a int);\nALTER TABLE t ADD COLUMN b uuid DEFAULT gen_random_uuid();");
  // A function created in the script, declared STABLE.
  expect_clean(
      "CREATE FUNCTION f() RETURNS int LANGUAGE sql STABLE AS 'select 1';\n"
      "ALTER TABLE users ADD COLUMN a int DEFAULT f();");
  // The catalog's volatility wins over the built-in assumption.
  FakeCatalog catalog;
  catalog.functions["my_fn"] = Volatility::kImmutable;
  catalog.functions["my_rand"] = Volatility::kVolatile;
  LintOptions with;
  with.catalog = &catalog;
  expect_clean("ALTER TABLE users ADD COLUMN a int DEFAULT my_fn();", with);
  expect_reported("add-column-volatile-default",
                  "ALTER TABLE users ADD COLUMN a int DEFAULT my_rand();", with);
}

TEST(LintRules, AddColumnNotNullNoDefault) {
  expect_reported("add-column-not-null-no-default", "ALTER TABLE users ADD COLUMN a int NOT NULL;");
  expect_clean("ALTER TABLE users ADD COLUMN a int NOT NULL DEFAULT 1;");
  expect_clean("ALTER TABLE users ADD COLUMN a int;");
  expect_clean("CREATE TABLE t (id int);\nALTER TABLE t ADD COLUMN a int NOT NULL;");
}

TEST(LintRules, SetNotNull) {
  expect_reported("set-not-null", "ALTER TABLE users ALTER COLUMN email SET NOT NULL;");
  // Each statement committed on its own: in one transaction the ADD's ACCESS EXCLUSIVE lock
  // would last through the VALIDATE (validate-in-same-transaction).
  std::string safe =
      "-- keel:no-transaction\n"
      "ALTER TABLE users ADD CONSTRAINT users_email_nn CHECK (email IS NOT NULL) NOT VALID;\n"
      "ALTER TABLE users VALIDATE CONSTRAINT users_email_nn;\n"
      "ALTER TABLE users ALTER COLUMN email SET NOT NULL;";
  expect_clean(safe);
  LintOptions pg11;
  pg11.pg_version = 11;
  expect_reported("set-not-null", safe, pg11);
  // Not validated: still a scan.
  expect_reported("set-not-null",
                  "ALTER TABLE users ADD CONSTRAINT c CHECK (email IS NOT NULL) NOT VALID;\n"
                  "ALTER TABLE users ALTER COLUMN email SET NOT NULL;");
}

TEST(LintRules, SetNotNullProvenByAnEarlierScriptOfTheFolder) {
  MemoryPtr memory = new_memory();
  migrate::Script first{
      .path = "1.sql",
      .sql =
          "ALTER TABLE users ADD CONSTRAINT c CHECK (email IS NOT NULL) NOT VALID;\n"
          "ALTER TABLE users VALIDATE CONSTRAINT c;"};
  first.directives.no_transaction = true;
  migrate::Script second{.path = "2.sql",
                         .sql = "ALTER TABLE users ALTER COLUMN email SET NOT NULL;"};
  EXPECT_TRUE(lint_script(first, {}, memory.get()).empty());
  EXPECT_TRUE(lint_script(second, {}, memory.get()).empty());
}

TEST(LintRules, AlterColumnType) {
  expect_reported("alter-column-type", "ALTER TABLE users ALTER COLUMN id TYPE bigint;");
  expect_reported("alter-column-type", "ALTER TABLE users ALTER COLUMN n TYPE int USING n::int;");
  FakeCatalog catalog;
  catalog.columns["public.users.name"] = {"varchar", {50}};
  catalog.columns["public.users.price"] = {"numeric", {10, 2}};
  catalog.columns["public.users.code"] = {"text", {}};
  LintOptions with;
  with.catalog = &catalog;
  expect_clean("ALTER TABLE users ALTER COLUMN name TYPE varchar(100);", with);
  expect_clean("ALTER TABLE users ALTER COLUMN name TYPE text;", with);
  expect_clean("ALTER TABLE users ALTER COLUMN name TYPE varchar;", with);
  expect_clean("ALTER TABLE users ALTER COLUMN price TYPE numeric(12,2);", with);
  expect_reported("alter-column-type", "ALTER TABLE users ALTER COLUMN name TYPE varchar(20);",
                  with);
  expect_reported("alter-column-type", "ALTER TABLE users ALTER COLUMN price TYPE numeric(12,4);",
                  with);
  expect_reported("alter-column-type", "ALTER TABLE users ALTER COLUMN code TYPE int;", with);
  // Without a catalog, the type from an earlier script of the folder.
  MemoryPtr memory = new_memory();
  migrate::Script create{.path = "1.sql", .sql = "CREATE TABLE t (name varchar(10));"};
  migrate::Script grow{.path = "2.sql", .sql = "ALTER TABLE t ALTER COLUMN name TYPE varchar(20);"};
  migrate::Script shrink{.path = "3.sql",
                         .sql = "ALTER TABLE t ALTER COLUMN name TYPE varchar(5);"};
  lint_script(create, {}, memory.get());
  EXPECT_TRUE(lint_script(grow, {}, memory.get()).empty());
  EXPECT_EQ(count(lint_script(shrink, {}, memory.get()), "alter-column-type"), 1);
  // Unknown current type, a target that may be binary-coercible: info only.
  expect_clean("ALTER TABLE users ALTER COLUMN name TYPE text;");
}

TEST(LintRules, ForeignKeyWithoutNotValid) {
  expect_reported("foreign-key-without-not-valid",
                  "ALTER TABLE users ADD CONSTRAINT fk FOREIGN KEY (org_id) REFERENCES orgs (id);");
  expect_clean(
      "-- keel:no-transaction\n"
      "ALTER TABLE users ADD CONSTRAINT fk FOREIGN KEY (org_id) REFERENCES orgs (id) NOT VALID;\n"
      "ALTER TABLE users VALIDATE CONSTRAINT fk;");
  expect_clean("CREATE TABLE t (org_id int REFERENCES orgs (id));");
}

TEST(LintRules, CheckWithoutNotValid) {
  expect_reported("check-without-not-valid",
                  "ALTER TABLE users ADD CONSTRAINT c CHECK (age >= 0);");
  expect_clean(
      "-- keel:no-transaction\n"
      "ALTER TABLE users ADD CONSTRAINT c CHECK (age >= 0) NOT VALID;\n"
      "ALTER TABLE users VALIDATE CONSTRAINT c;");
}

TEST(LintRules, UniqueWithoutIndex) {
  expect_reported("unique-without-index", "ALTER TABLE users ADD CONSTRAINT u UNIQUE (email);");
  expect_reported("unique-without-index", "ALTER TABLE users ADD PRIMARY KEY (id);");
  expect_reported("unique-without-index", "ALTER TABLE users ADD COLUMN code text UNIQUE;");
  expect_clean("ALTER TABLE users ADD CONSTRAINT u UNIQUE USING INDEX users_email_idx;");
  expect_clean("ALTER TABLE users ADD CONSTRAINT pk PRIMARY KEY USING INDEX users_id_idx;");
}

TEST(LintRules, DropColumnAndTable) {
  expect_reported("drop-column", "ALTER TABLE users DROP COLUMN legacy;");
  expect_reported("drop-table", "DROP TABLE users;");
  expect_clean("CREATE TABLE tmp (a int); ALTER TABLE tmp DROP COLUMN a; DROP TABLE tmp;");
  expect_clean("-- keel:ignore drop-column\nALTER TABLE users DROP COLUMN legacy;");
}

TEST(LintRules, RenameColumnAndTable) {
  auto findings = lint("ALTER TABLE users RENAME COLUMN name TO full_name;");
  ASSERT_EQ(count(findings, "rename-column"), 1) << dump(findings);
  EXPECT_NE(findings[0].fix.find("dual-write"), std::string::npos) << findings[0].fix;
  EXPECT_NE(findings[0].fix.find("backfill"), std::string::npos) << findings[0].fix;
  expect_reported("rename-table", "ALTER TABLE users RENAME TO accounts;");
  expect_clean("CREATE TABLE t (a int); ALTER TABLE t RENAME a TO b; ALTER TABLE t RENAME TO u;");
}

TEST(LintRules, Truncate) {
  expect_reported("truncate", "TRUNCATE users;");
  expect_clean("CREATE TABLE t (a int); TRUNCATE t;");
}

TEST(LintRules, VacuumFull) {
  expect_reported("vacuum-full", "VACUUM FULL users;");
  expect_reported("vacuum-full", "VACUUM (FULL, ANALYZE) users;");
  expect_clean("VACUUM users;");
  expect_clean("VACUUM ANALYZE users;");
}

TEST(LintRules, Cluster) {
  expect_reported("cluster", "CLUSTER users USING users_pkey;");
  expect_clean("CREATE TABLE t (a int primary key); CLUSTER t USING t_pkey;");
}

TEST(LintRules, SetLogged) {
  expect_reported("set-logged", "ALTER TABLE users SET LOGGED;");
  expect_reported("set-logged", "ALTER TABLE users SET UNLOGGED;");
  expect_clean("CREATE UNLOGGED TABLE t (a int); ALTER TABLE t SET LOGGED;");
}

TEST(LintRules, LockTable) {
  expect_reported("lock-table", "LOCK TABLE users;");
  expect_reported("lock-table", "LOCK TABLE users IN SHARE MODE;");
  expect_clean("LOCK TABLE users IN ACCESS SHARE MODE;");
}

TEST(LintRules, WholeTableDml) {
  expect_reported("whole-table-dml", "UPDATE users SET active = true;");
  expect_reported("whole-table-dml", "DELETE FROM users;");
  expect_clean("UPDATE users SET active = true WHERE id < 1000;");
  expect_clean("CREATE TABLE t (a int); UPDATE t SET a = 1;");
}

TEST(LintRules, SyntaxErrorWithLineAndColumn) {
  auto findings = lint(
      "CREATE INDEX CONCURRENTLY i ON users (email);\n"
      "ALTER TABLE users ADD INDEX IF NOT EXISTS idx (email);\n"
      "TRUNCATE users;");
  ASSERT_EQ(count(findings, "syntax-error"), 1) << dump(findings);
  const Finding* error = nullptr;
  for (const auto& f : findings) {
    if (f.rule == "syntax-error") error = &f;
  }
  EXPECT_EQ(error->line, 2);
  EXPECT_EQ(error->column, 36);  // at "EXISTS"
  EXPECT_NE(error->fix.find("MySQL"), std::string::npos) << error->fix;
  // The statements around the bad one are still linted.
  EXPECT_EQ(count(findings, "truncate"), 1) << dump(findings);
}

TEST(LintRules, SafeFormsOfTheAcceptanceList) {
  expect_clean(
      "CREATE INDEX CONCURRENTLY users_email ON users (email);\n"
      "ALTER TABLE users ADD CONSTRAINT fk FOREIGN KEY (org_id) REFERENCES orgs (id) NOT VALID;\n"
      "ALTER TABLE users ADD CONSTRAINT c CHECK (age > 0) NOT VALID;\n"
      "ALTER TABLE users ADD COLUMN active boolean NOT NULL DEFAULT true;\n"
      "CREATE TABLE events (id bigint, user_id bigint);\n"
      "CREATE INDEX events_user ON events (user_id);\n"
      "DROP INDEX CONCURRENTLY users_old;\n"
      "ALTER TABLE users ALTER COLUMN active SET DEFAULT false;\n"
      "COMMENT ON COLUMN users.active IS 'whether the account may sign in';\n");
  // The validations, in the next migration.
  expect_clean(
      "ALTER TABLE users VALIDATE CONSTRAINT fk;\n"
      "ALTER TABLE users VALIDATE CONSTRAINT c;\n");
}

// Issue 19: the heavy locks lint missed.
TEST(LintRules, ValidateInTheTransactionThatAddedTheConstraint) {
  const std::string check =
      "ALTER TABLE users ADD CONSTRAINT c CHECK (age > 0) NOT VALID;\n"
      "ALTER TABLE users VALIDATE CONSTRAINT c;\n";
  auto findings = lint(check);
  ASSERT_EQ(count(findings, "validate-in-same-transaction"), 1) << dump(findings);
  for (const auto& f : findings) {
    if (f.rule != "validate-in-same-transaction") continue;
    EXPECT_EQ(f.line, 2);
    EXPECT_NE(f.message.find("ACCESS EXCLUSIVE lock on public.users"), std::string::npos)
        << f.message;
    EXPECT_NE(f.message.find("line 1"), std::string::npos) << f.message;
  }
  findings = lint(
      "ALTER TABLE users ADD CONSTRAINT fk FOREIGN KEY (org_id) REFERENCES orgs (id) NOT VALID;\n"
      "ALTER TABLE users VALIDATE CONSTRAINT fk;\n");
  ASSERT_EQ(count(findings, "validate-in-same-transaction"), 1) << dump(findings);
  for (const auto& f : findings) {
    if (f.rule != "validate-in-same-transaction") continue;
    EXPECT_NE(f.message.find("SHARE ROW EXCLUSIVE locks on public.users and public.orgs"),
              std::string::npos)
        << f.message;
  }
  // Committed in between: statement by statement, or in two explicit transactions.
  expect_clean("-- keel:no-transaction\n" + check);
  expect_clean("CREATE INDEX CONCURRENTLY i ON t (a);\n" + check);
  expect_clean(
      "BEGIN;\nALTER TABLE users ADD CONSTRAINT c CHECK (age > 0) NOT VALID;\nCOMMIT;\n"
      "BEGIN;\nALTER TABLE users VALIDATE CONSTRAINT c;\nCOMMIT;\n"
      "CREATE INDEX CONCURRENTLY i ON t (a);\n");
  // One explicit BEGIN around both holds the lock even in a file run statement by statement.
  expect_reported("validate-in-same-transaction",
                  "-- keel:no-transaction\nBEGIN;\n" + check + "COMMIT;\n");
  // Another table's constraint of the same name, or a table made here: nothing.
  expect_clean(
      "ALTER TABLE users ADD CONSTRAINT c CHECK (age > 0) NOT VALID;\n"
      "ALTER TABLE orgs VALIDATE CONSTRAINT c;\n");
  expect_clean(
      "CREATE TABLE t (a int);\nALTER TABLE t ADD CONSTRAINT c CHECK (a > 0) NOT VALID;\n"
      "ALTER TABLE t VALIDATE CONSTRAINT c;\n");
  // -- keel:ignore on the VALIDATE.
  expect_clean(
      "ALTER TABLE users ADD CONSTRAINT c CHECK (age > 0) NOT VALID;\n"
      "-- keel:ignore validate-in-same-transaction\nALTER TABLE users VALIDATE CONSTRAINT c;\n");
}

TEST(LintRules, InlineReferencesInAddColumnValidateTheForeignKeyAtOnce) {
  // Django's default for a new ForeignKey field.
  expect_reported("foreign-key-without-not-valid",
                  "ALTER TABLE \"app_book\" ADD COLUMN \"author_id\" bigint NULL CONSTRAINT "
                  "\"app_book_author_id_fk\" REFERENCES \"app_author\"(\"id\") DEFERRABLE "
                  "INITIALLY DEFERRED;");
  expect_reported("foreign-key-without-not-valid",
                  "ALTER TABLE users ADD COLUMN org2 int REFERENCES orgs (id);");
  expect_clean("ALTER TABLE users ADD COLUMN org2 int;");
  expect_clean("CREATE TABLE t (a int);\nALTER TABLE t ADD COLUMN o int REFERENCES orgs (id);");
}

TEST(LintRules, PartitionsDetachedWithoutConcurrentlyAndAttachedWithAScan) {
  expect_reported("detach-partition-not-concurrent",
                  "ALTER TABLE measurements DETACH PARTITION measurements_2020;");
  expect_clean(
      "-- keel:no-transaction\n"
      "ALTER TABLE measurements DETACH PARTITION measurements_2020 CONCURRENTLY;");
  auto findings = lint("ALTER TABLE measurements DETACH PARTITION measurements_2020;",
                       LintOptions{.pg_version = 13});
  ASSERT_EQ(count(findings, "detach-partition-not-concurrent"), 1);
  EXPECT_NE(findings[0].fix.find("needs PostgreSQL 14"), std::string::npos) << findings[0].fix;

  expect_reported("attach-partition",
                  "ALTER TABLE measurements ATTACH PARTITION m2024 FOR VALUES FROM "
                  "('2024-01-01') TO ('2025-01-01');");
  // A table made here is empty; a CHECK validated first spares the scan.
  expect_clean(
      "CREATE TABLE m2024 (LIKE measurements);\nALTER TABLE measurements ATTACH "
      "PARTITION m2024 FOR VALUES FROM ('2024-01-01') TO ('2025-01-01');");
  expect_clean(
      "ALTER TABLE m2024 VALIDATE CONSTRAINT bound;\nALTER TABLE measurements ATTACH "
      "PARTITION m2024 FOR VALUES FROM ('2024-01-01') TO ('2025-01-01');");
}

TEST(LintRules, RefreshSetTablespaceAndDropSchemaCascade) {
  expect_reported("refresh-materialized-view-not-concurrent",
                  "REFRESH MATERIALIZED VIEW sales_summary;");
  expect_clean("REFRESH MATERIALIZED VIEW CONCURRENTLY sales_summary;");
  expect_clean("REFRESH MATERIALIZED VIEW sales_summary WITH NO DATA;");
  expect_clean("CREATE MATERIALIZED VIEW mv AS SELECT 1 AS a;\nREFRESH MATERIALIZED VIEW mv;");

  expect_reported("set-tablespace", "ALTER TABLE users SET TABLESPACE fast_ssd;");
  expect_reported("set-tablespace", "ALTER INDEX users_email SET TABLESPACE fast_ssd;");
  expect_reported("set-tablespace", "ALTER MATERIALIZED VIEW mv SET TABLESPACE fast_ssd;");
  expect_reported("set-tablespace", "ALTER TABLE ALL IN TABLESPACE slow SET TABLESPACE fast;");
  expect_clean("CREATE TABLE t (a int);\nALTER TABLE t SET TABLESPACE fast_ssd;");

  expect_reported("drop-schema-cascade", "DROP SCHEMA legacy CASCADE;");
  expect_clean("DROP SCHEMA legacy;");
  expect_clean(
      "CREATE SCHEMA scratch;\nCREATE TABLE scratch.t (a int);\n"
      "DROP SCHEMA scratch CASCADE;");
}

TEST(LintRules, SyntaxTheTargetVersionLacksIsAnError) {
  struct Case {
    std::string sql;
    int refused_before;
  };
  const std::vector<Case> cases = {
      {"-- keel:no-transaction\nREINDEX TABLE CONCURRENTLY users;", 12},
      {"-- keel:no-transaction\nREINDEX (CONCURRENTLY) INDEX users_email;", 12},
      {"-- keel:no-transaction\nALTER TABLE m DETACH PARTITION p CONCURRENTLY;", 14},
      {"CREATE INDEX CONCURRENTLY i ON users (email) INCLUDE (name);", 11},
      {"CREATE TABLE t (a int, b int GENERATED ALWAYS AS (a * 2) STORED);", 12},
      {"CREATE PROCEDURE p() LANGUAGE sql AS 'SELECT 1';", 11},
      {"CREATE OR REPLACE TRIGGER tr AFTER INSERT ON users FOR EACH ROW EXECUTE FUNCTION f();", 14},
      {"MERGE INTO users u USING staged s ON u.id = s.id WHEN MATCHED THEN DELETE;", 15},
      {"CREATE UNIQUE INDEX CONCURRENTLY i ON users (email) NULLS NOT DISTINCT;", 15},
      {"ALTER TABLE users ADD CONSTRAINT u UNIQUE NULLS NOT DISTINCT (email);", 15},
      {"ALTER TABLE users SET ACCESS METHOD heap;", 15},
      // Before 12, ADD VALUE refuses a transaction block, and this file runs in one.
      {"ALTER TYPE mood ADD VALUE 'great';", 12},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.sql);
    auto old = lint(c.sql, LintOptions{.pg_version = c.refused_before - 1});
    ASSERT_EQ(count(old, "needs-newer-server"), 1) << dump(old);
    for (const auto& f : old) {
      if (f.rule != "needs-newer-server") continue;
      EXPECT_NE(f.message.find(std::to_string(c.refused_before - 1)), std::string::npos)
          << f.message;
    }
    EXPECT_EQ(count(lint(c.sql, LintOptions{.pg_version = c.refused_before}), "needs-newer-server"),
              0);
  }
  // ADD VALUE alone, run outside a transaction, is fine on 11.
  EXPECT_EQ(count(lint("-- keel:no-transaction\nALTER TYPE mood ADD VALUE 'great';",
                       LintOptions{.pg_version = 11}),
                  "needs-newer-server"),
            0);
}

TEST(LintRules, DoBlocksAndCallAreSaidNotToBeLinted) {
  auto findings = lint(
      "DO $$BEGIN EXECUTE 'ALTER TABLE users ADD COLUMN x int'; END$$;\nCALL "
      "app.migrate_data();");
  int info = 0;
  for (const auto& f : findings) {
    if (f.rule != "opaque-code") continue;
    ++info;
    EXPECT_EQ(f.severity, Severity::kInfo);
  }
  EXPECT_EQ(info, 2) << dump(findings);
  expect_clean("DO $$BEGIN PERFORM 1; END$$;");  // info only
}

}  // namespace
}  // namespace keel::lint
