// Issue 16 items 1 and 6 end to end, no database: keel lint on operation files (pgroll's
// format, tests/ops_corpus/), keel convert on SQL migrations, exit statuses per the exit table.
#include <gtest/gtest.h>

#include "integration/run.h"

namespace keel {
namespace {

const std::string kCorpus = std::string(KEEL_SOURCE_DIR) + "/tests/ops_corpus";

TEST(OperationFilesCliTest, TheCorpusChainLintsClean) {
  RunResult r = run_keel({"lint", kCorpus});
  EXPECT_EQ(r.status, 0) << r.out << r.err;
  // The sql operations' up and down are linted: 0007 (two ups, one down), 0009 (up and down).
  EXPECT_NE(r.out.find("5 scripts linted: 0 errors, 0 warnings, 0 info; passed"), std::string::npos)
      << r.out;
}

TEST(OperationFilesCliTest, LintReportsSqlInsideAnOperationAtItsFileLine) {
  TempDir dir;
  dir.write("0001_a.up.sql", "CREATE TABLE users (id int, age int);\n");
  dir.write("0002_b.yaml",
            "operations:\n"                                   // 1
            "  - rename_column:\n"                            // 2
            "      {table: users, from: id, to: uid}\n"       // 3
            "  - sql:\n"                                      // 4
            "      up: |\n"                                   // 5
            "        SELECT 1;\n"                             // 6
            "        ALTER TABLE users DROP COLUMN age;\n");  // 7
  RunResult r = run_keel({"lint", dir.path});
  EXPECT_EQ(r.status, 3) << r.out << r.err;
  EXPECT_NE(r.out.find(dir.file("0002_b.yaml") + ":7:1: warning drop-column: "), std::string::npos)
      << r.out;
  // The operation file itself is not read as SQL.
  EXPECT_EQ(r.out.find("syntax-error"), std::string::npos) << r.out;
}

TEST(OperationFilesCliTest, LintRefusesABrokenOperationFileWithFileAndLine) {
  TempDir dir;
  dir.write("0002_b.yaml", "operations:\n  - rename_column:\n      table: users\n      form: a\n");
  RunResult r = run_keel({"lint", dir.file("0002_b.yaml")});
  EXPECT_EQ(r.status, 1) << r.out << r.err;
  EXPECT_NE(r.err.find(dir.file("0002_b.yaml") +
                       ":4: operations[0].rename_column.form: unknown field `form`; known "
                       "fields: table, from, to"),
            std::string::npos)
      << r.err;
}

TEST(ConvertCliTest, WritesYamlThatKeelReadsOnceThePlaceholdersAreReplaced) {
  TempDir dir;
  dir.write("rename.sql",
            "ALTER TABLE users RENAME COLUMN mail TO email;\n"
            "ALTER TABLE users ALTER COLUMN age SET NOT NULL;\n"
            "CREATE FUNCTION f() RETURNS int LANGUAGE sql AS 'SELECT 1';\n");
  std::filesystem::create_directories(dir.file("migrations"));
  RunResult r =
      run_keel({"convert", "rename.sql", "--output", "migrations/0002_rename.yaml"}, dir.path);
  ASSERT_EQ(r.status, 0) << r.out << r.err;
  EXPECT_NE(r.err.find("3 operations written to migrations/0002_rename.yaml; replace the 1 TODO: "
                       "placeholder before applying"),
            std::string::npos)
      << r.err;
  std::string text = slurp(dir.file("migrations/0002_rename.yaml"));
  EXPECT_TRUE(text.starts_with("# Written by keel convert from rename.sql.\n")) << text;

  // Never overwritten.
  RunResult again =
      run_keel({"convert", "rename.sql", "--output", "migrations/0002_rename.yaml"}, dir.path);
  EXPECT_EQ(again.status, 1) << again.err;
  EXPECT_NE(again.err.find("the file exists already"), std::string::npos) << again.err;

  // The placeholder makes the file fail validation, naming file:line.
  RunResult lint = run_keel({"lint", "migrations"}, dir.path);
  EXPECT_EQ(lint.status, 1) << lint.out << lint.err;
  EXPECT_NE(lint.err.find("migrations/0002_rename.yaml:"), std::string::npos) << lint.err;
  EXPECT_NE(lint.err.find("operations[1].alter_column.up: still the placeholder keel convert "
                          "wrote"),
            std::string::npos)
      << lint.err;

  size_t at = text.find("\"TODO: ");
  ASSERT_NE(at, std::string::npos) << text;
  text.replace(at, text.find('\n', at) - at, "COALESCE(age, 0)");
  dir.write("migrations/0002_rename.yaml", text);
  RunResult fixed = run_keel({"lint", "migrations"}, dir.path);
  EXPECT_EQ(fixed.status, 0) << fixed.out << fixed.err << text;
}

TEST(ConvertCliTest, JsonToStandardOutput) {
  TempDir dir;
  dir.write("a.sql", "DROP INDEX CONCURRENTLY users_old_idx;\n");
  RunResult r = run_keel({"convert", "a.sql", "--format", "json"}, dir.path);
  ASSERT_EQ(r.status, 0) << r.err;
  auto doc = nlohmann::json::parse(r.out);
  EXPECT_EQ(
      doc, nlohmann::json::parse(R"({"operations": [{"drop_index": {"name": "users_old_idx"}}]})"));
}

TEST(ConvertCliTest, RefusesNamingEachStatementAndReason) {
  TempDir dir;
  dir.write("bad.sql",
            "ALTER TABLE users RENAME COLUMN a TO b;\n"
            "DROP TABLE IF EXISTS old CASCADE;\n");
  RunResult r = run_keel({"convert", "bad.sql"}, dir.path);
  EXPECT_EQ(r.status, 1) << r.out << r.err;
  EXPECT_TRUE(r.out.empty()) << r.out;
  EXPECT_NE(r.err.find("bad.sql:2: DROP TABLE IF EXISTS old CASCADE: IF EXISTS: an operation "
                       "drops what exists; remove IF EXISTS"),
            std::string::npos)
      << r.err;
  EXPECT_EQ(run_keel({"convert", "missing.sql"}, dir.path).status, 1);
  EXPECT_EQ(run_keel({"convert", "bad.sql", "--format", "toml"}, dir.path).status, 2);
}

}  // namespace
}  // namespace keel
