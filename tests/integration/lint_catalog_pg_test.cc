// keel lint against a live PostgreSQL that refuses the catalog lookups: the
// server's error is reported ("could not read the catalog: ...", exit 1),
// never taken as "unknown" (which would lint on guesses). The refusal is
// real: a role that may log in but not read pg_proc / pg_attribute in its
// database. (A connection lost mid-lint takes the same path, kConnection; it
// is not tested in-process: libpqxx 6.4 leaks the PGresult of a statement
// that finds its connection broken, which fails the ASan build.)
#include <gtest/gtest.h>

#include "integration/pg_fixture.h"
#include "integration/run.h"
#include "keel/lint.h"

namespace keel::test {
namespace {

class LintCatalogPg : public PgTest {};

constexpr const char* kPassword = "Lint-pw-0417";

// A URL of `db` as keel_lint_noread, a role that cannot read pg_proc and
// pg_attribute in that database (REVOKE from PUBLIC applies per database).
std::string url_without_catalog(const PgDatabase& db) {
  PgDatabase::admin(
      "DO $$ BEGIN IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'keel_lint_noread') "
      "THEN CREATE ROLE keel_lint_noread LOGIN PASSWORD 'Lint-pw-0417'; END IF; END $$");
  db.sql(
      "REVOKE SELECT ON pg_catalog.pg_proc FROM PUBLIC;"
      "REVOKE SELECT ON pg_catalog.pg_attribute FROM PUBLIC;");
  std::string url = db.url();
  url.replace(url.find("://") + 3, url.find('@') - url.find("://") - 3,
              std::string("keel_lint_noread:") + kPassword);
  return url;
}

TEST_F(LintCatalogPg, AServerRefusingTheLookupIsAnErrorNotUnknown) {
  PgDatabase db;
  db.sql("CREATE TABLE users (id int, name varchar(50));");
  std::string url = url_without_catalog(db);
  TempDir dir;
  dir.write("default.sql", "ALTER TABLE users ADD COLUMN a int DEFAULT pick_constant();\n");
  dir.write("shrink.sql", "ALTER TABLE users ALTER COLUMN name TYPE varchar(20);\n");

  for (const char* file : {"default.sql", "shrink.sql"}) {
    RunResult r = run_keel({"--url", url, "lint", dir.file(file)});
    EXPECT_EQ(r.status, 1) << file << "\n" << r.out << r.err;
    EXPECT_NE(r.err.find("could not read the catalog: permission denied for table pg_"),
              std::string::npos)
        << file << "\n"
        << r.err;
    EXPECT_EQ(r.err.find(kPassword), std::string::npos) << r.err;
    EXPECT_EQ(r.out.find("linted"), std::string::npos) << "no verdict without the catalog\n"
                                                       << r.out;
  }

  // The library: lint_paths returns the Catalog's error, code and SQLSTATE kept.
  auto parsed = parse_connection_url(url);
  ASSERT_TRUE(parsed) << parsed.error().to_string();
  auto catalog = lint::open_catalog(*parsed);
  ASSERT_TRUE(catalog) << catalog.error().to_string();
  auto type = (*catalog)->column_type("public", "users", "name");
  ASSERT_FALSE(type);
  EXPECT_EQ(type.error().code, ErrorCode::kSql);
  EXPECT_EQ(type.error().sqlstate, "42501");
  EXPECT_EQ(type.error().message, "permission denied for table pg_attribute");
  lint::LintOptions options;
  options.catalog = catalog->get();
  auto report = lint::lint_paths({dir.file("shrink.sql")}, options);
  ASSERT_FALSE(report);
  EXPECT_EQ(report.error().code, ErrorCode::kSql);
  EXPECT_EQ(report.error().message,
            "could not read the catalog: permission denied for table pg_attribute");
  EXPECT_EQ(report.error().sqlstate, "42501");
  EXPECT_EQ(report.error().to_string().find(kPassword), std::string::npos);
}

}  // namespace
}  // namespace keel::test
