// Issue 16's chain acceptance through the binary: tests/ops_corpus/ (every operation: tables,
// columns added, renamed, retyped and dropped, unique/check/foreign keys, indexes, replica
// identity, raw SQL) applied with `keel apply --complete`, and one migration at a time: each
// started, aborted (the schema hash is the one from before its start), started again,
// completed and finalized; and each completed, reverted and completed again. Every action with
// --format json. Rows
// are written between migrations so that every backfill has work to do.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include <filesystem>

#include "integration/expand_helpers.h"
#include "integration/run.h"

namespace keel::test {
namespace {

namespace fs = std::filesystem;

class ExpandCorpusPg : public PgTest {
 protected:
  void SetUp() override {
    PgTest::SetUp();
    fs::create_directories(dir.file("migrations"));
    for (const auto& entry :
         fs::directory_iterator(fs::path(KEEL_SOURCE_DIR) / "tests/ops_corpus")) {
      const std::string name = entry.path().filename().string();
      if (name.ends_with(".yaml") || name.ends_with(".json")) {
        fs::copy_file(entry.path(), fs::path(dir.file("migrations")) / name);
      }
    }
  }
  RunResult keel(std::vector<std::string> args) {
    const std::vector<std::string> common{"--url", url.empty() ? db.url() : url, "--format", "json",
                                          "-q"};
    args.insert(args.begin(), common.begin(), common.end());
    args.push_back("--dir");
    args.push_back(dir.file("migrations"));
    return run_keel(args, dir.path);
  }
  nlohmann::json json_of(const RunResult& r) {
    auto j = nlohmann::json::parse(r.out, nullptr, false);
    EXPECT_FALSE(j.is_discarded()) << r.out << r.err;
    return j;
  }
  // Runs `action` and checks its JSON: the migration, the phases before and after, one entry
  // per operation.
  void act(const std::string& action, const std::string& version, const std::string& before,
           const std::string& after) {
    RunResult r = keel({action});
    ASSERT_EQ(r.status, 0) << action << " " << version << ": " << r.out << r.err;
    nlohmann::json j = json_of(r);
    EXPECT_EQ(j.value("action", ""), action) << r.out;
    EXPECT_EQ(j.value("version", ""), version) << r.out;
    EXPECT_EQ(j.value("phase_before", ""), before) << r.out;
    EXPECT_EQ(j.value("phase", ""), after) << r.out;
    EXPECT_FALSE(j["operations"].empty()) << r.out;
  }
  std::string status_phase(const std::string& version) {
    RunResult r = keel({"status"});
    nlohmann::json j = json_of(r);
    for (const auto& m : j["migrations"]) {
      if (m.value("version", "") == version)
        return m.value("state", "") + "/" + m.value("phase", "");
    }
    return "";
  }
  // Rows for the backfills of the migration after `version`.
  void write_rows(const std::string& version) {
    if (version == "0001") {
      db.sql(
          "INSERT INTO teams (name) VALUES ('a'), ('b'); INSERT INTO users (mail, age, "
          "team_id, nick) VALUES ('x@example.com', -3, 1, 'x'), (NULL, 40, 2, NULL)");
    } else if (version == "0005") {
      db.sql(
          "INSERT INTO posts (author_id, title, slug) VALUES (1, 't', NULL), (2, 't', NULL), "
          "(NULL, 'u', 'u')");
    }
  }

  PgDatabase db;
  std::string url;  // keel's, when not the superuser's
  TempDir dir;
  const std::vector<std::string> versions{"0001", "0002", "0003", "0004", "0005",
                                          "0006", "0007", "0008", "0009"};
};

TEST_F(ExpandCorpusPg, ApplyCompleteRunsTheWholeChainAsARoleWithoutSuperuser) {
  // The chain creates its tables, so the role also has CREATE on the schema.
  url = restricted_role(db);
  db.sql("GRANT CREATE ON SCHEMA public TO keel_expand_owner");
  RunResult r = keel({"apply", "--complete"});
  ASSERT_EQ(r.status, 0) << r.out << r.err;
  for (const auto& v : versions) EXPECT_EQ(status_phase(v), "applied/finalized") << v;
  // What the chain leaves: groups (renamed from teams), users without nickname, no posts.
  EXPECT_EQ(db.scalar("SELECT string_agg(relname, ',' ORDER BY relname) FROM pg_class WHERE "
                      "relnamespace = 'public'::regnamespace AND relkind = 'r'"),
            "groups,users");
  EXPECT_EQ(db.scalar("SELECT string_agg(attname, ',' ORDER BY attnum) FROM pg_attribute WHERE "
                      "attrelid = 'public.users'::regclass AND attnum > 0 AND NOT attisdropped"),
            "id,team_id,country,email,age");  // rebuilt columns come last
  EXPECT_EQ(db.scalar("SELECT format_type(atttypid, atttypmod) FROM pg_attribute WHERE attrelid = "
                      "'public.users'::regclass AND attname = 'age'"),
            "bigint");
  EXPECT_EQ(db.scalar("SELECT relreplident FROM pg_class WHERE oid = 'public.users'::regclass"),
            "i");
}

TEST_F(ExpandCorpusPg, EachMigrationAbortsToTheHashBeforeItThenStartsCompletesAndFinalizes) {
  std::string before = db.hash();
  for (const auto& v : versions) {
    SCOPED_TRACE(v);
    RunResult started = keel({"apply"});
    ASSERT_EQ(started.status, 0) << started.out << started.err;
    act("abort", v, "active", "aborted");
    EXPECT_EQ(db.hash(), before) << "abort of " << v << " left the schema changed";

    started = keel({"apply"});
    ASSERT_EQ(started.status, 0) << started.out << started.err;
    act("complete", v, "active", "completed");
    act("finalize", v, "completed", "finalized");
    write_rows(v);
    before = db.hash();
  }
  for (const auto& v : versions) EXPECT_EQ(status_phase(v), "applied/finalized") << v;
  EXPECT_EQ(db.scalar("SELECT count(*) FROM users WHERE age < 0"), "0");
}

TEST_F(ExpandCorpusPg, RevertAndCompleteAgainWhereTheFileAllowsIt) {
  // 0007's onComplete `sql` has no `down`: its revert is refused, naming the operation, and the
  // migration stays completed.
  for (const auto& v : versions) {
    SCOPED_TRACE(v);
    RunResult started = keel({"apply"});
    ASSERT_EQ(started.status, 0) << started.out << started.err;
    act("complete", v, "active", "completed");
    if (v == "0007") {
      RunResult refused = keel({"revert"});
      EXPECT_EQ(refused.status, 3) << refused.out << refused.err;
      EXPECT_NE(refused.out.find("has no `down`"), std::string::npos) << refused.out;
      EXPECT_NE(refused.out.find("0007_sql.yaml:11"), std::string::npos) << refused.out;
    } else {
      act("revert", v, "completed", "active");
      act("complete", v, "active", "completed");
    }
    act("finalize", v, "completed", "finalized");
    write_rows(v);
  }
  EXPECT_EQ(status_phase("0009"), "applied/finalized");
}

}  // namespace
}  // namespace keel::test
