#include "keel/manifest.h"

#include <gtest/gtest.h>

#include "keel/canonical.h"

namespace keel {
namespace {

Manifest sample() {
  Manifest m;
  m.dialect = "postgresql";
  m.server = {"postgresql", "15.20", 15, 20};
  m.encoding.encoding = "UTF8";
  m.settings["server"]["TimeZone"] = "UTC";
  model::Table& t = m.schema.schemas["public"].tables["events"];
  t.kind = "partitioned table";
  t.partition_key = "RANGE (at)";
  t.columns["at"] = model::Column{.position = 1, .type = "date"};
  model::Table& p = m.schema.schemas["public"].tables["events_2026"];
  p.kind = "table";
  p.parent = "public.events";
  p.partition_bound = "FOR VALUES FROM ('2026-01-01') TO ('2027-01-01')";
  m.index_statistics["public.events_at_idx"] = {8192, 12, 3};
  return m;
}

TEST(ManifestTest, JsonIsDeterministicAndCarriesTheHash) {
  std::string a = manifest_to_json(sample());
  std::string b = manifest_to_json(sample());
  EXPECT_EQ(a, b);
  auto j = nlohmann::json::parse(a);
  EXPECT_EQ(j["schema_hash"], model::schema_hash(sample().schema));
  EXPECT_EQ(j["partitions"]["public.events"]["key"], "RANGE (at)");
  EXPECT_EQ(j["partitions"]["public.events"]["partitions"]["public.events_2026"],
            "FOR VALUES FROM ('2026-01-01') TO ('2027-01-01')");
}

TEST(ManifestTest, RoundTrips) {
  auto doc = manifest_from_json(manifest_to_json(sample()), "m.json");
  ASSERT_TRUE(doc.has_value()) << doc.error().to_string();
  EXPECT_EQ(manifest_to_json(doc->manifest), manifest_to_json(sample()));
  EXPECT_EQ(doc->schema_hash, model::schema_hash(sample().schema));
}

TEST(ManifestTest, HandEditedSchemaIsRejected) {
  auto j = nlohmann::json::parse(manifest_to_json(sample()));
  j["schema"]["schema"]["schemas"]["public"]["tables"]["events"]["comment"] = "edited";
  auto doc = manifest_from_json(j.dump(), "baselines/prod.json");
  ASSERT_FALSE(doc.has_value());
  EXPECT_EQ(doc.error().context, "baselines/prod.json");
  EXPECT_NE(doc.error().message.find("does not match"), std::string::npos);
}

TEST(ManifestTest, BadJsonNamesTheFile) {
  auto doc = manifest_from_json("{ not json", "baselines/dev.json");
  ASSERT_FALSE(doc.has_value());
  EXPECT_EQ(doc.error().code, ErrorCode::kConfig);
  EXPECT_EQ(doc.error().context, "baselines/dev.json");
  auto missing = read_manifest_file("/nonexistent/keel.json");
  ASSERT_FALSE(missing.has_value());
  EXPECT_EQ(missing.error().code, ErrorCode::kIo);
}

}  // namespace
}  // namespace keel
