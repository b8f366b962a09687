// alter_column (type change and rename, with up/down) through every phase: the new column built
// beside the old one and backfilled, writes from either version (or straight to the table)
// reaching the other, the names swapped at complete and back at revert without losing a write.
#include "integration/expand_helpers.h"

namespace keel::test {
namespace {

class ExpandAlterColumnPg : public PgTest {
 protected:
  void SetUp() override {
    PgTest::SetUp();
    x.add_sql("0001", "init",
              "CREATE TABLE items (id int PRIMARY KEY, price text NOT NULL DEFAULT '0'); "
              "INSERT INTO items VALUES (1, '1'), (2, '2.5')");
    keel::ops::AlterColumn op;
    op.table = "items";
    op.column = "price";
    op.name = "amount";
    op.type = "numeric";
    op.up = "CAST(price AS numeric)";
    op.down = "CAST(amount AS text)";
    x.add_ops("0002", "price_numeric", {op});
  }
  std::string old_rows() {
    return x.scalar_as(old_v, "SELECT string_agg(id || '=' || price, ',' ORDER BY id) FROM items");
  }
  std::string new_rows() {
    return x.scalar_as(new_v, "SELECT string_agg(id || '=' || amount, ',' ORDER BY id) FROM items");
  }
  ExpandDb x;
  const std::string old_v = "public_0001_init";
  const std::string new_v = "public_0002_price_numeric";
};

TEST_F(ExpandAlterColumnPg, StartBackfillsAndSyncsBothWays) {
  ASSERT_OK(x.apply());
  EXPECT_EQ(new_rows(), "1=1,2=2.5");
  EXPECT_EQ(x.scalar_as(new_v, "SELECT pg_typeof(amount)::text FROM items LIMIT 1"), "numeric");
  x.as_version(old_v, "INSERT INTO items (id, price) VALUES (3, '7')");
  x.as_version(new_v, "INSERT INTO items (id, amount) VALUES (4, 8.25)");
  // A client with no version schema writes the physical table (the old shape while active).
  x.sql("INSERT INTO public.items (id, price) VALUES (5, '9')");
  x.as_version(old_v, "UPDATE items SET price = '1.5' WHERE id = 1");
  x.as_version(new_v, "UPDATE items SET amount = 2.75 WHERE id = 2");
  // Both versions in one transaction.
  x.sql("BEGIN; INSERT INTO " + old_v + ".items (id, price) VALUES (6, '6'); UPDATE " + new_v +
        ".items SET amount = 60 WHERE id = 6; COMMIT");
  EXPECT_EQ(old_rows(), "1=1.5,2=2.75,3=7,4=8.25,5=9,6=60");
  EXPECT_EQ(new_rows(), "1=1.5,2=2.75,3=7,4=8.25,5=9,6=60");
  // An old writer omitting the column gets the old default, and the new column follows it.
  x.as_version(old_v, "INSERT INTO items (id) VALUES (7)");
  EXPECT_EQ(x.scalar_as(new_v, "SELECT amount FROM items WHERE id = 7"), "0");
}

TEST_F(ExpandAlterColumnPg, CompleteSwapsTheNamesAndKeepsSyncing) {
  ASSERT_OK(x.apply());
  ASSERT_OK(x.act(expand::Action::kComplete));
  EXPECT_EQ(x.sql_value("SELECT format_type(atttypid, atttypmod) FROM pg_attribute WHERE "
                        "attrelid = 'public.items'::regclass AND attname = 'amount'"),
            "numeric");
  x.sql("INSERT INTO public.items (id, amount) VALUES (3, 3.5)");  // a new client, no schema
  x.as_version(old_v, "INSERT INTO items (id, price) VALUES (4, '4')");
  x.as_version(old_v, "INSERT INTO items (id) VALUES (5)");  // the old default still applies
  x.as_version(new_v, "UPDATE items SET amount = 10 WHERE id = 1");
  EXPECT_EQ(old_rows(), "1=10,2=2.5,3=3.5,4=4,5=0");
  EXPECT_EQ(new_rows(), "1=10,2=2.5,3=3.5,4=4,5=0");
}

TEST_F(ExpandAlterColumnPg, RevertAfterCompleteLosesNoWrite) {
  ASSERT_OK(x.apply());
  ASSERT_OK(x.act(expand::Action::kComplete));
  x.as_version(new_v, "INSERT INTO items (id, amount) VALUES (3, 3.25)");
  x.as_version(old_v, "INSERT INTO items (id, price) VALUES (4, '4')");
  ASSERT_OK(x.act(expand::Action::kRevert));
  EXPECT_EQ(x.sql_value("SELECT string_agg(id || '=' || price, ',' ORDER BY id) FROM public.items"),
            "1=1,2=2.5,3=3.25,4=4");
  EXPECT_EQ(new_rows(), "1=1,2=2.5,3=3.25,4=4");
  EXPECT_EQ(x.sql_value("SELECT pg_get_expr(adbin, adrelid) FROM pg_attrdef d JOIN pg_attribute a "
                        "ON a.attrelid = d.adrelid AND a.attnum = d.adnum WHERE d.adrelid = "
                        "'public.items'::regclass AND a.attname = 'price'"),
            "'0'::text");
  // Completed again after the revert, and finalized.
  ASSERT_OK(x.act(expand::Action::kComplete));
  ASSERT_OK(x.act(expand::Action::kFinalize));
  EXPECT_EQ(x.sql_value("SELECT string_agg(attname, ',' ORDER BY attnum) FROM pg_attribute WHERE "
                        "attrelid = 'public.items'::regclass AND attnum > 0 AND NOT attisdropped"),
            "id,amount");
  EXPECT_EQ(new_rows(), "1=1,2=2.5,3=3.25,4=4");
}

TEST_F(ExpandAlterColumnPg, AbortRestoresTheHash) {
  const std::string before = x.hash_before_last();
  ASSERT_OK(x.apply());
  x.as_version(new_v, "INSERT INTO items (id, amount) VALUES (3, 3)");
  ASSERT_OK(x.act(expand::Action::kAbort));
  EXPECT_EQ(x.db.hash(), before);
  EXPECT_EQ(x.sql_value("SELECT string_agg(id || '=' || price, ',' ORDER BY id) FROM public.items"),
            "1=1,2=2.5,3=3");
}

TEST_F(ExpandAlterColumnPg, AFailedStartIsUndone) {
  const std::string before = x.hash_before_last();
  x.sql("INSERT INTO items VALUES (3, 'not a number')");  // rows: the schema hash stays
  auto failed = x.apply();
  ASSERT_FALSE(failed.has_value());
  EXPECT_NE(failed.error().message.find("alter_column"), std::string::npos)
      << failed.error().message;
  EXPECT_NE(failed.error().message.find("undone"), std::string::npos) << failed.error().message;
  EXPECT_EQ(x.phase("0002"), "aborted/FAILED");
  EXPECT_EQ(x.db.hash(), before);
}

// A change of only the default and the comment rebuilds nothing: each version's writers get
// their version's default in every phase, and revert puts the old default and comment back.
class ExpandAlterColumnInPlacePg : public PgTest {};

TEST_F(ExpandAlterColumnInPlacePg, DefaultAndCommentFollowTheVersionsWithoutARebuild) {
  ExpandDb x;
  x.add_sql("0001", "init",
            "CREATE TABLE items (id int PRIMARY KEY, status text NOT NULL DEFAULT 'new'); "
            "COMMENT ON COLUMN items.status IS 'old comment'");
  keel::ops::AlterColumn op;
  op.table = "items";
  op.column = "status";
  op.default_value = std::optional<std::string>("'draft'");
  op.comment = std::optional<std::string>("new comment");
  x.add_ops("0002", "status_default", {op});
  const std::string old_v = "public_0001_init", new_v = "public_0002_status_default";
  auto physical = [&](const std::string& what) {
    return x.sql_value("SELECT " + what +
                       " FROM pg_attribute a LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid "
                       "AND d.adnum = a.attnum WHERE a.attrelid = 'public.items'::regclass AND "
                       "a.attname = 'status'");
  };
  const std::string def = "pg_get_expr(d.adbin, d.adrelid)";
  const std::string comment = "col_description(a.attrelid, a.attnum)";
  auto statuses = [&] {
    return x.sql_value("SELECT string_agg(id || '=' || status, ',' ORDER BY id) FROM public.items");
  };

  ASSERT_OK(x.apply());
  EXPECT_EQ(physical("count(*)"), "1");  // no second column
  x.as_version(old_v, "INSERT INTO items (id) VALUES (1)");
  x.as_version(new_v, "INSERT INTO items (id) VALUES (2)");
  EXPECT_EQ(statuses(), "1=new,2=draft");
  EXPECT_EQ(physical(comment), "old comment");

  ASSERT_OK(x.act(expand::Action::kComplete));
  EXPECT_EQ(physical(def), "'draft'::text");
  EXPECT_EQ(physical(comment), "new comment");
  x.as_version(old_v, "INSERT INTO items (id) VALUES (3)");
  x.sql("INSERT INTO public.items (id) VALUES (4)");
  EXPECT_EQ(statuses(), "1=new,2=draft,3=new,4=draft");

  ASSERT_OK(x.act(expand::Action::kRevert));
  EXPECT_EQ(physical(def), "'new'::text");
  EXPECT_EQ(physical(comment), "old comment");
  x.as_version(new_v, "INSERT INTO items (id) VALUES (5)");
  EXPECT_EQ(statuses(), "1=new,2=draft,3=new,4=draft,5=draft");

  ASSERT_OK(x.act(expand::Action::kComplete));
  ASSERT_OK(x.act(expand::Action::kFinalize));
  EXPECT_EQ(physical(def), "'draft'::text");
  EXPECT_EQ(physical(comment), "new comment");
}

TEST_F(ExpandAlterColumnInPlacePg, AbortRestoresTheHash) {
  ExpandDb x;
  x.add_sql("0001", "init", "CREATE TABLE items (id int PRIMARY KEY, status text DEFAULT 'new')");
  keel::ops::AlterColumn op;
  op.table = "items";
  op.column = "status";
  op.default_value = std::optional<std::string>();  // drop the default
  op.comment = std::optional<std::string>("c");
  x.add_ops("0002", "drop_default", {op});
  const std::string before = x.hash_before_last();
  ASSERT_OK(x.apply());
  x.as_version("public_0002_drop_default", "INSERT INTO items (id) VALUES (1)");
  EXPECT_EQ(x.sql_value("SELECT coalesce(status, 'null') FROM public.items WHERE id = 1"), "null");
  ASSERT_OK(x.act(expand::Action::kAbort));
  EXPECT_EQ(x.db.hash(), before);
}

// A type change keeps the old default when it converts by assignment, as ALTER COLUMN TYPE does
// (a NOT NULL counter with DEFAULT 0 stays insertable without it), in the new version's view
// while active and on the column after finalize.
class ExpandAlterColumnTypeDefaultPg : public PgTest {};

TEST_F(ExpandAlterColumnTypeDefaultPg, ConvertibleDefaultIsKeptAcrossTheTypeChange) {
  ExpandDb x;
  x.add_sql("0001", "init",
            "CREATE TABLE t (id int PRIMARY KEY, counter int NOT NULL DEFAULT 0, "
            "label text DEFAULT 'x'); INSERT INTO t VALUES (1, 5, 'a')");
  keel::ops::AlterColumn counter;
  counter.table = "t";
  counter.column = "counter";
  counter.type = "bigint";
  counter.up = "counter::bigint";
  counter.down = "counter::int";
  keel::ops::AlterColumn label;  // text -> int: '…'::text does not convert by assignment
  label.table = "t";
  label.column = "label";
  label.type = "int";
  label.up = "length(label)";
  label.down = "label::text";
  x.add_ops("0002", "widen", {counter, label});
  ASSERT_OK(x.apply());
  // The new label has no default; the row's NULL reads as "not written", so `up` fills it from
  // the old column's default 'x' (docs/expand_contract.md, Dual writes).
  x.as_version("public_0002_widen", "INSERT INTO t (id) VALUES (2)");
  EXPECT_EQ(x.scalar_as("public_0002_widen",
                        "SELECT counter || '/' || coalesce(label, -1) "
                        "FROM t WHERE id = 2"),
            "0/1");
  ASSERT_OK(x.act(expand::Action::kComplete));
  ASSERT_OK(x.act(expand::Action::kFinalize));
  x.sql("INSERT INTO t (id) VALUES (3)");
  EXPECT_EQ(x.sql_value("SELECT counter || '/' || pg_typeof(counter) FROM t WHERE id = 3"),
            "0/bigint");
  EXPECT_EQ(x.sql_value("SELECT count(*) FROM pg_attrdef WHERE adrelid = 't'::regclass"), "1");
}

}  // namespace
}  // namespace keel::test
