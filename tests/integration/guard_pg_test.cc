// Issue 5 on a real PostgreSQL: rollback guarded by integrity checks (the
// NULL-safe orphan check the guide's NOT IN gets wrong), exact restoration
// of the recorded schema hash, connection draining, the RTO.
#include <gtest/gtest.h>

#include <chrono>
#include <future>
#include <thread>

#include "integration/migrate_helpers.h"
#include "integration/pg_fixture.h"
#include "keel/migrate.h"

namespace keel::test {
namespace {

using namespace std::chrono_literals;

// The guide's scenario: users.id is nullable and holds a NULL; 0002 adds a
// guest user whose down script deletes it again.
void write_guide_migrations(const MigrationFolder& folder) {
  folder.write("0001_users.up.sql",
               "CREATE TABLE users (id int, name text);\n"
               "CREATE TABLE user_preferences (user_id int, theme text);\n");
  folder.write("0001_users.down.sql", "DROP TABLE user_preferences;\nDROP TABLE users;\n");
  folder.write("0002_guest.up.sql", "INSERT INTO users (id, name) VALUES (3, 'guest');\n");
  folder.write("0002_guest.down.sql", "DELETE FROM users WHERE name = 'guest';\n");
}

struct Session {
  std::unique_ptr<migrate::MigrationTarget> target;
  std::vector<migrate::Migration> files;
};

Session open(const PgDatabase& db, const MigrationFolder& folder) {
  auto url = parse_connection_url(db.url());
  EXPECT_TRUE(url.has_value());
  auto target = migrate::open_migration_target(*url);
  EXPECT_TRUE(target.has_value()) << target.error().to_string();
  auto files = migrate::load_migrations(folder.dir.file("migrations"));
  EXPECT_TRUE(files.has_value()) << files.error().to_string();
  return {std::move(*target), std::move(*files)};
}

class GuardPg : public PgTest {};

TEST_F(GuardPg, OrphansTheGuidesNotInMissesAbortTheRollbackWithNothingChanged) {
  PgDatabase db;
  MigrationFolder folder(db.url());
  write_guide_migrations(folder);
  ASSERT_EQ(folder.keel("apply").status, 0);
  // 0002 only inserts a row: its hashes are 0001's after (no schema read).
  EXPECT_EQ(db.scalar("SELECT count(DISTINCT h) FROM (SELECT schema_hash_after h FROM "
                      "keel.schema_migrations UNION ALL SELECT schema_hash_before FROM "
                      "keel.schema_migrations WHERE version = '0002') x"),
            "1");
  // After the deploy: a user with a NULL id, and preferences for the guest.
  db.sql(
      "INSERT INTO users VALUES (1, 'a'), (NULL, 'ghost');"
      "INSERT INTO user_preferences VALUES (1, 'dark'), (3, 'light')");
  // The guide's check sees nothing: NOT IN over a set holding NULL is never true.
  db.sql("DELETE FROM users WHERE name = 'guest'");
  EXPECT_EQ(db.scalar("SELECT count(*) FROM user_preferences WHERE user_id NOT IN "
                      "(SELECT id FROM users)"),
            "0");
  db.sql("INSERT INTO users VALUES (3, 'guest')");

  const std::string hash = db.hash();
  const std::string history = db.scalar(
      "SELECT string_agg(version || status || applied_at::text || "
      "coalesce(schema_hash_after, ''), ',' ORDER BY version) FROM keel.schema_migrations");
  const std::string data = db.scalar(
      "SELECT string_agg(coalesce(id::text, 'null') || name, ',' ORDER BY name) FROM users");

  Session s = open(db, folder);
  migrate::RollbackOptions options;
  options.integrity.relations.push_back({"public.user_preferences.user_id", "public.users.id"});
  auto report = migrate::rollback(*s.target, s.files, options);
  ASSERT_TRUE(report.has_value()) << report.error().to_string();
  EXPECT_TRUE(report->aborted);
  EXPECT_TRUE(report->rolled_back.empty());
  ASSERT_EQ(report->findings.size(), 1u);
  EXPECT_EQ(report->findings[0].kind, "relation");
  EXPECT_EQ(report->findings[0].count, 1);
  EXPECT_FALSE(report->findings[0].ok());
  EXPECT_NE(report->abort_reason.find("1 orphaned row"), std::string::npos) << report->abort_reason;
  s.target.reset();

  EXPECT_EQ(db.hash(), hash);
  EXPECT_EQ(db.scalar("SELECT string_agg(version || status || applied_at::text || "
                      "coalesce(schema_hash_after, ''), ',' ORDER BY version) FROM "
                      "keel.schema_migrations"),
            history);
  EXPECT_EQ(db.scalar("SELECT string_agg(coalesce(id::text, 'null') || name, ',' ORDER BY name) "
                      "FROM users"),
            data);

  // The CLI says the same with exit 3, and names the check.
  folder.dir.write("keel.toml",
                   "[[integrity.relations]]\nchild = \"public.user_preferences.user_id\"\n"
                   "parent = \"public.users.id\"\n");
  RunResult cli = folder.keel("rollback");
  EXPECT_EQ(cli.status, 3) << cli.out << cli.err;
  EXPECT_NE(cli.out.find("ROLLBACK ABORTED"), std::string::npos) << cli.out;
  EXPECT_NE(cli.out.find("user_preferences.user_id -> public.users.id: 1 orphaned row"),
            std::string::npos)
      << cli.out;
  EXPECT_EQ(db.hash(), hash);

  // Once the orphan is dealt with, the same rollback goes through.
  db.sql("DELETE FROM user_preferences WHERE user_id = 3");
  RunResult clean = folder.keel("rollback");
  EXPECT_EQ(clean.status, 0) << clean.out << clean.err;
  EXPECT_EQ(db.scalar("SELECT status FROM keel.schema_migrations WHERE version = '0002'"),
            "ROLLED_BACK");
}

TEST_F(GuardPg, DeclaredForeignKeysNotValidOnesIncludedAndNotValidChecksAreRechecked) {
  PgDatabase db;
  MigrationFolder folder(db.url());
  folder.write("0001_t.up.sql",
               "CREATE TABLE parent (a int, b int, UNIQUE (a, b));\n"
               "CREATE TABLE child (a int, b int, qty int);\n"
               "INSERT INTO parent VALUES (1, 1);\n"
               // A NULL in the key is not an orphan (MATCH SIMPLE); (2, 2) is.
               "INSERT INTO child VALUES (1, 1, 1), (NULL, 5, 1), (2, 2, -1);\n"
               "ALTER TABLE child ADD CONSTRAINT child_parent_fk FOREIGN KEY (a, b) "
               "REFERENCES parent (a, b) NOT VALID;\n"
               "ALTER TABLE child ADD CONSTRAINT qty_positive CHECK (qty > 0) NOT VALID;\n");
  folder.write("0001_t.down.sql", "DROP TABLE child;\nDROP TABLE parent;\n");
  folder.write("0002_c.up.sql", "ALTER TABLE child ADD COLUMN note text;\n");
  folder.write("0002_c.down.sql", "ALTER TABLE child DROP COLUMN note;\n");
  ASSERT_EQ(folder.keel("apply").status, 0);
  const std::string hash = db.hash();

  Session s = open(db, folder);
  migrate::RollbackOptions options;
  options.integrity.checks.push_back({"no empty notes", "SELECT count(*) FROM child", 3});
  options.integrity.checks.push_back({"broken", "SELECT count(*) FROM missing_table", 0});
  auto report = migrate::rollback(*s.target, s.files, options);
  ASSERT_TRUE(report.has_value()) << report.error().to_string();
  EXPECT_TRUE(report->aborted);
  std::map<std::string, migrate::IntegrityFinding> by_kind;
  for (const auto& f : report->findings) by_kind[f.kind + ":" + f.name] = f;
  ASSERT_TRUE(by_kind.contains("foreign key:public.child.child_parent_fk"));
  EXPECT_EQ(by_kind["foreign key:public.child.child_parent_fk"].count, 1);
  EXPECT_NE(by_kind["foreign key:public.child.child_parent_fk"].detail.find("NOT VALID"),
            std::string::npos);
  ASSERT_TRUE(by_kind.contains("check constraint:public.child.qty_positive"));
  EXPECT_EQ(by_kind["check constraint:public.child.qty_positive"].count, 1);
  ASSERT_TRUE(by_kind.contains("check:no empty notes"));
  EXPECT_TRUE(by_kind["check:no empty notes"].ok());
  ASSERT_TRUE(by_kind.contains("check:broken"));
  EXPECT_NE(by_kind["check:broken"].error.find("missing_table"), std::string::npos);
  s.target.reset();
  EXPECT_EQ(db.hash(), hash);
  EXPECT_EQ(db.scalar("SELECT count(*) FROM keel.schema_migrations WHERE status = 'SUCCESS'"), "2");
}

TEST_F(GuardPg, CleanRollbackRestoresTheHashRecordedForTheTargetVersion) {
  PgDatabase db, reference;
  MigrationFolder folder(db.url());
  folder.write("0001_users.up.sql", "CREATE TABLE users (id bigint PRIMARY KEY, name text);\n");
  folder.write("0001_users.down.sql", "DROP TABLE users;\n");
  folder.write("0002_email.up.sql",
               "ALTER TABLE users ADD COLUMN email text;\n"
               "CREATE INDEX users_email_idx ON users (email);\n");
  folder.write("0002_email.down.sql",
               "DROP INDEX users_email_idx;\nALTER TABLE users DROP COLUMN email;\n");
  folder.write("0003_orders.up.sql",
               "CREATE TABLE orders (id bigint PRIMARY KEY, user_id bigint REFERENCES users);\n");
  folder.write("0003_orders.down.sql", "DROP TABLE orders;\n");
  ASSERT_EQ(folder.keel("apply").status, 0);
  // Hashes before/after chain: each migration starts where the last ended.
  EXPECT_EQ(db.scalar("SELECT count(*) FROM keel.schema_migrations a JOIN "
                      "keel.schema_migrations b ON b.schema_hash_before = a.schema_hash_after "
                      "WHERE (a.version, b.version) IN (('0001', '0002'), ('0002', '0003'))"),
            "2");
  EXPECT_EQ(
      db.scalar("SELECT schema_hash_after FROM keel.schema_migrations WHERE version = '0003'"),
      db.hash());
  const std::string after_0001 =
      db.scalar("SELECT schema_hash_after FROM keel.schema_migrations WHERE version = '0001'");
  // The recorded hash is the real one: a database with only 0001 hashes the same.
  reference.sql("CREATE TABLE users (id bigint PRIMARY KEY, name text)");
  EXPECT_EQ(after_0001, reference.hash());

  Session s = open(db, folder);
  migrate::RollbackOptions options;
  options.to = "0001";
  auto report = migrate::rollback(*s.target, s.files, options);
  ASSERT_TRUE(report.has_value()) << report.error().to_string();
  EXPECT_FALSE(report->aborted);
  EXPECT_TRUE(report->one_transaction);
  EXPECT_EQ(report->rolled_back.size(), 2u);
  EXPECT_EQ(report->target_version, "0001");
  EXPECT_EQ(report->expected_hash, after_0001);
  EXPECT_EQ(report->actual_hash, after_0001);
  EXPECT_TRUE(report->restored());
  s.target.reset();
  EXPECT_EQ(db.hash(), after_0001);
}

TEST_F(GuardPg, ADownScriptThatDoesNotUndoItsUpIsReportedIncompleteWithExit3) {
  PgDatabase db;
  MigrationFolder folder(db.url());
  folder.write("0001_users.up.sql", "CREATE TABLE users (id bigint PRIMARY KEY);\n");
  folder.write("0001_users.down.sql", "DROP TABLE users;\n");
  folder.write("0002_idx.up.sql",
               "ALTER TABLE users ADD COLUMN email text;\n"
               "CREATE INDEX users_email_idx ON users (email);\n");
  // Forgets the column.
  folder.write("0002_idx.down.sql", "DROP INDEX users_email_idx;\n");
  ASSERT_EQ(folder.keel("apply").status, 0);
  RunResult r = folder.keel("rollback");
  EXPECT_EQ(r.status, 3) << r.out << r.err;
  EXPECT_NE(r.out.find("ROLLBACK INCOMPLETE"), std::string::npos) << r.out;
  // Named from the snapshot kept when 0001's hash was recorded.
  EXPECT_NE(r.out.find("column public.users.email: left behind"), std::string::npos) << r.out;
  // The rollback itself stays committed.
  EXPECT_EQ(db.scalar("SELECT status FROM keel.schema_migrations WHERE version = '0002'"),
            "ROLLED_BACK");
  EXPECT_EQ(db.scalar("SELECT to_regclass('users_email_idx') IS NULL"), "t");
}

TEST_F(GuardPg, ANoTransactionDownScriptIsReportedAsNotUndoneWhenACheckFails) {
  PgDatabase db;
  MigrationFolder folder(db.url());
  write_guide_migrations(folder);
  folder.write("0003_idx.up.sql", "CREATE INDEX CONCURRENTLY users_name_idx ON users (name);\n");
  folder.write("0003_idx.down.sql", "DROP INDEX CONCURRENTLY users_name_idx;\n");
  ASSERT_EQ(folder.keel("apply").status, 0);
  db.sql("INSERT INTO user_preferences VALUES (42, 'orphan')");
  folder.dir.write("keel.toml",
                   "[[integrity.relations]]\nchild = \"public.user_preferences.user_id\"\n"
                   "parent = \"public.users.id\"\n");
  RunResult r = folder.keel("rollback");
  EXPECT_EQ(r.status, 3) << r.out << r.err;
  // Never "nothing was changed": the index is gone, the row still says SUCCESS.
  EXPECT_NE(r.out.find("NOT everything is as before"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("ran outside a transaction: its statements were NOT undone"),
            std::string::npos)
      << r.out;
  EXPECT_NE(r.err.find("one migration at a time"), std::string::npos) << r.err;
  EXPECT_EQ(db.scalar("SELECT to_regclass('users_name_idx') IS NULL"), "t");
}

TEST_F(GuardPg, DrainingWaitsForASessionHoldingALockAndProceedsWhenItEnds) {
  PgDatabase db;
  MigrationFolder folder(db.url());
  write_guide_migrations(folder);
  ASSERT_EQ(folder.keel("apply").status, 0);

  // A reader holds ACCESS SHARE on users for about 1.5 s.
  std::promise<void> holding;
  std::thread reader([&] {
    pqxx::connection conn(db.url());
    pqxx::work tx(conn);
    tx.exec("SELECT * FROM users");
    holding.set_value();
    std::this_thread::sleep_for(1500ms);
    tx.commit();
  });
  holding.get_future().wait();
  std::this_thread::sleep_for(600ms);  // older than the 500 ms grace
  Session s = open(db, folder);
  migrate::RollbackOptions options;
  options.drain = migrate::DrainOptions{10s, false, 10s, false};
  std::vector<std::string> lines;
  options.run.progress = [&](const std::string& line) { lines.push_back(line); };
  auto report = migrate::rollback(*s.target, s.files, options);
  reader.join();
  ASSERT_TRUE(report.has_value()) << report.error().to_string();
  EXPECT_FALSE(report->aborted) << report->abort_reason;
  ASSERT_TRUE(report->drained.has_value());
  EXPECT_GE(report->drained->waited_ms, 500);
  EXPECT_EQ(report->rolled_back.size(), 1u);
  bool named = false;
  for (const auto& line : lines)
    named |= line.find("holds a lock on public.users") != std::string::npos;
  EXPECT_TRUE(named) << "draining should print who is in the way";
}

TEST_F(GuardPg, DrainingEndsIdleInTransactionSessionsButNeverActiveOnesWithoutForce) {
  PgDatabase db;
  MigrationFolder folder(db.url());
  write_guide_migrations(folder);
  ASSERT_EQ(folder.keel("apply").status, 0);

  // Idle in transaction, holding ACCESS SHARE on users.
  // (A manual BEGIN: libpqxx 6.4 leaks a result when a pqxx::work's
  // connection was terminated under it.)
  pqxx::connection idle(db.url());
  pqxx::nontransaction idle_tx(idle);
  idle_tx.exec("BEGIN; SELECT * FROM users");
  const int idle_pid = idle.backendpid();
  std::this_thread::sleep_for(600ms);  // older than the 500 ms grace
  {
    Session s = open(db, folder);
    migrate::RollbackOptions options;
    options.drain = migrate::DrainOptions{5s, true, 200ms, false};
    auto report = migrate::rollback(*s.target, s.files, options);
    ASSERT_TRUE(report.has_value()) << report.error().to_string();
    EXPECT_FALSE(report->aborted) << report->abort_reason;
    ASSERT_TRUE(report->drained.has_value());
    ASSERT_EQ(report->drained->terminated.size(), 1u);
    EXPECT_EQ(report->drained->terminated[0].pid, idle_pid);
  }
  EXPECT_EQ(
      db.scalar("SELECT count(*) FROM pg_stat_activity WHERE pid = " + std::to_string(idle_pid)),
      "0");

  // An active session is waited for, not ended: the drain times out and
  // the rollback is aborted with nothing changed.
  ASSERT_EQ(folder.keel("apply").status, 0);
  std::promise<void> holding;
  std::thread busy([&] {
    pqxx::connection conn(db.url());
    pqxx::work tx(conn);
    tx.exec("SELECT * FROM users");
    holding.set_value();
    try {
      tx.exec("SELECT pg_sleep(3)");
    } catch (const std::exception&) {
    }
  });
  holding.get_future().wait();
  std::this_thread::sleep_for(600ms);
  Session s = open(db, folder);
  migrate::RollbackOptions options;
  options.drain = migrate::DrainOptions{700ms, true, 200ms, false};
  auto report = migrate::rollback(*s.target, s.files, options);
  busy.join();
  ASSERT_TRUE(report.has_value()) << report.error().to_string();
  EXPECT_TRUE(report->aborted);
  EXPECT_NE(report->abort_reason.find("draining timed out"), std::string::npos)
      << report->abort_reason;
  EXPECT_NE(report->abort_reason.find("active"), std::string::npos) << report->abort_reason;
  EXPECT_EQ(db.scalar("SELECT status FROM keel.schema_migrations WHERE version = '0002'"),
            "SUCCESS");
}

TEST_F(GuardPg, ARollbackOverItsRtoFinishesButExits3) {
  PgDatabase db;
  MigrationFolder folder(db.url());
  folder.write("0001_slow.up.sql", "CREATE TABLE t (id int);\n");
  folder.write("0001_slow.down.sql", "SELECT pg_sleep(0.3);\nDROP TABLE t;\n");
  folder.dir.write("keel.toml",
                   "[environments.dev]\nurl = \"" + db.url() + "\"\nrto = \"100ms\"\n");
  RunResult applied = run_keel({"--env", "dev", "apply"}, folder.dir.path);
  ASSERT_EQ(applied.status, 0) << applied.err;
  RunResult r = run_keel({"--env", "dev", "--format", "json", "rollback"}, folder.dir.path);
  EXPECT_EQ(r.status, 3) << r.out << r.err;
  auto j = nlohmann::json::parse(r.out);
  EXPECT_TRUE(j["rto_breached"].get<bool>());
  EXPECT_EQ(j["rto_ms"], 100);
  EXPECT_GE(j["elapsed_ms"].get<int64_t>(), 300);
  EXPECT_EQ(j["rolled_back"].size(), 1u);
  EXPECT_EQ(db.scalar("SELECT to_regclass('t') IS NULL"), "t");
}

// A down script cannot put a dropped middle column back in its place: it
// comes back last. With the column order kept (the default) rollback says
// the schema is not the one recorded; with [baseline] column_order =
// "ignore" the hashes leave the order out and the restoration is exact.
TEST_F(GuardPg, ADroppedMiddleColumnBackLastIsExactOnlyWhenColumnOrderIsIgnored) {
  for (bool ignore : {false, true}) {
    PgDatabase db;
    MigrationFolder folder(db.url());
    folder.write("0001_users.up.sql",
                 "CREATE TABLE users (id bigint PRIMARY KEY, email text, name text);\n");
    folder.write("0001_users.down.sql", "DROP TABLE users;\n");
    folder.write("0002_no_email.up.sql", "ALTER TABLE users DROP COLUMN email;\n");
    folder.write("0002_no_email.down.sql", "ALTER TABLE users ADD COLUMN email text;\n");
    Session s = open(db, folder);
    migrate::ApplyOptions apply;
    apply.run.ignore_column_order = ignore;
    auto applied = migrate::apply(*s.target, s.files, apply);
    ASSERT_TRUE(applied.has_value()) << applied.error().to_string();
    ASSERT_EQ(applied->size(), 2u);
    migrate::RollbackOptions options;
    options.run.ignore_column_order = ignore;
    auto report = migrate::rollback(*s.target, s.files, options);
    ASSERT_TRUE(report.has_value()) << report.error().to_string();
    EXPECT_EQ(report->restored(), ignore) << "ignore=" << ignore;
    EXPECT_FALSE(report->expected_hash.empty());
    if (!ignore) {
      std::string named;
      for (const std::string& d : report->restoration_differences) named += d + "; ";
      EXPECT_NE(named.find("table public.users: column order: id, email, name -> id, name, email"),
                std::string::npos)
          << named;
    }
  }
}

}  // namespace
}  // namespace keel::test
