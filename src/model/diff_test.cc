#include "keel/schema_diff.h"

#include <gtest/gtest.h>

namespace keel::model {
namespace {

Database two_columns() {
  Database db;
  Table& t = db.schemas["public"].tables["users"];
  t.kind = "table";
  t.columns["id"] = Column{.position = 1, .type = "integer", .not_null = true};
  t.columns["name"] = Column{.position = 2, .type = "text"};
  return db;
}

TEST(SchemaDiff, EqualModelsHaveNoChanges) {
  EXPECT_TRUE(diff(two_columns(), two_columns()).empty());
}

TEST(SchemaDiff, NamesEachColumnChangeAndItsProperties) {
  Database from = two_columns(), to = two_columns();
  Table& t = to.schemas["public"].tables["users"];
  t.columns["name"].type = "character varying(20)";
  t.columns["name"].not_null = true;
  t.columns["email"] = Column{.position = 3, .type = "text"};
  t.columns.erase("id");
  std::vector<Change> changes = diff(from, to);
  ASSERT_EQ(changes.size(), 3u);
  EXPECT_EQ(describe(changes[0]), "column public.users.id");
  EXPECT_EQ(changes[0].action, ChangeAction::kDrop);
  EXPECT_EQ(describe(changes[1]), "column public.users.name");
  EXPECT_EQ(changes[1].action, ChangeAction::kAlter);
  // position changed too: id went away, so name moved from 2 to ... still 2 here.
  EXPECT_TRUE(changes[1].has("type"));
  EXPECT_TRUE(changes[1].has("not_null"));
  EXPECT_FALSE(changes[1].has("default_expr"));
  EXPECT_EQ(describe(changes[2]), "column public.users.email");
  EXPECT_EQ(changes[2].action, ChangeAction::kCreate);
}

TEST(SchemaDiff, ACreatedTableImpliesItsMembers) {
  Database from, to = two_columns();
  to.schemas["public"].tables["users"].indexes["users_name_idx"].definition = "CREATE INDEX ...";
  std::vector<Change> changes = diff(from, to);
  ASSERT_EQ(changes.size(), 2u);
  EXPECT_EQ(changes[0].kind, ObjectKind::kSchema);
  EXPECT_EQ(changes[1].kind, ObjectKind::kTable);
  EXPECT_EQ(changes[1].action, ChangeAction::kCreate);
  EXPECT_EQ(describe(changes[1]), "table public.users");
}

TEST(SchemaDiff, ExtensionsAndFunctionsByKey) {
  Database from, to;
  from.extensions["hstore"] = Extension{.version = "1.7", .schema = "public"};
  to.extensions["hstore"] = Extension{.version = "1.8", .schema = "public"};
  to.schemas["app"].functions["f(a integer)"].body = "select 1";
  std::vector<Change> changes = diff(from, to);
  ASSERT_EQ(changes.size(), 3u);
  EXPECT_EQ(describe(changes[0]), "extension hstore");
  EXPECT_EQ(changes[0].properties, std::vector<std::string>{"version"});
  EXPECT_EQ(describe(changes[1]), "schema app");
  EXPECT_EQ(describe(changes[2]), "function app.f(a integer)");
}

}  // namespace
}  // namespace keel::model
