// Integration-test fixture for the PostgreSQL dialect: a fresh database per
// use on the server that scripts/with-postgres.sh starts (KEEL_TEST_PG_URL),
// SQL through libpqxx, and capture through the library as the CLI does it.
#pragma once

#include <gtest/gtest.h>

#include <pqxx/pqxx>

#include <unistd.h>
#include <atomic>
#include <cstdlib>
#include <memory>
#include <string>
#include <vector>

#include "dialects/postgres/driver.h"
#include "keel/canonical.h"
#include "keel/connection.h"
#include "keel/drift.h"
#include "keel/manifest.h"

namespace keel::test {

inline std::string pg_base_url() {
  const char* url = std::getenv("KEEL_TEST_PG_URL");
  return url == nullptr ? std::string() : std::string(url);
}

// The base URL with its database (the path) replaced.
inline std::string pg_url_for(const std::string& database) {
  std::string url = pg_base_url();
  size_t slash = url.find('/', url.find("://") + 3);
  size_t query = url.find('?', slash);
  return url.substr(0, slash) + "/" + database +
         (query == std::string::npos ? "" : url.substr(query));
}

// One fresh database (CREATE DATABASE ... TEMPLATE template0), dropped on
// destruction.
class PgDatabase {
 public:
  PgDatabase() {
    static std::atomic<int> counter{0};
    name_ = "keel_t_" + std::to_string(getpid()) + "_" + std::to_string(counter++);
    admin("DROP DATABASE IF EXISTS " + name_);
    admin("CREATE DATABASE " + name_ + " TEMPLATE template0 ENCODING 'UTF8'");
    url_ = pg_url_for(name_);
  }
  ~PgDatabase() {
    try {
      admin("DROP DATABASE IF EXISTS " + name_ + " WITH (FORCE)");
    } catch (const std::exception&) {
      // Leftovers vanish with the throwaway server.
    }
  }
  PgDatabase(const PgDatabase&) = delete;
  PgDatabase& operator=(const PgDatabase&) = delete;

  const std::string& name() const { return name_; }
  const std::string& url() const { return url_; }

  // Runs statements (several, separated by ';') in this database.
  void sql(const std::string& statements) const {
    pqxx::connection conn(url_);
    pqxx::nontransaction tx(conn);
    tx.exec(statements);
  }

  std::string scalar(const std::string& query) const {
    pqxx::connection conn(url_);
    pqxx::nontransaction tx(conn);
    pqxx::result r = tx.exec(query);
    return r.empty() || r[0][0].is_null() ? std::string() : std::string(r[0][0].c_str());
  }

  Result<Manifest> try_capture(const CaptureOptions& options = default_options()) const {
    Result<ConnectionUrl> url = parse_connection_url(url_);
    if (!url) return std::unexpected(url.error());
    Result<std::unique_ptr<Connection>> conn = connect(*url);
    if (!conn) return std::unexpected(conn.error());
    return (*conn)->capture(options);
  }

  Manifest capture(const CaptureOptions& options = default_options()) const {
    Result<Manifest> m = try_capture(options);
    if (!m) ADD_FAILURE() << "capture failed: " << m.error().to_string();
    return m ? *m : Manifest{};
  }

  std::string hash() const { return model::schema_hash(capture().schema); }

  static CaptureOptions default_options() {
    CaptureOptions o;
    o.settings = pg::default_settings();
    return o;
  }

  // Runs statements on the server's maintenance database.
  static void admin(const std::string& statements) {
    pqxx::connection conn(pg_base_url());
    pqxx::nontransaction tx(conn);
    tx.exec(statements);
  }

 private:
  std::string name_;
  std::string url_;
};

class PgTest : public ::testing::Test {
 protected:
  void SetUp() override {
    if (pg_base_url().empty()) {
      GTEST_FAIL() << "KEEL_TEST_PG_URL is not set: run the PostgreSQL tests through "
                      "scripts/with-postgres.sh (make test does)";
    }
  }

  // Two fresh databases built by different SQL must hash alike, and drift
  // must report no schema difference.
  void expect_same(const std::string& setup_a, const std::string& setup_b) {
    PgDatabase a, b;
    a.sql(setup_a);
    b.sql(setup_b);
    Manifest ma = a.capture(), mb = b.capture();
    EXPECT_EQ(model::schema_hash(ma.schema), model::schema_hash(mb.schema));
    for (const Difference& d : compare_manifests(ma, mb, {})) {
      EXPECT_NE(d.category, "schema")
          << d.object << " " << d.property << ": " << d.expected << " -> " << d.actual;
    }
  }

  // Two databases that differ must hash differently, and drift must name
  // `object` among its differences.
  void expect_named(const std::string& setup_a, const std::string& setup_b,
                    const std::string& object) {
    PgDatabase a, b;
    a.sql(setup_a);
    b.sql(setup_b);
    Manifest ma = a.capture(), mb = b.capture();
    EXPECT_NE(model::schema_hash(ma.schema), model::schema_hash(mb.schema)) << object;
    std::vector<Difference> diffs = compare_manifests(ma, mb, {});
    bool named = false;
    std::string seen;
    for (const Difference& d : diffs) {
      named = named || d.object == object;
      seen += "\n  " + d.category + " " + d.object + " " + d.property;
    }
    EXPECT_TRUE(named) << "no difference names " << object << "; got:" << seen;
    EXPECT_GT(drift_count(diffs), 0u);
  }
};

}  // namespace keel::test
