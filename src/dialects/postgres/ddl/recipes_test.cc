// Exact SQL of the online-DDL recipes, without a database.
#include "dialects/postgres/ddl/recipes.h"

#include <gtest/gtest.h>

namespace keel::pg::ddl {
namespace {

using Statements = std::vector<std::string>;
const QualifiedName kUsers{"app", "Users"};

TEST(DdlRecipes, CheckAndForeignKeyAreAddedNotValidThenValidated) {
  DdlStep add = add_constraint_not_valid(kUsers, "age_ok", "CHECK ((age >= 0)) NOT VALID",
                                         DdlObject::kConstraint);
  EXPECT_EQ(add.up,
            Statements{"ALTER TABLE \"app\".\"Users\" ADD CONSTRAINT \"age_ok\" CHECK ((age >= "
                       "0)) NOT VALID"});
  EXPECT_EQ(add.down, Statements{"ALTER TABLE \"app\".\"Users\" DROP CONSTRAINT \"age_ok\""});
  EXPECT_EQ(add.part, DdlPart::kTransaction);
  EXPECT_EQ(add.action, DdlAction::kCreate);
  EXPECT_EQ(add.relations, std::vector<QualifiedName>{kUsers});

  DdlStep fk = add_constraint_not_valid(kUsers, "users_org_fkey",
                                        "FOREIGN KEY (org_id) REFERENCES app.orgs(id)",
                                        DdlObject::kConstraint);
  EXPECT_EQ(fk.up,
            Statements{"ALTER TABLE \"app\".\"Users\" ADD CONSTRAINT \"users_org_fkey\" FOREIGN "
                       "KEY (org_id) REFERENCES app.orgs(id) NOT VALID"});

  DdlStep v = validate_constraint(kUsers, "age_ok");
  EXPECT_EQ(v.up, Statements{"ALTER TABLE \"app\".\"Users\" VALIDATE CONSTRAINT \"age_ok\""});
  EXPECT_TRUE(v.down.empty());
  EXPECT_EQ(v.part, DdlPart::kAfter);
  EXPECT_EQ(v.description, "validate constraint app.Users.age_ok");
}

TEST(DdlRecipes, SetNotNullGoesBehindAValidatedCheck) {
  std::vector<DdlStep> steps = set_not_null_through_check(kUsers, "email", "email_keel_not_null");
  ASSERT_EQ(steps.size(), 2u);
  EXPECT_EQ(steps[0].part, DdlPart::kTransaction);
  EXPECT_EQ(steps[0].up,
            Statements{"ALTER TABLE \"app\".\"Users\" ADD CONSTRAINT \"email_keel_not_null\" "
                       "CHECK (\"email\" IS NOT NULL) NOT VALID"});
  EXPECT_EQ(steps[0].down,
            Statements{
                "ALTER TABLE \"app\".\"Users\" DROP CONSTRAINT IF EXISTS \"email_keel_not_null\""});
  EXPECT_EQ(steps[1].part, DdlPart::kAfter);
  EXPECT_EQ(steps[1].up,
            (Statements{"ALTER TABLE \"app\".\"Users\" VALIDATE CONSTRAINT \"email_keel_not_null\"",
                        "ALTER TABLE \"app\".\"Users\" ALTER COLUMN \"email\" SET NOT NULL",
                        "ALTER TABLE \"app\".\"Users\" DROP CONSTRAINT \"email_keel_not_null\""}));
  EXPECT_EQ(steps[1].down,
            Statements{"ALTER TABLE \"app\".\"Users\" ALTER COLUMN \"email\" DROP NOT NULL"});
  EXPECT_EQ(steps[1].object, DdlObject::kColumn);
}

TEST(DdlRecipes, IndexesAreBuiltAndDroppedConcurrently) {
  const std::string def = "CREATE INDEX users_name_idx ON ONLY app.\"Users\" USING btree (name)";
  DdlStep c = create_index_concurrently(kUsers, {"app", "users_name_idx"}, def);
  EXPECT_EQ(c.up, Statements{"CREATE INDEX CONCURRENTLY users_name_idx ON app.\"Users\" USING "
                             "btree (name)"});
  EXPECT_EQ(c.down, Statements{"DROP INDEX CONCURRENTLY \"app\".\"users_name_idx\""});
  EXPECT_EQ(c.part, DdlPart::kAfter);
  EXPECT_EQ(c.relations, (std::vector<QualifiedName>{kUsers, {"app", "users_name_idx"}}));
  DdlStep d = drop_index_concurrently(kUsers, {"app", "users_name_idx"}, def);
  EXPECT_EQ(d.up, c.down);
  EXPECT_EQ(d.down, c.up);
  EXPECT_EQ(d.action, DdlAction::kDrop);
  EXPECT_EQ(create_index_sql("CREATE UNIQUE INDEX u ON app.t USING btree (a)", true),
            "CREATE UNIQUE INDEX CONCURRENTLY u ON app.t USING btree (a)");
  EXPECT_EQ(create_index_sql("CREATE UNIQUE INDEX u ON app.t USING btree (a)", false),
            "CREATE UNIQUE INDEX u ON app.t USING btree (a)");
}

TEST(DdlRecipes, KeysAreAttachedToAnIndexBuiltConcurrently) {
  DdlStep pk = add_key_through_index(kUsers, "users_pkey", KeyKind::kPrimaryKey,
                                     "CREATE UNIQUE INDEX users_pkey ON app.\"Users\" USING btree "
                                     "(id)",
                                     false, false);
  EXPECT_EQ(pk.up,
            (Statements{"CREATE UNIQUE INDEX CONCURRENTLY users_pkey ON app.\"Users\" "
                        "USING btree (id)",
                        "ALTER TABLE \"app\".\"Users\" ADD CONSTRAINT \"users_pkey\" PRIMARY KEY "
                        "USING INDEX \"users_pkey\""}));
  EXPECT_EQ(pk.down, Statements{"ALTER TABLE \"app\".\"Users\" DROP CONSTRAINT \"users_pkey\""});
  EXPECT_EQ(pk.part, DdlPart::kAfter);
  EXPECT_EQ(
      add_key_using_index_sql(kUsers, "Email", KeyKind::kUnique, "users_email_idx", true, true),
      "ALTER TABLE \"app\".\"Users\" ADD CONSTRAINT \"Email\" UNIQUE USING INDEX "
      "\"users_email_idx\" DEFERRABLE INITIALLY DEFERRED");
}

TEST(DdlRecipes, ALockTimeoutBoundsOneStatementAndIsRetried) {
  using std::chrono::milliseconds;
  EXPECT_EQ(
      with_lock_timeout("ALTER TABLE app.t ADD COLUMN c integer", milliseconds(2000),
                        DdlPart::kTransaction),
      (Statements{"SET LOCAL lock_timeout = '2000ms'", "ALTER TABLE app.t ADD COLUMN c integer"}));
  EXPECT_EQ(with_lock_timeout("ALTER TABLE app.t VALIDATE CONSTRAINT c", milliseconds(500),
                              DdlPart::kAfter),
            (Statements{"SET lock_timeout = '500ms'", "ALTER TABLE app.t VALIDATE CONSTRAINT c",
                        "RESET lock_timeout"}));
  LockRetry retry;
  EXPECT_EQ(retry.delay_before(1), milliseconds(0));
  EXPECT_EQ(retry.delay_before(2), milliseconds(200));
  EXPECT_EQ(retry.delay_before(3), milliseconds(400));
  EXPECT_EQ(retry.delay_before(20), milliseconds(5000));
  EXPECT_TRUE(LockRetry::retryable("55P03"));
  EXPECT_TRUE(LockRetry::retryable("40P01"));
  EXPECT_FALSE(LockRetry::retryable("23505"));
}

}  // namespace
}  // namespace keel::pg::ddl
