// keel new, end to end.
#include <gtest/gtest.h>

#include "integration/run.h"

namespace keel {
namespace {

TEST(CliNewTest, WritesTheNextPairAndPrintsJson) {
  TempDir dir;
  RunResult first = run_keel({"new", "Create users"}, dir.path);
  ASSERT_EQ(first.status, 0) << first.err;
  EXPECT_TRUE(std::filesystem::exists(dir.file("migrations/0001_create_users.up.sql")));
  EXPECT_TRUE(std::filesystem::exists(dir.file("migrations/0001_create_users.down.sql")));

  RunResult second = run_keel({"--format", "json", "new", "add-email"}, dir.path);
  ASSERT_EQ(second.status, 0) << second.err;
  auto j = nlohmann::json::parse(second.out);
  EXPECT_EQ(j["up"], "migrations/0002_add_email.up.sql");
  EXPECT_EQ(j["down"], "migrations/0002_add_email.down.sql");
}

TEST(CliNewTest, DirFromOptionOrConfig) {
  TempDir dir;
  RunResult flag = run_keel({"new", "a", "--dir", "db/mig"}, dir.path);
  ASSERT_EQ(flag.status, 0) << flag.err;
  EXPECT_TRUE(std::filesystem::exists(dir.file("db/mig/0001_a.up.sql")));

  dir.write("keel.toml", "[migrations]\ndir = \"sql\"\n");
  RunResult config = run_keel({"new", "b"}, dir.path);
  ASSERT_EQ(config.status, 0) << config.err;
  EXPECT_TRUE(std::filesystem::exists(dir.file("sql/0001_b.up.sql")));
}

TEST(CliNewTest, BadNameIsAUsageError) {
  TempDir dir;
  RunResult r = run_keel({"new", "drop;table"}, dir.path);
  EXPECT_EQ(r.status, 2);
  EXPECT_NE(r.err.find("invalid migration name"), std::string::npos) << r.err;
  EXPECT_FALSE(std::filesystem::exists(dir.file("migrations/0001_drop;table.up.sql")));
}

TEST(CliNewTest, BrokenFolderIsReported) {
  TempDir dir;
  std::filesystem::create_directories(dir.file("migrations"));
  dir.write("migrations/0001_a.up.sql", "-- keel:retry 3\nSELECT 1;\n");
  RunResult r = run_keel({"new", "b"}, dir.path);
  EXPECT_EQ(r.status, 1);
  EXPECT_NE(r.err.find("migrations/0001_a.up.sql:1"), std::string::npos) << r.err;
}

}  // namespace
}  // namespace keel
