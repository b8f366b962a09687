// The lint engine: positions, suppression, and the catalogue.
#include <gtest/gtest.h>

#include <set>

#include "keel/lint.h"

namespace keel::lint {
namespace {

TEST(LintEngine, PositionsCountLinesOfTheFileAndCharactersNotBytes) {
  // A dbmate section starting on line 10 of its file.
  migrate::Script script{
      .path = "db/1_x.sql", .sql = "-- été\nSELECT 'é';  TRUNCATE users;\n", .first_line = 10};
  auto findings = lint_script(script, {});
  ASSERT_EQ(findings.size(), 1u);
  EXPECT_EQ(findings[0].file, "db/1_x.sql");
  EXPECT_EQ(findings[0].line, 11);
  EXPECT_EQ(findings[0].column, 23);
}

TEST(LintEngine, IgnoreCommentSuppressesOnlyTheNamedRulesOfTheNextStatement) {
  migrate::Script script{.path = "m.sql",
                         .sql =
                             "-- keel:ignore truncate, lock-table\n"
                             "TRUNCATE users;\n"
                             "TRUNCATE orders;\n"
                             "-- keel:ignore\n"
                             "DROP TABLE orders;\n"};
  auto findings = lint_script(script, {});
  ASSERT_EQ(findings.size(), 1u);
  EXPECT_EQ(findings[0].rule, "truncate");
  EXPECT_EQ(findings[0].line, 3);
}

TEST(LintEngine, DisabledRulesAreNotReported) {
  migrate::Script script{.path = "m.sql", .sql = "TRUNCATE users; DROP TABLE orders;"};
  LintOptions options;
  options.disabled = {"truncate"};
  auto findings = lint_script(script, options);
  ASSERT_EQ(findings.size(), 1u);
  EXPECT_EQ(findings[0].rule, "drop-table");
}

TEST(LintEngine, CatalogueIsSortedUniqueAndComplete) {
  std::set<std::string_view> ids;
  std::string_view previous;
  for (const RuleInfo& info : rules()) {
    EXPECT_LT(previous, info.id);
    previous = info.id;
    ids.insert(info.id);
    EXPECT_FALSE(info.summary.empty()) << info.id;
  }
  for (std::string_view id : {"create-index-not-concurrent",
                              "drop-index-not-concurrent",
                              "reindex-not-concurrent",
                              "concurrently-in-transaction",
                              "add-column-volatile-default",
                              "add-column-not-null-no-default",
                              "set-not-null",
                              "alter-column-type",
                              "foreign-key-without-not-valid",
                              "check-without-not-valid",
                              "unique-without-index",
                              "drop-column",
                              "drop-table",
                              "rename-column",
                              "rename-table",
                              "truncate",
                              "vacuum-full",
                              "cluster",
                              "set-logged",
                              "lock-table",
                              "whole-table-dml",
                              "syntax-error"}) {
    EXPECT_TRUE(ids.contains(id)) << id;
  }
  EXPECT_EQ(find_rule("nope"), nullptr);
}

TEST(LintEngine, UnterminatedStringIsOneSyntaxError) {
  migrate::Script script{.path = "m.sql", .sql = "SELECT 1;\nSELECT 'oops;\n"};
  auto findings = lint_script(script, {});
  ASSERT_EQ(findings.size(), 1u);
  EXPECT_EQ(findings[0].rule, "syntax-error");
  EXPECT_EQ(findings[0].line, 2);
}

}  // namespace
}  // namespace keel::lint
