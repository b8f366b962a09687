// The integrity checks as data (src/migrate/integrity.cc) on the in-memory
// fake (tests/fake/): which checks a rollback runs for a scope and
// keel.toml's [integrity], in which order, named how, with the dialect's SQL;
// and how their counts become findings.
#include "migrate/integrity.h"

#include <gtest/gtest.h>

#include "fake/fake_db.h"

namespace keel::migrate {
namespace {

using fake::FakeClock;
using fake::FakeDatabase;

struct IntegrityChecksTest : ::testing::Test {
  FakeClock clock;
  FakeDatabase db{clock};

  void SetUp() override {
    // Tables public.users, public.orders, public.prefs exist.
    for (const char* sql : {"CREATE TABLE users", "CREATE TABLE orders", "CREATE TABLE prefs"}) {
      ASSERT_TRUE(db.execute({sql, 1}, "setup.sql"));
    }
    // orders.user_id -> users.id (named), an unnamed key prefs -> users
    // (SQLite's kind: no name, the parent's primary key), a NOT VALID key
    // orders.(a, b) -> prefs.(x, y), and a NOT VALID CHECK on orders.
    db.add_foreign_key({.schema = "public",
                        .table = "orders",
                        .constraint = "orders_user_id_fkey",
                        .columns = {"user_id"},
                        .parent_schema = "public",
                        .parent_table = "users",
                        .parent_columns = {"id"}},
                       2);
    db.add_foreign_key({.schema = "public",
                        .table = "prefs",
                        .columns = {"user_id"},
                        .parent_schema = "public",
                        .parent_table = "users"},
                       0);
    db.add_foreign_key({.schema = "public",
                        .table = "orders",
                        .constraint = "orders_ab_fkey",
                        .columns = {"a", "b"},
                        .parent_schema = "public",
                        .parent_table = "prefs",
                        .parent_columns = {"x", "y"},
                        .validated = false},
                       0);
    db.add_unvalidated_check({"public", "orders", "qty_positive", "(qty > 0)"}, 1);
  }

  static IntegrityConfig config() {
    IntegrityConfig c;
    c.relations.push_back({"prefs.user_id", "public.users.id"});
    c.checks.push_back({"two users at least", "SELECT count(*) >= 2 FROM users", 1});
    return c;
  }

  static IntegrityScope scoped(std::vector<std::string> relations) {
    IntegrityScope s;
    s.whole = false;
    s.relations = std::move(relations);
    return s;
  }
};

const IntegrityCheckSpec kOrdersUsers{
    IntegrityKind::kForeignKey, "public.orders.orders_user_id_fkey",
    "public.orders.user_id -> public.users.id",
    "COUNT KEY ORPHANS public.orders (user_id) -> public.users (id)", 0};
const IntegrityCheckSpec kPrefsUsers{
    IntegrityKind::kForeignKey, "public.prefs.user_id -> public.users",
    "public.prefs.user_id -> public.users",
    "COUNT KEY ORPHANS public.prefs (user_id) -> public.users ()", 0};
const IntegrityCheckSpec kOrdersPrefs{
    IntegrityKind::kForeignKey, "public.orders.orders_ab_fkey",
    "public.orders.(a, b) -> public.prefs.(x, y), NOT VALID",
    "COUNT KEY ORPHANS public.orders (a, b) -> public.prefs (x, y)", 0};
const IntegrityCheckSpec kRelation{IntegrityKind::kRelation, "prefs.user_id -> public.users.id",
                                   "prefs.user_id -> public.users.id",
                                   "COUNT ORPHANS public.prefs (user_id) -> public.users (id)", 0};
const IntegrityCheckSpec kQty{IntegrityKind::kCheckConstraint, "public.orders.qty_positive",
                              "NOT VALID: CHECK ((qty > 0))",
                              "COUNT VIOLATIONS public.orders CHECK (qty > 0)", 0};
const IntegrityCheckSpec kTwoUsers{IntegrityKind::kCheck, "two users at least",
                                   "SELECT count(*) >= 2 FROM users",
                                   "SELECT count(*) >= 2 FROM users", 1};

TEST_F(IntegrityChecksTest, WholeScopeChecksEveryKeyAndCheckThenKeelTomls) {
  IntegrityScope whole;
  auto checks = integrity_checks(db, config(), whole);
  ASSERT_TRUE(checks) << checks.error().to_string();
  EXPECT_EQ(*checks, (std::vector<IntegrityCheckSpec>{kOrdersUsers, kPrefsUsers, kOrdersPrefs,
                                                      kRelation, kQty, kTwoUsers}));
}

TEST_F(IntegrityChecksTest, ScopedToOneRelationChecksTheKeysOnOrReferencingIt) {
  auto checks = integrity_checks(db, config(), scoped({"public.prefs"}));
  ASSERT_TRUE(checks) << checks.error().to_string();
  // prefs holds one key and is referenced by one; the CHECK is on orders.
  EXPECT_EQ(*checks,
            (std::vector<IntegrityCheckSpec>{kPrefsUsers, kOrdersPrefs, kRelation, kTwoUsers}));

  checks = integrity_checks(db, IntegrityConfig{}, scoped({"public.orders"}));
  ASSERT_TRUE(checks);
  EXPECT_EQ(*checks, (std::vector<IntegrityCheckSpec>{kOrdersUsers, kOrdersPrefs, kQty}));
}

TEST_F(IntegrityChecksTest, AScopeNamingNoRelationReadsNoCatalog) {
  // A constraint the fake lists in every scope: not asked for at all.
  db.integrity_finding("foreign key", "public.c.c_a_fkey", 2);
  auto checks = integrity_checks(db, config(), scoped({}));
  ASSERT_TRUE(checks) << checks.error().to_string();
  EXPECT_EQ(*checks, (std::vector<IntegrityCheckSpec>{kRelation, kTwoUsers}));
}

TEST_F(IntegrityChecksTest, ARelationWhoseTableIsGoneIsSkippedWithoutSql) {
  IntegrityConfig c;
  c.relations.push_back({"invoices.user_id", "users.id"});
  c.relations.push_back({"prefs.user_id", "accounts.id"});
  auto checks = integrity_checks(db, c, scoped({}));
  ASSERT_TRUE(checks) << checks.error().to_string();
  EXPECT_EQ(*checks, (std::vector<IntegrityCheckSpec>{
                         {IntegrityKind::kRelation, "invoices.user_id -> users.id",
                          "skipped: public.invoices does not exist", "", 0},
                         {IntegrityKind::kRelation, "prefs.user_id -> accounts.id",
                          "skipped: public.accounts does not exist", "", 0}}));
  auto findings = run_integrity_checks(db, *checks);
  ASSERT_TRUE(findings);
  ASSERT_EQ(findings->size(), 2u);
  EXPECT_TRUE((*findings)[0].ok());
  EXPECT_EQ((*findings)[0].to_string(),
            "relation invoices.user_id -> users.id: 0 orphaned rows (expected 0) [skipped: "
            "public.invoices does not exist]");
}

TEST_F(IntegrityChecksTest, CountsBecomeFindingsAndACheckThatCannotRunIsItsError) {
  db.count_of("SELECT count(*) >= 2 FROM users", 1);
  auto checks = integrity_checks(db, config(), scoped({"public.orders"}));
  ASSERT_TRUE(checks);
  auto findings = run_integrity_checks(db, *checks);
  ASSERT_TRUE(findings) << findings.error().to_string();
  std::vector<std::string> lines;
  for (const IntegrityFinding& f : *findings) lines.push_back(f.to_string());
  EXPECT_EQ(lines,
            (std::vector<std::string>{
                "foreign key public.orders.orders_user_id_fkey: 2 orphaned rows (expected 0) "
                "[public.orders.user_id -> public.users.id]",
                "foreign key public.orders.orders_ab_fkey: 0 orphaned rows (expected 0) "
                "[public.orders.(a, b) -> public.prefs.(x, y), NOT VALID]",
                // No count for the relation's SQL: the fake's server refuses it.
                "relation prefs.user_id -> public.users.id: could not run: fake: no count for "
                "COUNT ORPHANS public.prefs (user_id) -> public.users (id)",
                "check constraint public.orders.qty_positive: 1 violating row (expected 0) "
                "[NOT VALID: CHECK ((qty > 0))]",
                "check two users at least: returned 1 (expected 1) [SELECT count(*) >= 2 FROM "
                "users]"}));
  EXPECT_FALSE((*findings)[0].ok());
  EXPECT_TRUE((*findings)[1].ok());
  EXPECT_FALSE((*findings)[2].ok());
  EXPECT_TRUE((*findings)[4].ok());
}

TEST_F(IntegrityChecksTest, ALostConnectionEndsTheChecks) {
  auto checks = integrity_checks(db, config(), IntegrityScope{});
  ASSERT_TRUE(checks);
  db.lose_connection_after(1);
  ASSERT_TRUE(db.execute({"SELECT 1", 1}, "x.sql"));
  auto findings = run_integrity_checks(db, *checks);
  ASSERT_FALSE(findings);
  EXPECT_EQ(findings.error().code, ErrorCode::kConnection);
}

}  // namespace
}  // namespace keel::migrate
