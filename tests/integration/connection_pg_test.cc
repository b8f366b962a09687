// PostgreSQL: connection failures are kConnection errors that never show the
// password, including errors that libpq writes itself.
#include "integration/pg_fixture.h"

namespace keel::test {
namespace {

constexpr const char* kSecret = "S3cret-Pa55word-xyz";

Error connect_error(const std::string& url) {
  Result<ConnectionUrl> parsed = parse_connection_url(url);
  EXPECT_TRUE(parsed.has_value());
  if (!parsed) return parsed.error();
  Result<std::unique_ptr<Connection>> conn = connect(*parsed);
  EXPECT_FALSE(conn.has_value()) << "connected to " << parsed->masked;
  return conn ? Error{} : conn.error();
}

TEST_F(PgTest, PgWrongPasswordIsAConnectionErrorWithoutThePassword) {
  PgDatabase::admin(
      "DO $$ BEGIN IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'keel_auth_test') "
      "THEN CREATE ROLE keel_auth_test LOGIN PASSWORD 'the-right-one'; END IF; END $$");
  std::string url = pg_base_url();
  size_t at = url.find('@');
  size_t scheme = url.find("://") + 3;
  std::string wrong = url.substr(0, scheme) + "keel_auth_test:" + kSecret + url.substr(at);
  Error e = connect_error(wrong);
  EXPECT_EQ(e.code, ErrorCode::kConnection);
  std::string text = e.to_string();
  EXPECT_EQ(text.find(kSecret), std::string::npos) << text;
  EXPECT_NE(text.find("password authentication failed"), std::string::npos) << text;
  EXPECT_NE(text.find("***"), std::string::npos) << text;
}

TEST_F(PgTest, PgUnreachableServerIsAConnectionErrorWithoutThePassword) {
  Error e = connect_error(std::string("postgresql://someone:") + kSecret +
                          "@127.0.0.1:1/nowhere?connect_timeout=3");
  EXPECT_EQ(e.code, ErrorCode::kConnection);
  std::string text = e.to_string();
  EXPECT_EQ(text.find(kSecret), std::string::npos) << text;
  EXPECT_NE(text.find("127.0.0.1"), std::string::npos) << text;
}

TEST_F(PgTest, PgPasswordQuotedByLibpqIsMasked) {
  // libpq repeats a bad option value in its message; the password must not
  // survive even there.
  Error e = connect_error(std::string("postgresql://someone:") + kSecret +
                          "@127.0.0.1:1/db?sslmode=" + kSecret);
  EXPECT_EQ(e.code, ErrorCode::kConnection);
  EXPECT_EQ(e.to_string().find(kSecret), std::string::npos) << e.to_string();
}

TEST_F(PgTest, PgCaptureOfAMissingDatabaseFails) {
  Error e = connect_error(pg_url_for("keel_no_such_database"));
  EXPECT_EQ(e.code, ErrorCode::kConnection);
  EXPECT_NE(e.to_string().find("keel_no_such_database"), std::string::npos) << e.to_string();
}

}  // namespace
}  // namespace keel::test
