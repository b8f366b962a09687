// parse_operations: every operation from YAML and from JSON into the exact typed values.
#include <gtest/gtest.h>

#include "keel/operations.h"

namespace keel::ops {
namespace {

constexpr const char* kEveryOperationYaml = R"yaml(# every operation of pgroll's format
name: ignored_pgroll_name
version_schema: shop_v2
operations:
  - create_table:
      name: users
      comment: people
      columns:
        - name: id
          type: bigint
          pk: true
          generated:
            identity:
              user_specified_values: BY DEFAULT
        - name: email
          type: text
          nullable: true
          unique: true
          default: "'a@b'"
          comment: mail
          check:
            name: email_has_at
            constraint: email LIKE '%@%'
        - name: team_id
          type: int
          references:
            name: users_team_fk
            table: teams
            column: id
            on_delete: CASCADE
      constraints:
        - name: users_email_team
          type: unique
          columns: [email, team_id]
  - drop_table:
      name: old_users
  - rename_table:
      from: people
      to: persons
  - add_column:
      table: users
      up: lower(email)
      column:
        name: email_lower
        type: text
  - drop_column:
      table: users
      column: legacy
      down: "'none'"
  - rename_column:
      table: users
      from: mail
      to: email
  - alter_column:
      table: users
      column: age
      type: bigint
      nullable: false
      default: null
      comment: years
      up: CAST(age AS bigint)
      down: CAST(age AS int)
  - create_index:
      name: users_email_idx
      table: users
      columns: [email, team_id]
      unique: true
      method: btree
      predicate: email IS NOT NULL
      storage_parameters: fillfactor = 70
  - drop_index:
      name: users_old_idx
  - create_constraint:
      table: users
      name: users_team_fk2
      type: foreign_key
      columns: [team_id]
      references:
        table: teams
        columns: [id]
        on_delete: SET NULL
      up:
        team_id: team_id
      down:
        team_id: team_id
  - drop_constraint:
      table: users
      name: email_has_at
      up: email
      down: "CASE WHEN email LIKE '%@%' THEN email ELSE 'x@y' END"
  - drop_multicolumn_constraint:
      table: users
      name: users_email_team
      down:
        email: email
        team_id: team_id
  - rename_constraint:
      table: users
      from: a_check
      to: b_check
  - set_replica_identity:
      table: users
      identity:
        type: INDEX
        index: users_email_idx
  - sql:
      up: CREATE VIEW v AS SELECT 1
      down: DROP VIEW v
      onComplete: true
)yaml";

constexpr const char* kEveryOperationJson = R"json({
  "name": "ignored_pgroll_name",
  "version_schema": "shop_v2",
  "operations": [
    {"create_table": {"name": "users", "comment": "people", "columns": [
      {"name": "id", "type": "bigint", "pk": true,
       "generated": {"identity": {"user_specified_values": "BY DEFAULT"}}},
      {"name": "email", "type": "text", "nullable": true, "unique": true, "default": "'a@b'",
       "comment": "mail", "check": {"name": "email_has_at", "constraint": "email LIKE '%@%'"}},
      {"name": "team_id", "type": "int", "references": {"name": "users_team_fk",
       "table": "teams", "column": "id", "on_delete": "CASCADE"}}],
      "constraints": [{"name": "users_email_team", "type": "unique",
                       "columns": ["email", "team_id"]}]}},
    {"drop_table": {"name": "old_users"}},
    {"rename_table": {"from": "people", "to": "persons"}},
    {"add_column": {"table": "users", "up": "lower(email)",
                     "column" : {
  "name" : "email_lower", "type" : "text"
}
}
},
    {"drop_column": {"table": "users", "column": "legacy", "down": "'none'"}},
    {"rename_column": {"table": "users", "from": "mail", "to": "email"}},
    {"alter_column": {"table": "users", "column": "age", "type": "bigint", "nullable": false,
                      "default": null, "comment": "years", "up": "CAST(age AS bigint)",
                      "down": "CAST(age AS int)"}},
    {"create_index": {"name": "users_email_idx", "table": "users",
                      "columns": ["email", "team_id"], "unique": true, "method": "btree",
                      "predicate": "email IS NOT NULL",
                      "storage_parameters": "fillfactor = 70"}},
    {"drop_index": {"name": "users_old_idx"}},
    {"create_constraint": {"table": "users", "name": "users_team_fk2", "type": "foreign_key",
                           "columns": ["team_id"],
                           "references": {"table": "teams", "columns": ["id"],
                                          "on_delete": "SET NULL"},
                           "up": {"team_id": "team_id"}, "down": {"team_id": "team_id"}}},
    {"drop_constraint": {"table": "users", "name": "email_has_at", "up": "email",
       "down": "CASE WHEN email LIKE '%@%' THEN email ELSE 'x@y' END"}},
    {"drop_multicolumn_constraint": {"table": "users", "name": "users_email_team",
       "down": {"email": "email", "team_id": "team_id"}}},
    {"rename_constraint": {"table": "users", "from": "a_check", "to": "b_check"}},
    {"set_replica_identity": {"table": "users",
       "identity": {"type": "INDEX", "index": "users_email_idx"}}},
    {"sql": {"up": "CREATE VIEW v AS SELECT 1", "down": "DROP VIEW v", "onComplete": true}}
  ]
})json";

std::vector<Operation> every_operation() {
  Column id{.name = "id", .type = "bigint", .nullable = false, .pk = true};
  id.generated = GeneratedColumn{.identity = GeneratedColumn::Identity{"BY DEFAULT", ""}};
  Column email{.name = "email",
               .type = "text",
               .nullable = true,
               .unique = true,
               .default_value = "'a@b'",
               .check = CheckConstraint{"email_has_at", "email LIKE '%@%'"},
               .comment = "mail"};
  Column team{.name = "team_id", .type = "int", .nullable = false};
  team.references = ForeignKeyReference{
      .name = "users_team_fk", .table = "teams", .column = "id", .on_delete = "CASCADE"};
  TableConstraint unique{.name = "users_email_team",
                         .type = TableConstraint::Type::kUnique,
                         .columns = {"email", "team_id"}};
  CreateTable create{.name = "users", .columns = {id, email, team}, .comment = "people"};
  create.constraints = {unique};

  AlterColumn alter{.table = "users", .column = "age"};
  alter.type = "bigint";
  alter.nullable = false;
  alter.default_value = std::optional<std::string>();
  alter.comment = std::optional<std::string>("years");
  alter.up = "CAST(age AS bigint)";
  alter.down = "CAST(age AS int)";

  CreateIndex index{.name = "users_email_idx",
                    .table = "users",
                    .columns = {"email", "team_id"},
                    .column_settings = {{}, {}},
                    .unique = true,
                    .method = "btree",
                    .predicate = "email IS NOT NULL",
                    .storage_parameters = "fillfactor = 70"};
  CreateConstraint fk{.table = "users",
                      .name = "users_team_fk2",
                      .type = CreateConstraint::Type::kForeignKey,
                      .columns = {"team_id"}};
  fk.references =
      CreateConstraint::References{.table = "teams", .columns = {"id"}, .on_delete = "SET NULL"};
  fk.up = {{"team_id", "team_id"}};
  fk.down = {{"team_id", "team_id"}};

  return {create,
          DropTable{"old_users"},
          RenameTable{"people", "persons"},
          AddColumn{"users", Column{.name = "email_lower", .type = "text", .nullable = false},
                    "lower(email)"},
          DropColumn{"users", "legacy", "'none'"},
          RenameColumn{"users", "mail", "email"},
          alter,
          index,
          DropIndex{"users_old_idx"},
          fk,
          DropConstraint{"users", "email_has_at", "email",
                         "CASE WHEN email LIKE '%@%' THEN email ELSE 'x@y' END"},
          DropMultiColumnConstraint{
              "users", "users_email_team", {}, {{"email", "email"}, {"team_id", "team_id"}}},
          RenameConstraint{"users", "a_check", "b_check"},
          SetReplicaIdentity{"users", "index", "users_email_idx"},
          RawSql{"CREATE VIEW v AS SELECT 1", "DROP VIEW v", true}};
}

void expect_every_operation(const Result<OperationMigration>& m, const std::vector<int>& lines) {
  ASSERT_TRUE(m) << m.error().to_string();
  EXPECT_EQ(m->version_schema, "shop_v2");
  std::vector<Operation> expected = every_operation();
  ASSERT_EQ(m->operations.size(), expected.size());
  for (size_t i = 0; i < expected.size(); ++i) {
    EXPECT_EQ(operation_name(m->operations[i].op), operation_name(expected[i])) << i;
    EXPECT_TRUE(m->operations[i].op == expected[i])
        << "operation " << i << " (" << operation_name(expected[i]) << ")";
    EXPECT_EQ(m->operations[i].line, lines[i]) << i;
  }
}

TEST(ParseOperationsTest, EveryOperationFromYaml) {
  expect_every_operation(parse_operations("m/0001_all.yaml", kEveryOperationYaml),
                         {5, 35, 37, 40, 46, 50, 54, 63, 71, 73, 86, 91, 97, 101, 106});
}

TEST(ParseOperationsTest, EveryOperationFromJson) {
  expect_every_operation(parse_operations("m/0001_all.json", kEveryOperationJson),
                         {5, 14, 15, 16, 22, 23, 24, 27, 31, 32, 37, 39, 41, 42, 44});
}

TEST(ParseOperationsTest, OperationNamesFollowTheVariant) {
  std::vector<std::string> names;
  for (const auto& op : every_operation()) names.emplace_back(operation_name(op));
  EXPECT_EQ(names, (std::vector<std::string>{
                       "create_table", "drop_table", "rename_table", "add_column", "drop_column",
                       "rename_column", "alter_column", "create_index", "drop_index",
                       "create_constraint", "drop_constraint", "drop_multicolumn_constraint",
                       "rename_constraint", "set_replica_identity", "sql"}));
}

TEST(ParseOperationsTest, YmlExtensionAndUpperCaseAreYaml) {
  auto m = parse_operations("m/0002_x.YML", "operations:\n  - drop_table: {name: t}\n");
  ASSERT_TRUE(m) << m.error().to_string();
  EXPECT_TRUE(m->operations[0].op == Operation(DropTable{"t"}));
  EXPECT_FALSE(m->version_schema);
  EXPECT_EQ(m->path, "m/0002_x.YML");
}

TEST(ParseOperationsTest, CreateIndexColumnsAsMapAndAsObjects) {
  auto map = parse_operations("i.yaml", R"(operations:
  - create_index:
      name: i
      table: t
      columns:
        b:
          sort: DESC
          nulls: LAST
          collate: C
        a: {}
)");
  ASSERT_TRUE(map) << map.error().to_string();
  const auto& by_map = std::get<CreateIndex>(map->operations[0].op);
  EXPECT_EQ(by_map.columns, (std::vector<std::string>{"b", "a"}));  // order as written
  ASSERT_EQ(by_map.column_settings.size(), 2u);
  EXPECT_EQ(by_map.column_settings[0].sort, "DESC");
  EXPECT_EQ(by_map.column_settings[0].nulls, "LAST");
  EXPECT_EQ(by_map.column_settings[0].collate, "C");
  EXPECT_TRUE(by_map.column_settings[1] == IndexColumnSettings{});

  auto objects = parse_operations("i.yaml", R"(operations:
  - create_index:
      name: i
      table: t
      columns:
        - column: id
          opclass:
            name: int8_ops
        - name: last_name
          sort: ASC
)");
  ASSERT_TRUE(objects) << objects.error().to_string();
  const auto& by_objects = std::get<CreateIndex>(objects->operations[0].op);
  EXPECT_EQ(by_objects.columns, (std::vector<std::string>{"id", "last_name"}));
  EXPECT_EQ(by_objects.column_settings[0].opclass, "int8_ops");
  EXPECT_EQ(by_objects.column_settings[1].sort, "ASC");
}

TEST(ParseOperationsTest, AlterColumnRenameAloneAndDefaultWithoutUpDown) {
  auto m = parse_operations("a.json", R"({"operations": [
    {"alter_column": {"table": "t", "column": "a", "name": "b"}},
    {"alter_column": {"table": "t", "column": "a", "default": null}},
    {"alter_column": {"table": "t", "column": "a", "comment": "c"}}]})");
  ASSERT_TRUE(m) << m.error().to_string();
  const auto& rename = std::get<AlterColumn>(m->operations[0].op);
  EXPECT_EQ(rename.name, "b");
  EXPECT_FALSE(rename.up);
  const auto& drop_default = std::get<AlterColumn>(m->operations[1].op);
  ASSERT_TRUE(drop_default.default_value);
  EXPECT_FALSE(*drop_default.default_value);  // null: drop the default
  EXPECT_FALSE(drop_default.comment);         // not given
  EXPECT_EQ(std::get<AlterColumn>(m->operations[2].op).comment,
            std::optional<std::optional<std::string>>(std::optional<std::string>("c")));
}

TEST(ParseOperationsTest, ReplicaIdentityFullAndSqlAlone) {
  auto m = parse_operations("r.yaml", R"(operations:
  - set_replica_identity: {table: t, identity: {type: full}}
  - sql: {up: "SELECT 1"}
)");
  ASSERT_TRUE(m) << m.error().to_string();
  EXPECT_TRUE(m->operations[0].op == Operation(SetReplicaIdentity{"t", "full", std::nullopt}));
  EXPECT_TRUE(m->operations[1].op == Operation(RawSql{"SELECT 1", std::nullopt, false}));
}

TEST(ParseOperationsTest, GeneratedExpressionAndTableConstraints) {
  auto m = parse_operations("g.yaml", R"(operations:
  - create_table:
      name: t
      columns:
        - {name: a, type: int, nullable: true}
        - name: b
          type: int
          generated: {expression: a * 2}
      constraints:
        - {name: t_pk, type: primary_key, columns: [a], index_parameters: {include_columns: [b]}}
        - {name: t_chk, type: check, check: a > 0, no_inherit: true}
        - name: t_fk
          type: foreign_key
          columns: [a]
          references: {table: u, columns: [id], on_update: CASCADE, match_type: FULL}
        - name: t_ex
          type: exclude
          exclude: {index_method: gist, elements: a WITH =}
)");
  ASSERT_TRUE(m) << m.error().to_string();
  const auto& t = std::get<CreateTable>(m->operations[0].op);
  EXPECT_EQ(t.columns[1].generated->expression, "a * 2");
  ASSERT_EQ(t.constraints.size(), 4u);
  EXPECT_EQ(t.constraints[0].type, TableConstraint::Type::kPrimaryKey);
  EXPECT_EQ(t.constraints[0].index_parameters->include_columns, std::vector<std::string>{"b"});
  EXPECT_EQ(t.constraints[1].check, "a > 0");
  EXPECT_TRUE(t.constraints[1].no_inherit);
  EXPECT_EQ(t.constraints[2].references->on_update, "CASCADE");
  EXPECT_EQ(t.constraints[2].references->match_type, "FULL");
  EXPECT_EQ(t.constraints[3].exclude->elements, "a WITH =");
}

}  // namespace
}  // namespace keel::ops
