// Each planned step is typed: what it does, to which kind of object, the
// relations it locks, the part it runs in. The planner decides from these
// fields (check_function_bodies, the lock-table warning), never from SQL.
#include <gtest/gtest.h>

#include "dialects/postgres/driver.h"
#include "keel/ddl.h"

namespace keel {
namespace {

using model::Column;
using model::Database;

Database users() {
  Database db;
  model::Table& t = db.schemas["app"].tables["users"];
  t.kind = "table";
  t.persistence = "permanent";
  t.columns["id"] = Column{.position = 1, .type = "bigint", .not_null = true};
  t.columns["email"] = Column{.position = 2, .type = "text"};
  return db;
}

const QualifiedName kUsers{"app", "users"};

TEST(PostgresDdlTypedSteps, AColumnAndAnIndexSayWhatTheyTouchAndWhereTheyRun) {
  Database from = users(), to = users();
  model::Table& t = to.schemas["app"].tables["users"];
  t.columns["age"] = Column{.position = 3, .type = "integer"};
  t.indexes["users_email_idx"] =
      model::Index{.definition = "CREATE INDEX users_email_idx ON app.users USING btree (email)",
                   .method = "btree",
                   .columns = {"email"}};
  auto plan = plan_ddl(pg::driver(), from, to, DdlOptions{});
  ASSERT_TRUE(plan) << plan.error().to_string();
  ASSERT_EQ(plan->steps.size(), 2u);
  const DdlStep& column = plan->steps[0];
  EXPECT_EQ(column.description, "add column app.users.age");
  EXPECT_EQ(column.action, DdlAction::kCreate);
  EXPECT_EQ(column.object, DdlObject::kColumn);
  EXPECT_EQ(column.relations, std::vector<QualifiedName>{kUsers});
  EXPECT_EQ(column.part, DdlPart::kTransaction);
  EXPECT_FALSE(column.destructive);
  const DdlStep& index = plan->steps[1];
  EXPECT_EQ(index.action, DdlAction::kCreate);
  EXPECT_EQ(index.object, DdlObject::kIndex);
  EXPECT_EQ(index.relations,
            (std::vector<QualifiedName>{kUsers, QualifiedName{"app", "users_email_idx"}}));
  EXPECT_EQ(index.part, DdlPart::kAfter);
  EXPECT_EQ(to_string(index.action), "create");
  EXPECT_EQ(to_string(index.object), "index");
  EXPECT_EQ(to_string(index.part), "after");
}

TEST(PostgresDdlTypedSteps, SetNotNullRunsBehindACheckAfterTheTransaction) {
  Database from = users(), to = users();
  to.schemas["app"].tables["users"].columns["email"].not_null = true;
  auto plan = plan_ddl(pg::driver(), from, to, DdlOptions{});
  ASSERT_TRUE(plan) << plan.error().to_string();
  ASSERT_EQ(plan->steps.size(), 2u);
  EXPECT_EQ(plan->steps[0].part, DdlPart::kTransaction);
  EXPECT_EQ(plan->steps[0].up,
            std::vector<std::string>{"ALTER TABLE \"app\".\"users\" ADD CONSTRAINT "
                                     "\"email_keel_not_null\" CHECK (\"email\" IS NOT "
                                     "NULL) NOT VALID"});
  EXPECT_EQ(plan->steps[1].part, DdlPart::kAfter);
  EXPECT_EQ(plan->steps[1].object, DdlObject::kColumn);
  EXPECT_EQ(plan->steps[1].relations, std::vector<QualifiedName>{kUsers});
}

TEST(PostgresDdlTypedSteps, ADropIsDestructiveAndAFunctionTurnsBodyChecksOff) {
  Database from = users(), to = users();
  to.schemas["app"].tables["users"].columns.erase("email");
  to.schemas["app"].functions["f()"] = model::Function{.kind = "function",
                                                       .arguments = "",
                                                       .result = "integer",
                                                       .language = "sql",
                                                       .volatility = "immutable",
                                                       .body = "SELECT 1"};
  DdlOptions allow;
  allow.allow_destructive = true;
  auto plan = plan_ddl(pg::driver(), from, to, allow);
  ASSERT_TRUE(plan) << plan.error().to_string();
  ASSERT_GE(plan->steps.size(), 4u);
  EXPECT_EQ(plan->steps.front().action, DdlAction::kSetting);
  EXPECT_EQ(plan->steps.front().object, DdlObject::kSession);
  EXPECT_EQ(plan->steps.front().up,
            std::vector<std::string>{"SET LOCAL check_function_bodies = off"});
  bool dropped = false, created = false;
  for (const DdlStep& s : plan->steps) {
    if (s.action == DdlAction::kDrop && s.object == DdlObject::kColumn) {
      dropped = true;
      EXPECT_TRUE(s.destructive);
      EXPECT_EQ(s.relations, std::vector<QualifiedName>{kUsers});
    }
    if (s.object == DdlObject::kFunction) {
      created = true;
      EXPECT_TRUE(s.creates_function);
      EXPECT_TRUE(s.relations.empty());
    }
  }
  EXPECT_TRUE(dropped);
  EXPECT_TRUE(created);
}

TEST(PostgresDdlTypedSteps, AnAggregateAloneLeavesBodyChecksOn) {
  Database from, to;
  from.schemas["app"];
  to.schemas["app"].functions["total(integer)"] =
      model::Function{.kind = "aggregate",
                      .arguments = "integer",
                      .result = "integer",
                      .language = "internal",
                      .body = "sfunc=int4pl, stype=integer"};
  auto plan = plan_ddl(pg::driver(), from, to, DdlOptions{});
  ASSERT_TRUE(plan) << plan.error().to_string();
  for (const DdlStep& s : plan->steps) {
    EXPECT_NE(s.action, DdlAction::kSetting) << s.description;
    EXPECT_FALSE(s.creates_function) << s.description;
  }
}

}  // namespace
}  // namespace keel
