// load_migrations with operation files (<version>_<name>.yaml / .yml / .json) next to SQL ones.
#include <gtest/gtest.h>

#include "keel/migrations.h"
#include "migrate/test_dir.h"

namespace keel::migrate {
namespace {

constexpr const char* kRename =
    "operations:\n"
    "  - rename_column:\n"
    "      table: users\n"
    "      from: mail\n"
    "      to: email\n";

TEST(OperationFilesTest, MixedWithSqlInOneVersionOrder) {
  TestDir dir;
  dir.write("0001_create_users.up.sql", "CREATE TABLE users (id int, mail text);\n");
  dir.write("0001_create_users.down.sql", "DROP TABLE users;\n");
  dir.write("0002_rename_mail.yaml", kRename);
  dir.write("3_add_index.json",
            R"({"operations": [{"create_index": {"name": "i", "table": "users",
                "columns": ["email"]}}]})");
  dir.write("V4__seed.sql", "INSERT INTO users VALUES (1, 'a');\n");
  dir.write("0010_drop.yml", "operations:\n  - drop_index: {name: i}\n");
  auto m = load_migrations(dir.path());
  ASSERT_TRUE(m) << m.error().to_string();
  ASSERT_EQ(m->size(), 5u);
  EXPECT_EQ((*m)[0].format, Format::kNative);
  EXPECT_FALSE((*m)[0].operations);

  const Migration& rename = (*m)[1];
  EXPECT_EQ(rename.version, "0002");
  EXPECT_EQ(rename.name, "rename_mail");
  EXPECT_EQ(rename.format, Format::kOperations);
  EXPECT_EQ(rename.checksum, checksum(kRename));
  EXPECT_EQ(rename.up.path, dir.file("0002_rename_mail.yaml"));
  EXPECT_EQ(rename.up.sql, kRename);
  EXPECT_FALSE(rename.down);
  ASSERT_TRUE(rename.operations);
  EXPECT_EQ(rename.operations->path, dir.file("0002_rename_mail.yaml"));
  ASSERT_EQ(rename.operations->operations.size(), 1u);
  EXPECT_TRUE(rename.operations->operations[0].op ==
              ops::Operation(ops::RenameColumn{"users", "mail", "email"}));
  EXPECT_EQ(rename.operations->operations[0].line, 2);

  EXPECT_EQ((*m)[2].version, "3");
  EXPECT_EQ((*m)[2].format, Format::kOperations);
  EXPECT_EQ((*m)[3].format, Format::kFlyway);
  EXPECT_EQ((*m)[4].version, "0010");
  EXPECT_EQ((*m)[4].name, "drop");
  EXPECT_EQ((*m)[4].format, Format::kOperations);
}

TEST(OperationFilesTest, DuplicateVersionAcrossSqlAndYaml) {
  TestDir dir;
  dir.write("0002_a.up.sql", "SELECT 1;\n");
  dir.write("0002_b.yaml", kRename);
  auto m = load_migrations(dir.path());
  ASSERT_FALSE(m);
  EXPECT_EQ(m.error().code, ErrorCode::kConfig);
  EXPECT_EQ(m.error().context, dir.file("0002_b.yaml"));
  EXPECT_EQ(m.error().message, "duplicate version 0002: " + dir.file("0002_a.up.sql") + " and " +
                                   dir.file("0002_b.yaml") + "; give one of them a new version");
}

TEST(OperationFilesTest, DuplicateVersionAcrossYamlAndJson) {
  TestDir dir;
  dir.write("2_a.json", R"({"operations": [{"drop_table": {"name": "t"}}]})");
  dir.write("02_b.yaml", kRename);
  auto m = load_migrations(dir.path());
  ASSERT_FALSE(m);
  EXPECT_TRUE(m.error().message.starts_with("duplicate version 2")) << m.error().message;
}

TEST(OperationFilesTest, ADownScriptForAnOperationFileIsRefused) {
  TestDir dir;
  dir.write("0002_rename.yaml", kRename);
  dir.write("0002_rename.down.sql", "SELECT 1;\n");
  auto m = load_migrations(dir.path());
  ASSERT_FALSE(m);
  EXPECT_EQ(m.error().context, dir.file("0002_rename.down.sql"));
  EXPECT_TRUE(m.error().message.starts_with("a down script for the operation migration " +
                                            dir.file("0002_rename.yaml")))
      << m.error().message;
}

TEST(OperationFilesTest, ParseErrorsNameFileAndLine) {
  TestDir dir;
  dir.write("0001_a.up.sql", "SELECT 1;\n");
  dir.write("0002_bad.yaml",
            "operations:\n"
            "  - rename_column:\n"
            "      table: users\n"
            "      form: mail\n"
            "      to: email\n");
  auto m = load_migrations(dir.path());
  ASSERT_FALSE(m);
  EXPECT_EQ(m.error().context, dir.file("0002_bad.yaml") + ":4");
  EXPECT_EQ(m.error().message,
            "operations[0].rename_column.form: unknown field `form`; known fields: table, from, "
            "to");
}

TEST(OperationFilesTest, BadOperationFileNameAndOtherExtensionsIgnored) {
  TestDir dir;
  dir.write("0001_a.up.sql", "SELECT 1;\n");
  dir.write("notes.txt", "not a migration");
  dir.write("0002_b.toml", "x = 1");
  dir.write(".hidden.yaml", "not: [valid");
  auto m = load_migrations(dir.path());
  ASSERT_TRUE(m) << m.error().to_string();
  EXPECT_EQ(m->size(), 1u);

  dir.write("rename.yaml", kRename);
  auto bad = load_migrations(dir.path());
  ASSERT_FALSE(bad);
  EXPECT_EQ(bad.error().context, dir.file("rename.yaml"));
  EXPECT_EQ(bad.error().message,
            "not a valid migration file name: expected <version>_<name>.yaml with a version of "
            "digits for an operation file, e.g. 0001_rename_column.yaml, or move the file out of "
            "the migrations folder");
}

TEST(OperationFilesTest, PlanExpectationFilesAreNotMigrations) {
  // keel plan reads <version>_<name>.expect.json next to a migration (src/plan/plan.cc).
  TestDir dir;
  dir.write("0001_name.up.sql", "ALTER TABLE t RENAME COLUMN a TO b;\n");
  dir.write("0001_name.down.sql", "ALTER TABLE t RENAME COLUMN b TO a;\n");
  dir.write("0001_name.expect.json", R"({"changed": ["public.t"]})");
  dir.write("0002_other.EXPECT.JSON", R"({"changed": []})");
  auto m = load_migrations(dir.path());
  ASSERT_TRUE(m) << m.error().to_string();
  ASSERT_EQ(m->size(), 1u);
  EXPECT_EQ((*m)[0].format, Format::kNative);
  EXPECT_TRUE((*m)[0].down.has_value());
}

TEST(OperationFilesTest, ChecksumIgnoresBomAndCrlfLikeSqlFiles) {
  TestDir dir;
  dir.write("1_a.yaml", "\xEF\xBB\xBFoperations:\r\n  - drop_table: {name: t}\r\n");
  auto m = load_migrations(dir.path());
  ASSERT_TRUE(m) << m.error().to_string();
  EXPECT_EQ((*m)[0].checksum, checksum("operations:\n  - drop_table: {name: t}\n"));
  EXPECT_EQ((*m)[0].up.sql, "operations:\r\n  - drop_table: {name: t}\r\n");
}

}  // namespace
}  // namespace keel::migrate
