// Exact SQL of the PostgreSQL renderer, without a database.
#include <gtest/gtest.h>

#include "dialects/postgres/ddl/planner.h"
#include "dialects/postgres/driver.h"
#include "dialects/sqlite/driver.h"
#include "keel/ddl.h"

namespace keel {
namespace {

using model::Column;
using model::Database;

Database users() {
  Database db;
  model::Table& t = db.schemas["public"].tables["users"];
  t.kind = "table";
  t.persistence = "permanent";
  t.columns["id"] = Column{.position = 1, .type = "bigint", .not_null = true};
  t.columns["name"] = Column{.position = 2, .type = "text"};
  t.constraints["users_pkey"] =
      model::Constraint{.type = "primary key", .definition = "PRIMARY KEY (id)", .columns = {"id"}};
  t.indexes["users_pkey"] =
      model::Index{.definition = "CREATE UNIQUE INDEX users_pkey ON public.users USING btree (id)",
                   .method = "btree",
                   .unique = true,
                   .primary = true,
                   .columns = {"id"}};
  return db;
}

TEST(PostgresDdl, CreatesATableWithItsConstraintsAndComment) {
  Database to = users();
  to.schemas["public"].tables["users"].comment = "it's people";
  auto plan = plan_ddl(pg::driver(), Database{}, to, DdlOptions{});
  ASSERT_TRUE(plan) << plan.error().to_string();
  ASSERT_EQ(plan->steps.size(), 2u);
  EXPECT_EQ(plan->steps[0].up, std::vector<std::string>{"CREATE SCHEMA \"public\""});
  EXPECT_EQ(plan->steps[1].up,
            (std::vector<std::string>{
                "CREATE TABLE \"public\".\"users\" (\n  \"id\" bigint NOT NULL,\n  \"name\" text,\n"
                "  CONSTRAINT \"users_pkey\" PRIMARY KEY (id)\n)",
                "COMMENT ON TABLE \"public\".\"users\" IS 'it''s people'"}));
  EXPECT_EQ(plan->steps[1].down, std::vector<std::string>{"DROP TABLE \"public\".\"users\""});
  EXPECT_EQ(render_script(*plan, true),
            "BEGIN;\nDROP TABLE \"public\".\"users\";\nDROP SCHEMA \"public\";\nCOMMIT;\n");
}

TEST(PostgresDdl, AddsAnIndexConcurrentlyOnAnExistingTable) {
  Database from = users(), to = users();
  to.schemas["public"].tables["users"].indexes["users_name_idx"] =
      model::Index{.definition = "CREATE INDEX users_name_idx ON public.users USING btree (name)",
                   .method = "btree",
                   .columns = {"name"}};
  auto plan = plan_ddl(pg::driver(), from, to, DdlOptions{});
  ASSERT_TRUE(plan);
  ASSERT_EQ(plan->steps.size(), 1u);
  EXPECT_EQ(plan->steps[0].part, DdlPart::kAfter);
  EXPECT_EQ(plan->steps[0].up,
            std::vector<std::string>{"CREATE INDEX CONCURRENTLY users_name_idx ON public.users "
                                     "USING btree (name)"});
  EXPECT_EQ(plan->steps[0].down,
            std::vector<std::string>{"DROP INDEX CONCURRENTLY \"public\".\"users_name_idx\""});
  EXPECT_EQ(render_script(*plan, false),
            "-- keel:no-transaction (CONCURRENTLY and VALIDATE, each committed on its own)\n"
            "CREATE INDEX CONCURRENTLY users_name_idx ON public.users USING btree (name);\n");
}

TEST(PostgresDdl, RefusesDropsUnlessAllowed) {
  Database from = users(), to = users();
  to.schemas["public"].tables["users"].columns.erase("name");
  auto refused = plan_ddl(pg::driver(), from, to, DdlOptions{});
  ASSERT_FALSE(refused);
  EXPECT_EQ(refused.error().code, ErrorCode::kGateFailed);
  EXPECT_NE(refused.error().message.find("drop column public.users.name"), std::string::npos);
  DdlOptions allow;
  allow.allow_destructive = true;
  auto plan = plan_ddl(pg::driver(), from, to, allow);
  ASSERT_TRUE(plan);
  EXPECT_EQ(plan->destructive, std::vector<std::string>{"drop column public.users.name"});
  EXPECT_EQ(plan->steps[0].down,
            std::vector<std::string>{"ALTER TABLE \"public\".\"users\" ADD COLUMN \"name\" text"});
}

TEST(PostgresDdl, EnumValuesGoInPlaceAndColumnOrderIsNotFaked) {
  Database from, to;
  from.schemas["public"].types["mood"] = model::Type{.kind = "enum", .labels = {"sad", "happy"}};
  to.schemas["public"].types["mood"] =
      model::Type{.kind = "enum", .labels = {"sad", "ok", "happy", "great"}};
  auto plan = plan_ddl(pg::driver(), from, to, DdlOptions{});
  ASSERT_TRUE(plan);
  ASSERT_EQ(plan->steps.size(), 1u);
  EXPECT_EQ(plan->steps[0].up,
            (std::vector<std::string>{
                "ALTER TYPE \"public\".\"mood\" ADD VALUE IF NOT EXISTS 'ok' BEFORE 'happy'",
                "ALTER TYPE \"public\".\"mood\" ADD VALUE IF NOT EXISTS 'great'"}));
  // Committed before the transaction that may use them.
  EXPECT_EQ(plan->steps[0].part, DdlPart::kBefore);
  EXPECT_TRUE(plan->up_statements(DdlPart::kTransaction).empty());
  EXPECT_EQ(plan->up_statements(DdlPart::kBefore).size(), 2u);

  Database a = users(), b = users();
  b.schemas["public"].tables["users"].columns["id"].position = 2;
  b.schemas["public"].tables["users"].columns["name"].position = 1;
  auto reordered = plan_ddl(pg::driver(), a, b, DdlOptions{});
  ASSERT_TRUE(reordered);
  ASSERT_EQ(reordered->unsupported.size(), 1u);
  EXPECT_NE(reordered->unsupported[0].find("column order differs"), std::string::npos);
}

TEST(PostgresDdl, APartitionOfAReferencedTableIsDetachedBeforeItIsDropped) {
  Database from;
  model::Schema& s = from.schemas["public"];
  s.tables["region"] = model::Table{
      .kind = "partitioned table", .persistence = "permanent", .partition_key = "LIST (code)"};
  s.tables["region"].columns["code"] = Column{.position = 1, .type = "text", .not_null = true};
  s.tables["region_eu"] = model::Table{.kind = "table",
                                       .persistence = "permanent",
                                       .partition_bound = "FOR VALUES IN ('eu')",
                                       .parent = "public.region"};
  s.tables["region_eu"].columns["code"] = Column{.position = 1, .type = "text", .not_null = true};
  s.tables["store"] = model::Table{.kind = "table", .persistence = "permanent"};
  s.tables["store"].columns["region"] = Column{.position = 1, .type = "text"};
  Database to = from;
  to.schemas["public"].tables.erase("region_eu");
  DdlOptions allow;
  allow.allow_destructive = true;

  // Without a foreign key to the parent, a plain DROP TABLE.
  auto plain = plan_ddl(pg::driver(), from, to, allow);
  ASSERT_TRUE(plain) << plain.error().to_string();
  ASSERT_EQ(plain->steps.size(), 1u);
  EXPECT_EQ(plain->steps[0].up, std::vector<std::string>{"DROP TABLE \"public\".\"region_eu\""});

  // With one, the server's clone of the key on the partition goes first.
  for (Database* db : {&from, &to}) {
    db->schemas["public"].tables["store"].constraints["store_region_fkey"] =
        model::Constraint{.type = "foreign key",
                          .definition = "FOREIGN KEY (region) REFERENCES public.region(code)",
                          .columns = {"region"},
                          .ref_table = "public.region",
                          .ref_columns = {"code"}};
  }
  auto plan = plan_ddl(pg::driver(), from, to, allow);
  ASSERT_TRUE(plan) << plan.error().to_string();
  ASSERT_EQ(plan->steps.size(), 1u);
  EXPECT_EQ(plan->steps[0].up,
            (std::vector<std::string>{
                "ALTER TABLE \"public\".\"region\" DETACH PARTITION \"public\".\"region_eu\"",
                "DROP TABLE \"public\".\"region_eu\""}));
  // The reverse of creating it is the same.
  auto back = plan_ddl(pg::driver(), to, from, allow);
  ASSERT_TRUE(back);
  ASSERT_EQ(back->steps.size(), 1u);
  EXPECT_EQ(back->steps[0].down, plan->steps[0].up);
}

TEST(PostgresDdl, WarnsWhenAnAddedColumnRewritesTheTable) {
  Database from = users(), to = users();
  auto& columns = to.schemas["public"].tables["users"].columns;
  columns["token"] = Column{.position = 3, .type = "uuid", .default_expr = "gen_random_uuid()"};
  columns["seen"] =
      Column{.position = 4, .type = "timestamp with time zone", .default_expr = "now()"};
  auto plan = plan_ddl(pg::driver(), from, to, DdlOptions{});
  ASSERT_TRUE(plan) << plan.error().to_string();
  ASSERT_EQ(plan->warnings.size(), 1u);
  EXPECT_NE(plan->warnings[0].find("column public.users.token: added with a volatile default"),
            std::string::npos)
      << plan->warnings[0];
}

TEST(PostgresDdl, FunctionKeysSplitAtTheirArgumentList) {
  using pg::ddl::split_function_key;
  EXPECT_EQ(split_function_key("f(a integer)"),
            (std::pair<std::string, std::string>{"f", "a integer"}));
  EXPECT_EQ(split_function_key("f(x(a text)"),
            (std::pair<std::string, std::string>{"f(x", "a text"}));
  EXPECT_EQ(split_function_key("g(n numeric(10,2), t text)"),
            (std::pair<std::string, std::string>{"g", "n numeric(10,2), t text"}));
  EXPECT_EQ(split_function_key("h()"), (std::pair<std::string, std::string>{"h", ""}));
}

TEST(PostgresDdl, RoundingTypeChangesAreDestructive) {
  Database from = users(), to = users();
  from.schemas["public"].tables["users"].columns["score"] =
      Column{.position = 3, .type = "double precision"};
  to.schemas["public"].tables["users"].columns["score"] = Column{.position = 3, .type = "integer"};
  auto refused = plan_ddl(pg::driver(), from, to, DdlOptions{});
  ASSERT_FALSE(refused);
  EXPECT_EQ(refused.error().code, ErrorCode::kGateFailed);
  EXPECT_NE(refused.error().message.find("narrow column public.users.score"), std::string::npos)
      << refused.error().message;
  // Widening is not.
  auto widened = plan_ddl(pg::driver(), to, from, DdlOptions{});
  ASSERT_TRUE(widened) << widened.error().to_string();
  EXPECT_TRUE(widened->destructive.empty());
}

TEST(PostgresDdl, WarnsWhenOneTransactionAltersTooManyTables) {
  Database from, to;
  for (int i = 0; i < 1001; ++i) {
    std::string name = "t" + std::to_string(i);
    model::Table& a = from.schemas["public"].tables[name];
    a.kind = "table";
    a.columns["qty"] = Column{.position = 1, .type = "integer"};
    model::Table& b = to.schemas["public"].tables[name];
    b = a;
    b.columns["qty"].type = "bigint";
  }
  auto plan = plan_ddl(pg::driver(), from, to, DdlOptions{});
  ASSERT_TRUE(plan) << plan.error().to_string();
  auto has = [](const std::vector<std::string>& v, const std::string& text) {
    for (const std::string& s : v) {
      if (s.find(text) != std::string::npos) return true;
    }
    return false;
  };
  EXPECT_TRUE(has(plan->warnings, "the script alters 1001 tables in one transaction"));
  EXPECT_TRUE(has(plan->down_caveats, "the reverse alters 1001 tables in one transaction"));
}

TEST(PostgresDdl, SqliteIsNotRendered) {
  auto plan = plan_ddl(sqlite::driver(), Database{}, users(), DdlOptions{});
  ASSERT_FALSE(plan);
  EXPECT_EQ(plan.error().code, ErrorCode::kUnsupported);
}

}  // namespace
}  // namespace keel
