// Issue 15 item 2 on PostgreSQL: an integrity check that fails to run
// reports the server's message with the URL's password masked (the message
// may echo a value the check's SQL holds), its SQLSTATE text kept.
#include <gtest/gtest.h>

#include "integration/pg_fixture.h"
#include "keel/migrate.h"
#include "migrate/integrity.h"

namespace keel::test {
namespace {

class GuardMaskingPg : public PgTest {};

TEST_F(GuardMaskingPg, IntegrityCheckErrorsMaskThePassword) {
  PgDatabase db;
  const std::string password = "Gu4rdSecretPw";
  PgDatabase::admin(
      "DO $$ BEGIN IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'keel_guard_mask') "
      "THEN CREATE ROLE keel_guard_mask LOGIN; END IF; END $$");
  PgDatabase::admin("ALTER ROLE keel_guard_mask PASSWORD '" + password + "'");
  PgDatabase::admin("ALTER DATABASE " + db.name() + " OWNER TO keel_guard_mask");
  auto base = parse_connection_url(pg_base_url());
  ASSERT_TRUE(base);
  auto url = parse_connection_url("postgresql://keel_guard_mask:" + password +
                                  "@127.0.0.1:" + base->port + "/" + db.name());
  ASSERT_TRUE(url);
  auto target = migrate::open_migration_target(*url);
  ASSERT_TRUE(target) << target.error().to_string();
  ASSERT_TRUE((*target)->begin(migrate::Timeouts{}));
  IntegrityConfig config;
  // The server quotes the value it cannot read: the password.
  config.checks.push_back({"echo", "SELECT '" + password + "'::int", 0});
  config.checks.push_back({"fine", "SELECT 0", 0});
  migrate::IntegrityScope scope;
  scope.whole = true;
  // The checks as data (src/migrate/integrity.cc), counted by PostgreSQL's role.
  auto checks = migrate::integrity_checks(**target, config, scope);
  ASSERT_TRUE(checks) << checks.error().to_string();
  auto findings = migrate::run_integrity_checks(**target, *checks);
  ASSERT_TRUE(findings) << findings.error().to_string();
  (*target)->rollback();
  ASSERT_EQ(findings->size(), 2u);
  const migrate::IntegrityFinding& echo = (*findings)[0];
  EXPECT_EQ(echo.name, "echo");
  EXPECT_NE(echo.error.find("invalid input syntax for type integer"), std::string::npos)
      << echo.error;
  EXPECT_EQ(echo.error.find(password), std::string::npos) << echo.error;
  EXPECT_EQ(echo.to_string().find(password), std::string::npos);
  // The check after it still ran (the savepoint kept the transaction).
  EXPECT_TRUE((*findings)[1].ok()) << (*findings)[1].to_string();
}

}  // namespace
}  // namespace keel::test
