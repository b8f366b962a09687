// Issue 5 end to end on a real PostgreSQL, through the keel binary: verify
// LOCKED and DRIFTED (keel.parity, baseline files), and every webhook event
// received by a loopback HTTP server with a signature that verifies.
#include <gtest/gtest.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>

#include <map>

#include "integration/migrate_helpers.h"
#include "integration/pg_fixture.h"
#include "integration/webhook_receiver.h"

namespace keel::test {
namespace {

using namespace std::chrono_literals;

constexpr const char* kSecret = "s3cret-hook-key";

// HMAC-SHA256 computed here with OpenSSL directly, not with keel's code.
std::string expected_signature(const std::string& body) {
  unsigned char mac[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  HMAC(EVP_sha256(), kSecret, static_cast<int>(std::string(kSecret).size()),
       reinterpret_cast<const unsigned char*>(body.data()), body.size(), mac, &length);
  static const char* kHex = "0123456789abcdef";
  std::string hex;
  for (unsigned int i = 0; i < length; ++i) {
    hex += kHex[mac[i] >> 4];
    hex += kHex[mac[i] & 15];
  }
  return "sha256=" + hex;
}

class ParityPg : public PgTest {
 protected:
  // Every request received so far must be signed correctly; returns their
  // events in order.
  std::vector<nlohmann::json> events(const testing::WebhookReceiver& receiver) {
    std::vector<nlohmann::json> out;
    for (const auto& request : receiver.requests()) {
      EXPECT_EQ(request.method, "POST");
      EXPECT_EQ(request.header("x-keel-signature"), expected_signature(request.body))
          << request.body;
      auto body = nlohmann::json::parse(request.body);
      EXPECT_EQ(request.header("x-keel-event"), body["event"].get<std::string>());
      EXPECT_EQ(body["keel_version"], KEEL_VERSION);
      EXPECT_TRUE(body.contains("time") && body.contains("schema_hash") &&
                  body.contains("environment") && body.contains("versions"))
          << request.body;
      out.push_back(body);
    }
    return out;
  }
};

TEST_F(ParityPg, VerifyLocksThenCatchesDriftAndEveryEventArrivesSigned) {
  PgDatabase dev, prod;
  testing::WebhookReceiver receiver;
  MigrationFolder folder(dev.url());
  folder.write("0001_users.up.sql",
               "CREATE TABLE users (id int, name text);\n"
               "CREATE TABLE user_preferences (user_id int, theme text);\n");
  folder.write("0001_users.down.sql", "DROP TABLE user_preferences;\nDROP TABLE users;\n");
  folder.write("0002_guest.up.sql", "INSERT INTO users (id, name) VALUES (3, 'guest');\n");
  folder.write("0002_guest.down.sql", "DELETE FROM users WHERE name = 'guest';\n");
  folder.dir.write("keel.toml", "[environments.dev]\nurl = \"" + dev.url() +
                                    "\"\n[environments.prod]\nurl = \"" + prod.url() +
                                    "\"\ntier = \"prod\"\n"
                                    "[parity]\nenvironments = [\"dev\", \"prod\"]\n"
                                    "[notify]\nwebhook_url = \"" +
                                    receiver.url() +
                                    "\"\nwebhook_secret = \"${KEEL_HOOK_SECRET}\"\n"
                                    "[[integrity.relations]]\n"
                                    "child = \"public.user_preferences.user_id\"\n"
                                    "parent = \"public.users.id\"\n");
  const std::string env = std::string("KEEL_HOOK_SECRET=") + kSecret;
  auto keel = [&](std::vector<std::string> args) {
    RunResult r = run_keel(args, folder.dir.path, env);
    EXPECT_EQ(r.out.find(kSecret), std::string::npos);
    EXPECT_EQ(r.err.find(kSecret), std::string::npos);
    return r;
  };

  for (const char* e : {"dev", "prod"}) {
    RunResult r = keel({"--env", e, "apply"});
    ASSERT_EQ(r.status, 0) << r.err;
    EXPECT_NE(r.err.find("webhook: delivered migration.applied"), std::string::npos) << r.err;
  }
  ASSERT_TRUE(receiver.wait_for(4, 5s));

  // Both environments agree: LOCKED, stored, baselines written.
  RunResult locked = keel({"verify", "--all"});
  EXPECT_EQ(locked.status, 0) << locked.out << locked.err;
  EXPECT_NE(locked.out.find("LOCKED   dev"), std::string::npos) << locked.out;
  EXPECT_NE(locked.out.find("LOCKED   prod"), std::string::npos) << locked.out;
  EXPECT_NE(locked.out.find("PARITY LOCKED: 2 environments"), std::string::npos) << locked.out;
  const std::string prod_baseline = slurp(folder.dir.file("baselines/prod.json"));
  EXPECT_NE(prod_baseline.find(prod.hash()), std::string::npos);
  EXPECT_FALSE(slurp(folder.dir.file("baselines/dev.json")).empty());
  for (const PgDatabase* db : {&dev, &prod}) {
    EXPECT_EQ(db->scalar("SELECT status || ' ' || schema_hash || ' ' || (verified_at IS NOT NULL)"
                         "::text || ' ' || (verified_by LIKE '%@%')::text || ' ' || keel_version "
                         "FROM keel.parity"),
              "LOCKED " + db->hash() + " true true " + KEEL_VERSION);
  }

  // A hand-made hotfix in prod: DRIFTED, exit 3, named; prod's baseline
  // stays the last verified state.
  prod.sql("ALTER TABLE users ADD COLUMN hotfix int");
  RunResult drifted = keel({"verify", "--all"});
  EXPECT_EQ(drifted.status, 3) << drifted.out << drifted.err;
  EXPECT_NE(drifted.out.find("DRIFTED  prod"), std::string::npos) << drifted.out;
  EXPECT_NE(drifted.out.find("public.users.hotfix"), std::string::npos) << drifted.out;
  EXPECT_EQ(slurp(folder.dir.file("baselines/prod.json")), prod_baseline);
  EXPECT_EQ(prod.scalar("SELECT string_agg(status, ',' ORDER BY verified_at, status) FROM "
                        "keel.parity"),
            "LOCKED,DRIFTED");
  EXPECT_NE(prod.scalar("SELECT differences::text FROM keel.parity WHERE status = 'DRIFTED'")
                .find("public.users.hotfix"),
            std::string::npos);

  // One environment against another, in JSON.
  RunResult single = keel({"--env", "prod", "--format", "json", "verify", "--against", "env:dev"});
  EXPECT_EQ(single.status, 3) << single.out;
  auto j = nlohmann::json::parse(single.out);
  EXPECT_EQ(j["environments"][0]["status"], "DRIFTED");
  EXPECT_EQ(j["environments"][0]["drift_count"], 1);

  // A rollback the orphan check aborts, then a clean one.
  dev.sql("INSERT INTO users VALUES (NULL, 'ghost'); INSERT INTO user_preferences VALUES (3, 'x')");
  RunResult aborted = keel({"--env", "dev", "rollback"});
  EXPECT_EQ(aborted.status, 3) << aborted.out << aborted.err;
  dev.sql("DELETE FROM user_preferences");
  RunResult clean = keel({"--env", "dev", "rollback"});
  EXPECT_EQ(clean.status, 0) << clean.out << clean.err;

  // Forward again (0002 re-applied), then a migration that fails.
  folder.write("0003_bad.up.sql", "ALTER TABLE no_such_table ADD COLUMN x int;\n");
  RunResult failed = keel({"--env", "dev", "apply"});
  EXPECT_EQ(failed.status, 1) << failed.err;

  ASSERT_TRUE(receiver.wait_for(13, 5s)) << receiver.requests().size();
  std::vector<nlohmann::json> got = events(receiver);
  std::vector<std::string> names;
  for (const auto& e : got) names.push_back(e["event"]);
  EXPECT_EQ(names, (std::vector<std::string>{
                       "migration.applied", "migration.applied", "migration.applied",
                       "migration.applied", "parity.locked", "parity.locked", "parity.locked",
                       "parity.drifted", "parity.drifted", "rollback.aborted", "rollback.completed",
                       "migration.applied", "migration.failed"}))
      << names.size();
  if (got.size() == 13) {
    EXPECT_EQ(got[0]["environment"], "dev");
    EXPECT_EQ(got[0]["versions"], nlohmann::json::array({"0001"}));
    EXPECT_EQ(got[3]["environment"], "prod");
    EXPECT_EQ(got[3]["schema_hash"].get<std::string>().substr(0, 7), "sha256:");
    EXPECT_EQ(got[7]["environment"], "prod");
    EXPECT_EQ(got[7]["drift_count"], 1);
    EXPECT_NE(got[9]["reason"].get<std::string>().find("orphaned"), std::string::npos);
    EXPECT_EQ(got[10]["versions"], nlohmann::json::array({"0002"}));
    EXPECT_EQ(got[10]["rto_breached"], false);
    EXPECT_EQ(got[10]["restored"], true);
    EXPECT_EQ(got[11]["versions"], nlohmann::json::array({"0002"}));
    EXPECT_EQ(got[12]["versions"], nlohmann::json::array({"0003"}));
    EXPECT_NE(got[12]["error"].get<std::string>().find("no_such_table"), std::string::npos);
  }
}

TEST_F(ParityPg, AWebhookThatCannotBeDeliveredIsReportedAndChangesNothing) {
  PgDatabase db;
  MigrationFolder folder(db.url());
  folder.write("0001_t.up.sql", "CREATE TABLE t (id int);\n");
  // Port 9 on loopback: nothing listens. The URL's password never shows.
  folder.dir.write("keel.toml", "[environments.dev]\nurl = \"" + db.url() +
                                    "\"\n[notify]\nwebhook_url = "
                                    "\"http://hookuser:hookpass@127.0.0.1:9/x?token=tok123\"\n"
                                    "timeout = \"500ms\"\nattempts = 2\n");
  RunResult r = run_keel({"--env", "dev", "apply"}, folder.dir.path);
  EXPECT_EQ(r.status, 0) << r.err;
  EXPECT_NE(r.err.find("keel: warning: webhook: could not deliver"), std::string::npos) << r.err;
  EXPECT_EQ(r.err.find("hookpass"), std::string::npos) << r.err;
  EXPECT_EQ(r.err.find("tok123"), std::string::npos) << r.err;
  EXPECT_EQ(db.scalar("SELECT status FROM keel.schema_migrations"), "SUCCESS");
}

}  // namespace
}  // namespace keel::test
