// drop_column (with `down`) through every phase: gone from the new version at once, filled by
// `down` for rows new writers write, hidden at complete, back at revert, dropped at finalize.
#include "integration/expand_helpers.h"

namespace keel::test {
namespace {

class ExpandDropColumnPg : public PgTest {
 protected:
  void SetUp() override {
    PgTest::SetUp();
    x.add_sql("0001", "init",
              "CREATE TABLE users (id int PRIMARY KEY, nick text NOT NULL); "
              "INSERT INTO users VALUES (1, 'a')");
    x.add_ops("0002", "drop_nick",
              {keel::ops::DropColumn{"users", "nick", std::string("'user' || id")}});
  }
  ExpandDb x;
  const std::string old_v = "public_0001_init";
  const std::string new_v = "public_0002_drop_nick";
};

TEST_F(ExpandDropColumnPg, NewWritersRowsGetDown) {
  ASSERT_OK(x.apply());
  EXPECT_EQ(x.scalar_as(new_v,
                        "SELECT count(*) FROM information_schema.columns WHERE "
                        "table_schema = 'public_0002_drop_nick' AND table_name = 'users'"),
            "1");
  x.as_version(new_v, "INSERT INTO users VALUES (2)");
  EXPECT_EQ(x.scalar_as(old_v, "SELECT string_agg(id || '=' || nick, ',' ORDER BY id) FROM users"),
            "1=a,2=user2");
  ASSERT_OK(x.act(expand::Action::kComplete));
  x.sql("INSERT INTO public.users VALUES (3)");  // the physical table has the new shape now
  EXPECT_EQ(x.scalar_as(old_v, "SELECT string_agg(id || '=' || nick, ',' ORDER BY id) FROM users"),
            "1=a,2=user2,3=user3");
  ASSERT_OK(x.act(expand::Action::kRevert));
  EXPECT_EQ(x.sql_value("SELECT string_agg(id || '=' || nick, ',' ORDER BY id) FROM public.users"),
            "1=a,2=user2,3=user3");
  ASSERT_OK(x.act(expand::Action::kComplete));
  ASSERT_OK(x.act(expand::Action::kFinalize));
  EXPECT_EQ(x.sql_value("SELECT string_agg(attname, ',') FROM pg_attribute WHERE attrelid = "
                        "'public.users'::regclass AND attnum > 0 AND NOT attisdropped"),
            "id");
}

TEST_F(ExpandDropColumnPg, AbortRestoresTheHash) {
  const std::string before = x.hash_before_last();
  ASSERT_OK(x.apply());
  ASSERT_OK(x.act(expand::Action::kAbort));
  EXPECT_EQ(x.db.hash(), before);
}

}  // namespace
}  // namespace keel::test
