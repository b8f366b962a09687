// issue 14 items 5, 7 and 18 (lint): statements PostgreSQL refuses are
// syntax errors with their line; down scripts are linted as downs; a new
// enum value used in its own transaction; COPY FROM STDIN; quoted fix text.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "keel/lint.h"

namespace keel::lint {
namespace {

std::vector<Finding> lint(const std::string& sql, bool no_transaction = false) {
  migrate::Script script{.path = "m.sql", .sql = sql};
  script.directives.no_transaction = no_transaction;
  return lint_script(script, {});
}

std::vector<std::pair<std::string, int>> rules_and_lines(const std::vector<Finding>& findings) {
  std::vector<std::pair<std::string, int>> out;
  for (const Finding& f : findings) out.emplace_back(f.rule, f.line);
  return out;
}

using Found = std::vector<std::pair<std::string, int>>;

TEST(LintFix14, OpenParenthesisAloneIsASyntaxError) {
  auto findings = lint("CREATE TABLE a (x int;\n");
  EXPECT_EQ(rules_and_lines(findings), (Found{{"syntax-error", 1}}));
}

TEST(LintFix14, OpenParenthesisBetweenValidStatementsIsASyntaxErrorOnItsLine) {
  auto findings = lint(
      "CREATE TABLE b (y int);\n"
      "CREATE TABLE a (x int;\n"
      "CREATE TABLE c (z int);\n"
      "TRUNCATE users;\n");
  // The statements after it are still linted.
  EXPECT_EQ(rules_and_lines(findings), (Found{{"syntax-error", 2}, {"truncate", 4}}));
}

TEST(LintFix14, EveryUnbalancedFormIsASyntaxError) {
  for (const std::string& bad :
       {std::string("SELECT (1;\n"), std::string("SELECT 1);\n"), std::string("SELECT 'x;\n"),
        std::string("SELECT \"x;\n"), std::string("SELECT $$x;\n"),
        std::string("CREATE FUNCTION f() RETURNS int AS $body$ SELECT 1 $bod$ LANGUAGE sql;\n"),
        std::string("/* open comment\nSELECT 1;\n"),
        std::string("CREATE TABLE t (a int, b int CHECK ((a > 0));\n"),
        std::string("SELECT (((1));\n")}) {
    auto findings = lint("SELECT 1;\n" + bad + "\n");
    ASSERT_FALSE(findings.empty()) << bad;
    EXPECT_EQ(findings[0].rule, "syntax-error") << bad;
    EXPECT_EQ(findings[0].line, 2) << bad;
  }
}

TEST(LintFix14, TwoOpenParenthesesAreTwoFindings) {
  auto findings = lint("SELECT (1;\nSELECT 2;\nSELECT (3;\n");
  EXPECT_EQ(rules_and_lines(findings), (Found{{"syntax-error", 1}, {"syntax-error", 3}}));
}

TEST(LintFix14, ValidScriptsStayClean) {
  EXPECT_TRUE(lint("CREATE TABLE a (x int, y text DEFAULT ';(');\n"
                   "CREATE FUNCTION f() RETURNS int AS $$ SELECT (1) $$ LANGUAGE sql;\n")
                  .empty());
}

TEST(LintFix14, CopyFromStdinIsReportedAndItsRowsAreSkipped) {
  auto findings = lint(
      "CREATE TABLE t (a int, b text);\n"
      "COPY t (a, b) FROM stdin;\n"
      "1\tone\n"
      "2\t(two\n"
      "\\.\n"
      "TRUNCATE users;\n");
  EXPECT_EQ(rules_and_lines(findings), (Found{{"copy-from-stdin", 2}, {"truncate", 6}}));
  // From a file on the server is another matter.
  EXPECT_TRUE(lint("CREATE TABLE t (a int);\nCOPY t FROM '/tmp/x.csv';\n").empty());
}

TEST(LintFix14, CopyFromStdinWithoutTerminatorSkipsToTheEnd) {
  auto findings = lint("COPY t FROM STDIN WITH (FORMAT csv);\n1,a\n2,b\n");
  EXPECT_EQ(rules_and_lines(findings), (Found{{"copy-from-stdin", 1}}));
}

TEST(LintFix14, NewEnumValueUsedInTheSameTransaction) {
  auto findings = lint(
      "ALTER TYPE mood ADD VALUE 'great';\n"
      "UPDATE people SET feeling = 'great' WHERE id = 1;\n");
  ASSERT_EQ(rules_and_lines(findings), (Found{{"enum-value-used-in-transaction", 2}}));
  EXPECT_NE(findings[0].message.find("line 1"), std::string::npos) << findings[0].message;
  EXPECT_NE(findings[0].fix.find("keel:no-transaction"), std::string::npos);
}

TEST(LintFix14, NewEnumValueCommittedFirstIsFine) {
  // No transaction: each statement commits before the next.
  EXPECT_TRUE(lint("ALTER TYPE mood ADD VALUE 'great';\n"
                   "UPDATE people SET feeling = 'great' WHERE id = 1;\n",
                   /*no_transaction=*/true)
                  .empty());
  // A CONCURRENTLY statement makes keel run the file statement by statement.
  auto findings = lint(
      "ALTER TYPE mood ADD VALUE 'great';\n"
      "CREATE INDEX CONCURRENTLY people_great ON people (id) WHERE feeling = 'great';\n");
  for (const Finding& f : findings) EXPECT_NE(f.rule, "enum-value-used-in-transaction");
  // Another label, and the value only named in a later ADD VALUE.
  EXPECT_TRUE(lint("ALTER TYPE mood ADD VALUE 'great';\n"
                   "ALTER TYPE mood ADD VALUE 'fine' AFTER 'great';\n"
                   "UPDATE people SET feeling = 'ok' WHERE id = 1;\n")
                  .empty());
}

TEST(LintFix14, NewEnumValueInsideAnExplicitBlockOfANoTransactionFile) {
  auto findings = lint(
      "BEGIN;\n"
      "ALTER TYPE mood ADD VALUE 'great';\n"
      "INSERT INTO people (feeling) VALUES ('great');\n"
      "COMMIT;\n"
      "INSERT INTO people (feeling) VALUES ('great');\n",
      /*no_transaction=*/true);
  EXPECT_EQ(rules_and_lines(findings), (Found{{"enum-value-used-in-transaction", 3}}));
}

TEST(LintFix14, NewEnumValueUseCanBeIgnored) {
  EXPECT_TRUE(lint("ALTER TYPE mood ADD VALUE 'great';\n"
                   "-- keel:ignore enum-value-used-in-transaction\n"
                   "SELECT 'great'::text;\n")
                  .empty());
}

TEST(LintFix14, FixTextKeepsIdentifierQuotes) {
  auto findings = lint(
      "CREATE INDEX \"Users_Email_Idx\" ON \"MyApp\".\"Users\" (\"Email\");\n"
      "DROP INDEX \"MyApp\".\"Old_Idx\";\n"
      "ALTER TABLE \"MyApp\".\"Users\" ALTER COLUMN \"Email\" SET NOT NULL;\n"
      "ALTER TABLE \"MyApp\".\"Users\" ADD CONSTRAINT \"Users_Key\" UNIQUE (\"Email\");\n");
  ASSERT_EQ(findings.size(), 4u);
  EXPECT_NE(findings[0].fix.find("CREATE INDEX CONCURRENTLY \"Users_Email_Idx\" ON "
                                 "\"MyApp\".\"Users\""),
            std::string::npos)
      << findings[0].fix;
  EXPECT_NE(findings[1].fix.find("DROP INDEX CONCURRENTLY \"MyApp\".\"Old_Idx\""),
            std::string::npos)
      << findings[1].fix;
  EXPECT_NE(findings[2].fix.find("ALTER TABLE \"MyApp\".\"Users\" ADD CONSTRAINT "
                                 "\"Users_Email_not_null\" CHECK (\"Email\" IS NOT NULL)"),
            std::string::npos)
      << findings[2].fix;
  EXPECT_NE(findings[3].fix.find("CREATE UNIQUE INDEX CONCURRENTLY \"Users_Key_idx\" ON "
                                 "\"MyApp\".\"Users\""),
            std::string::npos)
      << findings[3].fix;
}

struct Folder {
  std::filesystem::path path;
  Folder() {
    char tmpl[] = "/tmp/keel_lint_fix14_XXXXXX";
    path = mkdtemp(tmpl);
  }
  ~Folder() { std::filesystem::remove_all(path); }
  void write(const std::string& name, const std::string& text) const {
    std::ofstream(path / name) << text;
  }
};

TEST(LintFix14, DownScriptsMayDropWhatTheirUpMade) {
  Folder f;
  f.write("0001_t.up.sql",
          "CREATE TABLE t (id int PRIMARY KEY);\n"
          "ALTER TABLE users ADD COLUMN nick text;\n");
  f.write("0001_t.down.sql",
          "ALTER TABLE users DROP COLUMN nick;\n"
          "DROP TABLE t;\n");
  auto report = lint_paths({f.path.string()}, {});
  ASSERT_TRUE(report) << report.error().to_string();
  EXPECT_EQ(report->scripts, 2);
  EXPECT_TRUE(report->findings.empty()) << report->findings[0].message;
}

TEST(LintFix14, DownScriptsDroppingOtherObjectsAreStillReported) {
  Folder f;
  f.write("0001_t.up.sql", "CREATE TABLE t (id int PRIMARY KEY);\n");
  f.write("0001_t.down.sql",
          "DROP TABLE t;\n"
          "DROP TABLE users;\n"
          "ALTER TABLE orders DROP COLUMN total;\n"
          "DROP INDEX users_email_idx;\n");
  auto report = lint_paths({f.path.string()}, {});
  ASSERT_TRUE(report) << report.error().to_string();
  std::vector<std::string> rules;
  for (const Finding& finding : report->findings) rules.push_back(finding.rule);
  // Lock hazards still apply in a down.
  EXPECT_EQ(rules,
            (std::vector<std::string>{"drop-table", "drop-column", "drop-index-not-concurrent"}));
}

TEST(LintFix14, AnUpScriptDroppingATableIsStillReported) {
  Folder f;
  f.write("0001_t.up.sql", "CREATE TABLE t (id int);\n");
  f.write("0002_drop.up.sql", "DROP TABLE t;\n");
  auto report = lint_paths({f.path.string()}, {});
  ASSERT_TRUE(report);
  ASSERT_EQ(report->findings.size(), 1u);
  EXPECT_EQ(report->findings[0].rule, "drop-table");
}

}  // namespace
}  // namespace keel::lint
