// The registry of dialects: lookups by manifest name, URL scheme and
// connection string, their errors, each driver filled in completely, and the
// capabilities of each dialect.
#include <gtest/gtest.h>

#include <set>

#include "keel/dialect.h"

namespace keel::dialects {
namespace {

TEST(RegistryTest, FindsEachDialectByItsManifestName) {
  for (Dialect d : all()) {
    auto found = find_by_name(d->name);
    ASSERT_TRUE(found) << d->name;
    EXPECT_EQ(*found, d);
  }
  EXPECT_EQ((*find_by_name("postgresql"))->display_name, "PostgreSQL");
  EXPECT_EQ((*find_by_name("sqlite"))->display_name, "SQLite");
}

TEST(RegistryTest, AnUnknownManifestNameNamesTheKnownOnes) {
  auto missing = find_by_name("mysql");
  ASSERT_FALSE(missing);
  EXPECT_EQ(missing.error().code, ErrorCode::kConfig);
  EXPECT_EQ(missing.error().message,
            "'mysql' is not a dialect keel reads (postgresql, sqlite); capture the manifest "
            "again with this keel");
  auto empty = find_by_name("");
  ASSERT_FALSE(empty);
  EXPECT_EQ(empty.error().message,
            "no dialect is not a dialect keel reads (postgresql, sqlite); capture the manifest "
            "again with this keel");
}

TEST(RegistryTest, FindsADialectByEachOfItsSchemes) {
  EXPECT_EQ((*find_by_scheme("postgresql"))->name, "postgresql");
  EXPECT_EQ((*find_by_scheme("postgres"))->name, "postgresql");
  EXPECT_EQ((*find_by_scheme("sqlite"))->name, "sqlite");
  for (Dialect d : all()) {
    for (std::string_view scheme : d->url_schemes) EXPECT_EQ(*find_by_scheme(scheme), d);
  }
}

TEST(RegistryTest, AnUnknownSchemeNamesTheKnownOnes) {
  auto missing = find_by_scheme("mysql");
  ASSERT_FALSE(missing);
  EXPECT_EQ(missing.error().code, ErrorCode::kUsage);
  EXPECT_EQ(missing.error().message,
            "unknown URL scheme 'mysql'; keel reads postgresql, postgres and sqlite");
  // Schemes are case-sensitive, as libpq's are.
  EXPECT_FALSE(find_by_scheme("POSTGRESQL"));
}

TEST(RegistryTest, FindsTheDialectThatReadsAConnectionString) {
  EXPECT_EQ(find_by_url("postgresql://u:p@h/db")->name, "postgresql");
  EXPECT_EQ(find_by_url("postgres://h/db")->name, "postgresql");
  EXPECT_EQ(find_by_url("host=h dbname=app")->name, "postgresql");  // no scheme
  EXPECT_EQ(find_by_url("sqlite:///srv/app.db")->name, "sqlite");
  EXPECT_EQ(find_by_url("sqlite:rel.db")->name, "sqlite");
  // A listed scheme in a form its dialect does not read, another scheme,
  // a file name: none.
  EXPECT_FALSE(find_by_url("postgresql:app"));
  EXPECT_FALSE(find_by_url("mysql://u:p@h/db"));
  EXPECT_FALSE(find_by_url("baselines/prod.json"));
  EXPECT_FALSE(find_by_url(""));
}

TEST(RegistryTest, ParsedUrlsCarryTheirDialect) {
  auto pg = parse_connection_url("postgresql://u:secret@h:6432/app");
  ASSERT_TRUE(pg) << pg.error().to_string();
  EXPECT_EQ(pg->dialect, *find_by_name("postgresql"));
  EXPECT_EQ(pg->dialect->target_name(*pg), "h-6432-app");
  auto lite = parse_connection_url("sqlite:///srv/data/app.db");
  ASSERT_TRUE(lite) << lite.error().to_string();
  EXPECT_EQ(lite->dialect, *find_by_name("sqlite"));
  EXPECT_EQ(lite->dialect->target_name(*lite), "app");
}

TEST(RegistryTest, AnUnsupportedUrlListsEveryDialectsForms) {
  auto refused = parse_connection_url("mysql://u:p@h/db");
  ASSERT_FALSE(refused);
  EXPECT_EQ(refused.error().message,
            "unsupported connection URL (scheme 'mysql'); use "
            "postgresql://user:pass@host:port/db, a libpq key/value string (host=... "
            "dbname=...), sqlite:///abs/path.db or sqlite:rel/path.db");
}

// Every driver fills every field a caller uses without asking; the optional
// factories exactly when its capabilities say so.
TEST(RegistryTest, EveryDriverIsComplete) {
  ASSERT_FALSE(all().empty());
  for (Dialect d : all()) {
    SCOPED_TRACE(std::string(d->name));
    EXPECT_FALSE(d->name.empty());
    EXPECT_FALSE(d->display_name.empty());
    EXPECT_FALSE(d->url_schemes.empty());
    EXPECT_FALSE(d->url_forms.empty());
    EXPECT_FALSE(d->keel.history.empty());
    EXPECT_FALSE(d->keel.snapshots.empty());
    EXPECT_FALSE(d->keel.runs.empty());
    EXPECT_FALSE(d->keel.parity.empty());
    EXPECT_NE(d->reads_url, nullptr);
    EXPECT_NE(d->parse_url, nullptr);
    EXPECT_NE(d->mask_url, nullptr);
    EXPECT_NE(d->target_name, nullptr);
    EXPECT_NE(d->connect, nullptr);
    EXPECT_NE(d->open_migration_target, nullptr);
    EXPECT_NE(d->open_plan_target, nullptr);
    EXPECT_NE(d->open_ledger, nullptr);
    EXPECT_NE(d->split_statements, nullptr);
    EXPECT_NE(d->quote_identifier, nullptr);
    EXPECT_NE(d->quote_literal, nullptr);
    EXPECT_EQ(d->plan_ddl != nullptr, d->capabilities.renders_ddl);
    EXPECT_EQ(d->open_lint_catalog != nullptr, d->capabilities.lints);
    EXPECT_EQ(d->open_expand_contract != nullptr, d->capabilities.expand_contract);
    EXPECT_EQ(d->open_flags != nullptr, d->capabilities.flags);
    EXPECT_EQ(!d->keel.flags.empty(), d->capabilities.flags);
  }
}

TEST(RegistryTest, NamesAndSchemesAreUnique) {
  std::set<std::string_view> names, schemes;
  for (Dialect d : all()) {
    EXPECT_TRUE(names.insert(d->name).second) << d->name;
    for (std::string_view s : d->url_schemes) EXPECT_TRUE(schemes.insert(s).second) << s;
  }
}

TEST(RegistryTest, CapabilitiesOfEachDialect) {
  const Capabilities pg = (*find_by_name("postgresql"))->capabilities;
  EXPECT_TRUE(pg.transactional_ddl);
  EXPECT_TRUE(pg.renders_ddl);
  EXPECT_TRUE(pg.observes_locks);
  EXPECT_TRUE(pg.lints);
  EXPECT_TRUE(pg.expand_contract);
  EXPECT_TRUE(pg.flags);
  const Capabilities lite = (*find_by_name("sqlite"))->capabilities;
  EXPECT_TRUE(lite.transactional_ddl);
  EXPECT_FALSE(lite.renders_ddl);
  EXPECT_FALSE(lite.observes_locks);
  EXPECT_FALSE(lite.lints);
  EXPECT_FALSE(lite.expand_contract);
  EXPECT_FALSE(lite.flags);
  EXPECT_EQ(names_with(&Capabilities::flags), "PostgreSQL");
  EXPECT_EQ(names_with(&Capabilities::renders_ddl), "PostgreSQL");
  EXPECT_EQ(names_with(&Capabilities::transactional_ddl), "PostgreSQL and SQLite");
  EXPECT_EQ(names_with(&Capabilities::expand_contract), "PostgreSQL");
}

TEST(RegistryTest, KeelsOwnTablesPerDialect) {
  const KeelNames& pg = (*find_by_name("postgresql"))->keel;
  EXPECT_EQ(pg.schema, "keel");
  EXPECT_EQ(pg.display(pg.history), "keel.schema_migrations");
  EXPECT_EQ(pg.display(pg.snapshots), "keel.schema_snapshots");
  EXPECT_EQ(pg.display(pg.runs), "keel.runs");
  EXPECT_EQ(pg.display(pg.parity), "keel.parity");
  const KeelNames& lite = (*find_by_name("sqlite"))->keel;
  EXPECT_EQ(lite.schema, "");
  EXPECT_EQ(lite.display(lite.history), "keel_schema_migrations");
  EXPECT_EQ(lite.display(lite.snapshots), "keel_schema_snapshots");
  EXPECT_EQ(lite.display(lite.runs), "keel_runs");
  EXPECT_EQ(lite.display(lite.parity), "keel_parity");
}

// PostgreSQL's settings list is its own; SQLite records its pragmas and
// chooses no settings.
TEST(RegistryTest, DefaultSettingsArePerDialect) {
  const auto& pg = (*find_by_name("postgresql"))->default_settings;
  ASSERT_EQ(pg.size(), 13u);
  EXPECT_EQ(pg.front(), "server_encoding");
  EXPECT_EQ(pg.back(), "shared_preload_libraries");
  EXPECT_TRUE((*find_by_name("sqlite"))->default_settings.empty());
}

TEST(RegistryTest, QuotingOfGeneratedSql) {
  for (Dialect d : all()) {
    EXPECT_EQ(d->quote_identifier("a\"b"), "\"a\"\"b\"");
    EXPECT_EQ(d->quote_literal("it's"), "'it''s'");
  }
}

// What the dialect-neutral entry points say for a dialect without the
// capability: the dialects that have it, never a crash or a wrong branch.
TEST(RegistryTest, EntryPointsRefuseWhatADialectCannotDo) {
  auto lite = parse_connection_url("sqlite:///tmp/keel-registry-test.db");
  ASSERT_TRUE(lite);
  auto ddl = plan_ddl(lite->dialect, model::Database{}, model::Database{}, DdlOptions{});
  ASSERT_FALSE(ddl);
  EXPECT_EQ(ddl.error().code, ErrorCode::kUnsupported);
  EXPECT_EQ(ddl.error().message,
            "keel generates DDL for PostgreSQL only; for SQLite, write the migration by hand "
            "(keel drift names the differences)");
  auto catalog = lint::open_catalog(*lite);
  ASSERT_FALSE(catalog);
  EXPECT_EQ(catalog.error().code, ErrorCode::kUnsupported);
  EXPECT_EQ(catalog.error().message,
            "keel lint checks PostgreSQL migrations, not SQLite: give a URL of a server it "
            "checks, or --pg-version N without a connection");
  EXPECT_EQ(catalog.error().context, "sqlite:///tmp/keel-registry-test.db");
  auto flags = flags::open_flags(*lite);
  ASSERT_FALSE(flags);
  EXPECT_EQ(flags.error().code, ErrorCode::kUnsupported);
  EXPECT_EQ(flags.error().message,
            "SQLite keeps no feature flags (its driver lacks the 'flags' capability); keel keeps "
            "them in PostgreSQL: give the URL of such a database");
  EXPECT_EQ(flags.error().context, "sqlite:///tmp/keel-registry-test.db");
  // A ConnectionUrl that was never parsed has no dialect: an error, no crash.
  auto none = connect(ConnectionUrl{});
  ASSERT_FALSE(none);
  EXPECT_EQ(none.error().code, ErrorCode::kInternal);
}

}  // namespace
}  // namespace keel::dialects
