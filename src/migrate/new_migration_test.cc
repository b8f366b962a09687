#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "keel/migrations.h"
#include "migrate/test_dir.h"

namespace keel::migrate {
namespace {

namespace fs = std::filesystem;

std::string read(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream buffer;
  buffer << in.rdbuf();
  return buffer.str();
}

TEST(NewMigrationTest, EmptyFolderStartsAt0001) {
  TestDir dir;
  std::string sub = dir.file("db/migrations");
  auto paths = new_migration(sub, "Create Users-Table");
  ASSERT_TRUE(paths) << paths.error().to_string();
  EXPECT_EQ(paths->first, sub + "/0001_create_users_table.up.sql");
  EXPECT_EQ(paths->second, sub + "/0001_create_users_table.down.sql");
  EXPECT_TRUE(fs::exists(paths->first));
  EXPECT_TRUE(fs::exists(paths->second));
  // The files it writes load back, with no directives set by the header.
  auto loaded = load_migrations(sub);
  ASSERT_TRUE(loaded) << loaded.error().to_string();
  ASSERT_EQ(loaded->size(), 1u);
  EXPECT_EQ((*loaded)[0].name, "create_users_table");
  EXPECT_TRUE((*loaded)[0].down);
  EXPECT_FALSE((*loaded)[0].up.directives.no_transaction);
  EXPECT_FALSE((*loaded)[0].up.directives.lock_timeout);
  EXPECT_TRUE(read(paths->first).starts_with("-- 0001_create_users_table: up."));
}

TEST(NewMigrationTest, ContinuesTheFolderWidth) {
  TestDir dir;
  dir.write("0009_a.up.sql", "SELECT 1;");
  dir.write("0003_b.up.sql", "SELECT 1;");
  auto paths = new_migration(dir.path(), "next");
  ASSERT_TRUE(paths) << paths.error().to_string();
  EXPECT_EQ(fs::path(paths->first).filename(), "0010_next.up.sql");
  auto again = new_migration(dir.path(), "next");
  ASSERT_TRUE(again);
  EXPECT_EQ(fs::path(again->first).filename(), "0011_next.up.sql");
}

TEST(NewMigrationTest, WidthGrowsWhenDigitsRunOut) {
  TestDir dir;
  dir.write("99_a.up.sql", "SELECT 1;");
  auto paths = new_migration(dir.path(), "b");
  ASSERT_TRUE(paths);
  EXPECT_EQ(fs::path(paths->first).filename(), "100_b.up.sql");
}

TEST(NewMigrationTest, FlywayFolderGetsNextMajor) {
  TestDir dir;
  dir.write("V1_2__a.sql", "SELECT 1;");
  auto paths = new_migration(dir.path(), "b");
  ASSERT_TRUE(paths);
  EXPECT_EQ(fs::path(paths->first).filename(), "2_b.up.sql");
}

TEST(NewMigrationTest, TimestampFoldersGetUtcTimestamps) {
  TestDir dir;
  dir.write("20200101000000_a.sql", "-- migrate:up\nSELECT 1;\n");
  auto paths = new_migration(dir.path(), "b");
  ASSERT_TRUE(paths);
  std::string file = fs::path(paths->first).filename().string();
  ASSERT_EQ(file.size(), std::string("20250101000000_b.up.sql").size()) << file;
  std::string version = file.substr(0, 14);
  EXPECT_GT(compare_versions(version, "20240101000000"), 0) << file;
  EXPECT_LT(compare_versions(version, "21000101000000"), 0) << file;
}

TEST(NewMigrationTest, FutureTimestampIsIncremented) {
  TestDir dir;
  dir.write("29991231235959_a.up.sql", "SELECT 1;");
  auto paths = new_migration(dir.path(), "b");
  ASSERT_TRUE(paths);
  EXPECT_EQ(fs::path(paths->first).filename(), "29991231235960_b.up.sql");
}

TEST(NewMigrationTest, InvalidNames) {
  TestDir dir;
  for (auto name : {"", "add.users", "users;drop", "ünïcode", "a/b"}) {
    auto paths = new_migration(dir.path(), name);
    ASSERT_FALSE(paths) << name;
    EXPECT_EQ(paths.error().code, ErrorCode::kUsage);
  }
  EXPECT_TRUE(fs::is_empty(dir.path()));
}

TEST(NewMigrationTest, NeverOverwrites) {
  TestDir dir;
  dir.write("0001_a.up.sql", "SELECT 1;");
  // Something the loader skips (a folder) sits where the next down would go.
  fs::create_directories(dir.file("0002_b.down.sql"));
  auto paths = new_migration(dir.path(), "b");
  ASSERT_FALSE(paths);
  EXPECT_EQ(paths.error().code, ErrorCode::kIo);
  EXPECT_EQ(paths.error().context, dir.file("0002_b.down.sql"));
  EXPECT_TRUE(paths.error().message.find("never overwrites") != std::string::npos);
  // The up it had written is removed again.
  EXPECT_FALSE(fs::exists(dir.file("0002_b.up.sql")));
  EXPECT_EQ(read(dir.file("0001_a.up.sql")), "SELECT 1;");
}

TEST(NewMigrationTest, FolderErrorsStopIt) {
  TestDir dir;
  dir.write("0001_a.up.sql", "-- keel:bogus\n");
  auto paths = new_migration(dir.path(), "b");
  ASSERT_FALSE(paths);
  EXPECT_EQ(paths.error().context, dir.file("0001_a.up.sql") + ":1");
}

}  // namespace
}  // namespace keel::migrate
