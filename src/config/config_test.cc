#include "keel/config.h"

#include <gtest/gtest.h>

#include <cstdlib>

namespace keel {
namespace {

TEST(ConfigTest, ReadsEnvironmentsAndExpandsVariables) {
  setenv("KEEL_TEST_PASSWORD", "s3cret", 1);
  auto config = parse_config(R"(
[environments.prod]
url = "postgresql://deploy:${KEEL_TEST_PASSWORD}@db:5432/app"
tier = "prod"

[environments.dev]
url = "sqlite:dev.db"
tier = "dev"

[drift]
strict_server_version = true
)",
                             "keel.toml");
  ASSERT_TRUE(config.has_value()) << config.error().to_string();
  EXPECT_EQ(config->environments.at("prod").url, "postgresql://deploy:s3cret@db:5432/app");
  EXPECT_EQ(config->environments.at("dev").tier, "dev");
  EXPECT_TRUE(config->strict_server_version);
  EXPECT_FALSE(config->settings.empty());
}

TEST(ConfigTest, UnknownKeyNamesFileLineAndChoices) {
  auto config =
      parse_config("[environments.dev]\nurl = \"sqlite:a.db\"\ntire = \"dev\"\n", "keel.toml");
  ASSERT_FALSE(config.has_value());
  EXPECT_EQ(config.error().context, "keel.toml:3");
  EXPECT_NE(config.error().message.find("unknown key 'tire'"), std::string::npos);
  EXPECT_NE(config.error().message.find("tier, url"), std::string::npos);
}

TEST(ConfigTest, BadTierNamesTheChoices) {
  auto config =
      parse_config("[environments.dev]\nurl = \"sqlite:a.db\"\ntier = \"qa\"\n", "keel.toml");
  ASSERT_FALSE(config.has_value());
  EXPECT_EQ(config.error().context, "keel.toml:3");
  EXPECT_NE(config.error().message.find("dev, staging, prod"), std::string::npos);
}

TEST(ConfigTest, UnsetVariableIsAnError) {
  unsetenv("KEEL_TEST_UNSET_VARIABLE");
  auto config = parse_config(
      "[environments.dev]\nurl = \"postgresql://u:${KEEL_TEST_UNSET_VARIABLE}@h/db\"\n",
      "keel.toml");
  ASSERT_FALSE(config.has_value());
  EXPECT_EQ(config.error().context, "keel.toml:2");
  EXPECT_NE(config.error().message.find("KEEL_TEST_UNSET_VARIABLE"), std::string::npos);
}

TEST(ConfigTest, SyntaxErrorNamesTheLine) {
  auto config = parse_config("[environments.dev\nurl = 1\n", "keel.toml");
  ASSERT_FALSE(config.has_value());
  EXPECT_EQ(config.error().context.substr(0, 10), "keel.toml:");
}

TEST(ConfigTest, SettingsListAndWrongTypes) {
  auto config = parse_config("[baseline]\nsettings = [\"TimeZone\"]\n", "keel.toml");
  ASSERT_TRUE(config.has_value());
  EXPECT_EQ(config->settings, std::vector<std::string>{"TimeZone"});
  auto bad = parse_config("[drift]\nstrict_server_version = \"yes\"\n", "keel.toml");
  ASSERT_FALSE(bad.has_value());
  EXPECT_NE(bad.error().message.find("true or false"), std::string::npos);
}

TEST(ConfigTest, MissingFileIsFineUnlessRequired) {
  EXPECT_TRUE(load_config("/nonexistent/keel.toml", false).has_value());
  auto required = load_config("/nonexistent/keel.toml", true);
  ASSERT_FALSE(required.has_value());
  EXPECT_EQ(required.error().code, ErrorCode::kConfig);
}

TEST(ConfigTest, ReadsThePlanTable) {
  auto config = parse_config(R"([plan]
max_lock_ms = 500
max_rewrite_rows = 10
require_idempotent = false
require_reversible = false
verify_queries = ["SELECT 1", "SELECT 2"]
)",
                             "keel.toml");
  ASSERT_TRUE(config.has_value()) << config.error().to_string();
  EXPECT_EQ(config->plan.max_lock_ms, 500);
  EXPECT_EQ(config->plan.max_rewrite_rows, 10);
  EXPECT_EQ(config->plan.require_idempotent, false);
  EXPECT_FALSE(config->plan.require_reversible);
  EXPECT_EQ(config->plan.verify_queries, (std::vector<std::string>{"SELECT 1", "SELECT 2"}));

  auto defaults = parse_config("", "keel.toml");
  ASSERT_TRUE(defaults.has_value());
  EXPECT_FALSE(defaults->plan.require_idempotent.has_value());
  EXPECT_TRUE(defaults->plan.require_reversible);

  auto negative = parse_config("[plan]\nmax_lock_ms = -1\n", "keel.toml");
  ASSERT_FALSE(negative.has_value());
  EXPECT_EQ(negative.error().context, "keel.toml:2");
  auto not_array = parse_config("[plan]\nverify_queries = \"SELECT 1\"\n", "keel.toml");
  ASSERT_FALSE(not_array.has_value());
  EXPECT_NE(not_array.error().message.find("array of SQL strings"), std::string::npos);
}

}  // namespace
}  // namespace keel

namespace keel {
namespace {

TEST(ConfigTest, ReadsTheMigrationsTable) {
  auto config = parse_config(R"([migrations]
dir = "db/migrations"
lock_timeout = "2s"
statement_timeout = "1m"
retries = 5
retry_base = "50ms"
retry_cap = "2s"
applied_by = "deploy-bot"
)",
                             "keel.toml");
  ASSERT_TRUE(config.has_value()) << config.error().to_string();
  EXPECT_EQ(config->migrations.dir, "db/migrations");
  EXPECT_EQ(config->migrations.lock_timeout, std::chrono::milliseconds(2000));
  EXPECT_EQ(config->migrations.statement_timeout, std::chrono::milliseconds(60000));
  EXPECT_EQ(config->migrations.retries, 5);
  EXPECT_EQ(config->migrations.retry_base, std::chrono::milliseconds(50));
  EXPECT_EQ(config->migrations.retry_cap, std::chrono::milliseconds(2000));
  EXPECT_EQ(config->migrations.applied_by, "deploy-bot");
}

TEST(ConfigTest, MigrationsDefaultsAndBadValues) {
  auto defaults = parse_config("", "keel.toml");
  ASSERT_TRUE(defaults.has_value());
  EXPECT_EQ(defaults->migrations.dir, "migrations");
  EXPECT_EQ(defaults->migrations.lock_timeout, std::chrono::milliseconds(5000));
  EXPECT_EQ(defaults->migrations.statement_timeout, std::chrono::milliseconds(30000));
  EXPECT_EQ(defaults->migrations.retries, 3);

  auto bad = parse_config("[migrations]\nlock_timeout = \"soon\"\n", "keel.toml");
  ASSERT_FALSE(bad.has_value());
  EXPECT_EQ(bad.error().context, "keel.toml:2");
  auto unknown = parse_config("[migrations]\nretry = 2\n", "keel.toml");
  ASSERT_FALSE(unknown.has_value());
  EXPECT_NE(unknown.error().message.find("unknown key 'retry'"), std::string::npos);
  auto inverted =
      parse_config("[migrations]\nretry_base = \"5s\"\nretry_cap = \"1s\"\n", "keel.toml");
  ASSERT_FALSE(inverted.has_value());
  EXPECT_NE(inverted.error().message.find("'retry_cap' must be at least 'retry_base'"),
            std::string::npos)
      << inverted.error().message;
}

}  // namespace
}  // namespace keel
