#include "keel/archive.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

namespace keel::archive {
namespace {

TEST(ArchiveTest, OutcomeFollowsTheExitTable) {
  EXPECT_EQ(outcome_name("apply", 0), "ok");
  EXPECT_EQ(outcome_name("apply", 3), "gate_failed");
  EXPECT_EQ(outcome_name("rollback", 3), "gate_failed");
  EXPECT_EQ(outcome_name("drift", 3), "drift");
  EXPECT_EQ(outcome_name("verify", 3), "drift");
  EXPECT_EQ(outcome_name("apply", 1), "error");
  EXPECT_EQ(outcome_name("status", 2), "error");
}

TEST(ArchiveTest, ArgumentsAreMaskedWhereverTheSecretsAppear) {
  const std::vector<std::string> masked = mask_arguments(
      {"--url", "postgresql://deploy:pa55word@db:5432/app", "--url=postgres://u:other@h/d", "apply",
       "--note", "token hook-s3cret inside"},
      {"hook-s3cret"});
  for (const std::string& a : masked) {
    EXPECT_EQ(a.find("pa55word"), std::string::npos) << a;
    EXPECT_EQ(a.find("other"), std::string::npos) << a;
    EXPECT_EQ(a.find("hook-s3cret"), std::string::npos) << a;
  }
  EXPECT_EQ(masked[1], "postgresql://deploy:***@db:5432/app");
  EXPECT_EQ(masked[3], "apply");
}

TEST(ArchiveTest, ConfigSecretsAreEveryPasswordAndTheWebhook) {
  Config config;
  config.environments["prod"] = {"prod", {"postgresql://deploy:envpass@db/app"}, Tier::kProd, {}};
  config.notify.webhook_url = "https://u:hookpass@hooks.example.com/x?token=t0k";
  config.notify.webhook_secret = "hmac-key";
  auto secrets = config_secrets(config);
  for (const char* s : {"envpass", "hmac-key"}) {
    EXPECT_NE(std::find(secrets.begin(), secrets.end(), s), secrets.end()) << s;
  }
  auto masked = mask_arguments({"see " + config.notify.webhook_url}, secrets);
  EXPECT_EQ(masked[0].find("hookpass"), std::string::npos) << masked[0];
}

TEST(ArchiveTest, LogNameIsTheEnvironmentOrAFileSafeNameWithoutThePassword) {
  auto pg = parse_connection_url("postgresql://deploy:pa55@db.internal:6432/app");
  ASSERT_TRUE(pg.has_value());
  EXPECT_EQ(log_name("prod", *pg), "prod");
  const std::string name = log_name("", *pg);
  EXPECT_EQ(name.find("pa55"), std::string::npos) << name;
  EXPECT_NE(name.find("db.internal"), std::string::npos) << name;
  EXPECT_NE(name.find("app"), std::string::npos) << name;
  auto sqlite = parse_connection_url("sqlite:data/my app.db");
  ASSERT_TRUE(sqlite.has_value());
  EXPECT_EQ(log_name("", *sqlite).find_first_of("/ "), std::string::npos) << log_name("", *sqlite);
}

TEST(ArchiveTest, LinesAppendAndReadBackNewestFirstSkippingABrokenLine) {
  const std::string dir =
      (std::filesystem::temp_directory_path() / ("keel-archive-test-" + std::to_string(getpid())))
          .string();
  std::filesystem::remove_all(dir);
  ledger::RunRow row = make_run_row("prod", "apply", {"--env", "prod", "apply"}, {});
  row.version_before = "0003";
  row.version_after = "0004";
  row.exit_code = 0;
  row.outcome = "ok";
  row.duration_ms = 42;
  ASSERT_TRUE(append_run(dir + "/log", "prod", row).has_value());
  // A line cut short (a full disk) is skipped by readers.
  std::ofstream(log_path(dir + "/log", "prod"), std::ios::app) << "{\"command\": \"app\n";
  row.command = "status";  // another run
  row.run_id = new_run_id();
  row.version_before = "0004";
  ASSERT_TRUE(append_run(dir + "/log", "prod", row).has_value());

  auto log = read_runs(dir + "/log", "prod", 10);
  ASSERT_TRUE(log.has_value()) << log.error().to_string();
  EXPECT_EQ(log->unreadable, std::vector<int>{2});
  auto runs = &log->runs;
  ASSERT_EQ(runs->size(), 2u);
  EXPECT_EQ((*runs)[0].command, "status");
  EXPECT_EQ((*runs)[1].command, "apply");
  EXPECT_EQ((*runs)[1].version_before, "0003");
  EXPECT_EQ((*runs)[1].version_after, "0004");
  EXPECT_EQ((*runs)[1].duration_ms, 42);
  EXPECT_EQ((*runs)[1].arguments, (std::vector<std::string>{"--env", "prod", "apply"}));
  EXPECT_FALSE((*runs)[1].user.empty());
  EXPECT_EQ((*runs)[1].keel_version, KEEL_VERSION);
  auto limited = read_runs(dir + "/log", "prod", 1);
  ASSERT_TRUE(limited.has_value());
  EXPECT_EQ(limited->runs.size(), 1u);
  auto none = read_runs(dir + "/log", "staging", 10);
  ASSERT_TRUE(none.has_value());
  EXPECT_TRUE(none->runs.empty());
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace keel::archive
