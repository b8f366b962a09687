// parse_operations' errors: exact path:line and message; hostile input gives a clean error.
#include <gtest/gtest.h>

#include "keel/operations.h"

namespace keel::ops {
namespace {

Error parse_error(const std::string& path, const std::string& text) {
  auto m = parse_operations(path, text);
  EXPECT_FALSE(m) << path << " parsed";
  return m ? Error{} : m.error();
}

TEST(OperationErrorsTest, UnknownFieldNamesTheKnownOnes) {
  Error e = parse_error("m/0003_x.yaml",
                        "operations:\n"
                        "  - add_column:\n"
                        "      table: t\n"
                        "      colum:\n"
                        "        name: a\n");
  EXPECT_EQ(e.code, ErrorCode::kConfig);
  EXPECT_EQ(e.context, "m/0003_x.yaml:4");
  EXPECT_EQ(e.message,
            "operations[0].add_column.colum: unknown field `colum`; known fields: table, column, "
            "up");
}

TEST(OperationErrorsTest, UnknownFieldInJson) {
  Error e = parse_error("m/0003_x.json",
                        "{\n"
                        "  \"operations\": [\n"
                        "    {\"drop_table\": {\n"
                        "      \"name\": \"t\",\n"
                        "      \"cascade\": true}}]}\n");
  EXPECT_EQ(e.context, "m/0003_x.json:5");
  EXPECT_EQ(e.message,
            "operations[0].drop_table.cascade: unknown field `cascade`; known fields: name");
}

TEST(OperationErrorsTest, WrongTypeSaysExpectedAndGot) {
  Error e = parse_error("w.yaml",
                        "operations:\n"
                        "  - create_table:\n"
                        "      name: t\n"
                        "      columns:\n"
                        "        - name: a\n"
                        "          type: int\n"
                        "          nullable: \"yes\"\n");
  EXPECT_EQ(e.context, "w.yaml:7");
  EXPECT_EQ(e.message,
            "operations[0].create_table.columns[0].nullable: expected true or false, got a "
            "string \"yes\"; write true or false");
  Error number = parse_error("w.json", "{\"operations\": [{\"drop_table\": {\"name\": 12}}]}");
  EXPECT_EQ(number.context, "w.json:1");
  EXPECT_EQ(number.message,
            "operations[0].drop_table.name: expected a string, got a number 12; write a string");
}

TEST(OperationErrorsTest, MissingRequiredField) {
  Error e = parse_error("r.yaml",
                        "operations:\n"
                        "  - drop_column:\n"
                        "      column: a\n");
  EXPECT_EQ(e.context, "r.yaml:2");
  EXPECT_EQ(e.message, "operations[0].drop_column: missing required field `table`; add it");
  Error top = parse_error("r.yaml", "version_schema: v\n");
  EXPECT_EQ(top.context, "r.yaml:1");
  EXPECT_EQ(top.message, "the file: missing required field `operations`; add it");
}

TEST(OperationErrorsTest, UnknownOperationNamesTheKnownOnes) {
  Error e = parse_error("u.yaml",
                        "operations:\n"
                        "  - drop_table: {name: a}\n"
                        "  - add_colum:\n"
                        "      table: t\n");
  EXPECT_EQ(e.context, "u.yaml:3");
  EXPECT_EQ(e.message,
            "operations[1].add_colum: unknown operation `add_colum`; known operations: "
            "create_table, drop_table, rename_table, add_column, drop_column, rename_column, "
            "alter_column, create_index, drop_index, create_constraint, drop_constraint, "
            "drop_multicolumn_constraint, rename_constraint, set_replica_identity, sql");
  Error two = parse_error("u.yaml",
                          "operations:\n"
                          "  - drop_table: {name: a}\n"
                          "    drop_index: {name: b}\n");
  EXPECT_EQ(two.context, "u.yaml:2");
  EXPECT_EQ(two.message,
            "operations[0]: one operation per list item, got drop_table and drop_index; start "
            "each operation with its own `-` (JSON: its own {...})");
}

TEST(OperationErrorsTest, AlterColumnTypeNeedsUpAndDown) {
  Error e = parse_error("a.yaml",
                        "operations:\n"
                        "  - alter_column:\n"
                        "      table: t\n"
                        "      column: age\n"
                        "      type: bigint\n");
  EXPECT_EQ(e.context, "a.yaml:2");
  EXPECT_EQ(e.message,
            "operations[0].alter_column: changing type, nullable, check, unique or references "
            "needs `up` and `down`: `up` computes the new column from the old row, `down` the "
            "old from the new (e.g. up: \"CAST(age AS ...)\"); add `up` and `down`");
  Error down = parse_error("a.yaml",
                           "operations:\n"
                           "  - alter_column: {table: t, column: a, nullable: false, up: a}\n");
  EXPECT_TRUE(down.message.find("needs `down`") != std::string::npos) << down.message;
  Error both = parse_error("a.yaml",
                           "operations:\n"
                           "  - alter_column: {table: t, column: a, name: b, type: int,\n"
                           "                   up: a, down: b}\n");
  EXPECT_EQ(both.context, "a.yaml:2");
  EXPECT_EQ(both.message,
            "operations[0].alter_column: `name` (a rename) together with other changes; rename "
            "in its own operation (rename_column, or alter_column with only `name`)");
  Error nothing = parse_error("a.yaml", "operations:\n  - alter_column: {table: t, column: a}\n");
  EXPECT_EQ(nothing.message,
            "operations[0].alter_column: nothing to change; give name, type, nullable, default, "
            "comment, check, unique or references");
}

TEST(OperationErrorsTest, EmptyOperationsAndEmptyFile) {
  Error e = parse_error("e.yaml", "# nothing yet\noperations: []\n");
  EXPECT_EQ(e.context, "e.yaml:2");
  EXPECT_EQ(e.message, "operations: must not be empty; list at least one");
  Error empty = parse_error("e.yaml", "");
  EXPECT_EQ(empty.context, "e.yaml:1");
  EXPECT_EQ(empty.message,
            "the file: is empty; write `operations:` with a list of operations "
            "(docs/operations_format.md)");
  Error json = parse_error("e.json", "{\"operations\": []}");
  EXPECT_EQ(json.message, "operations: must not be empty; list at least one");
}

TEST(OperationErrorsTest, YamlSyntaxError) {
  Error e = parse_error("s.yaml",
                        "operations:\n"
                        "  - drop_table: {name: t\n"
                        "  - drop_index: {name: i}\n");
  EXPECT_EQ(e.code, ErrorCode::kConfig);
  EXPECT_EQ(e.context.substr(0, 7), "s.yaml:");
  EXPECT_TRUE(e.message.starts_with("YAML syntax error: ")) << e.message;
  EXPECT_TRUE(e.message.ends_with("; fix the file")) << e.message;
  Error colon = parse_error("s.yaml", "operations:\n  - sql:\n      up: a: b\n");
  EXPECT_EQ(colon.context, "s.yaml:3");
  EXPECT_TRUE(colon.message.starts_with("YAML syntax error: ")) << colon.message;
}

TEST(OperationErrorsTest, JsonSyntaxError) {
  Error e = parse_error("s.json",
                        "{\"operations\": [\n"
                        "  {\"drop_table\": {\"name\": \"t\"}},\n"
                        "]}\n");
  EXPECT_EQ(e.context, "s.json:3");
  EXPECT_TRUE(e.message.starts_with("JSON syntax error: ")) << e.message;
  Error truncated = parse_error("s.json", "{\"operations\": [\n");
  EXPECT_EQ(truncated.context, "s.json:2");
  EXPECT_TRUE(truncated.message.starts_with("JSON syntax error: ")) << truncated.message;
}

TEST(OperationErrorsTest, EnumAndEmptyName) {
  Error e = parse_error("n.yaml",
                        "operations:\n"
                        "  - create_index:\n"
                        "      name: i\n"
                        "      table: t\n"
                        "      columns: [a]\n"
                        "      method: btre\n");
  EXPECT_EQ(e.context, "n.yaml:6");
  EXPECT_EQ(e.message,
            "operations[0].create_index.method: \"btre\" is not allowed; use one of \"btree\", "
            "\"hash\", \"gist\", \"spgist\", \"gin\", \"brin\"");
  Error empty = parse_error("n.yaml", "operations:\n  - drop_table:\n      name: ''\n");
  EXPECT_EQ(empty.context, "n.yaml:3");
  EXPECT_EQ(empty.message, "operations[0].drop_table.name: must not be empty; give a value");
}

TEST(OperationErrorsTest, ConditionalRulesOfTheSchema) {
  Error identity = parse_error("c.yaml",
                               "operations:\n"
                               "  - set_replica_identity:\n"
                               "      table: t\n"
                               "      identity: {type: index}\n");
  EXPECT_EQ(identity.context, "c.yaml:4");
  EXPECT_EQ(identity.message,
            "operations[0].set_replica_identity.identity: type index needs `index`, the index's "
            "name; add it");
  Error check = parse_error("c.yaml",
                            "operations:\n"
                            "  - create_constraint: {table: t, name: c, type: check, columns: [a],"
                            " up: {a: a}, down: {a: a}}\n");
  EXPECT_EQ(check.message,
            "operations[0].create_constraint: a check constraint needs `check`; add it");
  Error index_columns = parse_error("c.yaml",
                                    "operations:\n"
                                    "  - create_index: {table: t, name: i, columns: 3}\n");
  EXPECT_EQ(index_columns.message,
            "operations[0].create_index.columns: expected a list or a mapping, got a number 3; "
            "write a list or a mapping");
}

TEST(OperationErrorsTest, NotAnOperationFile) {
  Error e = parse_error("m/0001_x.toml", "operations = []");
  EXPECT_EQ(e.context, "m/0001_x.toml");
  EXPECT_EQ(e.message, "not an operation file: name it <version>_<name>.yaml, .yml or .json");
}

// ------------------------------------------------------------- hostile input

TEST(OperationHostileInputTest, DeeplyNestedYamlAndJson) {
  std::string yaml = "operations: " + std::string(100000, '[') + std::string(100000, ']') + "\n";
  Error y = parse_error("d.yaml", yaml);
  EXPECT_EQ(y.code, ErrorCode::kConfig);
  EXPECT_TRUE(y.context.starts_with("d.yaml:")) << y.context;
  std::string json =
      "{\"operations\": " + std::string(100000, '[') + std::string(100000, ']') + "}";
  Error j = parse_error("d.json", json);
  EXPECT_EQ(j.context, "d.json:1");
  EXPECT_EQ(j.message,
            "values are nested deeper than 64 levels; an operation file never needs that much: "
            "fix the file");
}

TEST(OperationHostileInputTest, HugeFileIsRefusedBeforeParsing) {
  std::string huge =
      "operations:\n  - sql:\n      up: \"" + std::string(17 * 1024 * 1024, 'x') + "\"\n";
  Error e = parse_error("h.yaml", huge);
  EXPECT_EQ(e.context, "h.yaml:1");
  EXPECT_TRUE(e.message.find("over the limit of 16777216") != std::string::npos) << e.message;
}

TEST(OperationHostileInputTest, ManyOperationsParse) {
  std::string yaml = "operations:\n";
  for (int i = 0; i < 1000; ++i) yaml += "  - drop_index: {name: i" + std::to_string(i) + "}\n";
  auto m = parse_operations("many.yaml", yaml);
  ASSERT_TRUE(m) << m.error().to_string();
  EXPECT_EQ(m->operations.size(), 1000u);
  EXPECT_EQ(m->operations[999].line, 1001);
}

TEST(OperationHostileInputTest, NonUtf8NamesItsLine) {
  Error y = parse_error("b.yaml", "operations:\n  - drop_table: {name: \"t\xff\"}\n");
  EXPECT_EQ(y.context, "b.yaml:2");
  EXPECT_EQ(y.message, "the file is not valid UTF-8: save it as UTF-8");
  Error j =
      parse_error("b.json", "{\"operations\":\n [{\"drop_table\": {\"name\": \"\xc3\x28\"}}]}");
  EXPECT_EQ(j.context, "b.json:2");
}

TEST(OperationHostileInputTest, TabsInYamlIndentation) {
  Error e = parse_error("t.yaml", "operations:\n\t- drop_table: {name: t}\n");
  EXPECT_EQ(e.code, ErrorCode::kConfig);
  EXPECT_TRUE(e.context.starts_with("t.yaml:")) << e.context;
}

TEST(OperationHostileInputTest, DuplicateKeys) {
  Error y = parse_error("k.yaml",
                        "operations:\n"
                        "  - drop_table:\n"
                        "      name: a\n"
                        "      name: b\n");
  EXPECT_EQ(y.context, "k.yaml:4");
  EXPECT_EQ(y.message, "operations[0].drop_table.name: duplicate key `name`; keep one of them");
  Error j = parse_error("k.json", "{\"operations\": [],\n \"operations\": []}");
  EXPECT_EQ(j.context, "k.json:2");
  EXPECT_EQ(j.message, "operations: duplicate key `operations`; keep one of them");
}

TEST(OperationHostileInputTest, YamlAliasBombStopsAtTheValueLimit) {
  std::string yaml = "a: &a [x, x, x, x, x, x, x, x, x, x]\n";
  std::string previous = "a";
  for (char c = 'b'; c <= 'h'; ++c) {
    std::string name(1, c);
    yaml += name + ": &" + name + " [";
    for (int i = 0; i < 10; ++i) yaml += (i ? ", *" : "*") + previous;
    yaml += "]\n";
    previous = name;
  }
  yaml += "operations: [{drop_table: {name: t}}]\n";
  Error e = parse_error("bomb.yaml", yaml);
  EXPECT_TRUE(e.message.find("more than 50000 values") != std::string::npos) << e.message;
}

TEST(OperationHostileInputTest, SecondYamlDocumentAndCustomTag) {
  Error docs = parse_error("two.yaml", "operations: [{drop_table: {name: t}}]\n---\nx: 1\n");
  EXPECT_EQ(docs.message, "a second YAML document (---): keep one migration per file");
  Error tag = parse_error("tag.yaml", "operations: [{drop_table: {name: !custom t}}]\n");
  EXPECT_EQ(tag.context, "tag.yaml:1");
  EXPECT_EQ(tag.message,
            "unsupported YAML tag !custom: remove it (operation files use plain values)");
}

TEST(OperationHostileInputTest, ScalarsAtTheRootOrWrongShapes) {
  EXPECT_EQ(parse_error("s.yaml", "just text\n").message,
            "the file: expected a mapping, got a string \"just text\"; write a mapping");
  EXPECT_EQ(parse_error("s.json", "[1, 2]").message,
            "the file: expected a mapping, got a list; write a mapping");
  EXPECT_EQ(parse_error("s.yaml", "operations:\n  - 42\n").message,
            "operations[0]: expected a mapping, got a number 42; write a mapping");
}

}  // namespace
}  // namespace keel::ops
