// Issue 14 item 18: object names in drift output are unambiguous (quoted when
// they need it), and manifests of two dialects are refused.
#include <gtest/gtest.h>

#include <algorithm>

#include "keel/drift.h"

namespace keel {
namespace {

Manifest base() {
  Manifest m;
  m.dialect = "postgresql";
  m.server = {"postgresql", "15.20", 15, 20};
  return m;
}

std::vector<std::string> objects(const std::vector<Difference>& diffs) {
  std::vector<std::string> out;
  for (const auto& d : diffs) out.push_back(d.object);
  return out;
}

TEST(DriftFix14, NamesThatNeedQuotesAreQuoted) {
  Manifest e = base(), a = base();
  // Table "a.b" with column e, and schema a with table b (column e): two
  // different columns that printed alike as public.a.b.e / a.b.e before.
  e.schema.schemas["public"].tables["a.b"].columns["e"] =
      model::Column{.position = 1, .type = "int"};
  e.schema.schemas["public"].tables["Users"].columns["Email Address"] =
      model::Column{.position = 1, .type = "text"};
  e.schema.schemas["public"].functions["Weird)Name(integer, \"My(Type\")"].kind = "function";
  e.schema.schemas["public"].functions["plain(x integer)"].kind = "function";
  e.schema.schemas["app$1"].tables["café"].columns["_x1"] =
      model::Column{.position = 1, .type = "int"};
  a.schema.schemas["public"];
  auto diffs = compare_manifests(e, a, {});
  std::vector<std::string> names = objects(diffs);
  std::sort(names.begin(), names.end());
  EXPECT_EQ(names, (std::vector<std::string>{"app$1", "public.\"Users\"",
                                             "public.\"Weird)Name\"(integer, \"My(Type\")",
                                             "public.\"a.b\"", "public.plain(x integer)"}));
  // A property difference deep inside names every level the same way.
  a = e;
  a.schema.schemas["public"].tables["a.b"].columns["e"].not_null = true;
  a.schema.schemas["public"].tables["Users"].columns["Email Address"].type = "varchar";
  names = objects(compare_manifests(e, a, {}));
  std::sort(names.begin(), names.end());
  EXPECT_EQ(names,
            (std::vector<std::string>{"public.\"Users\".\"Email Address\"", "public.\"a.b\".e"}));
}

TEST(DriftFix14, DialectsMustMatch) {
  Manifest pg = base(), lite = base();
  lite.dialect = "sqlite";
  EXPECT_TRUE(check_same_dialect(pg, pg, "a.json", "postgresql://h/db").has_value());
  auto refused = check_same_dialect(lite, pg, "lite.json", "postgresql://h/db");
  ASSERT_FALSE(refused.has_value());
  EXPECT_EQ(refused.error().code, ErrorCode::kUsage);
  EXPECT_NE(refused.error().message.find("postgresql://h/db is a postgresql schema and lite.json "
                                         "is a sqlite schema"),
            std::string::npos)
      << refused.error().message;
}

}  // namespace
}  // namespace keel
