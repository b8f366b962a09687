// rename_column through every phase: both names live while active, the physical column renamed
// at complete and back at revert, the old version's schema gone at finalize, nothing left after
// abort.
#include "integration/expand_helpers.h"

namespace keel::test {
namespace {

class ExpandRenameColumnPg : public PgTest {
 protected:
  void SetUp() override {
    PgTest::SetUp();
    x.add_sql(
        "0001", "init",
        "CREATE TABLE users (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY, "
        "name text NOT NULL DEFAULT 'anon'); INSERT INTO users (name) VALUES ('ann'), ('bob')");
    x.add_ops("0002", "rename_name", {keel::ops::RenameColumn{"users", "name", "full_name"}});
  }
  ExpandDb x;
  const std::string old_v = "public_0001_init";
  const std::string new_v = "public_0002_rename_name";
};

TEST_F(ExpandRenameColumnPg, StartServesBothNames) {
  ASSERT_OK(x.apply());
  EXPECT_EQ(x.phase("0002"), "active/SUCCESS");
  EXPECT_EQ(x.scalar_as(new_v, "SELECT string_agg(full_name, ',' ORDER BY id) FROM users"),
            "ann,bob");
  EXPECT_EQ(x.scalar_as(old_v, "SELECT string_agg(name, ',' ORDER BY id) FROM users"), "ann,bob");
  // A write through either version is seen by the other; the physical column keeps its name.
  x.as_version(new_v, "INSERT INTO users (full_name) VALUES ('cy')");
  x.as_version(old_v, "INSERT INTO users (name) VALUES ('di')");
  x.as_version(new_v, "INSERT INTO users DEFAULT VALUES");
  EXPECT_EQ(x.scalar_as(old_v, "SELECT string_agg(name, ',' ORDER BY id) FROM users"),
            "ann,bob,cy,di,anon");
  EXPECT_EQ(x.sql_value("SELECT count(*) FROM information_schema.columns WHERE table_schema = "
                        "'public' AND table_name = 'users' AND column_name = 'name'"),
            "1");
  // Nothing after an active migration applies.
  x.add_sql("0003", "later", "CREATE TABLE later (id int)");
  auto refused = x.apply();
  ASSERT_FALSE(refused.has_value());
  EXPECT_NE(refused.error().message.find("0002_rename_name is active"), std::string::npos)
      << refused.error().message;
}

TEST_F(ExpandRenameColumnPg, CompleteRenamesThePhysicalColumn) {
  ASSERT_OK(x.apply());
  ASSERT_OK(x.act(expand::Action::kComplete));
  EXPECT_EQ(x.phase("0002"), "completed/SUCCESS");
  EXPECT_EQ(x.sql_value("SELECT string_agg(full_name, ',' ORDER BY id) FROM public.users"),
            "ann,bob");
  x.as_version(old_v, "UPDATE users SET name = 'bo' WHERE name = 'bob'");
  EXPECT_EQ(x.scalar_as(new_v, "SELECT string_agg(full_name, ',' ORDER BY id) FROM users"),
            "ann,bo");
  // complete twice: refused, naming the phase.
  auto again = x.act(expand::Action::kComplete);
  ASSERT_FALSE(again.has_value());
  EXPECT_NE(again.error().message.find("is completed"), std::string::npos);
}

TEST_F(ExpandRenameColumnPg, RevertAfterCompleteLosesNoWrite) {
  ASSERT_OK(x.apply());
  ASSERT_OK(x.act(expand::Action::kComplete));
  x.as_version(new_v, "INSERT INTO users (full_name) VALUES ('new-writer')");
  ASSERT_OK(x.act(expand::Action::kRevert));
  EXPECT_EQ(x.phase("0002"), "active/SUCCESS");
  EXPECT_EQ(x.sql_value("SELECT string_agg(name, ',' ORDER BY id) FROM public.users"),
            "ann,bob,new-writer");
  EXPECT_EQ(x.scalar_as(new_v, "SELECT string_agg(full_name, ',' ORDER BY id) FROM users"),
            "ann,bob,new-writer");
}

TEST_F(ExpandRenameColumnPg, FinalizeDropsTheOldVersion) {
  ASSERT_OK(x.apply());
  auto early = x.act(expand::Action::kFinalize);
  ASSERT_FALSE(early.has_value());
  EXPECT_NE(early.error().message.find("keel complete"), std::string::npos);
  ASSERT_OK(x.act(expand::Action::kComplete));
  ASSERT_OK(x.act(expand::Action::kFinalize));
  EXPECT_EQ(x.phase("0002"), "finalized/SUCCESS");
  EXPECT_EQ(x.sql_value("SELECT count(*) FROM pg_namespace WHERE nspname = '" + old_v + "'"), "0");
  EXPECT_EQ(x.scalar_as(new_v, "SELECT string_agg(full_name, ',' ORDER BY id) FROM users"),
            "ann,bob");
  // Later migrations apply again.
  x.add_sql("0003", "later", "CREATE TABLE later (id int)");
  ASSERT_OK(x.apply());
  EXPECT_EQ(x.phase("0003"), "/SUCCESS");
}

TEST_F(ExpandRenameColumnPg, AbortRestoresTheHash) {
  const std::string before = x.hash_before_last();
  ASSERT_OK(x.apply());
  EXPECT_NE(x.db.hash(), before);
  ASSERT_OK(x.act(expand::Action::kAbort));
  EXPECT_EQ(x.phase("0002"), "aborted/ROLLED_BACK");
  EXPECT_EQ(x.db.hash(), before);
  // And it can start again.
  ASSERT_OK(x.apply());
  EXPECT_EQ(x.phase("0002"), "active/SUCCESS");
}

}  // namespace
}  // namespace keel::test
