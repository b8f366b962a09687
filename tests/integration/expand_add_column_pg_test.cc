// add_column (NOT NULL, filled by `up`) through every phase: hidden from the old version, filled
// for existing rows and for rows old writers write, a validated CHECK turned into NOT NULL at
// complete, hidden again at revert, dropped at abort.
#include "integration/expand_helpers.h"

namespace keel::test {
namespace {

class ExpandAddColumnPg : public PgTest {
 protected:
  void SetUp() override {
    PgTest::SetUp();
    x.add_sql("0001", "init",
              "CREATE TABLE users (id int PRIMARY KEY, email text); "
              "INSERT INTO users VALUES (1, 'A@x.org'), (2, NULL)");
    keel::ops::AddColumn op;
    op.table = "users";
    op.column.name = "email_lower";
    op.column.type = "text";
    op.column.nullable = false;
    op.column.default_value = "'none'";
    op.up = "coalesce(lower(email), 'none')";
    x.add_ops("0002", "add_email_lower", {op});
  }
  std::string new_rows() {
    return x.scalar_as(new_v,
                       "SELECT string_agg(id || '=' || email_lower, ',' ORDER BY id) FROM users");
  }
  ExpandDb x;
  const std::string old_v = "public_0001_init";
  const std::string new_v = "public_0002_add_email_lower";
};

TEST_F(ExpandAddColumnPg, StartFillsExistingRowsAndOldWriters) {
  ASSERT_OK(x.apply());
  EXPECT_EQ(new_rows(), "1=a@x.org,2=none");
  x.as_version(old_v, "INSERT INTO users VALUES (3, 'C@x.org')");
  x.as_version(new_v, "INSERT INTO users (id, email) VALUES (4, 'd@x.org')");  // view default
  x.as_version(new_v, "INSERT INTO users (id, email, email_lower) VALUES (5, 'E', 'mine')");
  EXPECT_EQ(new_rows(), "1=a@x.org,2=none,3=c@x.org,4=none,5=mine");
  // The old version does not see the column.
  EXPECT_EQ(x.scalar_as(old_v,
                        "SELECT count(*) FROM information_schema.columns WHERE "
                        "table_schema = 'public_0001_init' AND table_name = 'users'"),
            "2");
  // The NOT NULL rule holds while active: a CHECK validated after the backfill.
  EXPECT_EQ(x.sql_value("SELECT bool_and(convalidated) FROM pg_constraint WHERE conrelid = "
                        "'public.users'::regclass AND contype = 'c'"),
            "t");
}

TEST_F(ExpandAddColumnPg, CompleteMakesItNotNullAndRevertHidesItAgain) {
  ASSERT_OK(x.apply());
  ASSERT_OK(x.act(expand::Action::kComplete));
  EXPECT_EQ(x.sql_value("SELECT attnotnull FROM pg_attribute WHERE attrelid = "
                        "'public.users'::regclass AND attname = 'email_lower'"),
            "t");
  // Until finalize the default lives on the new version's view: rows written to the table
  // without the column (by old writers above all) are filled by `up`.
  x.sql("INSERT INTO public.users (id, email) VALUES (3, 'X')");
  x.as_version(old_v, "INSERT INTO users VALUES (4, 'Q')");
  x.as_version(new_v, "INSERT INTO users (id) VALUES (6)");
  EXPECT_EQ(new_rows(), "1=a@x.org,2=none,3=x,4=q,6=none");
  ASSERT_OK(x.act(expand::Action::kRevert));
  x.as_version(old_v, "INSERT INTO users VALUES (5, 'R')");
  EXPECT_EQ(new_rows(), "1=a@x.org,2=none,3=x,4=q,5=r,6=none");
  ASSERT_OK(x.act(expand::Action::kComplete));
  ASSERT_OK(x.act(expand::Action::kFinalize));
  x.sql("INSERT INTO public.users (id) VALUES (7)");  // the default is physical now
  EXPECT_EQ(x.sql_value("SELECT string_agg(id || '=' || email_lower, ',' ORDER BY id) FROM "
                        "public.users"),
            "1=a@x.org,2=none,3=x,4=q,5=r,6=none,7=none");
}

TEST_F(ExpandAddColumnPg, AbortRestoresTheHash) {
  const std::string before = x.hash_before_last();
  ASSERT_OK(x.apply());
  ASSERT_OK(x.act(expand::Action::kAbort));
  EXPECT_EQ(x.db.hash(), before);
}

}  // namespace
}  // namespace keel::test
