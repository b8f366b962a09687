// keel plan on an operation migration (issue 16 item 2): when it is the first pending migration
// its start's transaction is dry-run (statements, locks) and rolled back, the backfill and the
// online steps listed; nothing is kept (no history row, no version schema, the same hash).
// Further back in the queue it stays unproven; a start that cannot run rejects the plan.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include <filesystem>

#include "integration/pg_fixture.h"
#include "integration/run.h"

namespace keel::test {
namespace {

class PlanOperationsPg : public PgTest {
 protected:
  void SetUp() override {
    PgTest::SetUp();
    std::filesystem::create_directories(dir.file("migrations"));
    // Idempotent and reversible, so that plan validates it.
    dir.write("migrations/0001_init.up.sql",
              "CREATE TABLE IF NOT EXISTS items (id int PRIMARY KEY, price text NOT NULL);\n"
              "INSERT INTO items VALUES (1, '1.5') ON CONFLICT DO NOTHING;\n");
    dir.write("migrations/0001_init.down.sql", "DROP TABLE IF EXISTS items;\n");
    dir.write("migrations/0003_more.up.sql", "CREATE TABLE more (id int PRIMARY KEY);\n");
  }
  RunResult keel(std::vector<std::string> args) {
    const std::vector<std::string> common{"--url", db.url(), "-q"};
    args.insert(args.begin(), common.begin(), common.end());
    args.push_back("--dir");
    args.push_back(dir.file("migrations"));
    return run_keel(args, dir.path);
  }
  nlohmann::json plan() {
    RunResult r = keel({"--format", "json", "plan"});
    EXPECT_TRUE(r.status == 0 || r.status == 3) << r.out << r.err;
    auto j = nlohmann::json::parse(r.out, nullptr, false);
    EXPECT_FALSE(j.is_discarded()) << r.out << r.err;
    return j;
  }
  static std::string joined(const nlohmann::json& list) {
    std::string out;
    for (const auto& item : list) out += item.get<std::string>() + "\n";
    return out;
  }
  PgDatabase db;
  TempDir dir;
};

TEST_F(PlanOperationsPg, TheFirstPendingOperationMigrationsStartIsDryRunAndNothingIsKept) {
  dir.write("migrations/0002_price.yaml",
            "operations:\n"
            "  - alter_column:\n"
            "      {table: items, column: price, type: numeric, up: CAST(price AS numeric),\n"
            "       down: CAST(price AS text)}\n"
            "  - create_index: {name: items_price_idx, table: items, columns: [price]}\n");
  ASSERT_EQ(keel({"apply", "--to", "0001"}).status, 0);
  const std::string before = db.hash();

  nlohmann::json j = plan();
  ASSERT_EQ(j["migrations"].size(), 2u) << j.dump(2);
  const auto& op = j["migrations"][0];
  EXPECT_EQ(op["version"], "0002");
  EXPECT_EQ(op["verdict"], "VALIDATED") << op.dump(2);
  std::string statements;
  for (const auto& s : op["statements"]) statements += s["sql"].get<std::string>() + "\n";
  EXPECT_NE(statements.find("ADD COLUMN \"_keel_new_price\" numeric"), std::string::npos)
      << statements;
  EXPECT_NE(statements.find("CREATE SCHEMA \"public_0002_price\""), std::string::npos)
      << statements;
  EXPECT_NE(statements.find("CREATE TRIGGER"), std::string::npos) << statements;
  const std::string notes = joined(op["notes"]);
  EXPECT_NE(notes.find("AccessExclusiveLock public.items"), std::string::npos) << notes;
  EXPECT_NE(notes.find("backfill \"public\".\"items\""), std::string::npos) << notes;
  EXPECT_NE(notes.find("CREATE INDEX CONCURRENTLY \"items_price_idx\""), std::string::npos)
      << notes;
  EXPECT_NE(joined(j["migrations"][1]["unproven"]).find("comes after an operation migration"),
            std::string::npos)
      << j.dump(2);

  // Nothing kept.
  EXPECT_EQ(db.hash(), before);
  EXPECT_EQ(db.scalar("SELECT count(*) FROM pg_namespace WHERE nspname LIKE 'public_000%'"), "0");
  EXPECT_EQ(db.scalar("SELECT count(*) FROM keel.schema_migrations WHERE version = '0002'"), "0");
  EXPECT_EQ(db.scalar("SELECT count(*) FROM pg_proc WHERE proname LIKE 'sync_%'"), "0");
  // And apply --require-validated accepts the migration the plan validated.
  RunResult applied = keel({"apply", "--require-validated", "--to", "0002"});
  EXPECT_EQ(applied.status, 0) << applied.out << applied.err;
}

TEST_F(PlanOperationsPg, BehindAnotherPendingMigrationItStaysUnproven) {
  dir.write("migrations/0002_rename.yaml",
            "operations:\n  - rename_column: {table: items, from: price, to: cost}\n");
  nlohmann::json j = plan();
  ASSERT_EQ(j["migrations"].size(), 3u) << j.dump(2);
  EXPECT_EQ(j["migrations"][0]["verdict"], "VALIDATED") << j.dump(2);
  EXPECT_EQ(j["migrations"][1]["verdict"], "NOT PROVEN") << j.dump(2);
  EXPECT_NE(joined(j["migrations"][1]["unproven"]).find("first pending migration"),
            std::string::npos)
      << j.dump(2);
}

TEST_F(PlanOperationsPg, AStartThatCannotRunRejectsThePlanNamingTheOperation) {
  dir.write("migrations/0002_bad.yaml",
            "operations:\n"
            "  - alter_column:\n"
            "      {table: items, column: nope, type: int, up: '1', down: '1'}\n");
  ASSERT_EQ(keel({"apply", "--to", "0001"}).status, 0);
  nlohmann::json j = plan();
  EXPECT_EQ(j["verdict"], "REJECTED") << j.dump(2);
  const std::string reasons = joined(j["migrations"][0]["reasons"]);
  EXPECT_NE(reasons.find("start failed in the dry run"), std::string::npos) << reasons;
  EXPECT_NE(reasons.find("alter_column"), std::string::npos) << reasons;
  EXPECT_NE(reasons.find("0002_bad.yaml:2"), std::string::npos) << reasons;
}

}  // namespace
}  // namespace keel::test
