// The PostgreSQL type and volatility module, without a database.
#include "dialects/postgres/types.h"

#include <gtest/gtest.h>

namespace keel::pg {
namespace {

TableWork work(const char* from, const char* to) {
  return type_change_work(parse_type(from), parse_type(to));
}

TEST(PgTypes, ParsesFormatTypeNamesAndSqlAliasesToOneName) {
  PgType v = parse_type("character varying(20)[]");
  EXPECT_EQ(v.name, "varchar");
  EXPECT_EQ(v.spelled, "character varying");
  EXPECT_EQ(v.mods, std::vector<int>{20});
  EXPECT_EQ(v.array_dims, 1);
  EXPECT_EQ(parse_type("varchar(20)[]"), v);
  PgType ts = parse_type("timestamp(3) with time zone");
  EXPECT_EQ(ts.name, "timestamptz");
  EXPECT_EQ(ts.mods, std::vector<int>{3});
  EXPECT_EQ(ts.spelled, "timestamp with time zone");
  EXPECT_EQ(parse_type("numeric(10,2)").mods, (std::vector<int>{10, 2}));
  EXPECT_EQ(parse_type("integer").name, "int4");
  EXPECT_EQ(parse_type("INT").name, "int4");
  EXPECT_EQ(parse_type("pg_catalog.int8").name, "int8");
  EXPECT_EQ(parse_type("double precision").name, "float8");
  EXPECT_EQ(parse_type("character(3)").name, "bpchar");
  EXPECT_EQ(parse_type("bit varying(5)").name, "varbit");
  EXPECT_EQ(parse_type("public.mood").name, "public.mood");
  EXPECT_EQ(parse_type("integer[][]").array_dims, 2);
  EXPECT_EQ(make_type("varchar", {20}), parse_type("character varying(20)"));
}

TEST(PgTypes, GrowingALimitRewritesNothingNarrowingOrChangingTheTypeDoes) {
  EXPECT_EQ(work("character varying(10)", "character varying(20)"), TableWork::kNone);
  EXPECT_EQ(work("character varying(10)", "character varying"), TableWork::kNone);
  EXPECT_EQ(work("character varying(10)", "text"), TableWork::kNone);
  EXPECT_EQ(work("text", "character varying"), TableWork::kNone);
  EXPECT_EQ(work("character varying(20)", "character varying(10)"), TableWork::kRewrite);
  EXPECT_EQ(work("text", "character varying(10)"), TableWork::kRewrite);
  EXPECT_EQ(work("integer", "bigint"), TableWork::kRewrite);
  EXPECT_EQ(work("numeric(10,2)", "numeric(12,2)"), TableWork::kNone);
  EXPECT_EQ(work("numeric(10,2)", "numeric"), TableWork::kNone);
  EXPECT_EQ(work("numeric(10,2)", "numeric(12,3)"), TableWork::kRewrite);
  EXPECT_EQ(work("numeric", "numeric(12,2)"), TableWork::kRewrite);
  EXPECT_EQ(work("bit varying(5)", "bit varying(8)"), TableWork::kNone);
  EXPECT_EQ(work("bit(5)", "bit varying(8)"), TableWork::kNone);
  EXPECT_EQ(work("character(5)", "character(8)"), TableWork::kRewrite);
  EXPECT_EQ(work("character(5)", "text"), TableWork::kRewrite);
  EXPECT_EQ(work("timestamp(3) without time zone", "timestamp without time zone"),
            TableWork::kNone);
  EXPECT_EQ(work("timestamp without time zone", "timestamp(3) without time zone"),
            TableWork::kRewrite);
  EXPECT_EQ(work("timestamp without time zone", "timestamp with time zone"), TableWork::kRewrite);
  EXPECT_EQ(work("cidr", "inet"), TableWork::kNone);
  EXPECT_EQ(work("inet", "cidr"), TableWork::kRewrite);
  EXPECT_EQ(work("character varying(10)[]", "character varying(20)[]"), TableWork::kNone);
  EXPECT_EQ(work("character varying(10)[]", "text"), TableWork::kRewrite);
  EXPECT_EQ(work("public.mood", "public.mood"), TableWork::kNone);
  EXPECT_EQ(work("public.mood", "text"), TableWork::kRewrite);
  EXPECT_TRUE(binary_coercible(make_type("varchar", {10}), make_type("text", {})));
}

TEST(PgTypes, LossyChangesSayWhyInTheirOwnSpelling) {
  auto lossy = [](const char* a, const char* b) {
    return lossy_change(parse_type(a), parse_type(b));
  };
  EXPECT_EQ(lossy("numeric(10,2)", "numeric(10,1)"), "numeric scale 2 -> 1 rounds values");
  EXPECT_EQ(lossy("numeric", "numeric(10,2)"), "rounds values");
  EXPECT_EQ(lossy("text", "integer"),
            "text -> integer parses each value: its text form may not come back");
  EXPECT_EQ(lossy("text", "public.mood"), "");
  EXPECT_EQ(lossy("double precision", "integer"),
            "double precision -> integer drops part of each value (the fraction is rounded "
            "away)");
  EXPECT_EQ(lossy("bigint", "double precision"),
            "bigint -> double precision rounds values to fewer significant digits");
  EXPECT_EQ(lossy("timestamp(3) with time zone", "date"),
            "timestamp with time zone -> date drops part of each value");
  EXPECT_EQ(lossy("timestamp with time zone", "timestamp(3) with time zone"),
            "fractional seconds 6 -> 3 digits round values");
  EXPECT_EQ(lossy("integer", "bigint"), "");
  EXPECT_EQ(lossy("character varying(10)", "text"), "");
  EXPECT_EQ(lossy("bigint", "integer"), "");  // fails loudly instead
}

TEST(PgTypes, BuiltinVolatilityIsPgProcs) {
  using lint::Volatility;
  EXPECT_EQ(builtin_volatility("statement_timestamp"), Volatility::kStable);
  EXPECT_EQ(builtin_volatility("now"), Volatility::kStable);
  EXPECT_EQ(builtin_volatility("nextval"), Volatility::kVolatile);
  EXPECT_EQ(builtin_volatility("gen_random_uuid"), Volatility::kVolatile);
  EXPECT_EQ(builtin_volatility("lower"), Volatility::kImmutable);
  EXPECT_EQ(builtin_volatility("my_function"), std::nullopt);
}

TEST(PgTypes, CalledFunctionsSkipLiteralsAndKeepSchemas) {
  EXPECT_EQ(called_functions("nextval('users_id_seq'::regclass)"),
            std::vector<std::string>{"nextval"});
  EXPECT_EQ(called_functions("'random()'::text"), std::vector<std::string>{});
  EXPECT_EQ(called_functions("public.uuid_generate_v4()"),
            std::vector<std::string>{"public.uuid_generate_v4"});
  EXPECT_EQ(called_functions("lower(\"My\".f(x)) || (1 + 2)"),
            (std::vector<std::string>{"lower", "My.f"}));
  EXPECT_EQ(called_functions("'it''s' || now()"), std::vector<std::string>{"now"});
}

}  // namespace
}  // namespace keel::pg
