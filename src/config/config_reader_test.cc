// Issue 15 item 6: keel.toml through the table-driven section reader —
// every error names file:line and what is accepted; enums are parsed at
// load; an environment holds one URL or several (urls = [...], fleet mode,
// refused by the commands for now).
#include <gtest/gtest.h>

#include "keel/config.h"
#include "keel/environment.h"

namespace keel {
namespace {

Error error_of(const std::string& text) {
  auto config = parse_config(text, "keel.toml");
  EXPECT_FALSE(config.has_value()) << text;
  return config ? Error{} : config.error();
}

TEST(ConfigReaderTest, UnknownKeyNamesFileLineAndTheAcceptedKeys) {
  Error e = error_of("[migrations]\ndir = \"m\"\nlock_wait = \"5s\"\n");
  EXPECT_EQ(e.code, ErrorCode::kConfig);
  EXPECT_EQ(e.context, "keel.toml:3");
  EXPECT_EQ(e.message,
            "unknown key 'lock_wait' in [migrations]; accepted keys: applied_by, dir, "
            "lock_timeout, retries, retry_base, retry_cap, schema_hash, statement_timeout");
  Error env = error_of("[environments.dev]\nurl = \"sqlite:a.db\"\nurll = 1\n");
  EXPECT_EQ(env.context, "keel.toml:3");
  EXPECT_EQ(env.message,
            "unknown key 'urll' in [environments.dev]; accepted keys: rto, tier, url, urls");
  Error top = error_of("\n[deploy]\nx = 1\n");
  EXPECT_EQ(top.context, "keel.toml:2");
  EXPECT_NE(top.message.find("accepted keys: backfill, baseline, drift, environments, "
                             "integrity, lint, "
                             "log, migrations, notify, parity, plan, rollback"),
            std::string::npos)
      << top.message;
}

TEST(ConfigReaderTest, WrongTypeNamesFileLineAndTheType) {
  struct Case {
    const char* text;
    const char* context;
    const char* message;
  };
  const Case cases[] = {
      {"[log]\n\nrecord_read_only_in_target = \"yes\"\n", "keel.toml:3",
       "'record_read_only_in_target' must be true or false"},
      {"[migrations]\nretries = \"3\"\n", "keel.toml:2",
       "'retries' must be a whole number from 0 to 100"},
      {"[plan]\nmax_rewrite_rows = 1.5\n", "keel.toml:2",
       "'max_rewrite_rows' must be a whole number, 0 or more"},
      {"[rollback]\ndrain_timeout = 30\n", "keel.toml:2", "'drain_timeout' must be a string"},
      {"[baseline]\nsettings = \"TimeZone\"\n", "keel.toml:2",
       "'settings' must be an array of setting names"},
      {"[lint]\ndisable = [1]\n", "keel.toml:2", "'disable' must be a string"},
      {"[[integrity.checks]]\nname = \"x\"\nsql = \"SELECT 0\"\nexpect = \"0\"\n", "keel.toml:4",
       "'expect' must be a whole number"},
      {"[drift]\n\n\ninclude_index_stats = 1\n", "keel.toml:4",
       "'include_index_stats' must be true or false"},
      {"migrations = 3\n", "keel.toml:1", "[migrations] must be a table"},
  };
  for (const Case& c : cases) {
    Error e = error_of(c.text);
    EXPECT_EQ(e.context, c.context) << c.text;
    EXPECT_EQ(e.message, c.message) << c.text;
  }
}

TEST(ConfigReaderTest, BadEnumValueNamesFileLineAndTheChoices) {
  Error tier = error_of("[environments.dev]\nurl = \"sqlite:a.db\"\n\ntier = \"qa\"\n");
  EXPECT_EQ(tier.context, "keel.toml:4");
  EXPECT_EQ(tier.message, "tier 'qa' is not one of: dev, staging, prod");
  Error hash = error_of("[migrations]\nschema_hash = \"always\"\n");
  EXPECT_EQ(hash.context, "keel.toml:2");
  EXPECT_EQ(hash.message, "schema_hash 'always' is not one of: each, run, off");
}

TEST(ConfigReaderTest, EnumsAreParsedAtLoad) {
  auto config = parse_config(R"([environments.a]
url = "sqlite:a.db"
tier = "staging"
[environments.b]
url = "sqlite:b.db"
[migrations]
schema_hash = "off"
)",
                             "keel.toml");
  ASSERT_TRUE(config.has_value()) << config.error().to_string();
  EXPECT_EQ(config->environments.at("a").tier, Tier::kStaging);
  EXPECT_EQ(config->environments.at("b").tier, Tier::kUnset);
  EXPECT_EQ(tier_name(Tier::kStaging), "staging");
  EXPECT_EQ(tier_name(Tier::kUnset), "");
  EXPECT_EQ(config->migrations.schema_hash, SchemaHashMode::kOff);
  auto defaults = parse_config("", "keel.toml");
  ASSERT_TRUE(defaults.has_value());
  EXPECT_EQ(defaults->migrations.schema_hash, SchemaHashMode::kEach);
}

TEST(ConfigReaderTest, AnEnvironmentMayListSeveralUrls) {
  setenv("KEEL_READER_PW", "pw1", 1);
  auto config = parse_config(R"([environments.fleet]
urls = ["sqlite:a.db", "postgresql://u:${KEEL_READER_PW}@h/db"]
tier = "prod"
[environments.one]
urls = ["sqlite:one.db"]
)",
                             "keel.toml");
  unsetenv("KEEL_READER_PW");
  ASSERT_TRUE(config.has_value()) << config.error().to_string();
  EXPECT_EQ(config->environments.at("fleet").urls,
            (std::vector<std::string>{"sqlite:a.db", "postgresql://u:pw1@h/db"}));
  // One URL in urls is an ordinary environment.
  auto one = resolve_target(*config, "one", "");
  ASSERT_TRUE(one.has_value()) << one.error().to_string();
  EXPECT_EQ(one->path, "one.db");
  // Several: refused by the commands for now, with what to do.
  auto fleet = resolve_target(*config, "fleet", "");
  ASSERT_FALSE(fleet.has_value());
  EXPECT_EQ(fleet.error().code, ErrorCode::kUsage);
  EXPECT_EQ(fleet.error().message,
            "environment 'fleet' lists 2 urls; keel acts on one database at a time (fleet mode "
            "is not supported yet): pass --url to act on one of them");
  std::string label;
  EXPECT_FALSE(load_reference("env:fleet", *config, label).has_value());
}

TEST(ConfigReaderTest, UrlsErrorsNameTheirLine) {
  Error both = error_of("[environments.x]\nurl = \"sqlite:a.db\"\nurls = [\"sqlite:b.db\"]\n");
  EXPECT_EQ(both.context, "keel.toml:3");
  EXPECT_EQ(both.message, "[environments.x] has both 'url' and 'urls'; write one of them");
  Error none = error_of("[environments.x]\ntier = \"dev\"\n");
  EXPECT_EQ(none.context, "keel.toml:1");
  EXPECT_EQ(none.message, "[environments.x] has no 'url'");
  Error empty = error_of("[environments.x]\nurls = []\n");
  EXPECT_EQ(empty.context, "keel.toml:2");
  EXPECT_EQ(empty.message, "'urls' must list at least one URL");
  Error type = error_of("[environments.x]\nurls = \"sqlite:a.db\"\n");
  EXPECT_EQ(type.message, "'urls' must be an array of connection URLs");

  // An unset variable in one of the urls is the environment's url_error,
  // reported when it is used, with its line.
  unsetenv("KEEL_READER_UNSET");
  auto config = parse_config(
      "[environments.x]\nurls = [\n  \"sqlite:a.db\",\n  "
      "\"postgresql://u:${KEEL_READER_UNSET}@h/d\"\n]\n",
      "keel.toml");
  ASSERT_TRUE(config.has_value()) << config.error().to_string();
  EXPECT_TRUE(config->environments.at("x").urls.empty());
  auto used = resolve_target(*config, "x", "");
  ASSERT_FALSE(used.has_value());
  EXPECT_EQ(used.error().context, "keel.toml:4");
  EXPECT_NE(used.error().message.find("KEEL_READER_UNSET"), std::string::npos);
}

}  // namespace
}  // namespace keel
