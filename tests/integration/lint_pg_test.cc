// keel lint against a real PostgreSQL: each lock-hazard rule's statement is
// run inside BEGIN on a real table, and pg_locks must show the lock mode the
// rule's message names (and, for rewrites, a new relfilenode); then the CLI
// end to end (text, json, github, exit statuses, pg_proc volatility, folders).
#include <gtest/gtest.h>

#include <chrono>
#include <thread>

#include "integration/pg_fixture.h"
#include "integration/run.h"
#include "keel/lint.h"

namespace keel::test {
namespace {

class LintPgTest : public PgTest {};

constexpr const char* kSchema = R"(
CREATE TABLE orgs (id int PRIMARY KEY);
CREATE TABLE users (id int PRIMARY KEY, org_id int, name text, email text, age int);
CREATE INDEX users_email_idx ON users (email);
CREATE TABLE audit (id int);
CREATE TABLE legacy (id int);
INSERT INTO orgs SELECT g FROM generate_series(1, 10) g;
INSERT INTO users SELECT g, 1 + g % 10, 'n' || g, 'u' || g || '@x', g % 90 FROM generate_series(1, 1000) g;
CREATE TABLE measurements (id int, at date) PARTITION BY RANGE (at);
CREATE TABLE measurements_2020 PARTITION OF measurements FOR VALUES FROM ('2020-01-01') TO ('2021-01-01');
CREATE TABLE m2024 (id int, at date);
INSERT INTO m2024 SELECT g, '2024-06-01' FROM generate_series(1, 100) g;
CREATE MATERIALIZED VIEW user_counts AS SELECT org_id, count(*) AS n FROM users GROUP BY org_id;
CREATE SCHEMA legacy_app;
CREATE TABLE legacy_app.sessions (id int);
)";

// "ACCESS EXCLUSIVE" -> "AccessExclusiveLock", as pg_locks names modes.
std::string pg_mode(std::string_view lock) {
  std::string out;
  bool start = true;
  for (char c : lock) {
    if (c == ' ') {
      start = true;
      continue;
    }
    out += start ? c : static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    start = false;
  }
  return out + "Lock";
}

struct Hazard {
  std::string rule;
  std::string statement;
  std::vector<std::string> relations;  // where the lock must show
  std::string lock;                    // empty: the rule's catalogue lock
  bool rewrite = false;                // relfilenode of relations[0] changes
};

const std::vector<Hazard>& hazards() {
  static const std::vector<Hazard> kHazards = {
      {"create-index-not-concurrent", "CREATE INDEX users_name_idx ON users (name)", {"users"}},
      {"drop-index-not-concurrent", "DROP INDEX users_email_idx", {"users"}},
      {"reindex-not-concurrent", "REINDEX TABLE users", {"users"}},
      {"add-column-volatile-default",
       "ALTER TABLE users ADD COLUMN token uuid DEFAULT gen_random_uuid()",
       {"users"},
       "",
       true},
      {"add-column-volatile-default",
       "ALTER TABLE users ADD COLUMN n bigserial",
       {"users"},
       "",
       true},
      {"add-column-not-null-no-default", "ALTER TABLE audit ADD COLUMN c int NOT NULL", {"audit"}},
      {"set-not-null", "ALTER TABLE users ALTER COLUMN name SET NOT NULL", {"users"}},
      {"alter-column-type", "ALTER TABLE users ALTER COLUMN id TYPE bigint", {"users"}, "", true},
      {"foreign-key-without-not-valid",
       "ALTER TABLE users ADD CONSTRAINT users_org_fk FOREIGN KEY (org_id) REFERENCES orgs (id)",
       {"users", "orgs"}},
      {"check-without-not-valid",
       "ALTER TABLE users ADD CONSTRAINT age_ok CHECK (age >= 0)",
       {"users"}},
      {"unique-without-index",
       "ALTER TABLE users ADD CONSTRAINT users_email_key UNIQUE (email)",
       {"users"}},
      {"drop-column", "ALTER TABLE users DROP COLUMN age", {"users"}},
      {"drop-table", "DROP TABLE legacy", {"legacy"}},
      {"rename-column", "ALTER TABLE users RENAME COLUMN name TO full_name", {"users"}},
      {"rename-table", "ALTER TABLE users RENAME TO accounts", {"users"}},
      {"truncate", "TRUNCATE users CASCADE", {"users"}, "", true},
      {"cluster", "CLUSTER users USING users_pkey", {"users"}, "", true},
      {"set-logged", "ALTER TABLE users SET UNLOGGED", {"users"}, "", true},
      {"lock-table", "LOCK TABLE users", {"users"}, "ACCESS EXCLUSIVE"},
      {"lock-table", "LOCK TABLE users IN SHARE MODE", {"users"}, "SHARE"},
      {"whole-table-dml", "UPDATE users SET name = name", {"users"}},
      {"whole-table-dml", "DELETE FROM users", {"users"}},
      // Issue 19.
      {"validate-in-same-transaction",
       "ALTER TABLE users ADD CONSTRAINT age_ok CHECK (age >= 0) NOT VALID; "
       "ALTER TABLE users VALIDATE CONSTRAINT age_ok",
       {"users"},
       "ACCESS EXCLUSIVE"},
      {"validate-in-same-transaction",
       "ALTER TABLE users ADD CONSTRAINT users_org_fk FOREIGN KEY (org_id) REFERENCES orgs (id) "
       "NOT VALID; ALTER TABLE users VALIDATE CONSTRAINT users_org_fk",
       {"users", "orgs"},
       "SHARE ROW EXCLUSIVE"},
      {"foreign-key-without-not-valid",
       "ALTER TABLE users ADD COLUMN org2 int REFERENCES orgs (id)",
       {"orgs"}},
      {"detach-partition-not-concurrent",
       "ALTER TABLE measurements DETACH PARTITION measurements_2020",
       {"measurements"}},
      {"attach-partition",
       "ALTER TABLE measurements ATTACH PARTITION m2024 FOR VALUES FROM ('2024-01-01') TO "
       "('2025-01-01')",
       {"m2024"}},
      {"refresh-materialized-view-not-concurrent",
       "REFRESH MATERIALIZED VIEW user_counts",
       {"user_counts"},
       "",
       true},
      {"set-tablespace", "ALTER TABLE users SET TABLESPACE pg_default", {"users"}},
  };
  return kHazards;
}

std::string first_value(pqxx::transaction_base& tx, const std::string& query) {
  pqxx::result r = tx.exec(query);
  return r.empty() || r[0][0].is_null() ? std::string() : std::string(r[0][0].c_str());
}

lint::Finding lint_one(const std::string& sql, const std::string& rule) {
  migrate::Script script{.path = "m.sql", .sql = sql + ";"};
  for (const auto& f : lint::lint_script(script, {})) {
    if (f.rule == rule) return f;
  }
  ADD_FAILURE() << rule << " not reported for: " << sql;
  return {};
}

TEST_F(LintPgTest, EveryLockHazardTakesTheLockItsMessageNames) {
  PgDatabase db;
  db.sql(kSchema);
  pqxx::connection conn(db.url());
  for (const Hazard& h : hazards()) {
    SCOPED_TRACE(h.rule + ": " + h.statement);
    lint::Finding finding = lint_one(h.statement, h.rule);
    std::string lock = h.lock;
    if (lock.empty()) lock = std::string(lint::find_rule(h.rule)->lock);
    ASSERT_FALSE(lock.empty());
    for (const auto& rel : h.relations) {
      EXPECT_NE(finding.message.find(lock + " lock"), std::string::npos) << finding.message;
      // DROP INDEX names the index; its table is not in the statement.
      if (h.rule != "drop-index-not-concurrent") {
        EXPECT_NE(finding.message.find("public." + rel), std::string::npos) << finding.message;
      }
    }
    pqxx::work tx(conn);
    std::string before = first_value(
        tx, "SELECT pg_relation_filenode(" + tx.quote("public." + h.relations[0]) + ")");
    // By OID: the statement may rename the relation.
    std::vector<std::string> oids;
    for (const auto& rel : h.relations) {
      oids.push_back(first_value(tx, "SELECT " + tx.quote("public." + rel) + "::regclass::oid"));
    }
    tx.exec(h.statement);
    for (size_t i = 0; i < oids.size(); ++i) {
      pqxx::result modes = tx.exec_params(
          "SELECT l.mode FROM pg_locks l WHERE l.pid = pg_backend_pid() AND l.locktype = "
          "'relation' AND l.granted AND l.relation = $1::oid",
          oids[i]);
      std::string seen;
      bool found = false;
      for (const auto& row : modes) {
        seen += std::string(row[0].c_str()) + " ";
        found = found || row[0].c_str() == pg_mode(lock);
      }
      EXPECT_TRUE(found) << h.relations[i] << ": expected " << pg_mode(lock) << ", held: " << seen;
    }
    if (h.rewrite) {
      std::string after = first_value(
          tx, "SELECT pg_relation_filenode(" + tx.quote("public." + h.relations[0]) + ")");
      EXPECT_NE(before, after) << "no rewrite";
    }
    tx.abort();
  }
}

// DROP SCHEMA ... CASCADE: every table in it locked ACCESS EXCLUSIVE (its message names the
// schema, not each table).
TEST_F(LintPgTest, DropSchemaCascadeLocksEveryTableInIt) {
  PgDatabase db;
  db.sql(kSchema);
  lint::Finding finding = lint_one("DROP SCHEMA legacy_app CASCADE", "drop-schema-cascade");
  EXPECT_NE(finding.message.find("ACCESS EXCLUSIVE lock"), std::string::npos) << finding.message;
  EXPECT_NE(finding.message.find("legacy_app"), std::string::npos) << finding.message;
  pqxx::connection conn(db.url());
  pqxx::work tx(conn);
  const std::string oid = first_value(tx, "SELECT 'legacy_app.sessions'::regclass::oid");
  tx.exec("DROP SCHEMA legacy_app CASCADE");
  EXPECT_EQ(first_value(tx,
                        "SELECT mode FROM pg_locks WHERE pid = pg_backend_pid() AND "
                        "locktype = 'relation' AND granted AND relation = " +
                            oid),
            "AccessExclusiveLock");
  tx.abort();
}

TEST_F(LintPgTest, AddColumnNotNullWithoutDefaultFailsOnANonEmptyTable) {
  PgDatabase db;
  db.sql(kSchema);
  EXPECT_THROW(db.sql("ALTER TABLE users ADD COLUMN c int NOT NULL"), pqxx::sql_error);
  // The safe form goes through without a rewrite.
  std::string before = db.scalar("SELECT pg_relation_filenode('users')");
  db.sql("ALTER TABLE users ADD COLUMN c int NOT NULL DEFAULT 0");
  EXPECT_EQ(before, db.scalar("SELECT pg_relation_filenode('users')"));
}

TEST_F(LintPgTest, VacuumFullWaitsForAnAccessExclusiveLock) {
  PgDatabase db;
  db.sql(kSchema);
  lint::Finding finding = lint_one("VACUUM FULL users", "vacuum-full");
  EXPECT_NE(finding.message.find("ACCESS EXCLUSIVE lock on public.users"), std::string::npos);
  // VACUUM cannot run in a transaction block: hold a reader's lock, and see
  // what VACUUM FULL waits for.
  pqxx::connection reader(db.url());
  pqxx::work hold(reader);
  hold.exec("SELECT count(*) FROM users");
  std::thread vacuum([&] {
    pqxx::connection conn(db.url());
    pqxx::nontransaction tx(conn);
    tx.exec("VACUUM FULL users");
  });
  std::string waiting;
  for (int i = 0; i < 100 && waiting.empty(); ++i) {
    waiting =
        db.scalar("SELECT mode FROM pg_locks WHERE relation = 'users'::regclass AND NOT granted");
    if (waiting.empty()) std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  hold.commit();
  vacuum.join();
  EXPECT_EQ(waiting, "AccessExclusiveLock");
}

TEST_F(LintPgTest, SafeFormsRunWithoutBlockingLocks) {
  PgDatabase db;
  db.sql(kSchema);
  // NOT VALID then VALIDATE: validation holds SHARE UPDATE EXCLUSIVE, which
  // lets reads and writes go on.
  pqxx::connection conn(db.url());
  pqxx::work tx(conn);
  tx.exec("ALTER TABLE users ADD CONSTRAINT age_ok CHECK (age >= 0) NOT VALID");
  tx.commit();
  pqxx::work validate(conn);
  validate.exec("ALTER TABLE users VALIDATE CONSTRAINT age_ok");
  std::string modes = first_value(
      validate,
      "SELECT string_agg(mode, ',') FROM pg_locks WHERE pid = pg_backend_pid() AND relation = "
      "'users'::regclass");
  EXPECT_EQ(modes, "ShareUpdateExclusiveLock");
  validate.abort();
}

// --- the CLI ---------------------------------------------------------------

constexpr const char* kBad =
    "-- add an index\n"
    "CREATE INDEX users_name_idx ON users (name);\n"
    "ALTER TABLE users DROP COLUMN age;\n";

TEST_F(LintPgTest, CliTextOutputAndExitStatuses) {
  TempDir dir;
  dir.write("bad.sql", kBad);
  dir.write("good.sql", "CREATE INDEX CONCURRENTLY users_name_idx ON users (name);\n");
  RunResult bad = run_keel({"lint", dir.file("bad.sql")});
  EXPECT_EQ(bad.status, 3) << bad.out << bad.err;
  EXPECT_NE(bad.out.find(dir.file("bad.sql") +
                         ":2:1: error create-index-not-concurrent: CREATE INDEX users_name_idx "
                         "without CONCURRENTLY takes a SHARE lock on public.users"),
            std::string::npos)
      << bad.out;
  // Identifiers quoted through quote_identifier, as written (issue 14).
  EXPECT_NE(bad.out.find("\n  fix: CREATE INDEX CONCURRENTLY \"users_name_idx\" ON \"users\""),
            std::string::npos)
      << bad.out;
  EXPECT_NE(bad.out.find(":3:1: warning drop-column: "), std::string::npos) << bad.out;
  EXPECT_NE(bad.out.find("1 script linted: 1 error, 1 warning, 0 info; FAILED at --fail-on "
                         "warning\n"),
            std::string::npos)
      << bad.out;

  RunResult good = run_keel({"lint", dir.file("good.sql")});
  EXPECT_EQ(good.status, 0) << good.out << good.err;
  EXPECT_NE(good.out.find("1 script linted: 0 errors, 0 warnings, 0 info; passed"),
            std::string::npos)
      << good.out;

  dir.write("warn.sql", "ALTER TABLE users DROP COLUMN age;\n");
  EXPECT_EQ(run_keel({"lint", "--fail-on", "error", dir.file("warn.sql")}).status, 0);
  EXPECT_EQ(run_keel({"lint", "--fail-on", "info", dir.file("good.sql")}).status, 0);
  EXPECT_EQ(run_keel({"lint", dir.file("missing.sql")}).status, 1);
  EXPECT_EQ(run_keel({"lint", "--fail-on", "fatal", dir.file("bad.sql")}).status, 2);
  EXPECT_EQ(run_keel({"lint"}).status, 2);
  // github is lint's alone.
  EXPECT_EQ(run_keel({"--format", "github", "new", "x", "--dir", dir.file("m")}).status, 2);
}

TEST_F(LintPgTest, CliJsonAndGithubOutput) {
  TempDir dir;
  dir.write("bad.sql", kBad);
  RunResult json = run_keel({"--format", "json", "lint", dir.file("bad.sql")});
  EXPECT_EQ(json.status, 3) << json.err;
  auto doc = nlohmann::json::parse(json.out);
  ASSERT_EQ(doc["findings"].size(), 2u) << json.out;
  const auto& first = doc["findings"][0];
  EXPECT_EQ(first["rule"], "create-index-not-concurrent");
  EXPECT_EQ(first["severity"], "error");
  EXPECT_EQ(first["file"], dir.file("bad.sql"));
  EXPECT_EQ(first["line"], 2);
  EXPECT_EQ(first["column"], 1);
  EXPECT_TRUE(first["message"].get<std::string>().starts_with("CREATE INDEX users_name_idx"));
  EXPECT_TRUE(first["fix"].get<std::string>().starts_with("CREATE INDEX CONCURRENTLY"));

  RunResult gh = run_keel({"--format", "github", "lint", dir.file("bad.sql")});
  EXPECT_EQ(gh.status, 3) << gh.err;
  std::string file = dir.file("bad.sql");
  EXPECT_TRUE(gh.out.starts_with("::error file=" + file +
                                 ",line=2,col=1,title=create-index-not-concurrent::CREATE INDEX "
                                 "users_name_idx without CONCURRENTLY"))
      << gh.out;
  EXPECT_NE(gh.out.find("%0Afix: CREATE INDEX CONCURRENTLY"), std::string::npos) << gh.out;
  EXPECT_NE(gh.out.find("\n::warning file=" + file + ",line=3,col=1,title=drop-column::"),
            std::string::npos)
      << gh.out;
  EXPECT_EQ(std::count(gh.out.begin(), gh.out.end(), '\n'), 2) << gh.out;
}

TEST_F(LintPgTest, CliUsesTheServersFunctionVolatilityAndColumnTypes) {
  PgDatabase db;
  db.sql(kSchema);
  db.sql(
      "CREATE FUNCTION pick_constant() RETURNS int LANGUAGE sql IMMUTABLE AS 'SELECT 7';"
      "CREATE FUNCTION pick_random() RETURNS int LANGUAGE sql VOLATILE AS 'SELECT 7';"
      "ALTER TABLE users ALTER COLUMN name TYPE varchar(50);");
  TempDir dir;
  dir.write("constant.sql", "ALTER TABLE users ADD COLUMN a int DEFAULT pick_constant();\n");
  dir.write("random.sql", "ALTER TABLE users ADD COLUMN a int DEFAULT pick_random();\n");
  dir.write("grow.sql", "ALTER TABLE users ALTER COLUMN name TYPE varchar(100);\n");
  dir.write("shrink.sql", "ALTER TABLE users ALTER COLUMN name TYPE varchar(20);\n");

  // Without a connection an unknown function is assumed VOLATILE.
  RunResult offline = run_keel({"lint", dir.file("constant.sql")});
  EXPECT_EQ(offline.status, 3) << offline.out;
  EXPECT_NE(offline.out.find("assumed VOLATILE"), std::string::npos) << offline.out;

  RunResult constant = run_keel({"--url", db.url(), "lint", dir.file("constant.sql")});
  EXPECT_EQ(constant.status, 0) << constant.out << constant.err;
  RunResult random = run_keel({"--url", db.url(), "lint", dir.file("random.sql")});
  EXPECT_EQ(random.status, 3) << random.out << random.err;
  EXPECT_NE(random.out.find("pick_random() (a VOLATILE function"), std::string::npos) << random.out;

  EXPECT_EQ(run_keel({"--url", db.url(), "lint", dir.file("grow.sql")}).status, 0);
  RunResult shrink = run_keel({"--url", db.url(), "lint", dir.file("shrink.sql")});
  EXPECT_EQ(shrink.status, 3) << shrink.out;
  EXPECT_NE(shrink.out.find("TYPE varchar(20) (from varchar(50))"), std::string::npos)
      << shrink.out;
}

TEST_F(LintPgTest, CliLintsMigrationFoldersInEveryFormatAndHonoursConfig) {
  TempDir dir;
  std::filesystem::create_directories(dir.file("m"));
  dir.write("m/0001_users.up.sql",
            "CREATE TABLE users (id int);\nCREATE INDEX u_id ON users (id);\n");
  dir.write("m/0001_users.down.sql", "DROP TABLE users;\n");
  dir.write("m/V2__index.sql", "CREATE INDEX u_id2 ON users (id);\n");
  dir.write("m/3_drop.sql",
            "-- migrate:up\nALTER TABLE users DROP COLUMN id;\n\n-- migrate:down\nSELECT 1;\n");
  RunResult r = run_keel({"--format", "json", "lint", dir.file("m")});
  EXPECT_EQ(r.status, 3) << r.out << r.err;
  auto doc = nlohmann::json::parse(r.out);
  std::vector<std::string> seen;
  for (const auto& f : doc["findings"]) {
    seen.push_back(f["file"].get<std::string>() + ":" + std::to_string(f["line"].get<int>()) + " " +
                   f["rule"].get<std::string>());
  }
  std::string m = dir.file("m");
  // The down drops the table its own up created: not reported (issue 14).
  EXPECT_EQ(seen, (std::vector<std::string>{m + "/V2__index.sql:1 create-index-not-concurrent",
                                            m + "/3_drop.sql:2 drop-column"}))
      << r.out;
  EXPECT_EQ(doc["scripts"], 5);

  dir.write("keel.toml", "[lint]\ndisable = [\"drop-column\", \"drop-table\"]\n");
  RunResult disabled = run_keel({"lint", m}, dir.path);
  EXPECT_EQ(disabled.status, 3) << disabled.out;
  EXPECT_EQ(disabled.out.find("drop-"), std::string::npos) << disabled.out;
  EXPECT_NE(disabled.out.find("create-index-not-concurrent"), std::string::npos) << disabled.out;

  dir.write("keel.toml", "[lint]\ndisable = [\"drop-colum\"]\n");
  RunResult unknown = run_keel({"lint", m}, dir.path);
  EXPECT_EQ(unknown.status, 1) << unknown.out;
  EXPECT_NE(unknown.err.find("keel.toml:2"), std::string::npos) << unknown.err;
  EXPECT_NE(unknown.err.find("unknown lint rule 'drop-colum'"), std::string::npos) << unknown.err;
  EXPECT_NE(unknown.err.find("drop-column, drop-index-not-concurrent"), std::string::npos)
      << unknown.err;
}

}  // namespace
}  // namespace keel::test
