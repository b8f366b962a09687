// Issue 14 item 17: an unset ${VAR} is an error only for the command that
// uses it (the environment it names, the webhook it sends), with the
// variable's name and file:line; other environments work without it.
#include <gtest/gtest.h>

#include <cstdlib>

#include "keel/config.h"
#include "keel/environment.h"

namespace keel {
namespace {

constexpr const char* kConfig = R"([environments.staging]
url = "sqlite:staging.db"
tier = "staging"

[environments.prod]
url = "postgresql://deploy:${KEEL_FIX14_PROD_PW}@db.internal:5432/app"
tier = "prod"

[environments.other]
url = "postgresql://${KEEL_FIX14_OTHER_USER}:pw@h/db"

[parity]
environments = ["staging", "prod"]
)";

TEST(ConfigFix14Test, UnsetVariableOfAnotherEnvironmentDoesNotStopThisOne) {
  unsetenv("KEEL_FIX14_PROD_PW");
  unsetenv("KEEL_FIX14_OTHER_USER");
  auto config = parse_config(kConfig, "keel.toml");
  ASSERT_TRUE(config.has_value()) << config.error().to_string();
  auto staging = resolve_target(*config, "staging", "");
  ASSERT_TRUE(staging.has_value()) << staging.error().to_string();
  EXPECT_EQ(staging->path, "staging.db");
  EXPECT_EQ(config->environments.at("prod").tier, Tier::kProd);
  // --url wins over --env: prod's variable is not needed either.
  EXPECT_TRUE(resolve_target(*config, "prod", "sqlite:x.db").has_value());
}

TEST(ConfigFix14Test, UnsetVariableOfTheUsedEnvironmentNamesItAndItsLine) {
  unsetenv("KEEL_FIX14_PROD_PW");
  auto config = parse_config(kConfig, "keel.toml");
  ASSERT_TRUE(config.has_value()) << config.error().to_string();
  auto prod = resolve_target(*config, "prod", "");
  ASSERT_FALSE(prod.has_value());
  EXPECT_EQ(prod.error().code, ErrorCode::kConfig);
  EXPECT_EQ(prod.error().context, "keel.toml:6");
  EXPECT_NE(prod.error().message.find("'KEEL_FIX14_PROD_PW' is not set"), std::string::npos)
      << prod.error().message;
  EXPECT_NE(prod.error().message.find("export it"), std::string::npos) << prod.error().message;
  EXPECT_NE(prod.error().message.find("[environments.prod]"), std::string::npos)
      << prod.error().message;
  // The same through a reference (drift --against env:prod).
  std::string label;
  auto reference = load_reference("env:prod", *config, label);
  ASSERT_FALSE(reference.has_value());
  EXPECT_EQ(reference.error().context, "keel.toml:6");
  // Another environment, another line.
  auto other = resolve_target(*config, "other", "");
  ASSERT_FALSE(other.has_value());
  EXPECT_EQ(other.error().context, "keel.toml:10");
  EXPECT_NE(other.error().message.find("KEEL_FIX14_OTHER_USER"), std::string::npos);
}

TEST(ConfigFix14Test, SetVariableIsExpanded) {
  setenv("KEEL_FIX14_PROD_PW", "s3cret", 1);
  auto config = parse_config(kConfig, "keel.toml");
  unsetenv("KEEL_FIX14_PROD_PW");
  ASSERT_TRUE(config.has_value());
  auto prod = resolve_target(*config, "prod", "");
  ASSERT_TRUE(prod.has_value()) << prod.error().to_string();
  EXPECT_EQ(prod->password, "s3cret");
  EXPECT_FALSE(config->environments.at("prod").url_error.has_value());
}

TEST(ConfigFix14Test, BadUrlOfAnUnusedEnvironmentIsReportedWhenUsed) {
  auto config = parse_config(
      "[environments.dev]\nurl = \"sqlite:dev.db\"\n\n[environments.old]\n"
      "url = \"mysql://root:pw@h/db\"\n",
      "keel.toml");
  ASSERT_TRUE(config.has_value()) << config.error().to_string();
  EXPECT_TRUE(resolve_target(*config, "dev", "").has_value());
  auto old = resolve_target(*config, "old", "");
  ASSERT_FALSE(old.has_value());
  EXPECT_EQ(old.error().context, "keel.toml:5");
  EXPECT_NE(old.error().message.find("unsupported connection URL"), std::string::npos);
}

TEST(ConfigFix14Test, UnsetWebhookVariableIsKeptForTheCommandsThatSendWebhooks) {
  unsetenv("KEEL_FIX14_HOOK_SECRET");
  auto config = parse_config(
      "[environments.dev]\nurl = \"sqlite:dev.db\"\n\n[notify]\n"
      "webhook_url = \"https://hooks.example.com/keel\"\n"
      "webhook_secret = \"${KEEL_FIX14_HOOK_SECRET}\"\n",
      "keel.toml");
  ASSERT_TRUE(config.has_value()) << config.error().to_string();
  ASSERT_TRUE(config->notify.error.has_value());
  EXPECT_EQ(config->notify.error->context, "keel.toml:6");
  EXPECT_NE(config->notify.error->message.find("KEEL_FIX14_HOOK_SECRET"), std::string::npos);
  EXPECT_NE(config->notify.error->message.find("webhook_secret"), std::string::npos);
  EXPECT_TRUE(resolve_target(*config, "dev", "").has_value());
}

}  // namespace
}  // namespace keel
