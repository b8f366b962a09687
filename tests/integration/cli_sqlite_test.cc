// The keel binary end to end: exit statuses, output formats, error texts.
#include <gtest/gtest.h>

#include <array>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <string>

#include "integration/run.h"

namespace keel {
namespace {

TEST(CliTest, NoSubcommandIsAUsageError) {
  RunResult r = run_keel({});
  EXPECT_EQ(r.status, 2);
}

TEST(CliTest, UnknownOptionIsAUsageError) {
  RunResult r = run_keel({"baseline", "hash", "--no-such-flag"});
  EXPECT_EQ(r.status, 2);
}

TEST(CliTest, BadFormatIsAUsageError) {
  RunResult r = run_keel({"--format", "yaml", "baseline", "hash"});
  EXPECT_EQ(r.status, 2);
}

TEST(CliTest, NoTargetNamesTheFixes) {
  RunResult r = run_keel({"--config", "/nonexistent/keel.toml", "baseline", "hash"});
  EXPECT_EQ(r.status, 1);
  EXPECT_NE(r.err.find("/nonexistent/keel.toml"), std::string::npos) << r.err;
  RunResult r2 = run_keel({"baseline", "hash"}, "/tmp");
  EXPECT_EQ(r2.status, 2);
  EXPECT_NE(r2.err.find("--env NAME"), std::string::npos) << r2.err;
}

TEST(CliTest, UnknownEnvironmentListsTheDefinedOnes) {
  TempDir dir;
  dir.write("keel.toml", "[environments.dev]\nurl = \"sqlite:dev.db\"\ntier = \"dev\"\n");
  RunResult r = run_keel({"--env", "prod", "baseline", "hash"}, dir.path);
  EXPECT_EQ(r.status, 2);
  EXPECT_NE(r.err.find("defined: dev"), std::string::npos) << r.err;
}

TEST(CliTest, BadConfigNamesFileAndLine) {
  TempDir dir;
  dir.write("keel.toml", "[environments.dev]\nurl = \"sqlite:dev.db\"\ntier = \"qa\"\n");
  RunResult r = run_keel({"--env", "dev", "baseline", "hash"}, dir.path);
  EXPECT_EQ(r.status, 1);
  EXPECT_NE(r.err.find("keel.toml:3"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("dev, staging, prod"), std::string::npos) << r.err;
}

TEST(CliTest, JsonErrorsAreJson) {
  RunResult r =
      run_keel({"--format", "json", "--url", "mysql://root:pw123456@h/db", "baseline", "hash"});
  EXPECT_EQ(r.status, 2);
  auto j = nlohmann::json::parse(r.out);
  EXPECT_EQ(j["error"]["code"], 2);
  EXPECT_EQ(r.out.find("pw123456"), std::string::npos);
  EXPECT_EQ(r.err.find("pw123456"), std::string::npos);
}

TEST(CliTest, MissingManifestFileIsOperationalError) {
  TempDir dir;
  RunResult r = run_keel(
      {"--url", "sqlite:" + dir.path + "/none.db", "drift", "--against", dir.path + "/m.json"});
  EXPECT_EQ(r.status, 1);
}

}  // namespace
}  // namespace keel
