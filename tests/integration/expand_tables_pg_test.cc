// create_table, drop_table, rename_table, create_index, drop_index and sql through every phase:
// what each version sees after start, complete, revert and finalize, and abort restoring the
// schema hash. (The other operations have their own files; tests/ops_corpus/ runs all of them
// in one chain through the binary: expand_corpus_pg_test.cc.)
#include "integration/expand_helpers.h"

namespace keel::test {
namespace {

class ExpandTablesPg : public PgTest {
 protected:
  void SetUp() override {
    PgTest::SetUp();
    x.add_sql("0001", "init",
              "CREATE TABLE teams (id int PRIMARY KEY, name text); "
              "CREATE TABLE legacy (id int PRIMARY KEY); CREATE INDEX legacy_id ON legacy (id); "
              "INSERT INTO teams VALUES (1, 'a'); INSERT INTO legacy VALUES (1)");
    keel::ops::CreateTable create;
    create.name = "projects";
    create.columns = {keel::ops::Column{.name = "id", .type = "serial", .pk = true},
                      keel::ops::Column{.name = "title", .type = "text"}};
    keel::ops::CreateIndex index;
    index.name = "teams_name_idx";
    index.table = "teams";
    index.columns = {"name"};
    keel::ops::RawSql sql;
    sql.up = "CREATE VIEW team_names AS SELECT name FROM teams";
    sql.down = "DROP VIEW IF EXISTS team_names";
    keel::ops::RawSql on_complete;
    // After rename_table's complete, before its revert (revert goes last operation first).
    on_complete.up = "COMMENT ON TABLE groups IS 'v2'";
    on_complete.down = "COMMENT ON TABLE groups IS NULL";
    on_complete.on_complete = true;
    x.add_ops("0002", "tables",
              {create, keel::ops::RenameTable{"teams", "groups"}, keel::ops::DropTable{"legacy"},
               index, keel::ops::DropIndex{"legacy_id"}, sql, on_complete});
  }
  std::string relations(const std::string& schema) {
    return x.sql_value(
        "SELECT string_agg(relname, ',' ORDER BY relname) FROM pg_class WHERE "
        "relnamespace = '" +
        schema + "'::regnamespace");
  }
  std::string comment() { return x.sql_value("SELECT obj_description('public.teams'::regclass)"); }
  ExpandDb x;
  const std::string old_v = "public_0001_init";
  const std::string new_v = "public_0002_tables";
};

TEST_F(ExpandTablesPg, EachVersionSeesItsTablesThroughEveryPhase) {
  ASSERT_OK(x.apply());
  // Start: the new table and index exist, the view the sql made too; the rename and the drop
  // are only in the new version's views; the onComplete sql has not run.
  EXPECT_EQ(relations(old_v), "legacy,teams");
  EXPECT_EQ(relations(new_v), "groups,projects");
  EXPECT_EQ(relations("public"),
            "legacy,legacy_id,legacy_pkey,projects,projects_id_seq,projects_pkey,team_names,"
            "teams,teams_name_idx,teams_pkey");
  EXPECT_EQ(x.sql_value("SELECT indisvalid FROM pg_index WHERE indexrelid = "
                        "'public.teams_name_idx'::regclass"),
            "t");
  EXPECT_EQ(comment(), "");
  x.as_version(new_v,
               "INSERT INTO groups VALUES (2, 'b'); INSERT INTO projects (title) VALUES "
               "('p')");
  x.as_version(old_v, "INSERT INTO teams VALUES (3, 'c'); INSERT INTO legacy VALUES (2)");
  EXPECT_EQ(x.scalar_as(new_v, "SELECT string_agg(name, ',' ORDER BY id) FROM groups"), "a,b,c");

  // Complete: the table is renamed, the onComplete sql ran; the old version still works.
  ASSERT_OK(x.act(expand::Action::kComplete));
  EXPECT_EQ(x.sql_value("SELECT to_regclass('public.groups') IS NOT NULL"), "t");
  EXPECT_EQ(x.sql_value("SELECT obj_description('public.groups'::regclass)"), "v2");
  x.as_version(old_v, "INSERT INTO teams VALUES (4, 'd'); INSERT INTO legacy VALUES (3)");

  // Revert: the old name and no comment again; nothing written is lost.
  ASSERT_OK(x.act(expand::Action::kRevert));
  EXPECT_EQ(x.sql_value("SELECT to_regclass('public.teams') IS NOT NULL"), "t");
  EXPECT_EQ(comment(), "");
  EXPECT_EQ(x.scalar_as(old_v, "SELECT string_agg(name, ',' ORDER BY id) FROM teams"), "a,b,c,d");

  // Finalize: the dropped table and index are gone, the old version's schema too.
  ASSERT_OK(x.act(expand::Action::kComplete));
  ASSERT_OK(x.act(expand::Action::kFinalize));
  EXPECT_EQ(relations("public"),
            "groups,projects,projects_id_seq,projects_pkey,team_names,teams_name_idx,teams_pkey");
  EXPECT_EQ(x.sql_value("SELECT count(*) FROM pg_namespace WHERE nspname = '" + old_v + "'"), "0");
  EXPECT_EQ(x.scalar_as(new_v, "SELECT string_agg(name, ',' ORDER BY id) FROM groups"), "a,b,c,d");
  EXPECT_EQ(x.scalar_as(new_v, "SELECT count(*) FROM projects"), "1");
}

TEST_F(ExpandTablesPg, AbortRestoresTheHash) {
  const std::string before = x.hash_before_last();
  ASSERT_OK(x.apply());
  x.as_version(new_v, "INSERT INTO projects (title) VALUES ('p')");
  ASSERT_OK(x.act(expand::Action::kAbort));
  EXPECT_EQ(x.db.hash(), before);
  EXPECT_EQ(relations("public"), "legacy,legacy_id,legacy_pkey,teams,teams_pkey");
}

}  // namespace
}  // namespace keel::test
