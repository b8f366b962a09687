// Issue 14 item 1: passwords are found where libpq finds them (its own
// parser), in URLs and key/value strings, and masked everywhere: the masked
// URL, argument lists, log file names, error messages of input that does not
// parse. (url_test.cc: the basic cases.)
#include <gtest/gtest.h>

#include "dialects/postgres/conninfo.h"
#include "keel/archive.h"
#include "keel/connection.h"
#include "keel/dialect.h"

namespace keel {
namespace {

// No fragment of the password (its runs between special characters) in text.
void expect_hidden(const std::string& text, const std::vector<std::string>& fragments) {
  for (const std::string& f : fragments) {
    EXPECT_EQ(text.find(f), std::string::npos) << "'" << f << "' shown in: " << text;
  }
}

TEST(UrlFix14Test, RawHashAndQuestionMarkInThePasswordAreMaskedAsLibpqReadsThem) {
  auto hash = parse_connection_url("postgresql://postgres:Leak#Pw@127.0.0.1:5432/db");
  ASSERT_TRUE(hash.has_value()) << hash.error().to_string();
  EXPECT_EQ(hash->password, "Leak#Pw");
  EXPECT_EQ(hash->masked, "postgresql://postgres:***@127.0.0.1:5432/db");
  EXPECT_EQ(hash->host, "127.0.0.1");
  EXPECT_EQ(hash->port, "5432");
  EXPECT_EQ(hash->database, "db");

  auto question = parse_connection_url("postgresql://bob:S3cret?Pw@db.internal/app");
  ASSERT_TRUE(question.has_value());
  EXPECT_EQ(question->password, "S3cret?Pw");
  EXPECT_EQ(question->masked, "postgresql://bob:***@db.internal/app");
  EXPECT_EQ(archive::log_name("", *question), "url-db.internal-5432-app");

  // '#' ends nothing for libpq: a "fragment" is part of the password here.
  auto both = parse_connection_url("postgres://u:a?b#c&d=e@h:6432/x?sslmode=disable");
  ASSERT_TRUE(both.has_value());
  EXPECT_EQ(both->password, "a?b#c&d=e");
  EXPECT_EQ(both->masked, "postgres://u:***@h:6432/x?sslmode=disable");
  EXPECT_EQ(archive::log_name("", *both), "url-h-6432-x");
}

TEST(UrlFix14Test, PercentEncodedPasswordOfEveryCharacterClass) {
  // '/', '@', '%', '#', '?', a space, a quote, a backslash and unicode.
  const std::string password = "Ki/wi@Pl%4m#Ch?er ry'Fi\\g\u00e4\u2713";
  const std::string encoded = "Ki%2Fwi%40Pl%254m%23Ch%3Fer%20ry%27Fi%5Cg%C3%A4%E2%9C%93";
  auto url = parse_connection_url("postgresql://deploy:" + encoded + "@db:5432/app");
  ASSERT_TRUE(url.has_value()) << url.error().to_string();
  EXPECT_EQ(url->password, password);
  EXPECT_EQ(url->masked, "postgresql://deploy:***@db:5432/app");
  // Both forms, in upper- and lowercase hex, wherever they appear.
  // The hex digits of each escape in lowercase (the letters of the password
  // keep their case: another case is another password).
  std::string lower = encoded;
  for (size_t i = 0; i < lower.size(); ++i) {
    if (lower[i] != '%') continue;
    for (size_t j = i + 1; j < std::min(i + 3, lower.size()); ++j) {
      lower[j] = static_cast<char>(std::tolower(static_cast<unsigned char>(lower[j])));
    }
  }
  EXPECT_EQ(mask_secrets("a " + password + " b " + encoded + " c " + lower, {url->password}),
            "a *** b *** c ***");
}

TEST(UrlFix14Test, PasswordInTheQueryStringWithRawSpecialCharacters) {
  auto url =
      parse_connection_url("postgresql://u@h/db?sslmode=disable&password=a#b?c d&pass%77ord=K1wi");
  ASSERT_TRUE(url.has_value()) << url.error().to_string();
  EXPECT_EQ(url->password, "K1wi");  // the last one given wins, as in libpq
  EXPECT_EQ(url->masked, "postgresql://u@h/db?sslmode=disable&password=***&pass%77ord=***");
}

TEST(UrlFix14Test, RawAtOrSlashInTheUserinfoIsRefusedWithoutEchoingIt) {
  // libpq ends the userinfo at the first '@' (host "Pl4m@h") or sees none
  // before a '/' (host "u", port "K1wi"): another server than meant.
  for (const std::string text :
       {"postgresql://u:K1wi@Pl4m@h:5432/db", "postgresql://u:K1wi/Pl4m@h:5432/db",
        "postgresql://u:K1wi/Pl4m@h:5432/db?sslmode=disable"}) {
    auto url = parse_connection_url(text);
    ASSERT_FALSE(url.has_value()) << text;
    EXPECT_EQ(url.error().code, ErrorCode::kUsage);
    EXPECT_NE(url.error().message.find("%40"), std::string::npos) << url.error().message;
    expect_hidden(url.error().to_string(), {"K1wi", "Pl4m"});
    expect_hidden(mask_url(text), {"K1wi", "Pl4m"});
  }
  // An '@' in the query is fine (a user name, an application name).
  auto query = parse_connection_url("postgresql://h/db?user=ana@corp&application_name=a@b");
  ASSERT_TRUE(query.has_value()) << query.error().to_string();
  EXPECT_EQ(query->masked, "postgresql://h/db?user=ana@corp&application_name=a@b");
}

TEST(UrlFix14Test, KeywordValueStringsAreAcceptedAndMasked) {
  auto quoted = parse_connection_url(
      "host=127.0.0.1 port=6432  dbname=app user=deploy password = 'K1wi Pl4m\\'s @/#?%'");
  ASSERT_TRUE(quoted.has_value()) << quoted.error().to_string();
  EXPECT_EQ(quoted->dialect->name, "postgresql");
  EXPECT_EQ(quoted->password, "K1wi Pl4m's @/#?%");
  EXPECT_EQ(quoted->masked, "host=127.0.0.1 port=6432  dbname=app user=deploy password = ***");
  EXPECT_EQ(archive::log_name("", *quoted), "url-127.0.0.1-6432-app");

  auto bare = parse_connection_url("password=K1wi\\ Pl4m\u00e4 dbname=app");
  ASSERT_TRUE(bare.has_value()) << bare.error().to_string();
  EXPECT_EQ(bare->password, "K1wi Pl4m\u00e4");
  EXPECT_EQ(bare->masked, "password=*** dbname=app");
  EXPECT_EQ(archive::log_name("", *bare), "url-localhost-5432-app");

  auto ssl = parse_connection_url("host=h sslpassword=K1wi password=Pl4m");
  ASSERT_TRUE(ssl.has_value());
  EXPECT_EQ(ssl->masked, "host=h sslpassword=*** password=***");
}

TEST(UrlFix14Test, TextThatDoesNotParseIsNeverEchoed) {
  for (const std::string text : {
           "postgresql://u:K1wi%zzPl4m@h/db",                    // bad percent escape
           "postgresql://u:K1wi%00Pl4m@h/db",                    // %00
           "postgresql://u:K1wiPl4m@h/db?sslmode",               // no '=' in a parameter
           "postgresql://u:pw@h/db?password=K1wi=Pl4m=x&foo=1",  // unknown parameter
           "postgresql://u:K1wiPl4m@[::1/db",                    // unterminated IPv6 host
           "postgresql://u:K1wi;Pl4m@[::1]x/db",                 // unexpected character
           "host=h password=K1wiPl4m junk",                      // a word without '='
           "host=h password='K1wiPl4m",                          // unterminated quote
       }) {
    auto url = parse_connection_url(text);
    ASSERT_FALSE(url.has_value()) << text;
    EXPECT_EQ(url.error().code, ErrorCode::kUsage) << text;
    EXPECT_NE(url.error().message.find("not shown"), std::string::npos) << url.error().message;
    expect_hidden(url.error().to_string(), {"K1wi", "Pl4m"});
    expect_hidden(mask_url(text), {"K1wi", "Pl4m"});
  }
  // The option name of an unknown option is shown: it is a keyword.
  auto unknown = parse_connection_url("host=h passwrd=K1wi");
  ASSERT_FALSE(unknown.has_value());
  EXPECT_NE(unknown.error().message.find("passwrd"), std::string::npos) << unknown.error().message;
  expect_hidden(unknown.error().to_string(), {"K1wi"});
}

TEST(UrlFix14Test, UnsupportedUrlsShowTheirSchemeOnly) {
  auto mysql = parse_connection_url("mysql://root:K1wi/Pl4m@h/db");
  ASSERT_FALSE(mysql.has_value());
  EXPECT_NE(mysql.error().message.find("'mysql'"), std::string::npos) << mysql.error().message;
  expect_hidden(mysql.error().to_string(), {"K1wi", "Pl4m"});
  expect_hidden(mask_url("mysql://root:K1wi/Pl4m@h/db"), {"K1wi", "Pl4m"});
  auto name = parse_connection_url("prod");
  ASSERT_FALSE(name.has_value());
  EXPECT_NE(name.error().message.find("'prod'"), std::string::npos) << name.error().message;
  EXPECT_TRUE(is_connection_string("mysql://x"));
  EXPECT_TRUE(is_connection_string("host=h dbname=d"));
  EXPECT_FALSE(is_connection_string("baselines/prod.json"));
  EXPECT_FALSE(is_connection_string("baselines/a=b.json"));
}

TEST(UrlFix14Test, ArgumentsOfARunAreMasked) {
  auto masked = archive::mask_arguments(
      {"--url", "postgresql://bob:K1wi?Pl4m@h/db", "--url=postgresql://u:K1wi#Pl4m@h/db",
       "host=h password='K1wi Pl4m'", "--url=host=h password=K1wi\\ Pl4m",
       "--against=postgresql://u:K1wi%2FPl4m@h/db", "postgresql://u:K1wi@Pl4m@h/db",
       "postgresql://u:K1wi%zzPl4m@h/db"},
      {});
  for (const std::string& m : masked) expect_hidden(m, {"K1wi", "Pl4m"});
  EXPECT_EQ(masked[1], "postgresql://bob:***@h/db");
  EXPECT_EQ(masked[3], "host=h password=***");
}

TEST(UrlFix14Test, DriverConninfoIsLibpqsReadingWithATimeout) {
  EXPECT_EQ(pg::driver_conninfo("postgresql://bob:S3cret?Pw@h:5433/db"),
            "dbname='db' host='h' password='S3cret?Pw' port='5433' user='bob' "
            "connect_timeout=10");
  // Before: "&connect_timeout=10" was appended after the '?' of the password,
  // into the database name.
  EXPECT_EQ(pg::driver_conninfo("host=h password='it\\'s' connect_timeout=3"),
            "connect_timeout='3' host='h' password='it\\'s'");
  // A password holding "connect_timeout=" does not turn the timeout off.
  EXPECT_NE(pg::driver_conninfo("postgresql://u:connect_timeout=1@h/db").find("connect_timeout=10"),
            std::string::npos);
}

}  // namespace
}  // namespace keel
