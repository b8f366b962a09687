// rename_columns: column references in a CHECK expression renamed through PostgreSQL's parser.
#include <gtest/gtest.h>

#include "dialects/postgres/ops/operation.h"

namespace keel::pg::ops {
namespace {

TEST(RenameColumns, RenamesBareAndQuotedReferencesOnly) {
  const std::map<std::string, std::string> renames{{"age", "_keel_new_age"},
                                                   {"Mixed Case", "_keel_new_Mixed Case"}};
  auto out = rename_columns("age >= 0 AND \"Mixed Case\" <> 'age' AND length(name) > age", renames);
  ASSERT_TRUE(out.has_value()) << out.error().to_string();
  EXPECT_EQ(*out,
            "\"_keel_new_age\" >= 0 AND \"_keel_new_Mixed Case\" <> 'age' AND length(name) > "
            "\"_keel_new_age\"");
}

TEST(RenameColumns, UnquotedNamesFoldToLowerCaseAsPostgresDoes) {
  auto out = rename_columns("AGE > 1 OR \"AGE\" > 2", {{"age", "n"}});
  ASSERT_TRUE(out.has_value()) << out.error().to_string();
  EXPECT_EQ(*out, "\"n\" > 1 OR \"AGE\" > 2");
}

TEST(RenameColumns, CommentsAndDollarQuotesAreLeftAlone) {
  auto out = rename_columns("age > 0 -- age\n AND $$age$$ <> ''", {{"age", "x"}});
  ASSERT_TRUE(out.has_value()) << out.error().to_string();
  EXPECT_EQ(*out, "\"x\" > 0 -- age\n AND $$age$$ <> ''");
}

TEST(RenameColumns, QualifiedReferencesAndNonExpressionsAreRefused) {
  auto qualified = rename_columns("users.age > 0", {{"age", "x"}});
  ASSERT_FALSE(qualified.has_value());
  EXPECT_NE(qualified.error().message.find("bare column name"), std::string::npos);
  for (const char* bad : {"age > ", "1); DROP TABLE users; SELECT (1", "age > 0)"}) {
    auto out = rename_columns(bad, {{"age", "x"}});
    EXPECT_FALSE(out.has_value()) << bad;
  }
}

// What a trigger may read from variables (expand.cc, assign): bare names and NEW.x only.
TEST(BareColumnsRead, BareNamesAndNewOldFieldsOnly) {
  using Names = std::set<std::string>;
  EXPECT_EQ(bare_columns_read("price * 100"), Names{"price"});
  EXPECT_EQ(bare_columns_read("lower(\"E-mail\") || NEW.x"), Names{"E-mail"});
  EXPECT_EQ(bare_columns_read("now()"), Names{});
  EXPECT_EQ(bare_columns_read("(SELECT count(*) FROM t)"), Names{});
  EXPECT_EQ(bare_columns_read("(SELECT name FROM orgs WHERE id = org_id)"),
            (Names{"id", "name", "org_id"}));
  for (const char* other :
       {"users.price * 2", "_keel_row.price", "row_to_json(_keel_row)",
        "(SELECT o.name FROM orgs o)", "(SELECT t.* FROM t LIMIT 1) IS NULL", "price >", "new"}) {
    EXPECT_EQ(bare_columns_read(other), std::nullopt) << other;
  }
}

// Which of keel's own statements may wait past deadlock_timeout (expand.cc, after()).
TEST(WaitsWithoutBlockingWrites, OnlyShareUpdateExclusiveStatements) {
  for (const char* sql :
       {"CREATE INDEX CONCURRENTLY \"i\" ON \"public\".\"t\" (a)",
        "CREATE UNIQUE INDEX CONCURRENTLY IF NOT EXISTS i ON s.t USING btree (a, b)",
        "DROP INDEX CONCURRENTLY IF EXISTS \"public\".\"i\"",
        "ALTER TABLE \"public\".\"t\" VALIDATE CONSTRAINT \"_keel_nn_x\""}) {
    EXPECT_TRUE(waits_without_blocking_writes(sql)) << sql;
  }
  for (const char* sql :
       {"CREATE INDEX i ON t (a)", "DROP INDEX i", "DROP TABLE CONCURRENTLY_named",
        "ALTER TABLE t ALTER COLUMN c SET NOT NULL",
        "ALTER TABLE t VALIDATE CONSTRAINT c, ALTER COLUMN x SET NOT NULL",
        "ALTER TABLE t ADD CONSTRAINT k UNIQUE USING INDEX k",
        "ALTER TABLE t REPLICA IDENTITY FULL", "ALTER TABLE t DROP CONSTRAINT c",
        "CREATE INDEX CONCURRENTLY i ON t (a); DROP TABLE t", "not sql"}) {
    EXPECT_FALSE(waits_without_blocking_writes(sql)) << sql;
  }
}

}  // namespace
}  // namespace keel::pg::ops
