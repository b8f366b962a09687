// keel diff's type-change warnings follow PostgreSQL's rules (types.h), the
// ones keel lint uses: growing a varchar rewrites nothing, int -> bigint
// does; statement_timestamp() is stable, so a default calling it is not
// volatile.
#include <gtest/gtest.h>

#include "dialects/postgres/driver.h"
#include "keel/ddl.h"

namespace keel {
namespace {

using model::Column;
using model::Database;

Database with_column(const std::string& type, const std::string& default_expr = "") {
  Database db;
  model::Table& t = db.schemas["public"].tables["users"];
  t.kind = "table";
  t.persistence = "permanent";
  t.columns["id"] = Column{.position = 1, .type = "bigint", .not_null = true};
  if (!type.empty()) {
    t.columns["name"] = Column{.position = 2, .type = type, .default_expr = default_expr};
  }
  return db;
}

std::vector<std::string> warnings(const std::string& from, const std::string& to) {
  auto plan = plan_ddl(pg::driver(), with_column(from), with_column(to), DdlOptions{});
  EXPECT_TRUE(plan) << plan.error().to_string();
  return plan ? plan->warnings : std::vector<std::string>{};
}

TEST(PostgresDdlTypeChange, GrowingAVarcharGivesNoRewriteWarning) {
  EXPECT_EQ(warnings("character varying(10)", "character varying(20)"), std::vector<std::string>{});
  EXPECT_EQ(warnings("character varying(10)", "text"), std::vector<std::string>{});
  EXPECT_EQ(warnings("numeric(10,2)", "numeric(12,2)"), std::vector<std::string>{});
}

TEST(PostgresDdlTypeChange, IntegerToBigintWarnsOfTheRewrite) {
  EXPECT_EQ(warnings("integer", "bigint"),
            std::vector<std::string>{"column public.users.name: type integer -> bigint may "
                                     "rewrite the table under an ACCESS EXCLUSIVE lock"});
  EXPECT_EQ(warnings("character varying(20)", "character varying(10)"),
            std::vector<std::string>{"column public.users.name: type character varying(20) -> "
                                     "character varying(10) may rewrite the table under an "
                                     "ACCESS EXCLUSIVE lock"});
}

TEST(PostgresDdlTypeChange, AStableDefaultDoesNotRewriteAnAddedColumn) {
  auto stable =
      plan_ddl(pg::driver(), with_column(""),
               with_column("timestamp with time zone", "statement_timestamp()"), DdlOptions{});
  ASSERT_TRUE(stable) << stable.error().to_string();
  EXPECT_EQ(stable->warnings, std::vector<std::string>{});
  auto random = plan_ddl(pg::driver(), with_column(""), with_column("double precision", "random()"),
                         DdlOptions{});
  ASSERT_TRUE(random) << random.error().to_string();
  ASSERT_EQ(random->warnings.size(), 1u);
  EXPECT_EQ(random->warnings[0].find("column public.users.name: added with a volatile default"),
            0u);
}

}  // namespace
}  // namespace keel
