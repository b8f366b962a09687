// Issue 16 item 1: keel status and keel validate list operation migrations (.yaml / .json)
// like SQL ones; they only read files and history rows (SQLite needs no server).
#include <gtest/gtest.h>

#include "integration/run.h"

namespace keel {
namespace {

TEST(OperationFilesSqliteTest, StatusAndValidateListOperationMigrations) {
  TempDir dir;
  std::filesystem::create_directories(dir.file("migrations"));
  dir.write("migrations/0001_create.up.sql", "CREATE TABLE users (id int, mail text);\n");
  dir.write("migrations/0002_rename_mail.yaml",
            "operations:\n  - rename_column: {table: users, from: mail, to: email}\n");
  dir.write("migrations/0003_index.json",
            R"({"operations": [{"create_index": {"name": "i", "table": "users",
                "columns": ["email"]}}]})");
  dir.write("app.db", "");  // an empty file is an empty SQLite database
  std::string url = "sqlite:" + dir.file("app.db");
  RunResult status = run_keel({"--url", url, "--format", "json", "status"}, dir.path);
  ASSERT_EQ(status.status, 0) << status.out << status.err;
  auto doc = nlohmann::json::parse(status.out);
  std::string versions = doc.dump();
  EXPECT_NE(versions.find("\"0002\""), std::string::npos) << versions;
  EXPECT_NE(versions.find("\"rename_mail\""), std::string::npos) << versions;
  EXPECT_NE(versions.find("\"0003\""), std::string::npos) << versions;

  RunResult text = run_keel({"--url", url, "status"}, dir.path);
  ASSERT_EQ(text.status, 0) << text.err;
  EXPECT_NE(text.out.find("0002             rename_mail"), std::string::npos) << text.out;

  RunResult validate = run_keel({"--url", url, "validate"}, dir.path);
  EXPECT_EQ(validate.status, 0) << validate.out << validate.err;

  // A broken operation file is reported with file:line by both.
  dir.write("migrations/0004_bad.yaml", "operations:\n  - drop_table: {nam: t}\n");
  RunResult bad = run_keel({"--url", url, "status"}, dir.path);
  EXPECT_EQ(bad.status, 1);
  EXPECT_NE(bad.err.find("migrations/0004_bad.yaml:2: operations[0].drop_table.nam: unknown "
                         "field `nam`; known fields: name"),
            std::string::npos)
      << bad.err;
}

}  // namespace
}  // namespace keel
