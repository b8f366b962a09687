#include <gtest/gtest.h>

#include "dialects/postgres/driver.h"
#include "dialects/sqlite/driver.h"
#include "keel/migrations.h"

namespace keel::migrate {
namespace {

std::vector<Statement> split_ok(Dialect dialect, const std::string& sql, int first_line = 1) {
  Script script{.path = "m/0001_x.up.sql", .sql = sql, .first_line = first_line};
  auto statements = split_statements(dialect, script);
  EXPECT_TRUE(statements) << statements.error().to_string();
  return statements ? *statements : std::vector<Statement>{};
}

Error split_error(Dialect dialect, const std::string& sql, int first_line = 1) {
  Script script{.path = "m/0001_x.up.sql", .sql = sql, .first_line = first_line};
  auto statements = split_statements(dialect, script);
  EXPECT_FALSE(statements);
  return statements ? Error{} : statements.error();
}

TEST(PostgresSplitTest, StatementsAndTheirLines) {
  auto s = split_ok(pg::driver(),
                    "-- keel:lock-timeout 2s\n"                    // 1
                    "CREATE TABLE a (id int);\n"                   // 2
                    "\n"                                           // 3
                    "/* a comment; with a semicolon */\n"          // 4
                    "-- another; one\n"                            // 5
                    "INSERT INTO a\n"                              // 6
                    "  VALUES (1);   ALTER TABLE a ADD b text;\n"  // 7
                    "-- trailing comment only\n");                 // 8
  ASSERT_EQ(s.size(), 3u);
  EXPECT_EQ(s[0].sql, "CREATE TABLE a (id int)");
  EXPECT_EQ(s[0].line, 2);
  EXPECT_EQ(s[1].sql, "INSERT INTO a\n  VALUES (1)");
  EXPECT_EQ(s[1].line, 6);
  EXPECT_EQ(s[2].sql, "ALTER TABLE a ADD b text");
  EXPECT_EQ(s[2].line, 7);
}

TEST(PostgresSplitTest, LinesAreOffsetByFirstLine) {
  auto s = split_ok(pg::driver(), "SELECT 1;\n\nSELECT 2", 10);
  ASSERT_EQ(s.size(), 2u);
  EXPECT_EQ(s[0].line, 10);
  EXPECT_EQ(s[1].sql, "SELECT 2");
  EXPECT_EQ(s[1].line, 12);
}

TEST(PostgresSplitTest, DollarQuotesWithSemicolons) {
  auto s = split_ok(pg::driver(),
                    "CREATE FUNCTION f() RETURNS int LANGUAGE plpgsql AS $body$\n"
                    "BEGIN\n"
                    "  PERFORM 1; -- ;\n"
                    "  RETURN 'a;b'::text::int;\n"
                    "END;\n"
                    "$body$;\n"
                    "DO $$ BEGIN RAISE NOTICE ';'; END $$;\n"
                    "SELECT ';', $x$;$x$, \"semi;colon\" FROM t;\n");
  ASSERT_EQ(s.size(), 3u);
  EXPECT_TRUE(s[0].sql.starts_with("CREATE FUNCTION f()"));
  EXPECT_TRUE(s[0].sql.ends_with("$body$"));
  EXPECT_EQ(s[1].sql, "DO $$ BEGIN RAISE NOTICE ';'; END $$");
  EXPECT_EQ(s[1].line, 7);
  EXPECT_EQ(s[2].line, 8);
}

TEST(PostgresSplitTest, NestedCommentsBeforeAStatement) {
  auto s = split_ok(pg::driver(), "/* outer /* inner; */ still; */\nSELECT 1;");
  ASSERT_EQ(s.size(), 1u);
  EXPECT_EQ(s[0].sql, "SELECT 1");
  EXPECT_EQ(s[0].line, 2);
}

TEST(PostgresSplitTest, BeginAtomicBody) {
  auto s = split_ok(pg::driver(),
                    "CREATE TABLE t (a int);\n"
                    "CREATE FUNCTION add_one(x int) RETURNS int LANGUAGE sql\n"
                    "BEGIN ATOMIC\n"
                    "  INSERT INTO t VALUES (x);\n"
                    "  SELECT x + 1;\n"
                    "END;\n"
                    "SELECT add_one(1);\n");
  ASSERT_EQ(s.size(), 3u);
  EXPECT_TRUE(s[1].sql.starts_with("CREATE FUNCTION add_one"));
  EXPECT_TRUE(s[1].sql.ends_with("END"));
  EXPECT_EQ(s[1].line, 2);
  EXPECT_EQ(s[2].sql, "SELECT add_one(1)");
  EXPECT_EQ(s[2].line, 7);
}

TEST(PostgresSplitTest, EmptyStatementsAreDropped) {
  EXPECT_TRUE(split_ok(pg::driver(), "").empty());
  EXPECT_TRUE(split_ok(pg::driver(), "-- only a comment\n").empty());
  auto s = split_ok(pg::driver(), ";;\nSELECT 1;;\n;");
  ASSERT_EQ(s.size(), 1u);
  EXPECT_EQ(s[0].line, 2);
}

TEST(PostgresSplitTest, SyntaxErrorNamesItsLine) {
  Error e = split_error(pg::driver(),
                        "CREATE TABLE a (id int);\n"
                        "\n"
                        "ALTER TABLE a ADD COLUMN;\n"
                        "SELECT 1;\n",
                        5);
  EXPECT_EQ(e.code, ErrorCode::kSql);
  EXPECT_EQ(e.context, "m/0001_x.up.sql:7");
  EXPECT_NE(e.message.find("syntax error"), std::string::npos) << e.message;
  EXPECT_EQ(e.sqlstate, "42601");
}

TEST(PostgresSplitTest, SyntaxErrorLineCountsCharactersNotBytes) {
  Error e = split_error(pg::driver(), "SELECT 'ééééééééééééééé';\nSELECT 1;\nSELEC 2;\n");
  EXPECT_EQ(e.context, "m/0001_x.up.sql:3");
}

TEST(PostgresSplitTest, UnterminatedDollarQuote) {
  Error e = split_error(pg::driver(), "SELECT 1;\nDO $$ BEGIN END;\n");
  EXPECT_EQ(e.code, ErrorCode::kSql);
  EXPECT_EQ(e.context.rfind("m/0001_x.up.sql:", 0), 0u);
}

TEST(SqliteSplitTest, StatementsAndTheirLines) {
  auto s = split_ok(sqlite::driver(),
                    "-- header; with semicolon\n"                      // 1
                    "CREATE TABLE a (id INTEGER, s TEXT);\n"           // 2
                    "/* block; */ INSERT INTO a VALUES (1, 'x;y');\n"  // 3
                    "\n"                                               // 4
                    "SELECT \"odd;name\" FROM a; SELECT 2;\n"          // 5
                    "-- done\n");
  ASSERT_EQ(s.size(), 4u);
  EXPECT_EQ(s[0].sql, "CREATE TABLE a (id INTEGER, s TEXT)");
  EXPECT_EQ(s[0].line, 2);
  EXPECT_EQ(s[1].sql, "INSERT INTO a VALUES (1, 'x;y')");
  EXPECT_EQ(s[1].line, 3);
  EXPECT_EQ(s[2].line, 5);
  EXPECT_EQ(s[3].sql, "SELECT 2");
  EXPECT_EQ(s[3].line, 5);
}

TEST(SqliteSplitTest, TriggerBodiesKeepTheirSemicolons) {
  auto s = split_ok(sqlite::driver(),
                    "CREATE TABLE a (id INTEGER);\n"
                    "CREATE TABLE log (id INTEGER);\n"
                    "CREATE TRIGGER a_log AFTER INSERT ON a\n"
                    "BEGIN\n"
                    "  INSERT INTO log VALUES (new.id);\n"
                    "  DELETE FROM log WHERE id < 0;\n"
                    "END;\n"
                    "INSERT INTO a VALUES (1);\n",
                    3);
  ASSERT_EQ(s.size(), 4u);
  EXPECT_TRUE(s[2].sql.starts_with("CREATE TRIGGER a_log"));
  EXPECT_TRUE(s[2].sql.ends_with("END"));
  EXPECT_EQ(s[2].line, 5);
  EXPECT_EQ(s[3].line, 10);
}

TEST(SqliteSplitTest, LastStatementWithoutSemicolon) {
  auto s = split_ok(sqlite::driver(), "SELECT 1;\nSELECT 2 -- end\n");
  ASSERT_EQ(s.size(), 2u);
  EXPECT_EQ(s[1].sql, "SELECT 2 -- end");
  EXPECT_EQ(s[1].line, 2);
}

TEST(SqliteSplitTest, EmptyStatementsAreDropped) {
  EXPECT_TRUE(split_ok(sqlite::driver(), "").empty());
  EXPECT_TRUE(split_ok(sqlite::driver(), ";\n;-- x\n/* y */").empty());
}

TEST(SqliteSplitTest, UnfinishedStatementIsAnError) {
  Error e = split_error(sqlite::driver(), "SELECT 1;\n\nSELECT 'oops;\n");
  EXPECT_EQ(e.code, ErrorCode::kSql);
  EXPECT_EQ(e.context, "m/0001_x.up.sql:3");
  Error trigger =
      split_error(sqlite::driver(), "CREATE TRIGGER t AFTER INSERT ON a BEGIN\n  SELECT 1;\n");
  EXPECT_EQ(trigger.context, "m/0001_x.up.sql:1");
}

}  // namespace
}  // namespace keel::migrate
