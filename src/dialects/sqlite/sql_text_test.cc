#include "dialects/sqlite/sql_text.h"

#include <gtest/gtest.h>

namespace keel::sqlite {
namespace {

TEST(SqliteSqlTextTest, NormalizesWhitespaceAndComments) {
  EXPECT_EQ(normalize_sql("SELECT a,b\n  FROM   t -- note\n WHERE a>1 /* x */"),
            normalize_sql("SELECT a , b FROM t WHERE a > 1"));
  EXPECT_EQ(normalize_sql("SELECT count( * ) FROM t"), "SELECT count(*) FROM t");
  EXPECT_EQ(normalize_sql("CHECK(a IN(1,2))"), "CHECK (a IN (1, 2))");
  EXPECT_EQ(normalize_sql("create index Idx on T(a desc) where a is not null"),
            "CREATE INDEX Idx ON T(a DESC) WHERE a IS NOT NULL");
}

TEST(SqliteSqlTextTest, KeepsStringLiteralsAndQuotedNamesByteForByte) {
  EXPECT_EQ(normalize_sql("SELECT 'a  --  b', \"x  y\" FROM t"),
            "SELECT 'a  --  b', \"x  y\" FROM t");
  EXPECT_EQ(normalize_sql("SELECT 'it''s   ok'"), "SELECT 'it''s   ok'");
  EXPECT_NE(normalize_sql("SELECT 'a b'"), normalize_sql("SELECT 'a  b'"));
}

TEST(SqliteSqlTextTest, MultiCharacterOperatorsStayWhole) {
  EXPECT_EQ(normalize_sql("a<=b AND c<>d OR e||f"), "a <= b AND c <> d OR e || f");
  EXPECT_EQ(normalize_sql("j->>'$.x'"), "j ->> '$.x'");
}

TEST(SqliteSqlTextTest, UnarySignsStickToTheirOperand) {
  EXPECT_EQ(normalize_sql("-1"), "-1");
  EXPECT_EQ(normalize_sql("x = - 1 AND y IN (-2, +3)"), "x = -1 AND y IN (-2, +3)");
  EXPECT_EQ(normalize_sql("a-1"), "a - 1");
  EXPECT_EQ(normalize_sql("(a)-1"), "(a) - 1");
  EXPECT_EQ(normalize_sql("CASE WHEN a THEN -1 END-1"), "CASE WHEN a THEN -1 END - 1");
}

TEST(SqliteSqlTextTest, IdentifierNameUnquotes) {
  auto tokens = tokenize("\"a\"\"b\" [c d] `e` f");
  ASSERT_EQ(tokens.size(), 4u);
  EXPECT_EQ(identifier_name(tokens[0]), "a\"b");
  EXPECT_EQ(identifier_name(tokens[1]), "c d");
  EXPECT_EQ(identifier_name(tokens[2]), "e");
  EXPECT_EQ(identifier_name(tokens[3]), "f");
}

TEST(SqliteSqlTextTest, ParsesChecksGeneratedColumnsAndForeignKeys) {
  TableDef def = parse_create_table(
      "CREATE TABLE t (\n"
      "  id INTEGER PRIMARY KEY,\n"
      "  amount NUMERIC(10, 2) DEFAULT (0) CONSTRAINT amount_ok CHECK (amount >= 0),\n"
      "  note TEXT CHECK (note <> 'CHECK (x)'), -- CHECK (comment)\n"
      "  total AS (amount * 2) STORED,\n"
      "  owner INT REFERENCES users(id) ON DELETE SET NULL DEFERRABLE INITIALLY DEFERRED NOT "
      "NULL,\n"
      "  CONSTRAINT pos CHECK (id > 0),\n"
      "  CHECK (amount < 100),\n"
      "  FOREIGN KEY (owner, note) REFERENCES other (a, b) NOT DEFERRABLE\n"
      ")");
  ASSERT_EQ(def.columns.size(), 5u);
  EXPECT_EQ(def.columns[1].name, "amount");
  ASSERT_EQ(def.columns[1].checks.size(), 1u);
  EXPECT_EQ(def.columns[1].checks[0].name, "amount_ok");
  EXPECT_EQ(def.columns[1].checks[0].expression, "amount >= 0");
  ASSERT_EQ(def.columns[2].checks.size(), 1u);
  EXPECT_EQ(def.columns[2].checks[0].name, "");
  EXPECT_EQ(def.columns[2].checks[0].expression, "note <> 'CHECK (x)'");
  EXPECT_EQ(def.columns[3].generated, "amount * 2");
  ASSERT_EQ(def.checks.size(), 2u);
  EXPECT_EQ(def.checks[0].name, "pos");
  EXPECT_EQ(def.checks[1].expression, "amount < 100");
  ASSERT_EQ(def.foreign_keys.size(), 2u);
  EXPECT_EQ(def.foreign_keys[0].ref_table, "users");
  EXPECT_TRUE(def.foreign_keys[0].initially_deferred);
  EXPECT_EQ(def.foreign_keys[1].columns, (std::vector<std::string>{"owner", "note"}));
  EXPECT_FALSE(def.foreign_keys[1].initially_deferred);
}

TEST(SqliteSqlTextTest, ParsesVirtualTables) {
  TableDef def = parse_create_table("CREATE VIRTUAL TABLE docs USING fts5(title,  body)");
  EXPECT_EQ(def.virtual_module, "USING fts5(title, body)");
}

TEST(SqliteSqlTextTest, ParsesIndexItemsAndPredicate) {
  IndexDef def = parse_create_index(
      "CREATE INDEX i ON t (a DESC, lower(b) COLLATE nocase ASC, c)\n  WHERE  a > 0 AND c IS NOT "
      "NULL");
  EXPECT_EQ(def.items, (std::vector<std::string>{"a", "lower(b)", "c"}));
  EXPECT_EQ(def.predicate, "a > 0 AND c IS NOT NULL");
}

}  // namespace
}  // namespace keel::sqlite

namespace keel::sqlite {
namespace {

TEST(SqliteSqlTextTest, OnConflictClausesOtherThanAbortAreRead) {
  TableDef def = parse_create_table(
      "CREATE TABLE t (id INTEGER PRIMARY KEY ON CONFLICT ROLLBACK, email TEXT NOT NULL ON "
      "CONFLICT REPLACE UNIQUE ON CONFLICT IGNORE, n INT NOT NULL ON CONFLICT ABORT, m INT "
      "REFERENCES o (id) ON DELETE CASCADE, UNIQUE (email, n) ON CONFLICT FAIL, PRIMARY KEY "
      "(\"id\") ON CONFLICT abort)");
  ASSERT_EQ(def.columns.size(), 4u);
  EXPECT_EQ(def.columns[0].on_conflict, (OnConflict{{"primary key", "rollback"}}));
  EXPECT_EQ(def.columns[1].on_conflict,
            (OnConflict{{"not null", "replace"}, {"unique", "ignore"}}));
  EXPECT_TRUE(def.columns[2].on_conflict.empty());  // ABORT is the default
  EXPECT_TRUE(def.columns[3].on_conflict.empty());  // ON DELETE is not ON CONFLICT
  EXPECT_EQ(def.on_conflict, (OnConflict{{"unique (email, n)", "fail"}}));
}

TEST(SqliteSqlTextTest, CheckAndGeneratedExpressionsAreCaseFolded) {
  TableDef def = parse_create_table(
      "CREATE TABLE t (Age INT CHECK (AGE > 0 AND Lower(Name) <> 'Bob'), d AS (AGE * 2))");
  ASSERT_EQ(def.columns.size(), 2u);
  ASSERT_EQ(def.columns[0].checks.size(), 1u);
  EXPECT_EQ(def.columns[0].checks[0].expression, "age > 0 AND lower(name) <> 'Bob'");
  EXPECT_EQ(def.columns[1].generated, "age * 2");
}

}  // namespace
}  // namespace keel::sqlite
