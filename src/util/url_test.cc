#include <gtest/gtest.h>

#include "keel/connection.h"
#include "keel/dialect.h"

namespace keel {
namespace {

TEST(UrlTest, PostgresPasswordIsMasked) {
  auto url =
      parse_connection_url("postgresql://deploy:hunter2@db.internal:5432/app?sslmode=require");
  ASSERT_TRUE(url.has_value());
  EXPECT_EQ(url->dialect->name, "postgresql");
  EXPECT_EQ(url->password, "hunter2");
  EXPECT_EQ(url->masked, "postgresql://deploy:***@db.internal:5432/app?sslmode=require");
}

TEST(UrlTest, PercentEncodedPasswordIsMaskedInBothForms) {
  auto url = parse_connection_url("postgres://u:p%40ss@h/db");
  ASSERT_TRUE(url.has_value());
  EXPECT_EQ(url->password, "p@ss");
  EXPECT_EQ(url->masked, "postgres://u:***@h/db");
  EXPECT_EQ(mask_secrets("failed for p@ss and p%40ss", {url->password, "p%40ss"}),
            "failed for *** and ***");
}

TEST(UrlTest, PasswordInTheQueryStringIsMaskedToo) {
  auto url = parse_connection_url(
      "postgresql://deploy@db:5432/app?sslmode=require&password=q%40secret&sslpassword=k3y#x");
  ASSERT_TRUE(url.has_value());
  EXPECT_EQ(url->masked,
            // libpq reads no fragment: "k3y#x" is the whole sslpassword.
            "postgresql://deploy@db:5432/app?sslmode=require&password=***&sslpassword=***");
  EXPECT_EQ(url->password, "q@secret");
  EXPECT_EQ(mask_url("postgresql://u:p1@h/d?password=p2"), "postgresql://u:***@h/d?password=***");
  EXPECT_EQ(mask_url("postgresql://h/d?mypassword=x"), "postgresql://h/d?mypassword=x");
}

TEST(UrlTest, SqlitePaths) {
  auto abs = parse_connection_url("sqlite:///var/lib/app.db");
  ASSERT_TRUE(abs.has_value());
  EXPECT_EQ(abs->dialect->name, "sqlite");
  EXPECT_EQ(abs->path, "/var/lib/app.db");
  auto rel = parse_connection_url("sqlite:data/app.db");
  ASSERT_TRUE(rel.has_value());
  EXPECT_EQ(rel->path, "data/app.db");
  EXPECT_FALSE(parse_connection_url("sqlite://host/x.db").has_value());
  EXPECT_FALSE(parse_connection_url("sqlite:").has_value());
}

TEST(UrlTest, UnknownSchemeIsAUsageErrorWithoutThePassword) {
  auto url = parse_connection_url("mysql://root:topsecret@h/db");
  ASSERT_FALSE(url.has_value());
  EXPECT_EQ(url.error().code, ErrorCode::kUsage);
  EXPECT_EQ(url.error().to_string().find("topsecret"), std::string::npos);
}

TEST(UrlTest, MaskUrlLeavesOtherTextAlone) {
  EXPECT_EQ(mask_url("baselines/prod.json"), "baselines/prod.json");
  EXPECT_EQ(mask_url("postgresql://u@h/db"), "postgresql://u@h/db");
}

}  // namespace
}  // namespace keel
