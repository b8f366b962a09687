#include <gtest/gtest.h>

#include "keel/migrations.h"
#include "migrate/test_dir.h"

namespace keel::migrate {
namespace {

std::vector<Migration> load_ok(const TestDir& dir) {
  auto migrations = load_migrations(dir.path());
  EXPECT_TRUE(migrations) << migrations.error().to_string();
  return migrations ? *migrations : std::vector<Migration>{};
}

Error load_error(const TestDir& dir) {
  auto migrations = load_migrations(dir.path());
  EXPECT_FALSE(migrations);
  return migrations ? Error{} : migrations.error();
}

bool contains(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

TEST(LoadMigrationsTest, NativeUpAndDownPairs) {
  TestDir dir;
  dir.write("0001_create_users.up.sql", "CREATE TABLE users (id int);\n");
  dir.write("0001_create_users.down.sql", "DROP TABLE users;\n");
  dir.write("0002_add_email.up.sql", "-- keel:lock-timeout 2s\nALTER TABLE users ADD email text;");
  auto m = load_ok(dir);
  ASSERT_EQ(m.size(), 2u);
  EXPECT_EQ(m[0].version, "0001");
  EXPECT_EQ(m[0].name, "create_users");
  EXPECT_EQ(m[0].format, Format::kNative);
  EXPECT_EQ(m[0].up.path, dir.file("0001_create_users.up.sql"));
  EXPECT_EQ(m[0].up.sql, "CREATE TABLE users (id int);\n");
  EXPECT_EQ(m[0].up.first_line, 1);
  ASSERT_TRUE(m[0].down);
  EXPECT_EQ(m[0].down->path, dir.file("0001_create_users.down.sql"));
  EXPECT_EQ(m[0].down->sql, "DROP TABLE users;\n");
  EXPECT_EQ(m[0].checksum, checksum("CREATE TABLE users (id int);\n"));
  EXPECT_EQ(m[1].version, "0002");
  EXPECT_FALSE(m[1].down);
  EXPECT_EQ(m[1].up.directives.lock_timeout, std::chrono::milliseconds(2000));
}

TEST(LoadMigrationsTest, GolangMigrateTimestampsSortNumerically) {
  TestDir dir;
  dir.write("20241015001_b.up.sql", "SELECT 2;");
  dir.write("9_a.up.sql", "SELECT 1;");
  dir.write("100000000000_c.up.sql", "SELECT 3;");
  auto m = load_ok(dir);
  ASSERT_EQ(m.size(), 3u);
  EXPECT_EQ(m[0].version, "9");
  EXPECT_EQ(m[1].version, "20241015001");
  EXPECT_EQ(m[2].version, "100000000000");
}

TEST(LoadMigrationsTest, FlywayVersionsWithDotsAndUnderscores) {
  TestDir dir;
  dir.write("V1__init.sql", "CREATE TABLE a (id int);");
  dir.write("U1__init.sql", "DROP TABLE a;");
  dir.write("V1.10__later.sql", "SELECT 110;");
  dir.write("V1_2__middle.sql", "SELECT 12;");
  dir.write("V2__last.sql", "SELECT 2;");
  auto m = load_ok(dir);
  ASSERT_EQ(m.size(), 4u);
  EXPECT_EQ(m[0].version, "1");
  EXPECT_EQ(m[0].name, "init");
  EXPECT_EQ(m[0].format, Format::kFlyway);
  ASSERT_TRUE(m[0].down);
  EXPECT_EQ(m[0].down->sql, "DROP TABLE a;");
  EXPECT_EQ(m[1].version, "1_2");
  EXPECT_EQ(m[2].version, "1.10");
  EXPECT_EQ(m[3].version, "2");
}

TEST(LoadMigrationsTest, DbmateSectionsAndTheirLines) {
  TestDir dir;
  dir.write("20240101120000_users.sql",
            "-- a dbmate migration\n"              // 1
            "-- migrate:up\n"                      // 2
            "-- keel:retries 3\n"                  // 3
            "CREATE TABLE users (id int);\n"       // 4
            "\n"                                   // 5
            "-- migrate:down transaction:false\n"  // 6
            "DROP TABLE users;\n");                // 7
  auto m = load_ok(dir);
  ASSERT_EQ(m.size(), 1u);
  EXPECT_EQ(m[0].format, Format::kDbmate);
  EXPECT_EQ(m[0].version, "20240101120000");
  EXPECT_EQ(m[0].name, "users");
  EXPECT_EQ(m[0].up.sql, "-- keel:retries 3\nCREATE TABLE users (id int);\n\n");
  EXPECT_EQ(m[0].up.first_line, 3);
  EXPECT_EQ(m[0].up.directives.retries, 3);
  EXPECT_FALSE(m[0].up.directives.no_transaction);
  ASSERT_TRUE(m[0].down);
  EXPECT_EQ(m[0].down->path, m[0].up.path);
  EXPECT_EQ(m[0].down->sql, "DROP TABLE users;\n");
  EXPECT_EQ(m[0].down->first_line, 7);
  EXPECT_TRUE(m[0].down->directives.no_transaction);
}

TEST(LoadMigrationsTest, DbmateEmptyDownIsNoDown) {
  TestDir dir;
  dir.write("1_a.sql", "-- migrate:up\nSELECT 1;\n-- migrate:down\n-- nothing\n");
  dir.write("2_b.sql", "-- migrate:up transaction:false\nSELECT 2;\n");
  auto m = load_ok(dir);
  ASSERT_EQ(m.size(), 2u);
  EXPECT_FALSE(m[0].down);
  EXPECT_FALSE(m[1].down);
  EXPECT_TRUE(m[1].up.directives.no_transaction);
}

TEST(LoadMigrationsTest, DbmateErrors) {
  {
    TestDir dir;
    dir.write("1_a.sql", "CREATE TABLE a (id int);\n");
    Error e = load_error(dir);
    EXPECT_EQ(e.context, dir.file("1_a.sql"));
    EXPECT_TRUE(contains(e.message, "-- migrate:up")) << e.message;
  }
  {
    TestDir dir;
    dir.write("1_a.sql", "-- c\nSELECT 0;\n-- migrate:up\nSELECT 1;\n");
    EXPECT_EQ(load_error(dir).context, dir.file("1_a.sql") + ":2");
  }
  {
    TestDir dir;
    dir.write("1_a.sql", "-- migrate:down\nSELECT 0;\n-- migrate:up\nSELECT 1;\n");
    EXPECT_TRUE(contains(load_error(dir).message, "before '-- migrate:up'"));
  }
  {
    TestDir dir;
    dir.write("1_a.sql", "-- keel:retries 2\n-- migrate:up\nSELECT 1;\n");
    Error e = load_error(dir);
    EXPECT_EQ(e.context, dir.file("1_a.sql") + ":1");
    EXPECT_TRUE(contains(e.message, "below the '-- migrate:up'")) << e.message;
  }
  {
    TestDir dir;
    dir.write("1_a.sql", "-- migrate:up transaction:maybe\nSELECT 1;\n");
    EXPECT_TRUE(contains(load_error(dir).message, "transaction:maybe"));
  }
  {
    TestDir dir;
    dir.write("1_a.sql", "-- migrate:up\n-- keel:bogus\nSELECT 1;\n");
    EXPECT_EQ(load_error(dir).context, dir.file("1_a.sql") + ":2");
  }
}

TEST(LoadMigrationsTest, MixedFolder) {
  TestDir dir;
  dir.write("0001_native.up.sql", "SELECT 1;");
  dir.write("0001_native.down.sql", "SELECT -1;");
  dir.write("V2__flyway.sql", "SELECT 2;");
  dir.write("3_dbmate.sql", "-- migrate:up\nSELECT 3;\n-- migrate:down\nSELECT -3;\n");
  dir.write("0004_golang.up.sql", "SELECT 4;");
  dir.write("README.md", "# migrations\n");
  dir.write("notes.txt", "not sql");
  dir.write(".0005_hidden.up.sql.swp", "");
  std::filesystem::create_directories(dir.file("archive"));
  dir.write("archive/0009_old.up.sql", "SELECT 9;");
  auto m = load_ok(dir);
  ASSERT_EQ(m.size(), 4u);
  EXPECT_EQ(m[0].format, Format::kNative);
  EXPECT_EQ(m[1].format, Format::kFlyway);
  EXPECT_EQ(m[2].format, Format::kDbmate);
  EXPECT_EQ(m[3].format, Format::kNative);
  EXPECT_TRUE(m[2].down);
  EXPECT_EQ(m[3].version, "0004");
}

TEST(LoadMigrationsTest, DuplicateVersionsNameBothFiles) {
  TestDir dir;
  dir.write("0001_a.up.sql", "SELECT 1;");
  dir.write("1_b.up.sql", "SELECT 1;");
  Error e = load_error(dir);
  EXPECT_EQ(e.code, ErrorCode::kConfig);
  EXPECT_TRUE(contains(e.message, "duplicate version")) << e.message;
  EXPECT_TRUE(contains(e.message, "0001_a.up.sql")) << e.message;
  EXPECT_TRUE(contains(e.message, "1_b.up.sql")) << e.message;
}

TEST(LoadMigrationsTest, DuplicatesAcrossFormats) {
  {
    TestDir dir;
    dir.write("0002_a.up.sql", "SELECT 1;");
    dir.write("V2__b.sql", "SELECT 1;");
    EXPECT_TRUE(contains(load_error(dir).message, "duplicate version"));
  }
  {
    TestDir dir;
    dir.write("V1.0__a.sql", "SELECT 1;");
    dir.write("V1__b.sql", "SELECT 1;");
    EXPECT_TRUE(contains(load_error(dir).message, "duplicate version"));
  }
  {
    TestDir dir;
    dir.write("1_a.sql", "-- migrate:up\nSELECT 1;\n");
    dir.write("1_a.down.sql", "SELECT 1;");
    EXPECT_TRUE(contains(load_error(dir).message, "duplicate version"));
  }
  {
    TestDir dir;
    dir.write("1_a.up.sql", "SELECT 1;");
    dir.write("1_a.down.sql", "SELECT 1;");
    dir.write("01_b.down.sql", "SELECT 1;");
    EXPECT_TRUE(contains(load_error(dir).message, "duplicate version"));
  }
}

TEST(LoadMigrationsTest, DownWithoutUp) {
  TestDir dir;
  dir.write("0003_x.down.sql", "SELECT 1;");
  Error e = load_error(dir);
  EXPECT_EQ(e.context, dir.file("0003_x.down.sql"));
  EXPECT_TRUE(contains(e.message, "without its up"));
}

TEST(LoadMigrationsTest, DownInAnotherFormatThanItsUp) {
  TestDir dir;
  dir.write("V3__x.sql", "SELECT 1;");
  dir.write("3_x.down.sql", "SELECT 1;");
  EXPECT_TRUE(contains(load_error(dir).message, "U<version>__<name>.sql"));
}

TEST(LoadMigrationsTest, MalformedNamesAreErrors) {
  for (std::string name :
       {"create_users.up.sql", "0001.up.sql", "0001_.down.sql", "abc_x.down.sql", "V1_x.sql",
        "V1.__x.sql", "V1__.sql", "schema.sql", "0001-x.sql", "R__view.sql", "0001_x.up.SQL"}) {
    TestDir dir;
    dir.write(name, "SELECT 1;");
    Error e = load_error(dir);
    EXPECT_EQ(e.context, dir.file(name)) << name;
    EXPECT_TRUE(contains(e.message, "move it out of the migrations folder") ||
                contains(e.message, "move the file out of the migrations folder"))
        << name << ": " << e.message;
  }
}

TEST(LoadMigrationsTest, MissingFolder) {
  auto m = load_migrations("/nonexistent/keel/migrations");
  ASSERT_FALSE(m);
  EXPECT_EQ(m.error().code, ErrorCode::kIo);
}

TEST(LoadMigrationsTest, BomIsNotPartOfTheSql) {
  TestDir dir;
  dir.write("1_a.up.sql", "\xEF\xBB\xBF-- keel:retries 1\r\nSELECT 1;\r\n");
  auto m = load_ok(dir);
  ASSERT_EQ(m.size(), 1u);
  EXPECT_EQ(m[0].up.sql, "-- keel:retries 1\r\nSELECT 1;\r\n");
  EXPECT_EQ(m[0].up.directives.retries, 1);
  EXPECT_EQ(m[0].checksum, checksum("-- keel:retries 1\nSELECT 1;\n"));
}

TEST(ChecksumTest, NormalizesBomAndLineEndings) {
  std::string lf = "CREATE TABLE a (id int);\nSELECT 1;\n";
  // printf 'CREATE TABLE a (id int);\nSELECT 1;\n' | sha256sum
  EXPECT_EQ(checksum(lf),
            "sha256:b285292fe94d94f73b25562d3df061217012dac4399319bfa2782beceba6d491");
  EXPECT_EQ(checksum("\xEF\xBB\xBF" + lf), checksum(lf));
  EXPECT_EQ(checksum("CREATE TABLE a (id int);\r\nSELECT 1;\r\n"), checksum(lf));
  EXPECT_EQ(checksum("CREATE TABLE a (id int);\rSELECT 1;\r"), checksum(lf));
  EXPECT_EQ(checksum("\xEF\xBB\xBF"
                     "CREATE TABLE a (id int);\r\nSELECT 1;\r"),
            checksum(lf));
}

TEST(ChecksumTest, AnyOtherByteChangeDiffers) {
  std::string lf = "CREATE TABLE a (id int);\nSELECT 1;\n";
  for (size_t i = 0; i < lf.size(); ++i) {
    std::string changed = lf;
    changed[i] = changed[i] == 'x' ? 'y' : 'x';
    EXPECT_NE(checksum(changed), checksum(lf)) << i;
  }
  EXPECT_NE(checksum(lf + "\n"), checksum(lf));
  EXPECT_NE(checksum(lf + " "), checksum(lf));
  EXPECT_NE(checksum("\n" + lf), checksum(lf));
  EXPECT_NE(checksum("\xEF\xBB\xBF\xEF\xBB\xBF" + lf), checksum(lf));
  EXPECT_EQ(checksum(""),
            "sha256:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
}

TEST(CompareVersionsTest, Numeric) {
  EXPECT_EQ(compare_versions("0002", "10"), -1);
  EXPECT_EQ(compare_versions("10", "0002"), 1);
  EXPECT_EQ(compare_versions("0001", "1"), 0);
  EXPECT_EQ(compare_versions("0", "000"), 0);
  EXPECT_EQ(compare_versions("20241015001", "20241015002"), -1);
  EXPECT_EQ(compare_versions("99999999999999999999", "100000000000000000000"), -1);
  EXPECT_EQ(compare_versions("1.1", "1.10"), -1);
  EXPECT_EQ(compare_versions("1_2", "1.2"), 0);
  EXPECT_EQ(compare_versions("1.0", "1"), 0);
  EXPECT_EQ(compare_versions("1.0.1", "1"), 1);
  EXPECT_EQ(compare_versions("2", "1.9.9"), 1);
}

TEST(VersionKeyTest, EqualExactlyWhenVersionsCompareEqual) {
  EXPECT_EQ(version_key("0001"), "1");
  EXPECT_EQ(version_key("1_2"), version_key("1.2"));
  EXPECT_EQ(version_key("1.0"), version_key("1"));
  EXPECT_EQ(version_key("000"), "0");
  EXPECT_NE(version_key("1.1"), version_key("1.10"));
  EXPECT_NE(version_key("10"), version_key("1"));
}

}  // namespace
}  // namespace keel::migrate
