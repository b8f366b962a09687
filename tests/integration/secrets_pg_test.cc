// Issue 14 item 1: passwords holding '#', '?', '/', '@', '%', quotes,
// backslashes, spaces and unicode, given in URLs (percent-encoded, and raw
// where libpq takes them raw), in key/value strings and through keel.toml
// ${VAR}s, really log in (scram, role keel_auth_test) and never appear in
// stdout, stderr, keel.runs, the run log files or their names, for baseline,
// drift, apply, status and a failing login.
#include <gtest/gtest.h>

#include <filesystem>

#include "integration/pg_fixture.h"
#include "integration/run.h"

namespace keel::test {
namespace {

namespace fs = std::filesystem;

std::string sql_literal(const std::string& text) {
  std::string out = "'";
  for (char c : text) out += c == '\'' ? std::string("''") : std::string(1, c);
  return out + "'";
}

std::string server_port() {
  auto url = parse_connection_url(pg_base_url());
  return url ? url->port : std::string();
}

// A percent-encoding of every byte outside RFC 3986's unreserved set.
std::string encode(const std::string& text) {
  std::string out;
  for (char c : text) {
    unsigned char u = static_cast<unsigned char>(c);
    if (std::isalnum(u) || c == '-' || c == '.' || c == '_' || c == '~') {
      out += c;
    } else {
      static const char* kHex = "0123456789ABCDEF";
      out += '%';
      out += kHex[u >> 4];
      out += kHex[u & 15];
    }
  }
  return out;
}

// libpq key/value quoting: 'value' with \ and ' escaped.
std::string kv_quote(const std::string& text) {
  std::string out = "'";
  for (char c : text) {
    if (c == '\\' || c == '\'') out += '\\';
    out += c;
  }
  return out + "'";
}

class SecretsFix14 : public PgTest {
 protected:
  // The role logs in with `password` (scram-sha-256) and owns `db`.
  static void set_password(const PgDatabase& db, const std::string& password) {
    PgDatabase::admin(
        "DO $$ BEGIN IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'keel_auth_test') "
        "THEN CREATE ROLE keel_auth_test LOGIN; END IF; END $$");
    PgDatabase::admin("ALTER ROLE keel_auth_test PASSWORD " + sql_literal(password));
    PgDatabase::admin("ALTER DATABASE " + db.name() + " OWNER TO keel_auth_test");
  }

  static std::string uri(const PgDatabase& db, const std::string& userinfo_password) {
    return "postgresql://keel_auth_test:" + userinfo_password + "@127.0.0.1:" + server_port() +
           "/" + db.name();
  }

  static std::string keyword_value(const PgDatabase& db, const std::string& quoted_password) {
    return "host=127.0.0.1 port=" + server_port() + " dbname=" + db.name() +
           " user=keel_auth_test password=" + quoted_password;
  }

  void expect_hidden(const std::string& where, const std::string& text) const {
    for (const std::string& f : fragments_) {
      EXPECT_EQ(text.find(f), std::string::npos) << "'" << f << "' in " << where << ":\n" << text;
    }
  }

  RunResult keel(const std::vector<std::string>& args, const TempDir& dir,
                 const std::string& env = "") {
    RunResult r = run_keel(args, dir.path, env);
    std::string what;
    for (const auto& a : args) what += " " + a;
    expect_hidden("stdout of" + what, r.out);
    expect_hidden("stderr of" + what, r.err);
    return r;
  }

  // Runs the commands against `target` (["--url", URL] or ["--env", NAME])
  // from `dir`, with the right password; then keel.runs and the log files.
  void run_commands(const PgDatabase& db, const TempDir& dir, std::vector<std::string> target,
                    const std::string& env = "", bool reference_is_url = true) {
    std::filesystem::create_directories(dir.file("migrations"));
    dir.write("migrations/0001_users.up.sql", "CREATE TABLE users (id int);\n");
    dir.write("migrations/0001_users.down.sql", "DROP TABLE users;\n");
    auto with = [&](std::vector<std::string> args) {
      std::vector<std::string> all = target;
      all.insert(all.end(), args.begin(), args.end());
      return all;
    };
    RunResult capture = keel(with({"baseline", "capture", "-o", "base.json"}), dir, env);
    ASSERT_EQ(capture.status, 0) << capture.out << capture.err;
    EXPECT_EQ(keel(with({"baseline", "hash"}), dir, env).status, 0);
    EXPECT_EQ(keel(with({"--format", "json", "baseline", "hash"}), dir, env).status, 0);
    EXPECT_EQ(keel(with({"drift", "--against", "base.json"}), dir, env).status, 0);
    if (reference_is_url) {
      // The reference given as the same connection string.
      RunResult same = keel(with({"drift", "--against", target.back()}), dir, env);
      EXPECT_EQ(same.status, 0) << same.out << same.err;
    }
    RunResult apply = keel(with({"apply"}), dir, env);
    EXPECT_EQ(apply.status, 0) << apply.out << apply.err;
    EXPECT_EQ(db.scalar("SELECT count(*) FROM information_schema.tables WHERE table_name = "
                        "'users'"),
              "1");
    EXPECT_EQ(keel(with({"status"}), dir, env).status, 0);
    EXPECT_EQ(keel(with({"--format", "json", "status"}), dir, env).status, 0);

    // keel.runs: every column of every row.
    ASSERT_EQ(db.scalar("SELECT to_regclass('keel.runs') IS NOT NULL"), "t");
    EXPECT_NE(db.scalar("SELECT count(*) FROM keel.runs"), "0");
    expect_hidden("keel.runs",
                  db.scalar("SELECT string_agg(row_to_json(r)::text, E'\\n') FROM keel.runs r"));
    // The run log: names and contents.
    int files = 0;
    for (const auto& entry : fs::recursive_directory_iterator(dir.file(".keel/log"))) {
      ++files;
      expect_hidden("a log file name", entry.path().filename().string());
      if (entry.is_regular_file()) expect_hidden(entry.path().string(), slurp(entry.path()));
    }
    EXPECT_GT(files, 0);
  }

  // A login with a wrong password (the right one and more): exit 1, the
  // server's reason, no fragment.
  void wrong_password(const TempDir& dir, std::vector<std::string> target,
                      const std::string& env = "") {
    for (const char* format : {"text", "json"}) {
      std::vector<std::string> args = target;
      args.insert(args.end(), {"--format", format, "baseline", "hash"});
      RunResult r = keel(args, dir, env);
      EXPECT_EQ(r.status, 1) << r.out << r.err;
      EXPECT_NE((r.out + r.err).find("password authentication failed"), std::string::npos)
          << r.out << r.err;
    }
  }

  std::vector<std::string> fragments_;
};

TEST_F(SecretsFix14, RawHashQuestionMarkSpaceAndUnicodeInAUrl) {
  // libpq takes these raw in the userinfo (it ends at the first '@').
  const std::string password = "Leak#Pw0x?Gr4pe Me1on&Fe1joa=\u00e4\u2713";
  fragments_ = {"Leak", "Pw0x", "Gr4pe", "Me1on", "Fe1joa"};
  PgDatabase db;
  set_password(db, password);
  TempDir dir;
  run_commands(db, dir, {"--url", uri(db, password)});
  wrong_password(dir, {"--url", uri(db, password + "Wr0ng")});
}

TEST_F(SecretsFix14, EveryCharacterClassPercentEncodedInAUrl) {
  const std::string password = "K1wiX/Pl4mY@Ch3rZ%Dat3W#F1gV?Lim3 Mang0'Gu4va\\\u00e4\u2713";
  fragments_ = {"K1wiX", "Pl4mY", "Ch3rZ", "Dat3W", "F1gV", "Lim3", "Mang0", "Gu4va"};
  PgDatabase db;
  set_password(db, password);
  TempDir dir;
  run_commands(db, dir, {"--url", uri(db, encode(password))});
  wrong_password(dir, {"--url", uri(db, encode(password + "Wr0ng"))});
  // In the query string instead of the userinfo.
  TempDir query_dir;
  std::string in_query = "postgresql://keel_auth_test@127.0.0.1:" + server_port() + "/" +
                         db.name() + "?password=" + encode(password);
  RunResult r = keel({"--url", in_query, "baseline", "hash"}, query_dir);
  EXPECT_EQ(r.status, 0) << r.out << r.err;
}

TEST_F(SecretsFix14, KeywordValueStringWithQuotesBackslashesAndEverySpecialCharacter) {
  const std::string password = "Oliv3'Pe4r\\Qu1nce @/#?%&=Ap3x\u00e4\u2713";
  fragments_ = {"Oliv3", "Pe4r", "Qu1nce", "Ap3x"};
  PgDatabase db;
  set_password(db, password);
  TempDir dir;
  run_commands(db, dir, {"--url", keyword_value(db, kv_quote(password))});
  wrong_password(dir, {"--url", keyword_value(db, kv_quote(password + "Wr0ng"))});
}

TEST_F(SecretsFix14, ConfigVariablesInAUrlAndInAKeywordValueString) {
  // A raw password in the URL through ${VAR}: the characters libpq takes raw.
  const std::string raw = "Sl0e#Yuzu?Ugl1 Fru1t&\u00e4";
  // One in a key/value string through ${VAR}: '@', '/', '%' too.
  const std::string kv = "Tam4rind@/Aca1#?%Gu4ve \u2713";
  fragments_ = {"Sl0e", "Yuzu", "Ugl1", "Fru1t", "Tam4rind", "Aca1", "Gu4ve"};
  const std::string port = server_port();
  {
    PgDatabase db;
    set_password(db, raw);
    TempDir dir;
    dir.write("keel.toml",
              "[environments.prod]\nurl = \"postgresql://keel_auth_test:${PW}@127.0.0.1:" + port +
                  "/" + db.name() + "\"\n");
    run_commands(db, dir, {"--env", "prod"}, "PW=" + raw, false);
    RunResult against = keel({"--env", "prod", "drift", "--against", "env:prod"}, dir, "PW=" + raw);
    EXPECT_EQ(against.status, 0) << against.out << against.err;
    wrong_password(dir, {"--env", "prod"}, "PW=" + raw + "Wr0ng");
  }
  {
    PgDatabase db;
    set_password(db, kv);
    TempDir dir;
    dir.write("keel.toml", "[environments.prod]\nurl = \"host=127.0.0.1 port=" + port + " dbname=" +
                               db.name() + " user=keel_auth_test password='${PW}'\"\n");
    run_commands(db, dir, {"--env", "prod"}, "PW=" + kv, false);
    wrong_password(dir, {"--env", "prod"}, "PW=" + kv + "Wr0ng");
  }
}

TEST_F(SecretsFix14, StringsThatDoNotParseOrReadAsAnotherServerAreNeverEchoed) {
  fragments_ = {"K1wi", "Pl4m"};
  const std::string port = server_port();
  PgDatabase db;
  TempDir dir;
  for (const std::string& url : {
           "postgresql://keel_auth_test:K1wi%zzPl4m@127.0.0.1:" + port + "/" + db.name(),
           "postgresql://keel_auth_test:K1wi@Pl4m@127.0.0.1:" + port + "/" + db.name(),
           "postgresql://keel_auth_test:K1wi/Pl4m@127.0.0.1:" + port + "/" + db.name(),
           "host=127.0.0.1 port=" + port + " password=K1wi Pl4m",
           std::string("host=127.0.0.1 password='K1wiPl4m"),
       }) {
    for (const char* format : {"text", "json"}) {
      RunResult r = keel({"--format", format, "--url", url, "status"}, dir);
      EXPECT_EQ(r.status, 2) << url << "\n" << r.out << r.err;
      EXPECT_NE((r.out + r.err).find("not shown"), std::string::npos) << r.out << r.err;
    }
    // A reference that does not parse.
    RunResult drift = keel({"--url", db.url(), "drift", "--against", url}, dir);
    EXPECT_EQ(drift.status, 2) << url << "\n" << drift.out << drift.err;
  }
  std::error_code ec;
  if (fs::exists(dir.file(".keel/log"), ec)) {
    for (const auto& entry : fs::recursive_directory_iterator(dir.file(".keel/log"))) {
      expect_hidden("a log file name", entry.path().filename().string());
      if (entry.is_regular_file()) expect_hidden(entry.path().string(), slurp(entry.path()));
    }
  }
}

}  // namespace
}  // namespace keel::test
