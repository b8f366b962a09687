// A Catalog that cannot answer (the server refused, or the connection was
// lost) is an error of lint_paths ("could not read the catalog: ..."), with
// the Catalog error's code, context and SQLSTATE, never "unknown".
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <string>

#include "keel/lint.h"

namespace keel::lint {
namespace {

// Answers from a table; refuses (once asked anything not in it) with a
// fixed error, counting the questions.
struct RefusingCatalog final : Catalog {
  Error error{ErrorCode::kSql, "permission denied for table pg_attribute",
              "postgresql://u:***@h/db", "42501"};
  int asked = 0;
  int server_major_version() override { return 15; }
  Result<std::optional<Volatility>> function_volatility(const std::string&,
                                                        const std::string& name) override {
    ++asked;
    if (name == "known_immutable") return std::optional(Volatility::kImmutable);
    return std::unexpected(error);
  }
  Result<std::optional<ColumnType>> column_type(const std::string&, const std::string&,
                                                const std::string&) override {
    ++asked;
    return std::unexpected(error);
  }
};

struct TempFolder {
  std::filesystem::path path;
  TempFolder() {
    std::string tmpl = (std::filesystem::temp_directory_path() / "keel-lint-XXXXXX").string();
    path = mkdtemp(tmpl.data());
  }
  ~TempFolder() {
    std::error_code ec;
    std::filesystem::remove_all(path, ec);
  }
  std::string write(const std::string& name, const std::string& text) const {
    std::ofstream(path / name, std::ios::binary) << text;
    return (path / name).string();
  }
};

TEST(LintCatalogError, AColumnTypeLookupRefusedIsTheErrorOfTheLint) {
  TempFolder dir;
  std::string file = dir.write("m.sql", "ALTER TABLE users ALTER COLUMN name TYPE varchar(20);\n");
  RefusingCatalog catalog;
  LintOptions options;
  options.catalog = &catalog;
  auto report = lint_paths({file}, options);
  ASSERT_FALSE(report);
  EXPECT_EQ(report.error().code, ErrorCode::kSql);
  EXPECT_EQ(report.error().message,
            "could not read the catalog: permission denied for table pg_attribute");
  EXPECT_EQ(report.error().context, "postgresql://u:***@h/db");
  EXPECT_EQ(report.error().sqlstate, "42501");
}

TEST(LintCatalogError, ALostConnectionKeepsItsCode) {
  TempFolder dir;
  std::filesystem::create_directories(dir.path / "m");
  dir.write("m/0001_a.up.sql", "ALTER TABLE users ADD COLUMN a int DEFAULT pick();\n");
  dir.write("m/0002_b.up.sql", "ALTER TABLE users ADD COLUMN b int DEFAULT pick_again();\n");
  RefusingCatalog catalog;
  catalog.error = Error{ErrorCode::kConnection, "lost the connection: server closed the connection",
                        "postgresql://u:***@h/db", ""};
  LintOptions options;
  options.catalog = &catalog;
  auto report = lint_paths({(dir.path / "m").string()}, options);
  ASSERT_FALSE(report);
  EXPECT_EQ(report.error().code, ErrorCode::kConnection);
  EXPECT_EQ(report.error().message,
            "could not read the catalog: lost the connection: server closed the connection");
}

TEST(LintCatalogError, AnswersBeforeNoErrorAreUsed) {
  TempFolder dir;
  std::string file =
      dir.write("m.sql", "ALTER TABLE users ADD COLUMN a int DEFAULT known_immutable();\n");
  RefusingCatalog catalog;
  LintOptions options;
  options.catalog = &catalog;
  auto report = lint_paths({file}, options);
  ASSERT_TRUE(report) << report.error().to_string();
  EXPECT_TRUE(report->findings.empty()) << report->findings[0].message;
  EXPECT_GE(catalog.asked, 1);
}

}  // namespace
}  // namespace keel::lint
