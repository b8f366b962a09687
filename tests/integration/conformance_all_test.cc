// The dialect conformance suite: what every dialect keel supports must do,
// written once and run against each dialect's real server (PostgreSQL 15 from
// scripts/with-postgres.sh, SQLite files). A new dialect is accepted when it
// passes this suite: add its fixture to dialect_fixtures() below.
//
// It covers the four seams the executor relies on: capture (the schema model
// and its hash), the session (transactions, statement errors), the migration
// roles (history, deploy lock, apply, status, rollback) and the run ledger.
#include <gtest/gtest.h>

#include <filesystem>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "integration/pg_fixture.h"
#include "integration/run.h"
#include "keel/connection.h"
#include "keel/ledger.h"
#include "keel/migrate.h"
#include "keel/migrations.h"
#include "keel/model.h"

namespace keel::test {
namespace {

namespace fs = std::filesystem;

// One fresh, empty database of one dialect, alive as long as the object.
class Database {
 public:
  virtual ~Database() = default;
  virtual std::string url() const = 0;
};

class PgFresh : public Database {
 public:
  std::string url() const override { return db_.url(); }

 private:
  PgDatabase db_;
};

class SqliteFresh : public Database {
 public:
  SqliteFresh() {
    // The migration target requires the file to exist: an empty file is an
    // empty SQLite database.
    dir_.write("conformance.db", "");
  }
  std::string url() const override { return "sqlite://" + dir_.file("conformance.db"); }

 private:
  TempDir dir_;
};

struct DialectFixture {
  std::string name;
  // Empty when the dialect's server is not available here.
  std::function<bool()> available;
  std::function<std::unique_ptr<Database>()> fresh;
};

std::vector<DialectFixture> dialect_fixtures() {
  return {
      {"postgresql", [] { return !pg_base_url().empty(); },
       [] { return std::unique_ptr<Database>(new PgFresh()); }},
      {"sqlite", [] { return true; }, [] { return std::unique_ptr<Database>(new SqliteFresh()); }},
  };
}

class Conformance : public ::testing::TestWithParam<DialectFixture> {
 protected:
  void SetUp() override {
    if (!GetParam().available()) GTEST_SKIP() << GetParam().name << " server not available";
    db_ = GetParam().fresh();
    Result<ConnectionUrl> url = parse_connection_url(db_->url());
    ASSERT_TRUE(url) << url.error().to_string();
    url_ = *url;
  }

  Manifest capture() {
    Result<std::unique_ptr<Connection>> conn = connect(url_);
    if (!conn) {
      ADD_FAILURE() << conn.error().to_string();
      return {};
    }
    Result<Manifest> m = (*conn)->capture({});
    if (!m) ADD_FAILURE() << m.error().to_string();
    return m ? *m : Manifest{};
  }

  std::unique_ptr<migrate::MigrationTarget> target() {
    Result<std::unique_ptr<migrate::MigrationTarget>> t = migrate::open_migration_target(url_);
    if (!t) {
      ADD_FAILURE() << t.error().to_string();
      return nullptr;
    }
    return std::move(*t);
  }

  // Writes migrations/<name> and returns the folder's migrations.
  std::vector<migrate::Migration> migrations(
      const std::vector<std::pair<std::string, std::string>>& files) {
    fs::create_directories(dir_.file("migrations"));
    for (const auto& [name, sql] : files) dir_.write("migrations/" + name, sql);
    Result<std::vector<migrate::Migration>> loaded =
        migrate::load_migrations(dir_.file("migrations"));
    if (!loaded) ADD_FAILURE() << loaded.error().to_string();
    return loaded ? *loaded : std::vector<migrate::Migration>{};
  }

  static migrate::Statement statement(const std::string& sql) { return {sql, 1}; }

  std::unique_ptr<Database> db_;
  ConnectionUrl url_;
  TempDir dir_;
};

// The table `name` in any schema (PostgreSQL: public; SQLite: main).
const model::Table* find_table(const Manifest& m, const std::string& name) {
  for (const auto& [schema_name, schema] : m.schema.schemas) {
    auto it = schema.tables.find(name);
    if (it != schema.tables.end()) return &it->second;
  }
  return nullptr;
}

bool has_tables(const Manifest& m) {
  for (const auto& [schema_name, schema] : m.schema.schemas) {
    if (!schema.tables.empty()) return true;
  }
  return false;
}

// --- capture ----------------------------------------------------------------

TEST_P(Conformance, CaptureOfAnEmptyDatabaseIsStableAndNamesTheDialect) {
  Manifest a = capture(), b = capture();
  EXPECT_EQ(a.dialect, GetParam().name);
  EXPECT_FALSE(has_tables(a));
  EXPECT_EQ(model::schema_hash(a.schema), model::schema_hash(b.schema));
}

TEST_P(Conformance, CaptureSeesATableAndItsColumnsAndTheHashFollowsTheSchema) {
  std::string empty = model::schema_hash(capture().schema);
  auto t = target();
  ASSERT_TRUE(t);
  ASSERT_TRUE(t->execute(statement("CREATE TABLE widgets (id integer PRIMARY KEY, label text)"),
                         "setup.sql"));
  Manifest m = capture();
  const model::Table* widgets = find_table(m, "widgets");
  ASSERT_NE(widgets, nullptr);
  ASSERT_EQ(widgets->columns.size(), 2u);
  ASSERT_TRUE(widgets->columns.count("id") && widgets->columns.count("label"));
  EXPECT_EQ(widgets->columns.at("id").position, 1);
  EXPECT_EQ(widgets->columns.at("label").position, 2);
  std::string with_table = model::schema_hash(m.schema);
  EXPECT_NE(with_table, empty);
  // The same schema reached again hashes alike.
  EXPECT_EQ(model::schema_hash(capture().schema), with_table);
}

// --- session ----------------------------------------------------------------

TEST_P(Conformance, ARolledBackTransactionLeavesNothingAndACommittedOneStays) {
  auto t = target();
  ASSERT_TRUE(t);
  ASSERT_TRUE(t->begin({}));
  ASSERT_TRUE(t->execute(statement("CREATE TABLE gone (id integer)"), "a.sql"));
  t->rollback();
  EXPECT_EQ(find_table(capture(), "gone"), nullptr);

  ASSERT_TRUE(t->begin({}));
  ASSERT_TRUE(t->execute(statement("CREATE TABLE kept (id integer)"), "b.sql"));
  ASSERT_TRUE(t->commit());
  EXPECT_NE(find_table(capture(), "kept"), nullptr);
}

TEST_P(Conformance, AFailingStatementIsAnSqlErrorNamingFileAndLine) {
  auto t = target();
  ASSERT_TRUE(t);
  Result<void> r = t->execute({"SELECT * FROM no_such_table", 7}, "migrations/0001_x.up.sql");
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, ErrorCode::kSql) << r.error().to_string();
  EXPECT_NE(r.error().to_string().find("migrations/0001_x.up.sql:7"), std::string::npos)
      << r.error().to_string();
  // The session is still usable afterwards.
  EXPECT_TRUE(t->execute(statement("CREATE TABLE after_error (id integer)"), "c.sql"));
}

TEST_P(Conformance, TheSessionSchemaSeesUncommittedChanges) {
  auto t = target();
  ASSERT_TRUE(t);
  ASSERT_TRUE(t->begin({}));
  ASSERT_TRUE(t->execute(statement("CREATE TABLE pending (id integer)"), "a.sql"));
  Result<Manifest> inside = t->schema();
  ASSERT_TRUE(inside) << inside.error().to_string();
  EXPECT_NE(find_table(*inside, "pending"), nullptr);
  t->rollback();
}

// --- migration roles ----------------------------------------------------------

TEST_P(Conformance, TheDeployLockIsExclusiveAndReleased) {
  auto first = target(), second = target();
  ASSERT_TRUE(first && second);
  ASSERT_TRUE(first->lock(std::chrono::milliseconds(0)));
  Result<void> blocked = second->lock(std::chrono::milliseconds(0));
  EXPECT_FALSE(blocked);
  first->unlock();
  EXPECT_TRUE(second->lock(std::chrono::milliseconds(0)));
  second->unlock();
}

TEST_P(Conformance, ApplyRecordsHistoryAndStatusThenRollbackUndoesTheLast) {
  std::vector<migrate::Migration> files = migrations({
      {"0001_widgets.up.sql", "CREATE TABLE widgets (id integer PRIMARY KEY);\n"},
      {"0001_widgets.down.sql", "DROP TABLE widgets;\n"},
      {"0002_gadgets.up.sql", "CREATE TABLE gadgets (id integer PRIMARY KEY);\n"},
      {"0002_gadgets.down.sql", "DROP TABLE gadgets;\n"},
  });
  ASSERT_EQ(files.size(), 2u);
  auto t = target();
  ASSERT_TRUE(t);

  Result<std::vector<migrate::Applied>> applied = migrate::apply(*t, files, {});
  ASSERT_TRUE(applied) << applied.error().to_string();
  ASSERT_EQ(applied->size(), 2u);
  EXPECT_EQ((*applied)[0].version, "0001");
  EXPECT_EQ((*applied)[1].version, "0002");
  EXPECT_NE(find_table(capture(), "gadgets"), nullptr);

  Result<std::vector<migrate::HistoryRow>> history = t->history();
  ASSERT_TRUE(history) << history.error().to_string();
  std::vector<migrate::VersionStatus> st = migrate::status(files, *history);
  ASSERT_EQ(st.size(), 2u);
  for (const migrate::VersionStatus& v : st) {
    EXPECT_EQ(v.state, migrate::State::kApplied) << v.version;
    ASSERT_TRUE(v.row.has_value());
    EXPECT_EQ(v.row->checksum, v.checksum) << v.version;
  }

  // Applying again runs nothing.
  Result<std::vector<migrate::Applied>> again = migrate::apply(*t, files, {});
  ASSERT_TRUE(again) << again.error().to_string();
  EXPECT_TRUE(again->empty());

  Result<migrate::RollbackReport> back = migrate::rollback(*t, files, {});
  ASSERT_TRUE(back) << back.error().to_string();
  ASSERT_EQ(back->rolled_back.size(), 1u);
  EXPECT_EQ(back->rolled_back[0].version, "0002");
  Manifest after = capture();
  EXPECT_EQ(find_table(after, "gadgets"), nullptr);
  EXPECT_NE(find_table(after, "widgets"), nullptr);

  history = t->history();
  ASSERT_TRUE(history);
  st = migrate::status(files, *history);
  ASSERT_EQ(st.size(), 2u);
  EXPECT_EQ(st[0].state, migrate::State::kApplied);
  EXPECT_EQ(st[1].state, migrate::State::kRolledBack);
}

TEST_P(Conformance, AFailedMigrationIsRecordedAndLeavesItsSchemaUnchanged) {
  std::vector<migrate::Migration> files = migrations({
      {"0001_ok.up.sql", "CREATE TABLE ok (id integer);\n"},
      {"0002_bad.up.sql", "CREATE TABLE half (id integer);\nSELECT * FROM no_such_table;\n"},
  });
  auto t = target();
  ASSERT_TRUE(t);
  Result<std::vector<migrate::Applied>> applied = migrate::apply(*t, files, {});
  ASSERT_FALSE(applied);
  EXPECT_NE(applied.error().to_string().find("0002_bad.up.sql:2"), std::string::npos)
      << applied.error().to_string();
  Manifest m = capture();
  EXPECT_NE(find_table(m, "ok"), nullptr);
  EXPECT_EQ(find_table(m, "half"), nullptr) << "the failed migration's first statement stayed";
  Result<std::vector<migrate::HistoryRow>> history = t->history();
  ASSERT_TRUE(history);
  std::vector<migrate::VersionStatus> st = migrate::status(files, *history);
  ASSERT_EQ(st.size(), 2u);
  EXPECT_EQ(st[0].state, migrate::State::kApplied);
  EXPECT_EQ(st[1].state, migrate::State::kFailed);
}

// --- ledger -------------------------------------------------------------------

TEST_P(Conformance, TheLedgerKeepsRunsAndParityNewestFirst) {
  Result<std::unique_ptr<ledger::Ledger>> ledger = ledger::open_ledger(url_);
  ASSERT_TRUE(ledger) << ledger.error().to_string();
  ledger::RunRow first;
  first.environment = "conformance";
  first.command = "apply";
  first.arguments = {"apply", "--to", "0001"};
  first.outcome = "applied 1";
  first.run_id = "run-one";
  first.started_at = "2026-12-07T00:00:00Z";
  ASSERT_TRUE((*ledger)->record_run(first));
  first.exit_code = 0;
  first.duration_ms = 12;
  ASSERT_TRUE((*ledger)->finish_run(first));
  ledger::RunRow second = first;
  second.command = "rollback";
  second.run_id = "run-two";
  second.started_at = "2026-12-07T00:00:01Z";
  second.exit_code = 3;
  second.error = "something failed";
  ASSERT_TRUE((*ledger)->record_run(second));

  Result<std::vector<ledger::RunRow>> runs = (*ledger)->runs(10);
  ASSERT_TRUE(runs) << runs.error().to_string();
  ASSERT_EQ(runs->size(), 2u);
  EXPECT_EQ((*runs)[0].command, "rollback");
  EXPECT_EQ((*runs)[1].command, "apply");
  EXPECT_EQ((*runs)[1].arguments, first.arguments);
  EXPECT_EQ((*runs)[1].duration_ms, 12);

  ledger::ParityRow parity;
  parity.environment = "conformance";
  parity.schema_hash = "sha256:00";
  parity.status = "DRIFTED";
  parity.reference = "env:prod";
  parity.differences = {"table public.t: missing"};
  ASSERT_TRUE((*ledger)->record_parity(parity));
  Result<std::vector<ledger::ParityRow>> rows = (*ledger)->parity(5);
  ASSERT_TRUE(rows) << rows.error().to_string();
  ASSERT_EQ(rows->size(), 1u);
  EXPECT_EQ((*rows)[0].status, "DRIFTED");
  EXPECT_EQ((*rows)[0].differences, parity.differences);
  EXPECT_FALSE((*rows)[0].verified_at.empty());
}

TEST_P(Conformance, AReadOnlyLedgerRefusesToRecord) {
  Result<std::unique_ptr<ledger::Ledger>> ledger = ledger::open_ledger(url_, ledger::Access::kRead);
  if (!ledger) {
    // A dialect may refuse to open a ledger that does not exist yet for
    // reading; it must say so as an error, not crash.
    EXPECT_FALSE(ledger.error().message.empty());
    return;
  }
  ledger::RunRow row;
  row.command = "status";
  row.run_id = "read-only";
  EXPECT_FALSE((*ledger)->record_run(row));
}

INSTANTIATE_TEST_SUITE_P(Dialects, Conformance, ::testing::ValuesIn(dialect_fixtures()),
                         [](const ::testing::TestParamInfo<DialectFixture>& info) {
                           return info.param.name;
                         });

}  // namespace
}  // namespace keel::test
