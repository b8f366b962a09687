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
  EXPECT_EQ(config->environments.at("prod").urls,
            std::vector<std::string>{"postgresql://deploy:s3cret@db:5432/app"});
  EXPECT_EQ(config->environments.at("dev").tier, Tier::kDev);
  EXPECT_TRUE(config->strict_server_version);
  EXPECT_FALSE(config->settings.has_value());  // no [baseline] settings: each dialect's own
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

TEST(ConfigTest, UnsetVariableIsAnErrorOfItsEnvironment) {
  unsetenv("KEEL_TEST_UNSET_VARIABLE");
  auto config = parse_config(
      "[environments.dev]\nurl = \"postgresql://u:${KEEL_TEST_UNSET_VARIABLE}@h/db\"\n",
      "keel.toml");
  // Reported by the commands that use [environments.dev] (config_env_test.cc).
  ASSERT_TRUE(config.has_value());
  const auto& error = config->environments.at("dev").url_error;
  ASSERT_TRUE(error.has_value());
  EXPECT_EQ(error->context, "keel.toml:2");
  EXPECT_NE(error->message.find("KEEL_TEST_UNSET_VARIABLE"), std::string::npos);
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

TEST(ConfigTest, ReadsTheBackfillTable) {
  auto config = parse_config(R"([backfill]
batch_size = 500
target_batch_time = "40ms"
max_batch_size = 20000
latency_limit_percent = 130
probe_query = "SELECT 1 FROM users WHERE id = 1"
max_replication_lag = "1s"
max_wal_mb_per_second = 24
progress_interval = "0s"
)",
                             "keel.toml");
  ASSERT_TRUE(config.has_value()) << config.error().to_string();
  const expand::BackfillSettings& b = config->backfill;
  EXPECT_EQ(b.batch_size, 500);
  EXPECT_EQ(b.target_batch_time, std::chrono::milliseconds(40));
  EXPECT_EQ(b.max_batch_size, 20000);
  EXPECT_EQ(b.latency_limit_percent, 130);
  EXPECT_EQ(b.probe_query, "SELECT 1 FROM users WHERE id = 1");
  EXPECT_EQ(b.max_replication_lag, std::chrono::milliseconds(1000));
  EXPECT_EQ(b.max_wal_mb_per_second, 24);
  EXPECT_EQ(b.progress_interval, std::chrono::milliseconds(0));
  auto defaults = parse_config("", "keel.toml");
  ASSERT_TRUE(defaults.has_value());
  EXPECT_EQ(defaults->backfill.latency_limit_percent, 115);
  EXPECT_EQ(defaults->backfill.max_replication_lag, std::chrono::milliseconds(500));
  EXPECT_EQ(defaults->backfill.max_wal_mb_per_second, 0);
  const std::pair<const char*, const char*> bad[] = {
      {"[backfill]\nbatch_size = 0\n", "'batch_size' must be a whole number from 1"},
      {"[backfill]\nlatency_limit_percent = 50\n", "'latency_limit_percent' is a share"},
      {"[backfill]\nmax_replication_lag = \"soon\"\n", "'max_replication_lag' must be a duration"},
      {"[backfill]\nbatch = 10\n", "unknown key 'batch' in [backfill]"}};
  for (const auto& [text, message] : bad) {
    auto refused = parse_config(text, "keel.toml");
    ASSERT_FALSE(refused.has_value()) << text;
    EXPECT_NE(refused.error().message.find(message), std::string::npos) << refused.error().message;
    EXPECT_TRUE(refused.error().context.starts_with("keel.toml:")) << refused.error().context;
  }
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

TEST(ConfigTest, ReadsParityNotifyRollbackIntegrityAndLog) {
  setenv("KEEL_TEST_HOOK_SECRET", "hook-s3cret", 1);
  auto config = parse_config(R"(
[environments.dev]
url = "sqlite:dev.db"
[environments.prod]
url = "sqlite:prod.db"
rto = "15m"

[migrations]
schema_hash = "run"

[baseline]
column_order = "ignore"

[parity]
environments = ["dev", "prod"]
reference = "prod"
baseline_path = "state/{env}.json"

[notify]
webhook_url = "https://hooks.example.com/keel"
webhook_secret = "${KEEL_TEST_HOOK_SECRET}"
timeout = "2s"
attempts = 5

[rollback]
drain_timeout = "45s"
terminate_idle_in_transaction = true
idle_in_transaction_timeout = "3s"

[[integrity.relations]]
child = "public.user_preferences.user_id"
parent = "users.id"

[[integrity.checks]]
name = "no negative balances"
sql = "SELECT count(*) FROM accounts WHERE balance < 0"

[log]
dir = "var/keel-log"
)",
                             "keel.toml");
  ASSERT_TRUE(config.has_value()) << config.error().to_string();
  EXPECT_EQ(config->environments.at("prod").rto, std::chrono::minutes(15));
  EXPECT_FALSE(config->environments.at("dev").rto.has_value());
  EXPECT_EQ(config->migrations.schema_hash, SchemaHashMode::kRun);
  EXPECT_TRUE(config->ignore_column_order);
  EXPECT_EQ(config->parity.environments, (std::vector<std::string>{"dev", "prod"}));
  EXPECT_EQ(config->parity.reference, "prod");
  EXPECT_EQ(config->parity.baseline_path, "state/{env}.json");
  EXPECT_EQ(config->notify.webhook_secret, "hook-s3cret");
  EXPECT_EQ(config->notify.timeout, std::chrono::seconds(2));
  EXPECT_EQ(config->notify.attempts, 5);
  EXPECT_EQ(config->rollback.drain_timeout, std::chrono::seconds(45));
  EXPECT_TRUE(config->rollback.terminate_idle_in_transaction);
  EXPECT_EQ(config->rollback.idle_in_transaction_timeout, std::chrono::seconds(3));
  ASSERT_EQ(config->integrity.relations.size(), 1u);
  EXPECT_EQ(config->integrity.relations[0].parent, "users.id");
  ASSERT_EQ(config->integrity.checks.size(), 1u);
  EXPECT_EQ(config->integrity.checks[0].expect, 0);
  EXPECT_EQ(config->log.dir, "var/keel-log");
}

TEST(ConfigTest, BadPhaseFiveValuesNameTheLineAndTheFix) {
  struct Case {
    const char* text;
    const char* message;
  };
  const Case cases[] = {
      {"[environments.dev]\nurl = \"sqlite:a.db\"\n[parity]\nenvironments = [\"dev\", \"qa\"]\n",
       "'qa', which is not an [environments.qa] section"},
      {"[environments.dev]\nurl = \"sqlite:a.db\"\nrto = \"0s\"\n", "'rto' must be a duration"},
      {"[migrations]\nschema_hash = \"sometimes\"\n", "not one of: each, run, off"},
      {"[baseline]\ncolumn_order = \"loose\"\n", "not one of: keep, ignore"},
      {"[notify]\nwebhook_url = \"ftp://x\"\n", "must start with http:// or https://"},
      {"[notify]\nattempts = 0\n", "'attempts' must be a whole number from 1 to 10"},
      {"[[integrity.relations]]\nchild = \"user_id\"\nparent = \"users.id\"\n",
       "write schema.table.column or table.column"},
      {"[[integrity.relations]]\nchild = \"a.b\"\n", "needs 'parent'"},
      {"[[integrity.checks]]\nname = \"x\"\n", "needs 'sql'"},
      {"[integrity]\nrelations = \"x\"\n", "[[integrity.relations]] tables"},
      {"[rollback]\ndrain = \"1s\"\n", "drain"},
  };
  for (const Case& c : cases) {
    auto config = parse_config(c.text, "keel.toml");
    ASSERT_FALSE(config.has_value()) << c.text;
    EXPECT_NE(config.error().to_string().find(c.message), std::string::npos)
        << config.error().to_string();
    EXPECT_NE(config.error().to_string().find("keel.toml:"), std::string::npos)
        << config.error().to_string();
  }
}

}  // namespace
}  // namespace keel
