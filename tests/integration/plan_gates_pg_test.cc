// issue 14 items 4, 5 and 18 against a real PostgreSQL, through the keel
// binary: saved plans cover one environment and schema; plan and keel's own
// generate output for enum values; COPY FROM STDIN; sequences the dry run
// advanced; empty up scripts.
#include <fmt/format.h>
#include <gtest/gtest.h>

#include <filesystem>
#include <nlohmann/json.hpp>

#include "integration/plan_fixture.h"

namespace keel::test {
namespace {

class PlanFix14 : public PlanFixture {};

// dev and prod: two environments of one database, as in the issue.
void write_environments(const MigrationFolder& folder, const std::string& url) {
  folder.dir.write("keel.toml", fmt::format("[environments.dev]\nurl = \"{}\"\ntier = \"dev\"\n\n"
                                            "[environments.prod]\nurl = \"{}\"\ntier = \"prod\"\n",
                                            url, url));
}

RunResult in_env(const MigrationFolder& folder, const std::string& env,
                 std::vector<std::string> args) {
  std::vector<std::string> all = {"--env", env};
  all.insert(all.end(), args.begin(), args.end());
  return run_keel(all, folder.dir.path);
}

std::string column_count(const PgDatabase& db, const std::string& column) {
  return db.scalar(
      "SELECT count(*) FROM pg_attribute WHERE attrelid = 'users'::regclass AND attname = '" +
      column + "'");
}

TEST_F(PlanFix14, APlanOfDevDoesNotCoverProd) {
  PlanSetup target("CREATE TABLE users (id int PRIMARY KEY)");
  auto& [db, folder] = target;
  write_environments(folder, db.url());
  // Not idempotent: dev does not require it, prod does.
  folder.write("0001_name.up.sql", "ALTER TABLE users ADD COLUMN name text;\n");
  folder.write("0001_name.down.sql", "ALTER TABLE users DROP COLUMN name;\n");

  RunResult dev = in_env(folder, "dev", {"plan"});
  ASSERT_EQ(dev.status, 0) << dev.out << dev.err;
  EXPECT_TRUE(has(dev.out, "VALIDATED")) << dev.out;
  RunResult prod = in_env(folder, "prod", {"plan"});
  EXPECT_EQ(prod.status, 3) << prod.out << prod.err;

  RunResult refused = in_env(folder, "prod", {"apply", "--require-validated"});
  EXPECT_EQ(refused.status, 3) << refused.out << refused.err;
  EXPECT_TRUE(has(refused.err, "migrations/0001_name.up.sql: validated for environment dev"))
      << refused.err;
  EXPECT_TRUE(has(refused.err, "not for prod")) << refused.err;
  EXPECT_TRUE(has(refused.err, "keel --env prod plan")) << refused.err;
  EXPECT_EQ(column_count(db, "name"), "0");

  // A plan given a --url is another environment too.
  RunResult by_url = folder.keel("apply", {"--require-validated"});
  EXPECT_EQ(by_url.status, 3) << by_url.err;
  EXPECT_EQ(column_count(db, "name"), "0");

  RunResult applied = in_env(folder, "dev", {"apply", "--require-validated"});
  EXPECT_EQ(applied.status, 0) << applied.err;
  EXPECT_EQ(column_count(db, "name"), "1");
}

TEST_F(PlanFix14, APlanCoversOnlyTheSchemaItRanOn) {
  PlanSetup target("CREATE TABLE users (id int PRIMARY KEY)");
  auto& [db, folder] = target;
  folder.write("0001_name.up.sql", "ALTER TABLE users ADD COLUMN IF NOT EXISTS name text;\n");
  folder.write("0001_name.down.sql", "ALTER TABLE users DROP COLUMN IF EXISTS name;\n");
  folder.write("0002_nick.up.sql", "ALTER TABLE users ADD COLUMN IF NOT EXISTS nick text;\n");
  folder.write("0002_nick.down.sql", "ALTER TABLE users DROP COLUMN IF EXISTS nick;\n");
  RunResult plan = folder.keel("plan");
  ASSERT_EQ(plan.status, 0) << plan.out << plan.err;

  // Someone changed the schema after the plan.
  db.sql("CREATE TABLE audit (id int)");
  RunResult refused = folder.keel("apply", {"--require-validated"});
  EXPECT_EQ(refused.status, 3) << refused.err;
  EXPECT_TRUE(has(refused.err, "the schema changed since the plan")) << refused.err;
  EXPECT_TRUE(has(refused.err, "nothing was applied")) << refused.err;
  EXPECT_EQ(column_count(db, "name"), "0");

  // Planned again on this schema: the two run as a chain, the second on the
  // schema the first leaves.
  ASSERT_EQ(folder.keel("plan").status, 0);
  RunResult first = folder.keel("apply", {"--require-validated", "--to", "0001"});
  ASSERT_EQ(first.status, 0) << first.err;
  RunResult rest = folder.keel("apply", {"--require-validated"});
  EXPECT_EQ(rest.status, 0) << rest.err;
  EXPECT_EQ(column_count(db, "nick"), "1");
}

// keel generate's own output for a new enum value used as a default.
TEST_F(PlanFix14, GeneratedEnumValuesAreNotRejected) {
  PgDatabase src, dst;
  src.sql(
      "CREATE TYPE mood AS ENUM ('ok'); CREATE TABLE people (id int PRIMARY KEY, feeling mood)");
  dst.sql(
      "CREATE TYPE mood AS ENUM ('ok', 'great');"
      "CREATE TABLE people (id int PRIMARY KEY, feeling mood DEFAULT 'great')");
  MigrationFolder folder(src.url());
  RunResult gen =
      run_keel({"--format", "json", "generate", "feel", "--from", src.url(), "--to", dst.url()},
               folder.dir.path);
  ASSERT_EQ(gen.status, 0) << gen.out << gen.err;
  auto written = nlohmann::json::parse(gen.out)["written"];
  ASSERT_EQ(written.size(), 2u) << gen.out;
  EXPECT_TRUE(has(written[0]["up"].get<std::string>(), "0001_feel_enum_values.up.sql"));

  // lint of keel's own output: the down's rebuild of the enum rewrites
  // people (a real lock hazard, still reported); nothing else.
  RunResult lint = run_keel({"lint", "migrations"}, folder.dir.path);
  EXPECT_TRUE(has(lint.out, "1 error, 0 warnings")) << lint.out;
  EXPECT_TRUE(has(lint.out, "0002_feel.down.sql:")) << lint.out;
  EXPECT_TRUE(has(lint.out, "error alter-column-type")) << lint.out;

  RunResult r = run_keel({"--url", src.url(), "--format", "json", "plan"}, folder.dir.path);
  EXPECT_EQ(r.status, 3) << r.out << r.err;
  auto j = nlohmann::json::parse(r.out, nullptr, false);
  ASSERT_TRUE(j.is_object()) << r.out << r.err;
  EXPECT_EQ(j["verdict"], "NOT PROVEN") << r.out;
  // The enum values: validated, their empty down accepted as generate means it.
  EXPECT_EQ(j["migrations"][0]["verdict"], "VALIDATED") << j["migrations"][0].dump(2);
  EXPECT_TRUE(j["migrations"][0]["reasons"].empty());
  EXPECT_TRUE(has(j["migrations"][0]["notes"].dump(), "only adds enum values"));
  // The use of the value: not provable in one transaction, not rejected.
  EXPECT_EQ(j["migrations"][1]["verdict"], "NOT PROVEN") << j["migrations"][1].dump(2);
  EXPECT_TRUE(j["migrations"][1]["reasons"].empty()) << j["migrations"][1].dump(2);
  EXPECT_TRUE(has(j["migrations"][1]["unproven"].dump(), "enum value")) << r.out;
  ASSERT_TRUE(j["saved"].is_string()) << r.out;

  RunResult text = run_keel({"--url", src.url(), "plan"}, folder.dir.path);
  EXPECT_FALSE(has(text.out, "REJECTED")) << text.out;
  EXPECT_TRUE(has(text.out, "NOT PROVEN")) << text.out;

  // The saved part lets the enum values through; then the rest is planned.
  RunResult all = run_keel({"--url", src.url(), "apply", "--require-validated"}, folder.dir.path);
  EXPECT_EQ(all.status, 3) << all.err;
  RunResult values = run_keel({"--url", src.url(), "apply", "--require-validated", "--to", "0001"},
                              folder.dir.path);
  ASSERT_EQ(values.status, 0) << values.err;
  RunResult again = run_keel({"--url", src.url(), "plan"}, folder.dir.path);
  EXPECT_EQ(again.status, 0) << again.out << again.err;
  RunResult rest = run_keel({"--url", src.url(), "apply", "--require-validated"}, folder.dir.path);
  ASSERT_EQ(rest.status, 0) << rest.err;
  EXPECT_EQ(src.hash(), dst.hash());
}

// Generated downs drop what their ups made: lint passes them.
TEST_F(PlanFix14, LintPassesGeneratedDownScripts) {
  PgDatabase src, dst;
  src.sql("CREATE TABLE users (id int PRIMARY KEY)");
  dst.sql(
      "CREATE TABLE users (id int PRIMARY KEY, nick text);"
      "CREATE TABLE orders (id int PRIMARY KEY, user_id int);"
      "CREATE INDEX orders_user_idx ON orders (user_id)");
  MigrationFolder folder(src.url());
  RunResult gen =
      run_keel({"generate", "more", "--from", src.url(), "--to", dst.url()}, folder.dir.path);
  ASSERT_EQ(gen.status, 0) << gen.out << gen.err;
  RunResult lint = run_keel({"lint", "migrations"}, folder.dir.path);
  EXPECT_EQ(lint.status, 0) << lint.out << lint.err;
  EXPECT_TRUE(has(lint.out, "0 errors, 0 warnings")) << lint.out;
}

TEST_F(PlanFix14, ANewEnumValueUsedInItsOwnTransactionIsRejected) {
  PlanSetup target("CREATE TYPE mood AS ENUM ('ok'); CREATE TABLE people (id int, feeling mood)");
  auto& [db, folder] = target;
  folder.write("0001_great.up.sql",
               "ALTER TYPE mood ADD VALUE IF NOT EXISTS 'great';\n"
               "ALTER TABLE people ALTER COLUMN feeling SET DEFAULT 'great';\n");
  folder.write("0001_great.down.sql", "ALTER TABLE people ALTER COLUMN feeling DROP DEFAULT;\n");
  RunResult lint = run_keel({"lint", "migrations"}, folder.dir.path);
  EXPECT_EQ(lint.status, 3) << lint.out;
  EXPECT_TRUE(has(lint.out, "0001_great.up.sql:2:1: error enum-value-used-in-transaction"))
      << lint.out;
  RunResult plan = folder.keel("plan");
  EXPECT_EQ(plan.status, 3) << plan.out;
  EXPECT_TRUE(has(plan.out, "REJECTED: fails")) << plan.out;
  EXPECT_TRUE(has(plan.out, "added on line 1 in the same transaction")) << plan.out;
  // And apply does fail there, as both said.
  RunResult apply = folder.keel("apply");
  EXPECT_NE(apply.status, 0);
  EXPECT_TRUE(has(apply.err, "55P04")) << apply.err;
}

TEST_F(PlanFix14, CopyFromStdinIsNotSupported) {
  PlanSetup target("CREATE TABLE t (a int, b text)");
  auto& [db, folder] = target;
  folder.write("0001_rows.up.sql", "-- rows\nCOPY t (a, b) FROM stdin;\n1\tone\n2\ttwo\n\\.\n");
  RunResult apply = folder.keel("apply");
  EXPECT_NE(apply.status, 0);
  EXPECT_TRUE(has(apply.err, "migrations/0001_rows.up.sql:2")) << apply.err;
  EXPECT_TRUE(has(apply.err, "COPY ... FROM STDIN is not supported")) << apply.err;
  EXPECT_TRUE(has(apply.err, "INSERT ... VALUES")) << apply.err;
  EXPECT_FALSE(has(apply.err, "syntax error")) << apply.err;
  RunResult plan = folder.keel("plan");
  EXPECT_EQ(plan.status, 3);
  EXPECT_TRUE(has(plan.out, "REJECTED: not supported")) << plan.out;
  EXPECT_TRUE(has(plan.out, "0001_rows.up.sql:2")) << plan.out;
  RunResult lint = run_keel({"lint", "migrations"}, folder.dir.path);
  EXPECT_TRUE(has(lint.out, "0001_rows.up.sql:2:1: error copy-from-stdin")) << lint.out;
  EXPECT_FALSE(has(lint.out, "syntax-error")) << lint.out;
  EXPECT_EQ(db.scalar("SELECT count(*) FROM t"), "0");
}

TEST_F(PlanFix14, PlanNamesTheSequencesItAdvanced) {
  PlanSetup target(
      "CREATE TABLE users (id serial PRIMARY KEY, n int); INSERT INTO users (n) VALUES (1)");
  auto& [db, folder] = target;
  folder.write("0001_seed.up.sql", "INSERT INTO users (n) VALUES (2);\n");
  folder.write("0001_seed.down.sql", "DELETE FROM users WHERE n = 2;\n");
  RunResult r = folder.keel("plan");
  EXPECT_TRUE(has(r.out, "schema unchanged: yes; sequences advanced: 1")) << r.out;
  EXPECT_TRUE(has(r.out, "public.users_id_seq (1 -> ")) << r.out;
  EXPECT_TRUE(has(r.out, "not undone by ROLLBACK")) << r.out;
  EXPECT_EQ(db.scalar("SELECT count(*) FROM users"), "1");

  RunResult quiet_folder = MigrationFolder(db.url()).keel("plan");
  EXPECT_FALSE(has(quiet_folder.out, "sequences advanced")) << quiet_folder.out;
}

TEST_F(PlanFix14, AnEmptyUpScriptIsWarnedAndRefusedUnderRequireValidated) {
  PlanSetup target("CREATE TABLE users (id int PRIMARY KEY)");
  auto& [db, folder] = target;
  folder.write("0001_todo.up.sql", "-- TODO: write this\n");
  folder.write("0001_todo.down.sql", "");
  RunResult plan = folder.keel("plan");
  EXPECT_TRUE(has(plan.out, "note: the up script has no statements")) << plan.out;
  RunResult refused = folder.keel("apply", {"--require-validated"});
  EXPECT_EQ(refused.status, 3) << refused.err;
  EXPECT_TRUE(has(refused.err, "migrations/0001_todo.up.sql has no statements")) << refused.err;
  RunResult apply = folder.keel("apply");
  EXPECT_EQ(apply.status, 0) << apply.err;
  EXPECT_TRUE(has(apply.err, "warning: migrations/0001_todo.up.sql has no statements"))
      << apply.err;
}

}  // namespace
}  // namespace keel::test
