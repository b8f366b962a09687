// The keel binary against a real PostgreSQL: baseline, drift, exit statuses,
// JSON output, and no password in any output.
#include <gtest/gtest.h>

#include "integration/pg_fixture.h"
#include "integration/run.h"

namespace keel::test {
namespace {

class CliPgTest : public PgTest {};

constexpr const char* kSchema = R"(
CREATE TABLE users (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY, email text NOT NULL);
CREATE INDEX users_email_idx ON users (email);
CREATE VIEW active_users AS SELECT id, email FROM users WHERE email LIKE '%@%';
)";

std::string port_of(const std::string& url) {
  size_t at = url.rfind('@');
  size_t colon = url.find(':', at);
  size_t slash = url.find('/', colon);
  return url.substr(colon + 1, slash - colon - 1);
}

TEST_F(CliPgTest, CapturedManifestShowsNoDriftLaterAndNamesAChange) {
  PgDatabase db;
  db.sql(kSchema);
  TempDir dir;
  RunResult capture =
      run_keel({"--url", db.url(), "baseline", "capture", "-o", dir.file("baselines/prod.json")});
  ASSERT_EQ(capture.status, 0) << capture.err;
  RunResult hash = run_keel({"--url", db.url(), "--quiet", "baseline", "hash"});
  ASSERT_EQ(hash.status, 0) << hash.err;
  auto manifest = nlohmann::json::parse(slurp(dir.file("baselines/prod.json")));
  EXPECT_EQ(manifest["schema_hash"].get<std::string>() + "\n", hash.out);

  // Data, statistics and a used sequence are not drift.
  db.sql(
      "INSERT INTO users (email) SELECT 'u' || g || '@x' FROM generate_series(1, 500) g; "
      "ANALYZE users;");
  RunResult same =
      run_keel({"--url", db.url(), "drift", "--against", dir.file("baselines/prod.json")});
  EXPECT_EQ(same.status, 0) << same.out << same.err;
  EXPECT_NE(same.out.find("no drift"), std::string::npos) << same.out;

  db.sql("ALTER TABLE users ADD COLUMN phone text; DROP INDEX users_email_idx;");
  RunResult drift =
      run_keel({"--url", db.url(), "drift", "--against", dir.file("baselines/prod.json")});
  EXPECT_EQ(drift.status, 3) << drift.out << drift.err;
  EXPECT_NE(drift.out.find("public.users.phone"), std::string::npos) << drift.out;
  EXPECT_NE(drift.out.find("public.users.users_email_idx"), std::string::npos) << drift.out;
  EXPECT_NE(drift.out.find("DRIFT DETECTED: 2 differences"), std::string::npos) << drift.out;
}

TEST_F(CliPgTest, EnvironmentAgainstEnvironmentAsJson) {
  PgDatabase staging, prod;
  staging.sql(kSchema);
  prod.sql(kSchema);
  prod.sql(
      "ALTER TABLE users ALTER COLUMN email DROP NOT NULL; "
      "ALTER DATABASE " +
      prod.name() + " SET statement_timeout = '5s';");
  TempDir dir;
  dir.write("keel.toml", "[environments.staging]\nurl = \"" + staging.url() +
                             "\"\ntier = \"staging\"\n\n[environments.prod]\nurl = \"" +
                             prod.url() + "\"\ntier = \"prod\"\n");
  RunResult r = run_keel({"--env", "prod", "--format", "json", "drift", "--against", "env:staging"},
                         dir.path);
  EXPECT_EQ(r.status, 3) << r.out << r.err;
  auto j = nlohmann::json::parse(r.out);
  EXPECT_TRUE(j["drift"].get<bool>());
  bool column = false, setting = false;
  for (const auto& d : j["differences"]) {
    if (d["object"] == "public.users.email" && d["property"] == "not_null") {
      column = true;
      EXPECT_EQ(d["expected"], "true");
      EXPECT_EQ(d["actual"], "false");
      EXPECT_EQ(d["category"], "schema");
    }
    if (d["category"] == "settings" && d["object"] == "database statement_timeout") {
      setting = true;
      EXPECT_EQ(d["actual"], "5s");
    }
  }
  EXPECT_TRUE(column) << r.out;
  EXPECT_TRUE(setting) << r.out;

  RunResult same = run_keel({"--env", "staging", "drift", "--against", "env:staging"}, dir.path);
  EXPECT_EQ(same.status, 0) << same.out << same.err;
}

TEST_F(CliPgTest, DifferentEncodingIsDriftNamingIt) {
  PgDatabase utf8;
  const std::string latin1 = "keel_t_latin1_" + std::to_string(getpid());
  PgDatabase::admin("DROP DATABASE IF EXISTS " + latin1);
  PgDatabase::admin("CREATE DATABASE " + latin1 +
                    " TEMPLATE template0 ENCODING 'LATIN1' LC_COLLATE 'C' LC_CTYPE 'C'");
  RunResult r =
      run_keel({"--url", pg_url_for(latin1), "--format", "json", "drift", "--against", utf8.url()});
  PgDatabase::admin("DROP DATABASE IF EXISTS " + latin1);
  EXPECT_EQ(r.status, 3) << r.out << r.err;
  auto j = nlohmann::json::parse(r.out);
  bool encoding = false;
  for (const auto& d : j["differences"]) {
    if (d["category"] == "encoding/collation" && d["property"] == "encoding") {
      encoding = true;
      EXPECT_EQ(d["expected"], "UTF8");
      EXPECT_EQ(d["actual"], "LATIN1");
    }
  }
  EXPECT_TRUE(encoding) << r.out;
  // The schemas are alike: only the encoding, collation and settings categories differ.
  for (const auto& d : j["differences"]) EXPECT_NE(d["category"], "schema") << d.dump();
}

TEST_F(CliPgTest, WrongPasswordExitsOneWithoutThePassword) {
  PgDatabase::admin(
      "DO $$ BEGIN IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'keel_auth_test') THEN "
      "CREATE ROLE keel_auth_test LOGIN; END IF; END $$; "
      "ALTER ROLE keel_auth_test PASSWORD 'right-password-1'");
  const std::string secret = "Wr0ngPassw0rd";
  std::string url = "postgresql://keel_auth_test:" + secret +
                    "@127.0.0.1:" + port_of(pg_base_url()) + "/postgres";
  for (const char* format : {"text", "json"}) {
    RunResult r = run_keel({"--format", format, "--url", url, "baseline", "hash"});
    EXPECT_EQ(r.status, 1) << format;
    EXPECT_EQ(r.out.find(secret), std::string::npos) << r.out;
    EXPECT_EQ(r.err.find(secret), std::string::npos) << r.err;
    EXPECT_NE((r.out + r.err).find("password authentication failed"), std::string::npos)
        << r.out << r.err;
    EXPECT_NE((r.out + r.err).find("keel_auth_test:***@"), std::string::npos) << r.out << r.err;
  }
}

TEST_F(CliPgTest, PasswordFromConfigVariableIsNeverPrinted) {
  TempDir dir;
  dir.write("keel.toml",
            "[environments.prod]\nurl = \"postgresql://keel_auth_test:"
            "${KEEL_CLI_TEST_PW}@127.0.0.1:" +
                port_of(pg_base_url()) + "/postgres\"\ntier = \"prod\"\n");
  std::string cmd_env = "KEEL_CLI_TEST_PW=Sup3rSecretValue";
  RunResult r = run_keel({"--env", "prod", "baseline", "hash"}, dir.path, cmd_env);
  EXPECT_EQ(r.status, 1);
  EXPECT_EQ((r.out + r.err).find("Sup3rSecretValue"), std::string::npos) << r.err;
}

TEST_F(CliPgTest, UnreachableServerExitsOne) {
  RunResult r = run_keel(
      {"--url", "postgresql://u:Secr3tPw@127.0.0.1:1/db?connect_timeout=2", "baseline", "hash"});
  EXPECT_EQ(r.status, 1);
  EXPECT_NE(r.err.find("cannot connect"), std::string::npos) << r.err;
  EXPECT_EQ(r.err.find("Secr3tPw"), std::string::npos) << r.err;
}

}  // namespace
}  // namespace keel::test
