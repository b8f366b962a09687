// keel convert's library side: SQL statements -> operations, the exact values, placeholders,
// refusals with file:line, and the round trip through write_operations and parse_operations.
#include <gtest/gtest.h>

#include "keel/convert.h"

namespace keel::ops {
namespace {

OperationMigration convert_ok(const std::string& sql) {
  auto m = convert_sql("m/0007_x.sql", sql);
  EXPECT_TRUE(m) << m.error().to_string();
  return m ? *m : OperationMigration{};
}

Error convert_error(const std::string& sql) {
  auto m = convert_sql("m/0007_x.sql", sql);
  EXPECT_FALSE(m);
  return m ? Error{} : m.error();
}

TEST(ConvertSqlTest, CreateTableWithColumnsAndConstraints) {
  auto m = convert_ok(
      "CREATE TABLE users (\n"
      "  id bigserial PRIMARY KEY,\n"
      "  email varchar(255) NOT NULL UNIQUE,\n"
      "  age int DEFAULT 18 CHECK (age > 0),\n"
      "  team_id int REFERENCES teams (id) ON DELETE CASCADE,\n"
      "  created timestamp with time zone NOT NULL DEFAULT now(),\n"
      "  CONSTRAINT users_email_age UNIQUE (email, age)\n"
      ");\n");
  ASSERT_EQ(m.operations.size(), 1u);
  EXPECT_EQ(m.operations[0].line, 1);
  const auto& t = std::get<CreateTable>(m.operations[0].op);
  EXPECT_EQ(t.name, "users");
  ASSERT_EQ(t.columns.size(), 5u);
  EXPECT_TRUE(t.columns[0] ==
              (Column{.name = "id", .type = "bigserial", .nullable = false, .pk = true}));
  EXPECT_TRUE(t.columns[1] ==
              (Column{.name = "email", .type = "varchar(255)", .nullable = false, .unique = true}));
  EXPECT_TRUE(t.columns[2] == (Column{.name = "age",
                                      .type = "int",
                                      .nullable = true,
                                      .default_value = "18",
                                      .check = CheckConstraint{"users_age_check", "age > 0"}}));
  Column team{.name = "team_id", .type = "int", .nullable = true};
  team.references = ForeignKeyReference{
      .name = "users_team_id_fkey", .table = "teams", .column = "id", .on_delete = "CASCADE"};
  EXPECT_TRUE(t.columns[3] == team);
  EXPECT_TRUE(t.columns[4] == (Column{.name = "created",
                                      .type = "timestamp with time zone",
                                      .nullable = false,
                                      .default_value = "now()"}));
  ASSERT_EQ(t.constraints.size(), 1u);
  EXPECT_TRUE(t.constraints[0] == (TableConstraint{.name = "users_email_age",
                                                   .type = TableConstraint::Type::kUnique,
                                                   .columns = {"email", "age"}}));
}

TEST(ConvertSqlTest, AlterTableStatementsBecomeOperations) {
  auto m = convert_ok(
      "ALTER TABLE users RENAME COLUMN mail TO email;\n"                      // 1
      "ALTER TABLE users RENAME TO people;\n"                                 // 2
      "ALTER TABLE people ADD COLUMN nick text;\n"                            // 3
      "ALTER TABLE people DROP COLUMN legacy;\n"                              // 4
      "ALTER TABLE people ALTER COLUMN age TYPE bigint USING age::bigint,\n"  // 5
      "  ALTER COLUMN score TYPE numeric(10, 2);\n"                           // 6
      "ALTER TABLE people ALTER COLUMN email SET NOT NULL;\n"                 // 7
      "ALTER TABLE people ALTER COLUMN nick DROP NOT NULL;\n"                 // 8
      "ALTER TABLE people ALTER COLUMN nick SET DEFAULT 'n/a', ALTER COLUMN age DROP DEFAULT;\n"
      "ALTER TABLE people RENAME CONSTRAINT a_check TO b_check;\n"      // 10
      "ALTER TABLE people REPLICA IDENTITY USING INDEX people_pkey;\n"  // 11
      "COMMENT ON COLUMN people.nick IS 'shown name';\n");              // 12
  ASSERT_EQ(m.operations.size(), 13u);
  EXPECT_TRUE(m.operations[0].op == Operation(RenameColumn{"users", "mail", "email"}));
  EXPECT_TRUE(m.operations[1].op == Operation(RenameTable{"users", "people"}));
  EXPECT_TRUE(
      m.operations[2].op ==
      Operation(AddColumn{"people", Column{.name = "nick", .type = "text", .nullable = true},
                          std::nullopt}));
  EXPECT_TRUE(m.operations[3].op ==
              Operation(DropColumn{"people", "legacy",
                                   "TODO: the value of legacy for rows the new version writes "
                                   "(older versions still read it)"}));
  AlterColumn age{.table = "people", .column = "age"};
  age.type = "bigint";
  age.up = "age::bigint";
  age.down = "TODO: age converted back to its old type, e.g. CAST(age AS <old type>)";
  EXPECT_TRUE(m.operations[4].op == Operation(age));
  EXPECT_EQ(m.operations[4].line, 5);
  const auto& score = std::get<AlterColumn>(m.operations[5].op);
  EXPECT_EQ(score.type, "numeric(10, 2)");
  EXPECT_EQ(score.up, "CAST(score AS numeric(10, 2))");
  EXPECT_EQ(m.operations[5].line, 5);
  AlterColumn not_null{.table = "people", .column = "email"};
  not_null.nullable = false;
  not_null.up = "TODO: email with a value for NULLs, e.g. COALESCE(email, <value>)";
  not_null.down = "email";
  EXPECT_TRUE(m.operations[6].op == Operation(not_null));
  const auto& drop_not_null = std::get<AlterColumn>(m.operations[7].op);
  EXPECT_EQ(drop_not_null.nullable, true);
  EXPECT_EQ(drop_not_null.up, "nick");
  const auto& set_default = std::get<AlterColumn>(m.operations[8].op);
  EXPECT_EQ(set_default.default_value,
            std::optional<std::optional<std::string>>(std::optional<std::string>("'n/a'")));
  EXPECT_FALSE(set_default.up);
  const auto& drop_default = std::get<AlterColumn>(m.operations[9].op);
  ASSERT_TRUE(drop_default.default_value);
  EXPECT_FALSE(*drop_default.default_value);
  EXPECT_TRUE(m.operations[10].op == Operation(RenameConstraint{"people", "a_check", "b_check"}));
  EXPECT_TRUE(m.operations[11].op ==
              Operation(SetReplicaIdentity{"people", "index", "people_pkey"}));
  const auto& comment = std::get<AlterColumn>(m.operations[12].op);
  EXPECT_EQ(comment.comment,
            std::optional<std::optional<std::string>>(std::optional<std::string>("shown name")));
  EXPECT_EQ(m.operations[12].line, 12);
}

TEST(ConvertSqlTest, IndexesAndConstraints) {
  auto m = convert_ok(
      "CREATE UNIQUE INDEX CONCURRENTLY users_email_idx ON users USING btree (email DESC "
      "NULLS LAST) WITH (fillfactor = 70) WHERE deleted_at IS NULL;\n"
      "DROP INDEX CONCURRENTLY old_idx;\n"
      "ALTER TABLE orders ADD CONSTRAINT amount_positive CHECK (amount > 0) NOT VALID;\n"
      "ALTER TABLE orders ADD CONSTRAINT orders_user_fk FOREIGN KEY (user_id) REFERENCES users "
      "(id) ON DELETE SET NULL;\n"
      "ALTER TABLE orders ADD UNIQUE (a, b);\n"
      "ALTER TABLE orders DROP CONSTRAINT amount_positive;\n"
      "DROP TABLE old_orders, older_orders;\n");
  ASSERT_EQ(m.operations.size(), 8u);
  CreateIndex index{.name = "users_email_idx",
                    .table = "users",
                    .columns = {"email"},
                    .column_settings = {IndexColumnSettings{.sort = "DESC", .nulls = "LAST"}},
                    .unique = true,
                    .predicate = "deleted_at IS NULL",
                    .storage_parameters = "fillfactor = 70"};
  EXPECT_TRUE(m.operations[0].op == Operation(index));
  EXPECT_TRUE(m.operations[1].op == Operation(DropIndex{"old_idx"}));
  CreateConstraint check{.table = "orders",
                         .name = "amount_positive",
                         .type = CreateConstraint::Type::kCheck,
                         .columns = {"amount"},
                         .check = "amount > 0"};
  check.up = {{"amount",
               "TODO: amount made to satisfy amount_positive for rows older versions "
               "write"}};
  check.down = {{"amount", "amount"}};
  EXPECT_TRUE(m.operations[2].op == Operation(check));
  const auto& fk = std::get<CreateConstraint>(m.operations[3].op);
  EXPECT_EQ(fk.type, CreateConstraint::Type::kForeignKey);
  EXPECT_EQ(fk.columns, std::vector<std::string>{"user_id"});
  EXPECT_TRUE(fk.references == (CreateConstraint::References{
                                   .table = "users", .columns = {"id"}, .on_delete = "SET NULL"}));
  const auto& unique = std::get<CreateConstraint>(m.operations[4].op);
  EXPECT_EQ(unique.name, "orders_a_b_key");
  EXPECT_EQ(unique.columns, (std::vector<std::string>{"a", "b"}));
  const auto& drop = std::get<DropConstraint>(m.operations[5].op);
  EXPECT_EQ(drop.name, "amount_positive");
  EXPECT_TRUE(drop.down.starts_with("TODO: "));
  EXPECT_TRUE(m.operations[6].op == Operation(DropTable{"old_orders"}));
  EXPECT_TRUE(m.operations[7].op == Operation(DropTable{"older_orders"}));
}

TEST(ConvertSqlTest, PlainStatementsBecomeSqlOperationsInOrder) {
  auto m = convert_ok(
      "BEGIN;\n"
      "CREATE FUNCTION touch() RETURNS trigger LANGUAGE plpgsql AS $$\n"
      "BEGIN NEW.t := now(); RETURN NEW; END $$;\n"
      "ALTER TABLE users RENAME COLUMN a TO b;\n"
      "INSERT INTO settings VALUES ('x', 1);\n"
      "CREATE INDEX users_lower ON users (lower(email));\n"
      "ALTER TABLE users SET (fillfactor = 80);\n"
      "COMMIT;\n");
  ASSERT_EQ(m.operations.size(), 5u);
  EXPECT_TRUE(m.operations[0].op ==
              Operation(RawSql{"CREATE FUNCTION touch() RETURNS trigger LANGUAGE plpgsql AS $$\n"
                               "BEGIN NEW.t := now(); RETURN NEW; END $$",
                               std::nullopt, false}));
  EXPECT_EQ(m.operations[0].line, 2);
  EXPECT_TRUE(m.operations[1].op == Operation(RenameColumn{"users", "a", "b"}));
  EXPECT_TRUE(m.operations[2].op ==
              Operation(RawSql{"INSERT INTO settings VALUES ('x', 1)", std::nullopt, false}));
  EXPECT_TRUE(
      m.operations[3].op ==
      Operation(RawSql{"CREATE INDEX users_lower ON users (lower(email))", std::nullopt, false}));
  EXPECT_TRUE(m.operations[4].op ==
              Operation(RawSql{"ALTER TABLE users SET (fillfactor = 80)", std::nullopt, false}));
}

TEST(ConvertSqlTest, RefusalsNameEachStatementLineAndReason) {
  Error e = convert_error(
      "ALTER TABLE a RENAME COLUMN x TO y;\n"
      "DROP TABLE IF EXISTS old;\n"
      "ALTER TABLE a ADD PRIMARY KEY (id);\n"
      "ALTER TABLE a ADD COLUMN c int, SET (fillfactor = 70);\n");
  EXPECT_EQ(e.code, ErrorCode::kUnsupported);
  EXPECT_EQ(e.context, "m/0007_x.sql:2");
  EXPECT_EQ(e.message,
            "3 statements cannot be converted to operations; change them or keep the script as a "
            "SQL migration:\n"
            "  m/0007_x.sql:2: DROP TABLE IF EXISTS old: IF EXISTS: an operation drops what "
            "exists; remove IF EXISTS\n"
            "  m/0007_x.sql:3: ALTER TABLE a ADD PRIMARY KEY (id): ADD PRIMARY KEY: "
            "create_constraint takes unique, check and foreign keys only\n"
            "  m/0007_x.sql:4: ALTER TABLE a ADD COLUMN c int, SET (fillfactor = 70): it mixes "
            "changes operations describe with others (SetRelOptions); split the statement, one "
            "ALTER TABLE for those");
  Error schema = convert_error("\n\nALTER TABLE app.users RENAME COLUMN a TO b;");
  EXPECT_EQ(schema.context, "m/0007_x.sql:3");
  Error syntax = convert_error("SELECT 1;\nALTER TABLE t ADD COLUMN;\n");
  EXPECT_EQ(syntax.code, ErrorCode::kConfig);
  EXPECT_EQ(syntax.context, "m/0007_x.sql:2");
  EXPECT_TRUE(syntax.message.starts_with("PostgreSQL syntax error: ")) << syntax.message;
  Error empty = convert_error("-- nothing\n");
  EXPECT_EQ(empty.message, "the script has no statement to convert");
}

// What keel convert writes parses back to the same operations; placeholders are refused
// until replaced.
void expect_round_trip(const std::string& sql, bool json) {
  auto converted = convert_sql("m/0007_x.sql", sql);
  ASSERT_TRUE(converted) << converted.error().to_string();
  std::string path = json ? "m/0007_x.json" : "m/0007_x.yaml";
  std::string text = write_operations(*converted, json, "written by a test");
  auto parsed = parse_operations(path, text);
  ASSERT_TRUE(parsed) << parsed.error().to_string() << "\n" << text;
  ASSERT_EQ(parsed->operations.size(), converted->operations.size()) << text;
  for (size_t i = 0; i < parsed->operations.size(); ++i) {
    EXPECT_TRUE(parsed->operations[i].op == converted->operations[i].op)
        << i << " " << operation_name(parsed->operations[i].op) << "\n"
        << text;
  }
}

constexpr const char* kNoPlaceholders =
    "CREATE TABLE t (id serial PRIMARY KEY, name text NOT NULL DEFAULT 'it''s', n numeric(5,2),\n"
    "  flag boolean DEFAULT true, code text CHECK (code ~ '^[a-z]+: #x$'),\n"
    "  CONSTRAINT t_fk FOREIGN KEY (n) REFERENCES u (v) MATCH FULL ON UPDATE CASCADE);\n"
    "ALTER TABLE t RENAME COLUMN name TO title;\n"
    "ALTER TABLE t ALTER COLUMN title SET DEFAULT 'null';\n"
    "ALTER TABLE t ALTER COLUMN flag DROP DEFAULT;\n"
    "CREATE INDEX t_title ON t USING gin (title gin_trgm_ops);\n"
    "CREATE INDEX t_two ON t (a, b);\n"
    "COMMENT ON COLUMN t.title IS NULL;\n"
    "ALTER TABLE t REPLICA IDENTITY FULL;\n"
    "CREATE VIEW v AS\n  SELECT 1 AS \"yes\";\n"
    "DROP INDEX t_two;\n"
    "ALTER TABLE t RENAME TO t2;\n";

TEST(ConvertRoundTripTest, YamlAndJsonParseBackToTheSameOperations) {
  expect_round_trip(kNoPlaceholders, false);
  expect_round_trip(kNoPlaceholders, true);
}

TEST(ConvertRoundTripTest, PlaceholdersAreRefusedUntilReplaced) {
  auto converted = convert_sql("m/0007_x.sql",
                               "ALTER TABLE t ALTER COLUMN email SET NOT NULL;\n"
                               "ALTER TABLE t ADD COLUMN code int NOT NULL;\n");
  ASSERT_TRUE(converted) << converted.error().to_string();
  std::string text = write_operations(*converted, false);
  auto parsed = parse_operations("m/0008_y.yaml", text);
  ASSERT_FALSE(parsed) << text;
  EXPECT_EQ(parsed.error().context, "m/0008_y.yaml:6") << text;
  EXPECT_EQ(parsed.error().message,
            "operations[0].alter_column.up: still the placeholder keel convert wrote (\"TODO: "
            "email with a value for NULLs, e.g. COALESCE(email, <value>)\"); replace it with the "
            "SQL expression it asks for");
  std::string edited = text;
  for (size_t at; (at = edited.find("TODO: ")) != std::string::npos;) {
    size_t end = edited.find('\n', at);
    edited.replace(at, end - at - (edited[end - 1] == '"' ? 1 : 0), "COALESCE(email, '')");
  }
  auto fixed = parse_operations("m/0008_y.yaml", edited);
  ASSERT_TRUE(fixed) << fixed.error().to_string() << "\n" << edited;
  EXPECT_EQ(std::get<AlterColumn>(fixed->operations[0].op).up, "COALESCE(email, '')");
  EXPECT_EQ(std::get<AddColumn>(fixed->operations[1].op).up, "COALESCE(email, '')");
}

}  // namespace
}  // namespace keel::ops
