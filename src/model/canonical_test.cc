#include "keel/canonical.h"

#include <gtest/gtest.h>

namespace keel::model {
namespace {

Database sample() {
  Database db;
  Schema& s = db.schemas["public"];
  Table& t = s.tables["users"];
  t.kind = "table";
  t.persistence = "permanent";
  t.columns["id"] = Column{.position = 1, .type = "bigint", .not_null = true};
  t.columns["email"] = Column{.position = 2, .type = "text"};
  t.constraints["users_pkey"] =
      Constraint{.type = "primary key", .definition = "PRIMARY KEY (id)", .columns = {"id"}};
  t.indexes["users_email_idx"] =
      Index{.definition = "CREATE INDEX users_email_idx ON public.users USING btree (email)",
            .method = "btree",
            .columns = {"email"}};
  db.extensions["citext"] = Extension{.version = "1.6", .schema = "public"};
  return db;
}

TEST(CanonicalTest, HashHasPrefixAndHexDigest) {
  std::string hash = schema_hash(sample());
  ASSERT_EQ(hash.size(), 7u + 64u);
  EXPECT_EQ(hash.substr(0, 7), "sha256:");
  EXPECT_EQ(hash.find_first_not_of("0123456789abcdef", 7), std::string::npos);
}

TEST(CanonicalTest, InsertionOrderDoesNotMatter) {
  Database a = sample();
  Database b;
  // Same objects inserted in the opposite order.
  b.extensions["citext"] = a.extensions["citext"];
  Table& t = b.schemas["public"].tables["users"];
  t = a.schemas["public"].tables["users"];
  t.columns.clear();
  t.columns["email"] = a.schemas["public"].tables["users"].columns["email"];
  t.columns["id"] = a.schemas["public"].tables["users"].columns["id"];
  EXPECT_EQ(schema_hash(a), schema_hash(b));
}

TEST(CanonicalTest, EveryPropertyChangesTheHash) {
  const std::string base = schema_hash(sample());
  auto changed = [&](auto mutate) {
    Database db = sample();
    mutate(db);
    return schema_hash(db);
  };
  auto users = [](Database& db) -> Table& { return db.schemas["public"].tables["users"]; };
  EXPECT_NE(base, changed([&](Database& db) { users(db).columns["email"].not_null = true; }));
  EXPECT_NE(base, changed([&](Database& db) { users(db).columns["email"].type = "varchar(10)"; }));
  EXPECT_NE(base, changed([&](Database& db) { users(db).columns["email"].position = 3; }));
  EXPECT_NE(base, changed([&](Database& db) { users(db).columns["email"].default_expr = "''"; }));
  EXPECT_NE(base, changed([&](Database& db) { users(db).columns["email"].collation = "C"; }));
  EXPECT_NE(base, changed([&](Database& db) { users(db).rls_enabled = true; }));
  EXPECT_NE(base, changed([&](Database& db) { users(db).persistence = "unlogged"; }));
  EXPECT_NE(base,
            changed([&](Database& db) { users(db).constraints["users_pkey"].validated = false; }));
  EXPECT_NE(base,
            changed([&](Database& db) { users(db).indexes["users_email_idx"].valid = false; }));
  EXPECT_NE(base, changed([&](Database& db) { db.extensions["citext"].version = "1.4"; }));
  EXPECT_NE(base, changed([&](Database& db) { db.schemas["public"].comment = "app"; }));
  EXPECT_NE(base, changed([&](Database& db) { db.schemas["public"].sequences["s"] = Sequence{}; }));
}

TEST(CanonicalTest, DefaultsAreLeftOut) {
  nlohmann::json j = to_canonical_json(sample());
  const auto& email = j["schema"]["schemas"]["public"]["tables"]["users"]["columns"]["email"];
  EXPECT_FALSE(email.contains("not_null"));
  EXPECT_FALSE(email.contains("default"));
  EXPECT_EQ(j["canonical_version"], kCanonicalVersion);
}

TEST(CanonicalTest, RoundTripsThroughJson) {
  Database db = sample();
  db.schemas["public"].types["mood"] = Type{.kind = "enum", .labels = {"sad", "ok", "happy"}};
  db.schemas["public"].types["pair"] =
      Type{.kind = "composite", .attributes = {{"a", "integer", ""}, {"b", "text", "\"C\""}}};
  db.schemas["public"].functions["f(integer)"] =
      Function{.kind = "function", .arguments = "x integer", .body = "select 1"};
  db.schemas["public"].sequences["s"] = Sequence{.type = "bigint", .start = 10, .cycle = true};
  auto back = from_canonical_json(to_canonical_json(db));
  ASSERT_TRUE(back.has_value()) << back.error().to_string();
  EXPECT_EQ(schema_hash(*back), schema_hash(db));
  EXPECT_EQ(to_canonical_json(*back), to_canonical_json(db));
}

TEST(CanonicalTest, RejectsAnotherCanonicalVersion) {
  nlohmann::json j = to_canonical_json(sample());
  j["canonical_version"] = kCanonicalVersion + 1;
  auto back = from_canonical_json(j);
  ASSERT_FALSE(back.has_value());
  EXPECT_EQ(back.error().code, ErrorCode::kConfig);
  EXPECT_NE(back.error().message.find("not supported"), std::string::npos);
}

}  // namespace
}  // namespace keel::model

namespace keel::model {
namespace {

// Every field set, with text that needs escaping, so the streaming hash and
// the JSON tree's dump must agree byte for byte.
Database everything() {
  Database db = sample();
  Schema& s = db.schemas["app \"x\""];
  s.comment = "line1\nline2\ttab \\ back \x01 ctrl \x7f del é ü 日本 \xf0\x9f\x98\x80";
  Table& t = s.tables["t"];
  t = Table{.kind = "partitioned table",
            .persistence = "unlogged",
            .rls_enabled = true,
            .rls_forced = true,
            .partition_key = "RANGE (a)",
            .partition_bound = "DEFAULT",
            .parent = "app.p",
            .inherits = {"app.q"},
            .options = "fillfactor=70",
            .toast_options = "autovacuum_enabled=false",
            .replica_identity = "index i",
            .cluster_index = "i",
            .of_type = "app.row_type",
            .comment = "bad utf8 \xff\xfe here \xc0\xaf and \xed\xa0\x80"};
  t.columns["a"] = Column{.position = 3,
                          .type = "integer",
                          .not_null = true,
                          .default_expr = "0",
                          .identity = "always",
                          .identity_sequence = "start 1",
                          .generated = "a + 1",
                          .collation = "\"C\"",
                          .comment = "c",
                          .storage = "external",
                          .default_storage = "plain",
                          .compression = "lz4",
                          .statistics = 500,
                          .options = "n_distinct=100"};
  t.constraints["k"] = Constraint{"foreign key", "FOREIGN KEY ...",
                                  {"a"},         "app.p",
                                  {"id"},        "cascade",
                                  "set null",    "full",
                                  true,          true,
                                  false,         "fk"};
  t.indexes["i"] = Index{"CREATE INDEX",   "gin", true, true, {"a"}, {"b"}, "a > 0", false,
                         "fastupdate=off", "ix"};
  t.triggers["tr"] = Trigger{"CREATE TRIGGER", "disabled", "trg"};
  t.policies["p"] = Policy{"select", false, {"app_user"}, "true", "false", "pol"};
  s.views["v"] = View{.materialized = true,
                      .with_no_data = true,
                      .definition = "SELECT 1",
                      .options = "security_barrier=true",
                      .comment = "view",
                      .column_comments = {{"a", "col"}},
                      .column_defaults = {{"a", "1"}},
                      .indexes = {{"vi", Index{}}},
                      .triggers = {{"vt", Trigger{}}}};
  s.sequences["q"] = Sequence{"integer", 5, -1, -100, 100, 20, true, "app.t.a", "unlogged", "seq"};
  s.functions["f(integer)"] = Function{"procedure",
                                       "x integer DEFAULT 1",
                                       "",
                                       "plpgsql",
                                       "stable",
                                       true,
                                       true,
                                       true,
                                       "safe",
                                       "10",
                                       "50",
                                       {"search_path=app"},
                                       "BEGIN NULL; END",
                                       "fn"};
  s.types["d"] = Type{.kind = "domain",
                      .base_type = "text",
                      .not_null = true,
                      .default_expr = "'x'",
                      .collation = "\"C\"",
                      .checks = {{"d_check", "CHECK (VALUE <> '')"}},
                      .comment = "dom"};
  s.types["e"] = Type{.kind = "enum", .labels = {"b", "a"}};
  s.types["r"] = Type{.kind = "range", .base_type = "time", .subtype_diff = "app.time_diff"};
  s.types["c"] =
      Type{.kind = "composite", .attributes = {{"x", "integer", ""}, {"y", "text", "\"C\""}}};
  db.extensions["pgcrypto"] = Extension{"1.3", "public", "crypto"};
  return db;
}

TEST(CanonicalTest, StreamingHashEqualsTheDumpOfTheTree) {
  for (const Database& db : {Database{}, sample(), everything()}) {
    EXPECT_EQ(schema_hash(db), hash_canonical_json(to_canonical_json(db)));
  }
}

TEST(CanonicalTest, EverythingRoundTrips) {
  Database db = everything();
  auto back = from_canonical_json(to_canonical_json(db));
  ASSERT_TRUE(back.has_value()) << back.error().to_string();
  // Invalid UTF-8 is replaced in the JSON; everything else survives.
  back->schemas["app \"x\""].tables["t"].comment = db.schemas["app \"x\""].tables["t"].comment;
  EXPECT_EQ(to_canonical_json(*back), to_canonical_json(db));
}

}  // namespace
}  // namespace keel::model

namespace keel::model {
namespace {

TEST(CanonicalColumnOrderTest, IgnoredOrderLeavesPositionsOutOfTheHashOnly) {
  Database a = everything(), b = everything();
  Table& t = b.schemas["app \"x\""].tables["t"];
  t.columns["z"] = Column{.position = 9, .type = "text"};
  a.schemas["app \"x\""].tables["t"].columns["z"] = Column{.position = 1, .type = "text"};
  EXPECT_NE(schema_hash(a), schema_hash(b));
  a.ignore_column_order = b.ignore_column_order = true;
  EXPECT_EQ(schema_hash(a), schema_hash(b));
  // Not the hash of the same schema with its order kept: the setting shows.
  Database kept = a;
  kept.ignore_column_order = false;
  EXPECT_NE(schema_hash(a), schema_hash(kept));
  // The JSON keeps the positions and the setting; its hash is the streaming one.
  nlohmann::json j = to_canonical_json(a);
  EXPECT_EQ(j["column_order"], "ignore");
  EXPECT_EQ(j["schema"]["schemas"]["app \"x\""]["tables"]["t"]["columns"]["z"]["position"], 1);
  EXPECT_EQ(hash_canonical_json(j), schema_hash(a));
  auto back = from_canonical_json(j);
  ASSERT_TRUE(back) << back.error().to_string();
  EXPECT_TRUE(back->ignore_column_order);
  EXPECT_EQ(schema_hash(*back), schema_hash(a));
}

}  // namespace
}  // namespace keel::model
