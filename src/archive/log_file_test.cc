// Exact file names of URL runs, null fields of a line, a folder that cannot
// be made. (archive_test.cc: appending and reading back.)
#include <gtest/gtest.h>

#include "keel/archive.h"
#include "migrate/test_dir.h"

namespace keel::archive {
namespace {

ConnectionUrl url_of(const std::string& text) {
  auto url = parse_connection_url(text);
  EXPECT_TRUE(url.has_value()) << text;
  return url ? *url : ConnectionUrl{};
}

TEST(LogFileTest, EnvironmentRunsAreNamedAfterTheEnvironment) {
  EXPECT_EQ(log_name("prod", url_of("postgresql://u:pw@db:5432/app")), "prod");
  EXPECT_EQ(log_name("a/b c", url_of("sqlite:x.db")), "a_b_c");
}

TEST(LogFileTest, UrlRunsAreNamedAfterHostPortAndDatabaseNeverThePassword) {
  EXPECT_EQ(log_name("", url_of("postgresql://deploy:hunter2@db.internal:6432/app?sslmode=x")),
            "url-db.internal-6432-app");
  EXPECT_EQ(log_name("", url_of("postgres://u:p%40ss:x@h/db")), "url-h-5432-db");
  EXPECT_EQ(log_name("", url_of("postgresql://u@[::1]:5433/db")), "url-__1-5433-db");
  EXPECT_EQ(log_name("", url_of("postgresql:///app?host=/var/run/postgresql")),
            "url-_var_run_postgresql-5432-app");
  EXPECT_EQ(log_name("", url_of("postgresql://a:b@h1:5432,h2:5433/app")), "url-h1-5432-app");
  EXPECT_EQ(log_name("", url_of("sqlite:///srv/data/app.db")), "url-app");
  EXPECT_EQ(log_name("", url_of("sqlite:rel/dev.sqlite3")), "url-dev");
}

ledger::RunRow sample(const std::string& command) {
  ledger::RunRow row;
  row.environment = "prod";
  row.command = command;
  row.arguments = {"--env", "prod", command};
  row.version_after = "0002";
  row.outcome = "ok";
  row.duration_ms = 42;
  row.user = "ana";
  row.host = "ci";
  row.keel_version = "0.1.0";
  row.started_at = "2026-11-25T06:30:00Z";
  return row;
}

TEST(LogFileTest, JsonLineRoundTrips) {
  ledger::RunRow row = sample("apply");
  nlohmann::json j = run_to_json(row);
  EXPECT_TRUE(j["version_before"].is_null());
  EXPECT_EQ(j["version_after"], "0002");
  EXPECT_TRUE(j["error"].is_null());
  EXPECT_EQ(j["exit_code"], 0);
  EXPECT_EQ(j["arguments"].size(), 3u);
  auto back = run_from_json(nlohmann::json::parse(j.dump()));
  ASSERT_TRUE(back.has_value());
  EXPECT_EQ(back->command, "apply");
  EXPECT_EQ(back->arguments, row.arguments);
  EXPECT_EQ(back->version_before, "");
  EXPECT_EQ(back->version_after, "0002");
  EXPECT_EQ(back->duration_ms, 42);
  EXPECT_EQ(back->started_at, row.started_at);
  EXPECT_FALSE(run_from_json(nlohmann::json::array()).has_value());
}

TEST(LogFileTest, AppendIntoAFileInTheWayIsAnError) {
  migrate::TestDir dir;
  dir.write("log", "a file where the folder should be");
  auto done = append_run(dir.file("log"), "prod", sample("apply"));
  ASSERT_FALSE(done.has_value());
  EXPECT_EQ(done.error().code, ErrorCode::kIo);
}

}  // namespace
}  // namespace keel::archive
