#include "keel/drift.h"

#include <gtest/gtest.h>

namespace keel {
namespace {

Manifest sample() {
  Manifest m;
  m.dialect = "postgresql";
  m.server = {"postgresql", "15.20", 15, 20};
  m.encoding.encoding = "UTF8";
  m.encoding.collate = "C.UTF-8";
  m.encoding.ctype = "C.UTF-8";
  m.encoding.locale_provider = "libc";
  m.encoding.collations["default"] = {"libc", "C.UTF-8", "C.UTF-8", "2.36", "2.36"};
  m.settings["server"]["TimeZone"] = "UTC";
  model::Table& t = m.schema.schemas["public"].tables["users"];
  t.kind = "table";
  t.columns["email"] = model::Column{.position = 1, .type = "text"};
  m.schema.extensions["citext"] = model::Extension{.version = "1.6", .schema = "public"};
  return m;
}

const Difference* find(const std::vector<Difference>& diffs, const std::string& object,
                       const std::string& property) {
  for (const auto& d : diffs)
    if (d.object == object && d.property == property) return &d;
  return nullptr;
}

TEST(DriftTest, IdenticalManifestsHaveNoDifferences) {
  auto diffs = compare_manifests(sample(), sample(), {});
  EXPECT_TRUE(diffs.empty());
  EXPECT_EQ(drift_count(diffs), 0u);
}

TEST(DriftTest, NamesAColumnPropertyWithExpectedAndActual) {
  Manifest actual = sample();
  actual.schema.schemas["public"].tables["users"].columns["email"].not_null = true;
  auto diffs = compare_manifests(sample(), actual, {});
  ASSERT_EQ(diffs.size(), 1u);
  EXPECT_EQ(diffs[0].category, "schema");
  EXPECT_EQ(diffs[0].object, "public.users.email");
  EXPECT_EQ(diffs[0].kind, "column");
  EXPECT_EQ(diffs[0].property, "not_null");
  EXPECT_EQ(diffs[0].expected, "false");
  EXPECT_EQ(diffs[0].actual, "true");
}

TEST(DriftTest, MissingAndExtraObjectsAreNamedOnce) {
  Manifest actual = sample();
  actual.schema.schemas["public"].tables.erase("users");
  actual.schema.schemas["public"].tables["orders"].kind = "table";
  auto diffs = compare_manifests(sample(), actual, {});
  ASSERT_EQ(diffs.size(), 2u);
  const Difference* orders = find(diffs, "public.orders", "presence");
  const Difference* users = find(diffs, "public.users", "presence");
  ASSERT_NE(orders, nullptr);
  ASSERT_NE(users, nullptr);
  EXPECT_EQ(orders->actual, "present");
  EXPECT_EQ(users->actual, "missing");
  EXPECT_EQ(users->kind, "table");
}

TEST(DriftTest, ExtensionVersionIsItsOwnCategory) {
  Manifest actual = sample();
  actual.schema.extensions["citext"].version = "1.4";
  auto diffs = compare_manifests(sample(), actual, {});
  const Difference* d = find(diffs, "citext", "version");
  ASSERT_NE(d, nullptr);
  EXPECT_EQ(d->category, "extensions");
  EXPECT_EQ(d->expected, "1.6");
  EXPECT_EQ(d->actual, "1.4");
}

TEST(DriftTest, MinorServerVersionIsInfoUnlessStrict) {
  Manifest actual = sample();
  actual.server = {"postgresql", "15.14", 15, 14};
  auto diffs = compare_manifests(sample(), actual, {});
  ASSERT_EQ(diffs.size(), 1u);
  EXPECT_TRUE(diffs[0].info);
  EXPECT_EQ(drift_count(diffs), 0u);
  auto strict = compare_manifests(sample(), actual, {.strict_server_version = true});
  EXPECT_EQ(drift_count(strict), 1u);
  actual.server = {"postgresql", "16.1", 16, 1};
  EXPECT_EQ(drift_count(compare_manifests(sample(), actual, {})), 1u);
}

TEST(DriftTest, SettingsAndEncodingDifferencesAreDrift) {
  Manifest actual = sample();
  actual.settings["server"]["TimeZone"] = "Europe/Paris";
  actual.settings["database"]["statement_timeout"] = "5s";
  actual.encoding.encoding = "LATIN1";
  auto diffs = compare_manifests(sample(), actual, {});
  EXPECT_EQ(drift_count(diffs), 3u);
  const Difference* tz = find(diffs, "TimeZone", "value");
  ASSERT_NE(tz, nullptr);
  EXPECT_EQ(tz->category, "settings");
  const Difference* st = find(diffs, "database statement_timeout", "value");
  ASSERT_NE(st, nullptr);
  EXPECT_EQ(st->expected, "(not set)");
  const Difference* enc = find(diffs, "database", "encoding");
  ASSERT_NE(enc, nullptr);
  EXPECT_EQ(enc->category, "encoding/collation");
}

TEST(DriftTest, IndexStatisticsOnlyWhenAsked) {
  Manifest expected = sample();
  Manifest actual = sample();
  expected.index_statistics["public.users_pkey"] = {8192, 0, 0};
  actual.index_statistics["public.users_pkey"] = {16384, 100, 7};
  EXPECT_TRUE(compare_manifests(expected, actual, {}).empty());
  EXPECT_EQ(drift_count(compare_manifests(expected, actual, {.include_index_stats = true})), 3u);
}

}  // namespace
}  // namespace keel

namespace keel {
namespace {

// users (id, email, name) in the reference; `names` in this order elsewhere.
Manifest with_columns(const std::vector<std::string>& names) {
  Manifest m = sample();
  model::Table& t = m.schema.schemas["public"].tables["users"];
  t.columns.clear();
  int position = 0;
  for (const std::string& n : names)
    t.columns[n] = model::Column{.position = ++position, .type = "text"};
  return m;
}

TEST(DriftColumnOrderTest, AReorderIsOneDifferenceNamingBothOrders) {
  auto diffs = compare_manifests(with_columns({"id", "email", "name"}),
                                 with_columns({"id", "name", "email"}), {});
  ASSERT_EQ(diffs.size(), 1u);
  EXPECT_EQ(diffs[0].object, "public.users");
  EXPECT_EQ(diffs[0].property, "column order");
  EXPECT_EQ(diffs[0].expected, "id, email, name");
  EXPECT_EQ(diffs[0].actual, "id, name, email");
  EXPECT_FALSE(diffs[0].info);
  EXPECT_EQ(drift_count(diffs), 1u);
}

TEST(DriftColumnOrderTest, IgnoredOrderIsInfoNotDrift) {
  DriftOptions options;
  options.ignore_column_order = true;
  auto diffs = compare_manifests(with_columns({"id", "email", "name"}),
                                 with_columns({"id", "name", "email"}), options);
  ASSERT_EQ(diffs.size(), 1u);
  EXPECT_TRUE(diffs[0].info);
  EXPECT_EQ(drift_count(diffs), 0u);
  // A manifest captured with the setting carries it too.
  Manifest ignoring = with_columns({"id", "name", "email"});
  ignoring.schema.ignore_column_order = true;
  EXPECT_EQ(drift_count(compare_manifests(with_columns({"id", "email", "name"}), ignoring, {})),
            0u);
}

TEST(DriftColumnOrderTest, AMissingColumnIsNotAlsoAnOrderDifference) {
  // email missing shifts name from 3 to 2: the missing column is the difference.
  auto diffs =
      compare_manifests(with_columns({"id", "email", "name"}), with_columns({"id", "name"}), {});
  ASSERT_EQ(diffs.size(), 1u);
  EXPECT_EQ(diffs[0].object, "public.users.email");
  EXPECT_EQ(diffs[0].property, "presence");
}

}  // namespace
}  // namespace keel
