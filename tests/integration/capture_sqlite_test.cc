// SQLite inspector against real database files: the same schema reached by
// different paths hashes alike; every property difference changes the hash
// and is named by drift.
#include <gtest/gtest.h>
#include <sqlite3.h>

#include <algorithm>
#include <filesystem>
#include <string>
#include <vector>

#include "integration/run.h"
#include "keel/canonical.h"
#include "keel/connection.h"
#include "keel/drift.h"
#include "keel/manifest.h"

namespace keel {
namespace {

// Runs `sql` on a new database file (test set-up only: keel itself never
// writes to a database it inspects).
void make_db(const std::string& path, const std::string& sql) {
  sqlite3* db = nullptr;
  ASSERT_EQ(sqlite3_open(path.c_str(), &db), SQLITE_OK) << path;
  char* message = nullptr;
  int rc = sqlite3_exec(db, sql.c_str(), nullptr, nullptr, &message);
  std::string detail = message != nullptr ? message : "";
  sqlite3_free(message);
  sqlite3_close(db);
  ASSERT_EQ(rc, SQLITE_OK) << detail << "\n" << sql;
}

Result<Manifest> capture(const std::string& path) {
  auto url = parse_connection_url("sqlite://" + path);
  if (!url) return std::unexpected(url.error());
  auto conn = connect(*url);
  if (!conn) return std::unexpected(conn.error());
  return (*conn)->capture({});
}

Manifest capture_ok(const std::string& path) {
  auto m = capture(path);
  EXPECT_TRUE(m.has_value()) << (m ? "" : m.error().to_string());
  return m ? *m : Manifest{};
}

std::string describe(const std::vector<Difference>& diffs) {
  std::string out;
  for (const auto& d : diffs) {
    out += d.category + " | " + d.object + " | " + d.property + " | " + d.expected + " -> " +
           d.actual + "\n";
  }
  return out;
}

class SqliteTest : public ::testing::Test {
 protected:
  TempDir dir_;

  // Builds two databases from two scripts and captures both.
  std::pair<Manifest, Manifest> pair(const std::string& a_sql, const std::string& b_sql) {
    make_db(dir_.file("a.db"), a_sql);
    make_db(dir_.file("b.db"), b_sql);
    return {capture_ok(dir_.file("a.db")), capture_ok(dir_.file("b.db"))};
  }

  void expect_same(const std::string& a_sql, const std::string& b_sql) {
    auto [a, b] = pair(a_sql, b_sql);
    EXPECT_EQ(model::schema_hash(a.schema), model::schema_hash(b.schema));
    auto diffs = compare_manifests(a, b, {});
    EXPECT_EQ(drift_count(diffs), 0u) << describe(diffs);
  }
};

constexpr const char* kApp = R"sql(
CREATE TABLE users (
  id INTEGER PRIMARY KEY,
  email TEXT NOT NULL,
  name TEXT DEFAULT 'anon',
  age INTEGER CHECK (age >= 0)
);
CREATE TABLE orders (
  id INTEGER PRIMARY KEY,
  user_id INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  total NUMERIC NOT NULL DEFAULT 0
);
CREATE INDEX users_name_idx ON users (name);
CREATE INDEX orders_open_idx ON orders (user_id) WHERE total > 0;
CREATE VIEW big_orders AS SELECT id, total FROM orders WHERE total > 100;
CREATE TRIGGER users_touch AFTER UPDATE ON users
BEGIN UPDATE orders SET total = total WHERE user_id = NEW.id; END;
)sql";

// ---------------------------------------------------------------------------
// Same schema, different paths: same hash, no drift.

TEST_F(SqliteTest, CreationOrderDoesNotMatter) {
  expect_same(kApp, R"sql(
CREATE TABLE orders (
  id INTEGER PRIMARY KEY,
  user_id INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  total NUMERIC NOT NULL DEFAULT 0
);
CREATE VIEW big_orders AS SELECT id, total FROM orders WHERE total > 100;
CREATE INDEX orders_open_idx ON orders (user_id) WHERE total > 0;
CREATE TABLE users (
  id INTEGER PRIMARY KEY,
  email TEXT NOT NULL,
  name TEXT DEFAULT 'anon',
  age INTEGER CHECK (age >= 0)
);
CREATE TRIGGER users_touch AFTER UPDATE ON users
BEGIN UPDATE orders SET total = total WHERE user_id = NEW.id; END;
CREATE INDEX users_name_idx ON users (name);
)sql");
}

TEST_F(SqliteTest, ReformattedTextDoesNotMatter) {
  expect_same(kApp, R"sql(
create table users(id integer primary key,
  email TEXT   NOT NULL,
  name TEXT DEFAULT 'anon', -- the display name
  age INTEGER CHECK(age>=0));
CREATE TABLE orders(id INTEGER PRIMARY KEY, user_id INTEGER NOT NULL
  REFERENCES users(id) ON DELETE CASCADE, total NUMERIC NOT NULL DEFAULT 0);
create index users_name_idx on users(name);
CREATE INDEX orders_open_idx ON orders(user_id)
   WHERE total>0;
CREATE VIEW big_orders AS
  SELECT id,   total
  FROM orders /* big ones */
  WHERE total>100;
CREATE TRIGGER users_touch AFTER UPDATE ON users BEGIN
  UPDATE orders SET total=total WHERE user_id=NEW.id;
END;
)sql");
}

TEST_F(SqliteTest, AddColumnMatchesCreatedColumn) {
  expect_same(
      "CREATE TABLE t (id INTEGER PRIMARY KEY, a TEXT, CHECK (a <> ''));"
      "ALTER TABLE t ADD COLUMN b TEXT NOT NULL DEFAULT 'x' CHECK (length(b) < 10);"
      "ALTER TABLE t ADD COLUMN c INTEGER REFERENCES t (id);",
      "CREATE TABLE t (id INTEGER PRIMARY KEY, a TEXT,"
      " b TEXT NOT NULL DEFAULT 'x' CHECK (length(b) < 10),"
      " c INTEGER REFERENCES t (id), CHECK (a <> ''));");
}

TEST_F(SqliteTest, DroppedAndRenamedColumnsLeaveNoTrace) {
  expect_same(
      "CREATE TABLE t (id INTEGER PRIMARY KEY, gone TEXT, old_name TEXT CHECK (old_name <> ''));"
      "CREATE VIEW v AS SELECT old_name FROM t;"
      "ALTER TABLE t DROP COLUMN gone;"
      "ALTER TABLE t RENAME COLUMN old_name TO new_name;",
      "CREATE TABLE t (id INTEGER PRIMARY KEY, new_name TEXT CHECK (new_name <> ''));"
      "CREATE VIEW v AS SELECT new_name FROM t;");
}

TEST_F(SqliteTest, DataStatisticsAndTransientObjectsDoNotMatter) {
  std::string with_history = std::string(kApp) +
                             "INSERT INTO users (email) VALUES ('a@example.com');"
                             "INSERT INTO orders (user_id, total) VALUES (1, 500);"
                             "CREATE TABLE scratch (x); DROP TABLE scratch;"
                             "CREATE TABLE keel_history (id INTEGER PRIMARY KEY, name TEXT);"
                             "CREATE INDEX keel_history_name ON keel_history (name);"
                             "ANALYZE;";
  expect_same(kApp, with_history);
}

TEST_F(SqliteTest, ConstraintOrderAndReferenceSpellingDoNotMatter) {
  expect_same(
      "CREATE TABLE p (id INTEGER PRIMARY KEY);"
      "CREATE TABLE t (a INT, b INT, c INT REFERENCES p,"
      " UNIQUE (a), UNIQUE (b), CHECK (a > 0), CHECK (b > 0));",
      "CREATE TABLE p (id INTEGER PRIMARY KEY);"
      "CREATE TABLE t (a INT, b INT, c INT REFERENCES \"P\" (id),"
      " UNIQUE (b), UNIQUE (a), CHECK (b > 0), CHECK (a > 0));");
}

TEST_F(SqliteTest, DeclaredTypeSpacingDoesNotMatter) {
  expect_same("CREATE TABLE t (a VARCHAR(10), b DOUBLE PRECISION);",
              "CREATE TABLE t (a VARCHAR ( 10 ), b DOUBLE   PRECISION);");
}

TEST_F(SqliteTest, StringLiteralsKeepTheirSpaces) {
  auto [a, b] = pair("CREATE VIEW v AS SELECT 'a  b' AS x;", "CREATE VIEW v AS SELECT 'a b' AS x;");
  EXPECT_NE(model::schema_hash(a.schema), model::schema_hash(b.schema));
}

// ---------------------------------------------------------------------------
// Each property difference: a different hash, and drift names the object.

struct Change {
  const char* label;
  const char* from;    // text in kApp
  const char* to;      // its replacement
  const char* object;  // what drift must name
};

void PrintTo(const Change& c, std::ostream* os) { *os << c.label; }

class SqliteDifferenceTest : public SqliteTest, public ::testing::WithParamInterface<Change> {};

TEST_P(SqliteDifferenceTest, ChangesHashAndIsNamed) {
  const Change& c = GetParam();
  std::string changed = kApp;
  size_t at = changed.find(c.from);
  ASSERT_NE(at, std::string::npos) << c.from;
  changed.replace(at, std::string(c.from).size(), c.to);

  auto [expected, actual] = pair(kApp, changed);
  EXPECT_NE(model::schema_hash(expected.schema), model::schema_hash(actual.schema));
  auto diffs = compare_manifests(expected, actual, {});
  EXPECT_GT(drift_count(diffs), 0u);
  bool named = std::any_of(diffs.begin(), diffs.end(), [&](const Difference& d) {
    return d.category == "schema" && d.object == c.object;
  });
  EXPECT_TRUE(named) << "expected a difference on " << c.object << ", got:\n" << describe(diffs);
}

INSTANTIATE_TEST_SUITE_P(
    Sqlite, SqliteDifferenceTest,
    ::testing::Values(
        Change{"column_type", "email TEXT NOT NULL", "email VARCHAR(200) NOT NULL",
               "main.users.email"},
        Change{"nullability", "email TEXT NOT NULL", "email TEXT", "main.users.email"},
        Change{"default", "DEFAULT 'anon'", "DEFAULT 'nobody'", "main.users.name"},
        Change{"collation", "name TEXT DEFAULT", "name TEXT COLLATE NOCASE DEFAULT",
               "main.users.name"},
        Change{"column_added", "age INTEGER", "nick TEXT, age INTEGER", "main.users.nick"},
        Change{"column_order", "email TEXT NOT NULL,\n  name TEXT DEFAULT 'anon',",
               "name TEXT DEFAULT 'anon',\n  email TEXT NOT NULL,", "main.users"},
        Change{"generated", "total NUMERIC NOT NULL DEFAULT 0\n",
               "total NUMERIC NOT NULL DEFAULT 0, doubled AS (total * 2)\n", "main.orders.doubled"},
        Change{"index_columns", "ON users (name)", "ON users (name, email)",
               "main.users.users_name_idx"},
        Change{"index_order", "ON users (name)", "ON users (name DESC)",
               "main.users.users_name_idx"},
        Change{"index_unique", "CREATE INDEX users_name_idx", "CREATE UNIQUE INDEX users_name_idx",
               "main.users.users_name_idx"},
        Change{"index_predicate", "WHERE total > 0", "WHERE total > 10",
               "main.orders.orders_open_idx"},
        Change{"index_dropped", "CREATE INDEX users_name_idx ON users (name);", "",
               "main.users.users_name_idx"},
        Change{"unique_constraint", "email TEXT NOT NULL", "email TEXT NOT NULL UNIQUE",
               "main.users.users_email_key"},
        Change{"view_body", "WHERE total > 100", "WHERE total > 1000", "main.big_orders"},
        Change{"trigger", "SET total = total", "SET total = total + 0", "main.users.users_touch"},
        Change{"fk_action", "ON DELETE CASCADE", "ON DELETE RESTRICT",
               "main.orders.orders_user_id_fkey"},
        Change{"fk_deferrable", "ON DELETE CASCADE",
               "ON DELETE CASCADE DEFERRABLE INITIALLY DEFERRED",
               "main.orders.orders_user_id_fkey"},
        Change{"check", "CHECK (age >= 0)", "CHECK (age > 0)", "main.users.users_check"},
        Change{"autoincrement", "id INTEGER PRIMARY KEY,\n  email",
               "id INTEGER PRIMARY KEY AUTOINCREMENT,\n  email", "main.users.id"},
        Change{"without_rowid", "total NUMERIC NOT NULL DEFAULT 0\n);",
               "total NUMERIC NOT NULL DEFAULT 0\n) WITHOUT ROWID;", "main.orders"},
        Change{"strict", "age INTEGER CHECK (age >= 0)\n);",
               "age INTEGER CHECK (age >= 0)\n) STRICT;", "main.users"},
        Change{"fk_target_columns", "REFERENCES users (id)", "REFERENCES users (age)",
               "main.orders.orders_user_id_fkey"},
        Change{"view_added", "CREATE VIEW big_orders",
               "CREATE VIEW v2 AS SELECT 1;\nCREATE VIEW big_orders", "main.v2"},
        Change{"primary_key", "id INTEGER PRIMARY KEY,\n  email", "id INTEGER,\n  email",
               "main.users.users_pkey"},
        // Issue 19: ON CONFLICT changes what every INSERT does.
        Change{"on_conflict_not_null", "email TEXT NOT NULL",
               "email TEXT NOT NULL ON CONFLICT REPLACE", "main.users.email"},
        Change{"on_conflict_primary_key", "id INTEGER PRIMARY KEY,\n  email",
               "id INTEGER PRIMARY KEY ON CONFLICT IGNORE,\n  email", "main.users.id"}),
    [](const ::testing::TestParamInfo<Change>& info) { return std::string(info.param.label); });

// Issue 19: what SQLite treats as equal hashes alike; an ON CONFLICT clause does not.
TEST_F(SqliteTest, CaseInAChecksIdentifiersDoesNotMatter) {
  std::string upper = kApp;
  upper.replace(upper.find("CHECK (age >= 0)"), 16, "CHECK (AGE >= 0)");
  expect_same(kApp, upper);
}

TEST_F(SqliteTest, AnExplicitOnConflictAbortIsTheDefault) {
  std::string abort = kApp;
  abort.replace(abort.find("email TEXT NOT NULL"), 19, "email TEXT NOT NULL ON CONFLICT ABORT");
  expect_same(kApp, abort);
}

TEST_F(SqliteTest, CaseInACheckStringLiteralMatters) {
  auto [a, b] = pair("CREATE TABLE t (s TEXT CHECK (s <> 'x'));",
                     "CREATE TABLE t (s TEXT CHECK (s <> 'X'));");
  EXPECT_NE(model::schema_hash(a.schema), model::schema_hash(b.schema));
}

TEST_F(SqliteTest, TableOnConflictClausesAreComparedAndNamed) {
  auto [plain, ignoring] = pair("CREATE TABLE t (a INT, b INT, UNIQUE (a, b));",
                                "CREATE TABLE t (a INT, b INT, UNIQUE (a, b) ON CONFLICT IGNORE);");
  EXPECT_NE(model::schema_hash(plain.schema), model::schema_hash(ignoring.schema));
  auto diffs = compare_manifests(plain, ignoring, {});
  bool named = std::any_of(diffs.begin(), diffs.end(), [](const Difference& d) {
    return d.object == "main.t" &&
           d.property.find("on conflict unique (a, b)") != std::string::npos &&
           d.actual == "ignore";
  });
  EXPECT_TRUE(named) << describe(diffs);
}

TEST_F(SqliteTest, GeneratedExpressionIsCompared) {
  auto [a, b] = pair("CREATE TABLE t (a INT, b INT AS (a * 2) STORED);",
                     "CREATE TABLE t (a INT, b INT AS (a * 3) STORED);");
  EXPECT_EQ(a.schema.schemas["main"].tables["t"].columns["b"].generated, "(a * 2) STORED");
  auto diffs = compare_manifests(a, b, {});
  ASSERT_EQ(drift_count(diffs), 1u) << describe(diffs);
  EXPECT_EQ(diffs[0].object, "main.t.b");
}

TEST_F(SqliteTest, VirtualTablesKeepTheirModuleAndHideTheirShadowTables) {
  auto [a, b] = pair("CREATE VIRTUAL TABLE docs USING fts5(title, body);",
                     "CREATE VIRTUAL TABLE docs USING fts5(title, body, tags);");
  const auto& tables = a.schema.schemas["main"].tables;
  ASSERT_EQ(tables.size(), 1u);
  EXPECT_EQ(tables.begin()->second.kind, "virtual table");
  EXPECT_EQ(tables.begin()->second.options, "USING fts5(title, body)");
  auto diffs = compare_manifests(a, b, {});
  bool named = std::any_of(diffs.begin(), diffs.end(),
                           [](const Difference& d) { return d.object == "main.docs"; });
  EXPECT_TRUE(named) << describe(diffs);
}

TEST_F(SqliteTest, InsteadOfTriggersBelongToTheirView) {
  make_db(dir_.file("a.db"),
          "CREATE TABLE t (a INT); CREATE VIEW v AS SELECT a FROM t;"
          "CREATE TRIGGER v_ins INSTEAD OF INSERT ON v BEGIN INSERT INTO t VALUES (NEW.a); END;");
  Manifest m = capture_ok(dir_.file("a.db"));
  const auto& view = m.schema.schemas["main"].views["v"];
  ASSERT_EQ(view.triggers.count("v_ins"), 1u);
  EXPECT_EQ(view.triggers.at("v_ins").definition,
            "CREATE TRIGGER v_ins INSTEAD OF INSERT ON v BEGIN INSERT INTO t VALUES (NEW.a); END");
}

// ---------------------------------------------------------------------------
// Pragmas, manifest round trip, errors.

TEST_F(SqliteTest, PragmasAreSettingsOutsideTheHash) {
  auto [a, b] = pair(kApp, std::string(kApp) + "PRAGMA user_version = 7;");
  EXPECT_EQ(a.dialect, "sqlite");
  EXPECT_EQ(a.server.product, "sqlite");
  EXPECT_EQ(a.server.major, 3);
  EXPECT_EQ(a.encoding.encoding, "UTF-8");
  EXPECT_EQ(a.settings["pragma"]["user_version"], "0");
  EXPECT_EQ(b.settings["pragma"]["user_version"], "7");
  EXPECT_EQ(model::schema_hash(a.schema), model::schema_hash(b.schema));
  auto diffs = compare_manifests(a, b, {});
  ASSERT_EQ(drift_count(diffs), 1u) << describe(diffs);
  EXPECT_EQ(diffs[0].category, "settings");
  EXPECT_NE(diffs[0].object.find("user_version"), std::string::npos) << describe(diffs);
}

TEST_F(SqliteTest, EncodingDifferenceIsDrift) {
  auto [a, b] = pair(kApp, std::string("PRAGMA encoding = 'UTF-16le';") + kApp);
  auto diffs = compare_manifests(a, b, {});
  bool named = std::any_of(diffs.begin(), diffs.end(), [](const Difference& d) {
    return d.category == "encoding/collation" && d.property == "encoding";
  });
  EXPECT_TRUE(named) << describe(diffs);
}

TEST_F(SqliteTest, ManifestFileRoundTripReportsNoDrift) {
  make_db(dir_.file("a.db"), kApp);
  Manifest m = capture_ok(dir_.file("a.db"));
  ASSERT_TRUE(write_manifest_file(m, dir_.file("a.json")).has_value());
  auto doc = read_manifest_file(dir_.file("a.json"));
  ASSERT_TRUE(doc.has_value()) << doc.error().to_string();
  EXPECT_EQ(doc->schema_hash, model::schema_hash(m.schema));
  auto diffs = compare_manifests(doc->manifest, capture_ok(dir_.file("a.db")), {});
  EXPECT_EQ(drift_count(diffs), 0u) << describe(diffs);
}

TEST_F(SqliteTest, MissingFileIsAConnectionErrorAndIsNotCreated) {
  std::string path = dir_.file("missing.db");
  auto m = capture(path);
  ASSERT_FALSE(m.has_value());
  EXPECT_EQ(m.error().code, ErrorCode::kConnection);
  EXPECT_NE(m.error().to_string().find(path), std::string::npos) << m.error().to_string();
  EXPECT_NE(m.error().message.find("does not exist"), std::string::npos);
  EXPECT_FALSE(std::filesystem::exists(path));

  RunResult r = run_keel({"--url", "sqlite:missing.db", "baseline", "hash"}, dir_.path);
  EXPECT_EQ(r.status, 1);
  EXPECT_NE(r.err.find("missing.db"), std::string::npos) << r.err;
  EXPECT_FALSE(std::filesystem::exists(path));
}

TEST_F(SqliteTest, NotADatabaseIsAConnectionError) {
  dir_.write("junk.db", "this is not a database, just some text that is long enough to matter");
  auto m = capture(dir_.file("junk.db"));
  ASSERT_FALSE(m.has_value());
  EXPECT_EQ(m.error().code, ErrorCode::kConnection);
  EXPECT_NE(m.error().to_string().find("junk.db"), std::string::npos) << m.error().to_string();
}

TEST_F(SqliteTest, CaptureDoesNotWriteTheFile) {
  make_db(dir_.file("a.db"), kApp);
  auto before = std::filesystem::last_write_time(dir_.file("a.db"));
  std::string bytes = slurp(dir_.file("a.db"));
  capture_ok(dir_.file("a.db"));
  EXPECT_EQ(std::filesystem::last_write_time(dir_.file("a.db")), before);
  EXPECT_EQ(slurp(dir_.file("a.db")), bytes);
}

TEST_F(SqliteTest, CliDriftAgainstBaselineExitsThreeAndNamesTheObject) {
  make_db(dir_.file("prod.db"), kApp);
  RunResult cap =
      run_keel({"--url", "sqlite:prod.db", "baseline", "capture", "-o", "prod.json"}, dir_.path);
  ASSERT_EQ(cap.status, 0) << cap.err;
  RunResult clean =
      run_keel({"--url", "sqlite:prod.db", "drift", "--against", "prod.json"}, dir_.path);
  EXPECT_EQ(clean.status, 0) << clean.out << clean.err;
  make_db(dir_.file("prod.db"), "DROP INDEX users_name_idx; ALTER TABLE users ADD COLUMN x INT;");
  RunResult drift =
      run_keel({"--url", "sqlite:prod.db", "drift", "--against", "prod.json"}, dir_.path);
  EXPECT_EQ(drift.status, 3) << drift.out << drift.err;
  EXPECT_NE(drift.out.find("main.users.users_name_idx"), std::string::npos) << drift.out;
  EXPECT_NE(drift.out.find("main.users.x"), std::string::npos) << drift.out;
  EXPECT_NE(drift.out.find("DRIFT DETECTED: 2 differences"), std::string::npos) << drift.out;
}

}  // namespace
}  // namespace keel
