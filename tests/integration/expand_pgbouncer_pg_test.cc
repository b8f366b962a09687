// Issue 16 item 3: applications behind PgBouncer in transaction pooling mode select a version
// the way docs/expand_contract.md says: one database entry per version whose connect_query
// sets the search_path (each version its own pool), or SET LOCAL inside each transaction on a
// shared pool. More clients than server connections, so transactions of different clients share
// server connections; every write lands in the right version and both versions see them all.
#include <fmt/format.h>

#include "integration/expand_helpers.h"
#include "integration/pgbouncer.h"

namespace keel::test {
namespace {

class ExpandPgBouncerPg : public PgTest {
 protected:
  void SetUp() override {
    PgTest::SetUp();
    x.add_sql("0001", "init",
              "CREATE TABLE users (id int PRIMARY KEY, name text NOT NULL); "
              "INSERT INTO users VALUES (1, 'one')");
    x.add_ops("0002", "rename", {keel::ops::RenameColumn{"users", "name", "full_name"}});
  }
  std::string entry(const std::string& name, const std::string& search_path) const {
    std::string line =
        fmt::format("{} = {} dbname={} user=postgres", name, PgBouncer::server(), x.db.name());
    if (!search_path.empty()) line += " connect_query='SET search_path = " + search_path + "'";
    return line + "\n";
  }
  ExpandDb x;
};

TEST_F(ExpandPgBouncerPg, EachVersionItsOwnPoolOrSetLocalInATransaction) {
  ASSERT_OK(x.apply());
  PgBouncer bouncer(entry("app_v1", "public_0001_init") + entry("app_v2", "public_0002_rename") +
                    entry("app", ""));
  // Three clients per version on pools of two server connections.
  std::vector<std::unique_ptr<pqxx::connection>> v1, v2;
  for (int i = 0; i < 3; ++i) {
    v1.push_back(std::make_unique<pqxx::connection>(bouncer.url("app_v1")));
    v2.push_back(std::make_unique<pqxx::connection>(bouncer.url("app_v2")));
  }
  int id = 100;
  auto write_round = [&](const std::string& phase) {
    for (int round = 0; round < 5; ++round) {
      for (size_t c = 0; c < v1.size(); ++c) {
        pqxx::work a(*v1[c]);
        a.exec(fmt::format("INSERT INTO users (id, name) VALUES ({}, 'v1-{}')", ++id, phase));
        a.commit();
        pqxx::work b(*v2[c]);
        b.exec(fmt::format("INSERT INTO users (id, full_name) VALUES ({}, 'v2-{}')", ++id, phase));
        b.exec(fmt::format("UPDATE users SET full_name = full_name || '!' WHERE id = {}", id));
        b.commit();
      }
    }
  };
  write_round("active");

  // A shared pool: SET LOCAL picks the version for one transaction and does not outlive it.
  pqxx::connection shared(bouncer.url("app"));
  {
    pqxx::work t(shared);
    t.exec("SET LOCAL search_path = public_0002_rename");
    t.exec(fmt::format("INSERT INTO users (id, full_name) VALUES ({}, 'local')", ++id));
    t.commit();
  }
  {
    pqxx::work t(shared);
    EXPECT_EQ(t.exec1("SHOW search_path")[0].as<std::string>(), "\"$user\", public");
    t.commit();
  }

  ASSERT_OK(x.act(expand::Action::kComplete));
  write_round("completed");

  const std::string old_rows =
      x.scalar_as("public_0001_init",
                  "SELECT count(*) || ':' || md5(string_agg(id || name, ',' ORDER BY id)) "
                  "FROM users");
  const std::string new_rows =
      x.scalar_as("public_0002_rename",
                  "SELECT count(*) || ':' || md5(string_agg(id || full_name, ',' ORDER BY id)) "
                  "FROM users");
  EXPECT_EQ(old_rows, new_rows);
  EXPECT_TRUE(old_rows.starts_with("62:")) << old_rows;  // 1 + 2 phases x 5 rounds x 6 + 1
  EXPECT_EQ(x.sql_value("SELECT count(*) FROM public.users WHERE full_name LIKE 'v2-%!'"), "30");
  EXPECT_EQ(x.sql_value("SELECT full_name FROM public.users WHERE id = 131"), "local");
}

}  // namespace
}  // namespace keel::test
