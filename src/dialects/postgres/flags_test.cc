// The exact SQL of PostgreSQL's feature flags, without a database: every
// name through util/quote.h, the function's search_path pinned.
#include "dialects/postgres/flags.h"

#include <gtest/gtest.h>

namespace keel::pg {
namespace {

TEST(FlagsPgSql, FunctionBodyUsesPgCatalogOnlyAndTheQuotedTable) {
  EXPECT_EQ(flag_enabled_body("my \"keel\"", "flags"),
            "\nSELECT coalesce((\n"
            "  SELECT ('x' || pg_catalog.substr(pg_catalog.encode(pg_catalog.sha256(\n"
            "           pg_catalog.convert_to($1 || ':' || $2, 'UTF8')), 'hex'), 1, 8))\n"
            "         ::pg_catalog.bit(32)::pg_catalog.int8 % 100 < f.percent\n"
            "    FROM \"my \"\"keel\"\"\".\"flags\" AS f\n"
            "   WHERE f.name = $1 AND $2 IS NOT NULL), false)\n");
}

TEST(FlagsPgSql, DdlIsIdempotentAndPinsTheSearchPath) {
  auto ddl = flags_ddl("my \"keel\"", "flags");
  ASSERT_EQ(ddl.size(), 5u);
  EXPECT_EQ(ddl[0], "CREATE SCHEMA IF NOT EXISTS \"my \"\"keel\"\"\"");
  EXPECT_EQ(ddl[1],
            "CREATE TABLE IF NOT EXISTS \"my \"\"keel\"\"\".\"flags\" (\n"
            "  name text PRIMARY KEY CHECK (name <> ''),\n"
            "  percent integer NOT NULL CHECK (percent BETWEEN 0 AND 100),\n"
            "  description text,\n"
            "  created_at timestamptz NOT NULL DEFAULT now(),\n"
            "  updated_at timestamptz NOT NULL DEFAULT now(),\n"
            "  updated_by text NOT NULL\n"
            ")");
  EXPECT_EQ(ddl[2],
            "CREATE OR REPLACE FUNCTION \"my \"\"keel\"\"\".\"flag_enabled\"(name text, "
            "key text) RETURNS boolean\n"
            "  LANGUAGE sql STABLE PARALLEL SAFE SECURITY DEFINER\n"
            "  SET search_path = pg_catalog, pg_temp\n"
            "  AS $body$" +
                flag_enabled_body("my \"keel\"", "flags") + "$body$");
  EXPECT_EQ(ddl[3],
            "REVOKE ALL ON FUNCTION \"my \"\"keel\"\"\".\"flag_enabled\"(text, text) FROM PUBLIC");
  EXPECT_EQ(ddl[4],
            "COMMENT ON FUNCTION \"my \"\"keel\"\"\".\"flag_enabled\"(text, text) IS 'keel: true "
            "when the key is in the flag''s rollout (docs/flags.md); unknown flag or NULL key: "
            "false'");
}

}  // namespace
}  // namespace keel::pg
