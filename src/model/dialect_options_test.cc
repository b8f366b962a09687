// Dialect-only properties (model.h's dialect_options): left out of the
// canonical form while empty, so no existing hash changes; written, hashed,
// read back, diffed and named by drift when a dialect fills them.
#include <gtest/gtest.h>

#include "keel/canonical.h"
#include "keel/drift.h"
#include "keel/schema_diff.h"

namespace keel::model {
namespace {

Database users() {
  Database db;
  Table& t = db.schemas["main"].tables["users"];
  t.kind = "table";
  t.columns["id"] = Column{.position = 1, .type = "INTEGER", .not_null = true};
  return db;
}

Database users_with_options() {
  Database db = users();
  Table& t = db.schemas["main"].tables["users"];
  t.dialect_options = {{"engine", "InnoDB"}, {"charset", "utf8mb4"}};
  t.columns["id"].dialect_options = {{"auto_increment", "true"}};
  return db;
}

TEST(DialectOptionsTest, EmptyOptionsLeaveTheCanonicalFormAsItWas) {
  // The canonical text of this schema before dialect_options existed (the
  // version aside: version 2 added properties, each left out while unset).
  const std::string kBefore =
      R"({"canonical_version":)" + std::to_string(kCanonicalVersion) +
      R"(,"schema":{"schemas":{"main":{"tables":{"users":{"columns":)"
      R"({"id":{"not_null":true,"position":1,"type":"INTEGER"}},"kind":"table"}}}}}})";
  EXPECT_EQ(to_canonical_json(users()).dump(), kBefore);
  EXPECT_EQ(schema_hash(users()), hash_canonical_json(nlohmann::json::parse(kBefore)));
}

TEST(DialectOptionsTest, WrittenInKeyOrderAndHashedAlike) {
  nlohmann::json j = to_canonical_json(users_with_options());
  const nlohmann::json& table = j["schema"]["schemas"]["main"]["tables"]["users"];
  EXPECT_EQ(table["dialect_options"].dump(), R"({"charset":"utf8mb4","engine":"InnoDB"})");
  EXPECT_EQ(table["columns"]["id"]["dialect_options"].dump(), R"({"auto_increment":"true"})");
  // The streaming hash writes the same text as the JSON tree.
  EXPECT_EQ(schema_hash(users_with_options()), hash_canonical_json(j));
  EXPECT_NE(schema_hash(users_with_options()), schema_hash(users()));
}

TEST(DialectOptionsTest, ReadBackFromTheCanonicalForm) {
  auto back = from_canonical_json(to_canonical_json(users_with_options()));
  ASSERT_TRUE(back) << back.error().to_string();
  EXPECT_EQ(*back, users_with_options());
}

TEST(DialectOptionsTest, DiffNamesTheProperty) {
  Database to = users_with_options();
  to.schemas["main"].tables["users"].dialect_options["engine"] = "MyISAM";
  to.schemas["main"].tables["users"].columns["id"].dialect_options.clear();
  std::vector<Change> changes = diff(users_with_options(), to);
  ASSERT_EQ(changes.size(), 2u);
  EXPECT_EQ(changes[0].kind, ObjectKind::kTable);
  EXPECT_EQ(changes[0].properties, std::vector<std::string>{"dialect_options"});
  EXPECT_EQ(changes[1].kind, ObjectKind::kColumn);
  EXPECT_EQ(changes[1].member, "id");
  EXPECT_EQ(changes[1].properties, std::vector<std::string>{"dialect_options"});
}

const Difference* find(const std::vector<Difference>& diffs, const std::string& object,
                       const std::string& property) {
  for (const auto& d : diffs) {
    if (d.object == object && d.property == property) return &d;
  }
  return nullptr;
}

TEST(DialectOptionsTest, DriftNamesEachOption) {
  Manifest expected;
  expected.dialect = "sqlite";
  expected.schema = users_with_options();
  Manifest actual = expected;
  actual.schema.schemas["main"].tables["users"].dialect_options["engine"] = "MyISAM";
  actual.schema.schemas["main"].tables["users"].columns["id"].dialect_options.clear();
  auto diffs = compare_manifests(expected, actual, {});
  ASSERT_EQ(diffs.size(), 2u);
  const Difference* engine = find(diffs, "main.users", "dialect_options.engine");
  ASSERT_NE(engine, nullptr);
  EXPECT_EQ(engine->category, "schema");
  EXPECT_EQ(engine->kind, "table");
  EXPECT_EQ(engine->expected, "InnoDB");
  EXPECT_EQ(engine->actual, "MyISAM");
  // No options on one side: each option named, "(none)" there.
  const Difference* increment = find(diffs, "main.users.id", "dialect_options.auto_increment");
  ASSERT_NE(increment, nullptr);
  EXPECT_EQ(increment->kind, "column");
  EXPECT_EQ(increment->expected, "true");
  EXPECT_EQ(increment->actual, "(none)");
}

}  // namespace
}  // namespace keel::model
