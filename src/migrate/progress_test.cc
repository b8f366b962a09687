// The statements of a stopped no-transaction run as the history records
// them, and the ROLLING_BACK state.
#include <gtest/gtest.h>

#include "keel/migrate.h"

namespace keel::migrate {
namespace {

TEST(StatementHash, IgnoresSurroundingSpaceAndTheSemicolonOnly) {
  std::string hash = statement_hash({"CREATE TABLE a (id int)", 1});
  EXPECT_TRUE(hash.starts_with("sha256:")) << hash;
  EXPECT_EQ(hash.size(), 7u + 64u);
  EXPECT_EQ(statement_hash({"\n  CREATE TABLE a (id int);\n", 9}), hash);
  EXPECT_NE(statement_hash({"CREATE TABLE a (id  int)", 1}), hash);
  EXPECT_NE(statement_hash({"CREATE TABLE a (id bigint)", 1}), hash);
  EXPECT_NE(statement_hash({"INSERT INTO t VALUES ('a  b')", 1}),
            statement_hash({"INSERT INTO t VALUES ('a b')", 1}));
  EXPECT_NE(statement_hash({"", 1}), hash);
}

TEST(AbbreviateStatement, OneLineCutWithoutSplittingACharacter) {
  EXPECT_EQ(abbreviate_statement("CREATE TABLE a\n  (id int);"), "CREATE TABLE a (id int)");
  // The 60th byte is the second of "é": cut before it, never half of it.
  std::string cut = abbreviate_statement(std::string(59, 'x') + "\xc3\xa9yyyy");
  EXPECT_EQ(cut, std::string(59, 'x') + " ...");
  EXPECT_EQ(abbreviate_statement(std::string(60, 'x')), std::string(60, 'x'));
  EXPECT_EQ(abbreviate_statement(std::string(61, 'x')), std::string(60, 'x') + " ...");
  EXPECT_EQ(abbreviate_statement(""), "");
}

TEST(CompletedStatements, RoundTripAndRejectGarbage) {
  std::vector<CompletedStatement> done = {
      {2, statement_hash({"CREATE TABLE \"a\"\"b\" (id int)", 2}),
       "CREATE TABLE \"a\"\"b\" (id int)"},
      {7, "sha256:00", "INSERT INTO t VALUES ('\\n', 'é')"}};
  auto back = parse_completed(completed_to_json(done));
  ASSERT_TRUE(back);
  ASSERT_EQ(back->size(), 2u);
  EXPECT_EQ((*back)[0].line, 2);
  EXPECT_EQ((*back)[0].hash, done[0].hash);
  EXPECT_EQ((*back)[0].text, done[0].text);
  EXPECT_EQ((*back)[1].text, done[1].text);
  EXPECT_TRUE(parse_completed("[]"));
  EXPECT_TRUE(parse_completed("[]")->empty());
  EXPECT_FALSE(parse_completed(""));
  EXPECT_FALSE(parse_completed("{}"));
  EXPECT_FALSE(parse_completed("[{\"line\": 1}]"));
  EXPECT_FALSE(parse_completed("[1]"));
  // A line that is not a number does not throw.
  auto odd = parse_completed("[{\"line\": \"x\", \"hash\": \"sha256:1\"}]");
  ASSERT_TRUE(odd);
  EXPECT_EQ((*odd)[0].line, 0);
  // Invalid UTF-8 is replaced, not an exception.
  EXPECT_TRUE(parse_completed(completed_to_json({{1, "sha256:1", "\xff\xfe"}})));
}

TEST(RollingBack, StatusAndValidateReportAPartlyRolledBackVersion) {
  EXPECT_EQ(parse_row_status("ROLLING_BACK"), RowStatus::kRollingBack);
  EXPECT_STREQ(row_status_name(RowStatus::kRollingBack), "ROLLING_BACK");
  Migration m;
  m.version = "0001";
  m.name = "a";
  m.checksum = "sha256:1";
  m.up.path = "migrations/0001_a.up.sql";
  HistoryRow row;
  row.version = "0001";
  row.name = "a";
  row.checksum = "sha256:1";
  row.status = RowStatus::kRollingBack;
  row.statements_applied = 1;
  row.statements_total = 3;
  auto states = status({m}, {row});
  ASSERT_EQ(states.size(), 1u);
  EXPECT_EQ(states[0].state, State::kRollingBack);
  EXPECT_STREQ(state_name(states[0].state), "rolling back");
  auto problems = validate({m}, {row}, false);
  ASSERT_EQ(problems.size(), 1u);
  EXPECT_EQ(problems[0].kind, ProblemKind::kRollingBack);
  EXPECT_NE(problems[0].to_string().find("partly rolled back: 1 of 3 statements"),
            std::string::npos)
      << problems[0].to_string();
}

}  // namespace
}  // namespace keel::migrate
