// The constraint operations through every phase: create_constraint (check, unique, foreign
// key), drop_constraint, drop_multicolumn_constraint, rename_constraint, set_replica_identity.
// Each chain test goes start -> complete -> revert -> complete -> finalize and checks, after each
// phase, what both versions see and which writes the constraint holds to; each abort test
// checks the schema hash is the one before start.
#include "integration/expand_helpers.h"

namespace keel::test {
namespace {

using keel::ops::CreateConstraint;

std::string rows(ExpandDb& x, const std::string& schema, const std::string& column,
                 const std::string& table = "users") {
  return x.scalar_as(schema, "SELECT string_agg(id || '=' || coalesce(" + column +
                                 "::text, 'null'), ',' ORDER BY id) FROM " + table);
}

bool writes(ExpandDb& x, const std::string& schema, const std::string& statement) {
  try {
    x.as_version(schema, statement);
    return true;
  } catch (const std::exception&) {
    return false;
  }
}

std::string constraint(ExpandDb& x, const std::string& name) {
  return x.sql_value(
      "SELECT contype::text || ':' || left(convalidated::text, 1) || ':' || "
      "pg_get_constraintdef(oid) FROM "
      "pg_constraint WHERE conname = '" +
      name + "'");
}

class ExpandCheckConstraintPg : public PgTest {
 protected:
  void SetUp() override {
    PgTest::SetUp();
    x.add_sql("0001", "init",
              "CREATE TABLE users (id int PRIMARY KEY, age int NOT NULL DEFAULT 18); "
              "INSERT INTO users VALUES (1, -5), (2, 30)");
    CreateConstraint op;
    op.table = "users";
    op.name = "users_age_positive";
    op.type = CreateConstraint::Type::kCheck;
    op.columns = {"age"};
    op.check = "age >= 0";
    op.up = {{"age", "GREATEST(age, 0)"}};
    op.down = {{"age", "age"}};
    x.add_ops("0002", "age_check", {op});
  }
  ExpandDb x;
  const std::string old_v = "public_0001_init";
  const std::string new_v = "public_0002_age_check";
};

TEST_F(ExpandCheckConstraintPg, NewWritersAreHeldToItFromStartOldOnesNeverAndNoWriteIsLost) {
  ASSERT_OK(x.apply());
  EXPECT_EQ(rows(x, old_v, "age"), "1=-5,2=30");
  EXPECT_EQ(rows(x, new_v, "age"), "1=0,2=30");
  EXPECT_TRUE(constraint(x, "users_age_positive").starts_with("c:t:CHECK"));
  EXPECT_FALSE(writes(x, new_v, "INSERT INTO users (id, age) VALUES (3, -1)"));
  EXPECT_TRUE(writes(x, new_v, "INSERT INTO users (id, age) VALUES (3, 3)"));
  EXPECT_TRUE(writes(x, old_v, "INSERT INTO users (id, age) VALUES (4, -4)"));
  EXPECT_TRUE(writes(x, old_v, "INSERT INTO users (id) VALUES (5)"));  // the default
  EXPECT_EQ(rows(x, old_v, "age"), "1=-5,2=30,3=3,4=-4,5=18");
  EXPECT_EQ(rows(x, new_v, "age"), "1=0,2=30,3=3,4=0,5=18");

  ASSERT_OK(x.act(expand::Action::kComplete));
  EXPECT_EQ(rows(x, "public", "age"), "1=0,2=30,3=3,4=0,5=18");
  EXPECT_FALSE(writes(x, "public", "INSERT INTO users (id, age) VALUES (6, -6)"));
  EXPECT_TRUE(writes(x, old_v, "INSERT INTO users (id, age) VALUES (6, -6)"));
  EXPECT_TRUE(writes(x, new_v, "INSERT INTO users (id) VALUES (7)"));
  EXPECT_EQ(rows(x, old_v, "age"), "1=-5,2=30,3=3,4=-4,5=18,6=-6,7=18");

  ASSERT_OK(x.act(expand::Action::kRevert));
  EXPECT_EQ(rows(x, "public", "age"), "1=-5,2=30,3=3,4=-4,5=18,6=-6,7=18");
  EXPECT_EQ(rows(x, new_v, "age"), "1=0,2=30,3=3,4=0,5=18,6=0,7=18");
  EXPECT_TRUE(writes(x, "public", "INSERT INTO users (id, age) VALUES (8, -8)"));

  ASSERT_OK(x.act(expand::Action::kComplete));
  ASSERT_OK(x.act(expand::Action::kFinalize));
  EXPECT_EQ(rows(x, "public", "age"), "1=0,2=30,3=3,4=0,5=18,6=0,7=18,8=0");
  EXPECT_EQ(constraint(x, "users_age_positive"), "c:t:CHECK ((age >= 0))");
  EXPECT_EQ(x.sql_value("SELECT string_agg(attname, ',' ORDER BY attnum) FROM pg_attribute WHERE "
                        "attrelid = 'public.users'::regclass AND attnum > 0 AND NOT attisdropped"),
            "id,age");
  EXPECT_EQ(x.sql_value("SELECT attnotnull FROM pg_attribute WHERE attrelid = "
                        "'public.users'::regclass AND attname = 'age'"),
            "t");
}

TEST_F(ExpandCheckConstraintPg, AbortRestoresTheHash) {
  const std::string before = x.hash_before_last();
  ASSERT_OK(x.apply());
  x.as_version(new_v, "INSERT INTO users (id, age) VALUES (3, 3)");
  ASSERT_OK(x.act(expand::Action::kAbort));
  EXPECT_EQ(x.db.hash(), before);
  EXPECT_EQ(rows(x, "public", "age"), "1=-5,2=30,3=3");
  EXPECT_EQ(constraint(x, "users_age_positive"), "");
}

class ExpandUniqueAndForeignKeyPg : public PgTest {
 protected:
  void SetUp() override {
    PgTest::SetUp();
    x.add_sql("0001", "init",
              "CREATE TABLE users (id int PRIMARY KEY); INSERT INTO users VALUES (1), (2); "
              "CREATE TABLE posts (id int PRIMARY KEY, author_id int, title text NOT NULL, "
              "slug text); INSERT INTO posts VALUES (1, 1, 'a', NULL), (2, 99, 'a', NULL), "
              "(3, 2, 'b', 'x')");
    CreateConstraint unique;
    unique.table = "posts";
    unique.name = "posts_title_slug_key";
    unique.type = CreateConstraint::Type::kUnique;
    unique.columns = {"title", "slug"};
    unique.up = {{"slug", "COALESCE(slug, id::text)"}};
    unique.down = {{"slug", "slug"}};
    CreateConstraint fk;
    fk.table = "posts";
    fk.name = "posts_author_fk";
    fk.type = CreateConstraint::Type::kForeignKey;
    fk.columns = {"author_id"};
    fk.references = CreateConstraint::References{"users", {"id"}, "CASCADE"};
    fk.up = {{"author_id", "CASE WHEN author_id IN (SELECT id FROM users) THEN author_id END"}};
    x.add_ops("0002", "post_keys", {unique, fk});
  }
  ExpandDb x;
  const std::string old_v = "public_0001_init";
  const std::string new_v = "public_0002_post_keys";
};

TEST_F(ExpandUniqueAndForeignKeyPg, BothHoldForNewWritersAndBecomeConstraintsAtFinalize) {
  ASSERT_OK(x.apply());
  EXPECT_EQ(rows(x, new_v, "slug", "posts"), "1=1,2=2,3=x");
  EXPECT_EQ(rows(x, new_v, "author_id", "posts"), "1=1,2=null,3=2");
  EXPECT_EQ(rows(x, old_v, "author_id", "posts"), "1=1,2=99,3=2");
  EXPECT_EQ(x.sql_value("SELECT indisvalid AND indisunique FROM pg_index WHERE indexrelid = "
                        "'public.posts_title_slug_key'::regclass"),
            "t");
  EXPECT_TRUE(constraint(x, "posts_author_fk").starts_with("f:t:FOREIGN KEY"));
  EXPECT_FALSE(writes(x, new_v, "INSERT INTO posts (id, title, slug) VALUES (4, 'b', 'x')"));
  EXPECT_FALSE(writes(x, new_v, "INSERT INTO posts (id, author_id, title) VALUES (4, 42, 'c')"));
  EXPECT_TRUE(writes(x, old_v, "INSERT INTO posts (id, author_id, title) VALUES (4, 42, 'a')"));
  EXPECT_EQ(x.scalar_as(new_v,
                        "SELECT coalesce(author_id::text, 'null') || slug FROM posts "
                        "WHERE id = 4"),
            "null4");

  ASSERT_OK(x.act(expand::Action::kComplete));
  EXPECT_FALSE(writes(x, "public", "INSERT INTO posts (id, title, slug) VALUES (5, 'b', 'x')"));
  // After complete an old writer's NULL in a nullable column cannot be told from a new
  // writer's (docs/expand_contract.md): this one writes a value.
  EXPECT_TRUE(
      writes(x, old_v, "INSERT INTO posts (id, author_id, title, slug) VALUES (5, 1, 'e', 'e')"));
  ASSERT_OK(x.act(expand::Action::kRevert));
  EXPECT_EQ(rows(x, "public", "author_id", "posts"), "1=1,2=99,3=2,4=42,5=1");
  ASSERT_OK(x.act(expand::Action::kComplete));
  ASSERT_OK(x.act(expand::Action::kFinalize));
  EXPECT_EQ(constraint(x, "posts_title_slug_key"), "u:t:UNIQUE (title, slug)");
  EXPECT_EQ(constraint(x, "posts_author_fk"),
            "f:t:FOREIGN KEY (author_id) REFERENCES users(id) ON DELETE CASCADE");
  EXPECT_EQ(rows(x, "public", "slug", "posts"), "1=1,2=2,3=x,4=4,5=e");
  x.sql("DELETE FROM users WHERE id = 1");  // ON DELETE CASCADE holds
  EXPECT_EQ(rows(x, "public", "author_id", "posts"), "2=null,3=2,4=null");
}

TEST_F(ExpandUniqueAndForeignKeyPg, AbortRestoresTheHash) {
  const std::string before = x.hash_before_last();
  ASSERT_OK(x.apply());
  ASSERT_OK(x.act(expand::Action::kAbort));
  EXPECT_EQ(x.db.hash(), before);
  EXPECT_EQ(x.sql_value("SELECT count(*) FROM pg_class WHERE relname = 'posts_title_slug_key'"),
            "0");
}

TEST_F(ExpandUniqueAndForeignKeyPg, AStartWhoseUpBreaksTheConstraintIsUndone) {
  x.files.pop_back();
  CreateConstraint unique;
  unique.table = "posts";
  unique.name = "posts_title_key";
  unique.type = CreateConstraint::Type::kUnique;
  unique.columns = {"title"};  // 'a' twice, and `up` keeps it
  x.add_ops("0002", "title_key", {unique});
  const std::string before = x.hash_before_last();
  auto failed = x.apply();
  ASSERT_FALSE(failed.has_value());
  EXPECT_NE(failed.error().message.find("create_constraint"), std::string::npos)
      << failed.error().message;
  EXPECT_NE(failed.error().message.find("CREATE UNIQUE INDEX CONCURRENTLY"), std::string::npos)
      << failed.error().message;
  EXPECT_EQ(x.phase("0002"), "aborted/FAILED");
  EXPECT_EQ(x.db.hash(), before);
}

class ExpandDropConstraintPg : public PgTest {
 protected:
  void SetUp() override {
    PgTest::SetUp();
    x.add_sql("0001", "init",
              "CREATE TABLE users (id int PRIMARY KEY, age int CONSTRAINT users_age_positive "
              "CHECK (age >= 0), title text, slug text, CONSTRAINT users_title_slug_key UNIQUE "
              "(title, slug)); INSERT INTO users VALUES (1, 5, 'a', 'a'), (2, 30, 'b', 'b')");
    x.add_ops(
        "0002", "drop_checks",
        {keel::ops::DropConstraint{"users", "users_age_positive", std::nullopt, "GREATEST(age, 0)"},
         keel::ops::DropMultiColumnConstraint{
             "users",
             "users_title_slug_key",
             {},
             {{"title", "title"}, {"slug", "slug || '#' || id"}}}});
  }
  ExpandDb x;
  const std::string old_v = "public_0001_init";
  const std::string new_v = "public_0002_drop_checks";
};

TEST_F(ExpandDropConstraintPg, NewWritersAreFreeOldColumnsKeepTheConstraintUntilFinalize) {
  ASSERT_OK(x.apply());
  EXPECT_TRUE(
      writes(x, new_v, "INSERT INTO users (id, age, title, slug) VALUES (3, -3, 'a', 'a')"));
  EXPECT_EQ(rows(x, new_v, "age"), "1=5,2=30,3=-3");
  EXPECT_EQ(rows(x, old_v, "age"), "1=5,2=30,3=0");
  EXPECT_EQ(rows(x, old_v, "slug"), "1=a,2=b,3=a#3");
  EXPECT_FALSE(writes(x, old_v, "INSERT INTO users (id, age) VALUES (4, -4)"));

  ASSERT_OK(x.act(expand::Action::kComplete));
  EXPECT_TRUE(writes(x, "public",
                     "INSERT INTO users (id, age, title, slug) VALUES (4, -4, 'b', "
                     "'b')"));
  EXPECT_EQ(rows(x, old_v, "age"), "1=5,2=30,3=0,4=0");
  ASSERT_OK(x.act(expand::Action::kRevert));
  EXPECT_EQ(rows(x, "public", "age"), "1=5,2=30,3=0,4=0");
  EXPECT_EQ(rows(x, new_v, "age"), "1=5,2=30,3=-3,4=-4");
  ASSERT_OK(x.act(expand::Action::kComplete));
  ASSERT_OK(x.act(expand::Action::kFinalize));
  EXPECT_EQ(constraint(x, "users_age_positive"), "");
  EXPECT_EQ(constraint(x, "users_title_slug_key"), "");
  EXPECT_EQ(rows(x, "public", "age"), "1=5,2=30,3=-3,4=-4");
  EXPECT_TRUE(writes(x, "public",
                     "INSERT INTO users (id, age, title, slug) VALUES (5, -5, 'a', "
                     "'a')"));
}

TEST_F(ExpandDropConstraintPg, AbortRestoresTheHash) {
  const std::string before = x.hash_before_last();
  ASSERT_OK(x.apply());
  x.as_version(new_v, "INSERT INTO users (id, age) VALUES (3, -3)");
  ASSERT_OK(x.act(expand::Action::kAbort));
  EXPECT_EQ(x.db.hash(), before);
  EXPECT_EQ(rows(x, "public", "age"), "1=5,2=30,3=0");
}

TEST_F(ExpandDropConstraintPg, AMultiColumnConstraintNeedsTheMultiColumnOperation) {
  x.files.pop_back();
  x.add_ops("0002", "wrong",
            {keel::ops::DropConstraint{"users", "users_title_slug_key", std::nullopt, "title"}});
  auto failed = x.apply();
  ASSERT_FALSE(failed.has_value());
  EXPECT_NE(failed.error().message.find("drop_multicolumn_constraint"), std::string::npos)
      << failed.error().message;
}

class ExpandRenameConstraintPg : public PgTest {
 protected:
  void SetUp() override {
    PgTest::SetUp();
    x.add_sql(
        "0001", "init",
        "CREATE TABLE users (id int PRIMARY KEY, email text NOT NULL CONSTRAINT users_email_key "
        "UNIQUE); CREATE UNIQUE INDEX users_id_email ON users (id, email)");
    x.add_ops("0002", "rename_and_identity",
              {keel::ops::RenameConstraint{"users", "users_email_key", "users_email_unique"},
               keel::ops::SetReplicaIdentity{"users", "full", std::nullopt}});
  }
  std::string identity() {
    return x.sql_value("SELECT relreplident FROM pg_class WHERE oid = 'public.users'::regclass");
  }
  ExpandDb x;
};

TEST_F(ExpandRenameConstraintPg, RenamedAtCompleteBackAtRevertIdentitySetAtStart) {
  ASSERT_OK(x.apply());
  EXPECT_EQ(identity(), "f");
  EXPECT_NE(constraint(x, "users_email_key"), "");
  ASSERT_OK(x.act(expand::Action::kComplete));
  EXPECT_EQ(constraint(x, "users_email_key"), "");
  EXPECT_EQ(constraint(x, "users_email_unique"), "u:t:UNIQUE (email)");
  EXPECT_EQ(x.sql_value("SELECT count(*) FROM pg_class WHERE relname = 'users_email_unique'"), "1");
  ASSERT_OK(x.act(expand::Action::kRevert));
  EXPECT_NE(constraint(x, "users_email_key"), "");
  ASSERT_OK(x.act(expand::Action::kComplete));
  ASSERT_OK(x.act(expand::Action::kFinalize));
  EXPECT_EQ(constraint(x, "users_email_unique"), "u:t:UNIQUE (email)");
  EXPECT_EQ(identity(), "f");
}

TEST_F(ExpandRenameConstraintPg, AbortPutsBackTheIdentityItReplaced) {
  x.files.front().up.sql += "; ALTER TABLE users REPLICA IDENTITY USING INDEX users_id_email";
  x.files.front().checksum = "sha256:" + util::sha256_hex(x.files.front().up.sql);
  const std::string before = x.hash_before_last();
  ASSERT_EQ(identity(), "i");
  ASSERT_OK(x.apply());
  EXPECT_EQ(identity(), "f");
  EXPECT_NE(x.sql_value("SELECT operation_progress FROM keel.schema_migrations WHERE version = "
                        "'0002'")
                .find("index:users_id_email"),
            std::string::npos);
  ASSERT_OK(x.act(expand::Action::kAbort));
  EXPECT_EQ(identity(), "i");
  EXPECT_EQ(x.sql_value("SELECT indisreplident FROM pg_index WHERE indexrelid = "
                        "'public.users_id_email'::regclass"),
            "t");
  EXPECT_EQ(x.db.hash(), before);
}

TEST_F(ExpandRenameConstraintPg, AMissingConstraintOrATakenNameIsRefusedBeforeAnythingRuns) {
  x.files.pop_back();
  x.add_ops("0002", "bad", {keel::ops::RenameConstraint{"users", "nope", "users_x"}});
  const std::string before = x.hash_before_last();
  auto failed = x.apply();
  ASSERT_FALSE(failed.has_value());
  EXPECT_NE(failed.error().message.find("no constraint"), std::string::npos)
      << failed.error().message;
  EXPECT_EQ(x.db.hash(), before);
}

}  // namespace
}  // namespace keel::test
