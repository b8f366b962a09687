// Helpers for the expand/contract tests: a fresh PostgreSQL database, migrations built in code
// (plain SQL and operation migrations), and the library's apply / complete / finalize / abort /
// revert run on them as the CLI runs them.
#pragma once

#include <gtest/gtest.h>

#include <pqxx/pqxx>

#include <memory>
#include <string>
#include <vector>

#include "integration/pg_fixture.h"
#include "keel/expand.h"
#include "keel/migrate.h"
#include "keel/operations.h"
#include "util/sha256.h"

namespace keel::test {

// A role with no superuser, CREATEDB or CREATEROLE that has CREATE on `db` (keel's own schema,
// the version schemas) and nothing else yet: what issue 16 says keel needs, with the tables
// given to it (ALTER TABLE ... OWNER TO keel_expand_owner). Returns `db`'s URL as that role.
inline std::string restricted_role(const PgDatabase& db) {
  PgDatabase::admin(
      "DO $$ BEGIN IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'keel_expand_owner') "
      "THEN CREATE ROLE keel_expand_owner LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE; END IF; "
      "END $$");
  db.sql("GRANT CREATE ON DATABASE " + db.name() + " TO keel_expand_owner");
  std::string url = db.url();
  size_t start = url.find("://") + 3;
  return url.substr(0, start) + "keel_expand_owner" + url.substr(url.find('@', start));
}

class ExpandDb {
 public:
  ExpandDb() = default;

  PgDatabase db;
  std::vector<migrate::Migration> files;
  // keel connects with this URL when set (a restricted role), else with db.url().
  std::string keel_url;

  void add_sql(const std::string& version, const std::string& name, const std::string& sql) {
    migrate::Migration m;
    m.version = version;
    m.name = name;
    m.up.path = "migrations/" + version + "_" + name + ".up.sql";
    m.up.sql = sql;
    m.checksum = "sha256:" + util::sha256_hex(sql);
    files.push_back(std::move(m));
  }

  void add_ops(const std::string& version, const std::string& name,
               std::vector<keel::ops::Operation> operations) {
    migrate::Migration m;
    m.version = version;
    m.name = name;
    m.format = migrate::Format::kOperations;
    m.up.path = "migrations/" + version + "_" + name + ".yaml";
    m.up.sql = version + name;
    m.checksum = "sha256:" + util::sha256_hex(m.up.sql);
    keel::ops::OperationMigration om;
    om.path = m.up.path;
    int line = 2;
    for (auto& op : operations) om.operations.push_back({std::move(op), line++});
    m.operations = std::move(om);
    files.push_back(std::move(m));
  }

  // keel apply [--complete]: everything pending, starting the first operation migration.
  Result<std::vector<migrate::Applied>> apply(bool complete = false) {
    auto target = open_target();
    if (!target) return std::unexpected(target.error());
    auto dialect = open_dialect();
    if (!dialect) return std::unexpected(dialect.error());
    migrate::ApplyOptions options;
    options.run_operations = [&](const migrate::Migration& m,
                                 const std::vector<migrate::HistoryRow>&) -> Result<bool> {
      auto started = expand::start(**target, **dialect, files, m, expand_options());
      if (!started) return std::unexpected(started.error());
      if (!complete) return false;
      for (auto action : {expand::Action::kComplete, expand::Action::kFinalize}) {
        auto history = (*target)->history();
        if (!history) return std::unexpected(history.error());
        auto done = expand::act_locked(**target, **dialect, files, action, expand_options(),
                                       std::move(*history));
        if (!done) return std::unexpected(done.error());
      }
      return true;
    };
    return migrate::apply(**target, files, options);
  }

  // Applies every migration but the last and returns the schema hash then: what an abort of
  // the last one must restore. The last migration stays in `files`.
  std::string hash_before_last() {
    migrate::Migration last = files.back();
    files.pop_back();
    auto applied = apply();
    EXPECT_TRUE(applied.has_value()) << applied.error().to_string();
    files.push_back(std::move(last));
    return db.hash();
  }

  Result<expand::Report> act(expand::Action action) {
    auto target = open_target();
    if (!target) return std::unexpected(target.error());
    auto dialect = open_dialect();
    if (!dialect) return std::unexpected(dialect.error());
    return expand::act(**target, **dialect, files, action, expand_options());
  }

  // The history row's phase of a version ("" when none).
  std::string phase(const std::string& version) {
    return db.scalar(
        "SELECT coalesce(phase, '') || '/' || status FROM keel.schema_migrations "
        "WHERE version = '" +
        version + "'");
  }

  std::string sql_value(const std::string& query) { return db.scalar(query); }
  void sql(const std::string& statements) { db.sql(statements); }

  // Runs statements with search_path set to `schema` (a client of that version).
  void as_version(const std::string& schema, const std::string& statements) {
    pqxx::connection conn(db.url());
    pqxx::nontransaction tx(conn);
    tx.exec("SET search_path = " + conn.quote_name(schema));
    tx.exec(statements);
  }
  std::string scalar_as(const std::string& schema, const std::string& query) {
    pqxx::connection conn(db.url());
    pqxx::nontransaction tx(conn);
    tx.exec("SET search_path = " + conn.quote_name(schema));
    pqxx::result r = tx.exec(query);
    return r.empty() || r[0][0].is_null() ? std::string() : std::string(r[0][0].c_str());
  }

  // What apply and act pass to the engine (tests set backfill.batch_size, for one).
  // The latency probe is off by default here: its baseline costs a second per backfill
  // (expand_throttle_pg_test.cc and the CLI tests run it).
  expand::Options options = [] {
    expand::Options o;
    o.backfill.latency_limit_percent = 0;
    return o;
  }();
  expand::Options expand_options() const { return options; }

 private:
  Result<std::unique_ptr<migrate::MigrationTarget>> open_target() {
    auto url = parse_connection_url(keel_url.empty() ? db.url() : keel_url);
    if (!url) return std::unexpected(url.error());
    return migrate::open_migration_target(*url);
  }
  Result<std::unique_ptr<expand::ExpandContract>> open_dialect() {
    auto url = parse_connection_url(keel_url.empty() ? db.url() : keel_url);
    if (!url) return std::unexpected(url.error());
    return expand::open_expand_contract(*url);
  }
};

#define ASSERT_OK(expr)                                                     \
  do {                                                                      \
    auto _r = (expr);                                                       \
    ASSERT_TRUE(_r.has_value()) << #expr << ": " << _r.error().to_string(); \
  } while (0)

}  // namespace keel::test
