// keel diff / generate on PostgreSQL: every pair of tests/diff_corpus round
// trips (DDL applied to SRC gives DST's hash, the reverse gives SRC's back),
// the online-safe forms, destructive changes refused, and the CLI path
// generate -> apply -> rollback.
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>

#include "dialects/postgres/driver.h"
#include "integration/pg_fixture.h"
#include "integration/run.h"
#include "keel/ddl.h"
#include "keel/migrations.h"

namespace keel::test {
namespace {

namespace fs = std::filesystem;

std::vector<std::string> corpus_pairs() {
  std::vector<std::string> out;
  fs::path root = fs::path(KEEL_SOURCE_DIR) / "tests" / "diff_corpus";
  std::error_code ec;
  for (const auto& entry : fs::directory_iterator(root, ec)) {
    if (entry.is_directory() && fs::exists(entry.path() / "src.sql")) {
      out.push_back(entry.path().filename().string());
    }
  }
  std::sort(out.begin(), out.end());
  return out;
}

// Runs statements in one transaction (or one by one in autocommit); on
// failure names the statement and returns false.
bool run_statements(const PgDatabase& db, const std::vector<std::string>& statements,
                    bool transaction, std::string& error) {
  if (statements.empty()) return true;
  std::string current;
  try {
    pqxx::connection conn(db.url());
    if (transaction) {
      pqxx::work tx(conn);
      for (const std::string& s : statements) {
        current = s;
        tx.exec(s);
      }
      tx.commit();
    } else {
      pqxx::nontransaction tx(conn);
      for (const std::string& s : statements) {
        current = s;
        tx.exec(s);
      }
    }
  } catch (const std::exception& e) {
    error = std::string(e.what()) + "\nin: " + current;
    return false;
  }
  return true;
}

// The forward script: enum values committed first, the transaction, then the
// CONCURRENTLY statements; the reverse: those first, then the transaction.
bool apply_up(const PgDatabase& db, const DdlPlan& plan, std::string& error) {
  return run_statements(db, plan.up_statements(DdlPart::kBefore), false, error) &&
         run_statements(db, plan.up_statements(DdlPart::kTransaction), true, error) &&
         run_statements(db, plan.up_statements(DdlPart::kAfter), false, error);
}

bool apply_down(const PgDatabase& db, const DdlPlan& plan, std::string& error) {
  return run_statements(db, plan.down_statements(DdlPart::kAfter), false, error) &&
         run_statements(db, plan.down_statements(DdlPart::kTransaction), true, error);
}

std::string schema_differences(const Manifest& expected, const Manifest& actual) {
  std::string out;
  for (const Difference& d : compare_manifests(expected, actual, {})) {
    if (d.category != "schema") continue;
    out += "\n  " + d.object + " " + d.property + ": " + d.expected + " -> " + d.actual;
  }
  return out;
}

std::string lines(const std::vector<std::string>& items) {
  std::string out;
  for (const std::string& i : items) out += "\n  " + i;
  return out;
}

bool contains(const std::vector<std::string>& items, std::string_view text) {
  return std::any_of(items.begin(), items.end(),
                     [&](const std::string& i) { return i.find(text) != std::string::npos; });
}

// Loads a corpus script as psql -f would: statement by statement, each
// committed (ALTER TYPE ... ADD VALUE must be committed before use).
void load_script(const PgDatabase& db, const fs::path& path) {
  migrate::Script script;
  script.path = path.string();
  script.sql = slurp(path);
  Result<std::vector<migrate::Statement>> statements =
      migrate::split_statements(pg::driver(), script);
  ASSERT_TRUE(statements) << statements.error().to_string();
  pqxx::connection conn(db.url());
  pqxx::nontransaction tx(conn);
  for (const migrate::Statement& s : *statements) {
    try {
      tx.exec(s.sql);
    } catch (const std::exception& e) {
      FAIL() << path.string() << ":" << s.line << ": " << e.what();
    }
  }
}

// Compares `actual` with the golden file `path`, or writes it when
// KEEL_UPDATE_GOLDEN=1 (then the test reports nothing to compare).
void expect_golden(const fs::path& path, const std::string& actual) {
  const char* update = std::getenv("KEEL_UPDATE_GOLDEN");
  if (update != nullptr && std::string(update) == "1") {
    std::ofstream(path, std::ios::binary) << actual;
    return;
  }
  ASSERT_TRUE(fs::exists(path)) << path.string()
                                << " is missing: run the test with KEEL_UPDATE_GOLDEN=1 to "
                                   "write it, then review and commit it";
  EXPECT_EQ(slurp(path), actual) << path.string()
                                 << " differs from what keel generates now; if the change is "
                                    "intended, rewrite it with KEEL_UPDATE_GOLDEN=1 and review "
                                    "the diff";
}

class DiffCorpusPg : public PgTest, public ::testing::WithParamInterface<std::string> {};

TEST(DiffCorpus, HasAtLeastFortyPairs) { EXPECT_GE(corpus_pairs().size(), 40u); }

TEST_P(DiffCorpusPg, RoundTrips) {
  const std::string pair = GetParam();
  fs::path dir = fs::path(KEEL_SOURCE_DIR) / "tests" / "diff_corpus" / pair;
  PgDatabase a, b;
  load_script(a, dir / "src.sql");
  load_script(b, dir / "dst.sql");
  if (HasFatalFailure()) return;
  Manifest ma = a.capture(), mb = b.capture();
  std::string ha = model::schema_hash(ma.schema), hb = model::schema_hash(mb.schema);

  // drift names every difference the pair holds (drift.txt: object and
  // property, one per line), and finds none where the hashes agree.
  std::string named;
  for (const Difference& d : compare_manifests(ma, mb, {})) {
    if (d.category == "schema" || d.category == "extensions")
      named += d.object + " " + d.property + "\n";
  }
  EXPECT_EQ(named.empty(), ha == hb) << named;
  if (ha != hb) expect_golden(dir / "drift.txt", named);

  DdlOptions allow;
  allow.allow_destructive = true;
  Result<DdlPlan> plan = plan_ddl(pg::driver(), ma.schema, mb.schema, allow);
  ASSERT_TRUE(plan) << plan.error().to_string();

  if (pair.find("_x_") != std::string::npos) {
    // Differences ALTER cannot express: named, never silently skipped.
    EXPECT_FALSE(plan->unsupported.empty()) << "keel should refuse " << pair;
    return;
  }
  ASSERT_TRUE(plan->unsupported.empty()) << lines(plan->unsupported);
  if (pair.find("_same_") != std::string::npos) {
    EXPECT_EQ(ha, hb) << schema_differences(mb, ma);
    EXPECT_TRUE(plan->empty()) << render_script(*plan, false);
    return;
  }
  ASSERT_NE(ha, hb) << "the pair's two schemas are equal";
  ASSERT_FALSE(plan->empty());

  // Without --allow-destructive, a plan that drops data is refused, and the
  // refusal names every destructive step.
  Result<DdlPlan> guarded = plan_ddl(pg::driver(), ma.schema, mb.schema, DdlOptions{});
  if (plan->destructive.empty()) {
    EXPECT_TRUE(guarded) << guarded.error().to_string();
  } else {
    ASSERT_FALSE(guarded);
    EXPECT_EQ(guarded.error().code, ErrorCode::kGateFailed);
    for (const std::string& d : plan->destructive) {
      EXPECT_NE(guarded.error().message.find(d), std::string::npos) << d;
    }
  }

  // The scripts themselves, beside the round trip: a change in what keel
  // generates shows up as a diff of up.sql/down.sql in review.
  // KEEL_UPDATE_GOLDEN=1 rewrites them.
  expect_golden(dir / "up.sql", render_script(*plan, false));
  expect_golden(dir / "down.sql", render_script(*plan, true));

  std::string error;
  ASSERT_TRUE(apply_up(a, *plan, error)) << error << "\n--- script:\n"
                                         << render_script(*plan, false);
  Manifest after_up = a.capture();
  EXPECT_EQ(model::schema_hash(after_up.schema), hb)
      << schema_differences(mb, after_up) << "\n--- script:\n"
      << render_script(*plan, false);

  bool down_ok = apply_down(a, *plan, error);
  if (!down_ok) {
    // Only what the plan warned about may stop the reverse: an extension
    // without a downgrade script, or a dropped table that comes back empty
    // while rows elsewhere still reference it (its foreign keys cannot be
    // validated).
    bool extension = contains(plan->down_caveats, "downgrade script");
    bool enum_in_use = contains(plan->down_caveats, "cannot remove the new values") &&
                       error.find("cannot be rebuilt by a generated script") != std::string::npos;
    bool emptied = contains(plan->down_caveats, "comes back empty") &&
                   error.find("violates foreign key constraint") != std::string::npos;
    EXPECT_TRUE(extension || emptied || enum_in_use) << error << "\n--- reverse:\n"
                                                     << render_script(*plan, true);
    return;
  }
  Manifest after_down = a.capture();
  if (contains(plan->down_caveats, "comes back at the end")) {
    // A dropped middle column returns last: positions are all that differ.
    for (const Difference& d : compare_manifests(ma, after_down, {})) {
      if (d.category == "schema") {
        EXPECT_EQ(d.property, "column order") << d.object;
      }
    }
  } else {
    EXPECT_EQ(model::schema_hash(after_down.schema), ha)
        << schema_differences(ma, after_down) << "\n--- reverse:\n"
        << render_script(*plan, true);
  }
}

INSTANTIATE_TEST_SUITE_P(Corpus, DiffCorpusPg, ::testing::ValuesIn(corpus_pairs()),
                         [](const ::testing::TestParamInfo<std::string>& info) {
                           std::string name = info.param;
                           for (char& c : name) {
                             if (!std::isalnum(static_cast<unsigned char>(c))) c = '_';
                           }
                           return name;
                         });

class DiffPg : public PgTest {};

constexpr const char* kPopulated = R"sql(
CREATE TABLE accounts (id bigint PRIMARY KEY, name text);
CREATE TABLE orders (id bigint PRIMARY KEY, account_id bigint, amount numeric, code text);
INSERT INTO accounts VALUES (1, 'a'), (2, 'b');
INSERT INTO orders VALUES (1, 1, 10, 'x'), (2, 2, 20, 'y');
)sql";

TEST_F(DiffPg, ExistingTablesGetOnlineSafeForms) {
  PgDatabase a, b;
  a.sql(kPopulated);
  b.sql(kPopulated);
  b.sql(R"sql(
CREATE INDEX orders_amount_idx ON orders (amount);
ALTER TABLE orders ADD CONSTRAINT orders_amount_check CHECK (amount >= 0);
ALTER TABLE orders ADD CONSTRAINT orders_account_fk FOREIGN KEY (account_id) REFERENCES accounts(id);
ALTER TABLE orders ALTER COLUMN code SET NOT NULL;
ALTER TABLE accounts ADD CONSTRAINT accounts_name_key UNIQUE (name);
)sql");
  Manifest ma = a.capture(), mb = b.capture();
  Result<DdlPlan> plan = plan_ddl(pg::driver(), ma.schema, mb.schema, DdlOptions{});
  ASSERT_TRUE(plan) << plan.error().to_string();
  std::vector<std::string> tx = plan->up_statements(DdlPart::kTransaction),
                           no_tx = plan->up_statements(DdlPart::kAfter);
  std::string script = render_script(*plan, false);

  EXPECT_TRUE(contains(no_tx, "CREATE INDEX CONCURRENTLY orders_amount_idx")) << script;
  EXPECT_TRUE(contains(no_tx, "CREATE UNIQUE INDEX CONCURRENTLY accounts_name_key")) << script;
  EXPECT_TRUE(contains(no_tx, "ADD CONSTRAINT \"accounts_name_key\" UNIQUE USING INDEX")) << script;
  EXPECT_FALSE(contains(tx, "CONCURRENTLY")) << script;
  auto index_in = [&](const std::vector<std::string>& list, std::string_view text) {
    auto it = std::find_if(list.begin(), list.end(),
                           [&](const std::string& s) { return s.find(text) != std::string::npos; });
    return it == list.end() ? -1L : static_cast<long>(it - list.begin());
  };
  // CHECK and FOREIGN KEY: NOT VALID in the transaction, VALIDATE after it,
  // committed on its own (never under the ADD's lock).
  EXPECT_GE(index_in(tx,
                     "ADD CONSTRAINT \"orders_amount_check\" CHECK ((amount >= "
                     "(0)::numeric)) NOT VALID"),
            0)
      << script;
  EXPECT_GE(index_in(no_tx, "VALIDATE CONSTRAINT \"orders_amount_check\""), 0) << script;
  EXPECT_GE(index_in(tx,
                     "ADD CONSTRAINT \"orders_account_fk\" FOREIGN KEY (account_id) "
                     "REFERENCES public.accounts(id) NOT VALID"),
            0)
      << script;
  EXPECT_GE(index_in(no_tx, "VALIDATE CONSTRAINT \"orders_account_fk\""), 0) << script;
  EXPECT_LT(index_in(tx, "VALIDATE"), 0) << script;
  // SET NOT NULL after a validated CHECK (code IS NOT NULL), which then goes.
  EXPECT_GE(index_in(tx, "CHECK (\"code\" IS NOT NULL) NOT VALID"), 0) << script;
  long nn_validate = index_in(no_tx, "VALIDATE CONSTRAINT \"code_keel_not_null\"");
  long nn_set = index_in(no_tx, "ALTER COLUMN \"code\" SET NOT NULL");
  long nn_drop = index_in(no_tx, "DROP CONSTRAINT \"code_keel_not_null\"");
  EXPECT_GE(nn_validate, 0) << script;
  EXPECT_LT(nn_validate, nn_set);
  EXPECT_LT(nn_set, nn_drop);

  // And it gets there, and back.
  std::string ha = model::schema_hash(ma.schema), error;
  ASSERT_TRUE(apply_up(a, *plan, error)) << error;
  EXPECT_EQ(a.hash(), model::schema_hash(mb.schema));
  ASSERT_TRUE(apply_down(a, *plan, error)) << error;
  EXPECT_EQ(a.hash(), ha);
  EXPECT_EQ(a.scalar("SELECT count(*) FROM orders"), "2");

  // --offline: the plain forms, all in one transaction.
  DdlOptions offline;
  offline.online = false;
  Result<DdlPlan> plain = plan_ddl(pg::driver(), ma.schema, mb.schema, offline);
  ASSERT_TRUE(plain);
  EXPECT_FALSE(plain->has_no_transaction_steps());
  EXPECT_FALSE(contains(plain->up_statements(DdlPart::kTransaction), "NOT VALID"));
}

TEST_F(DiffPg, DestructiveChangesAreRefusedAndListed) {
  PgDatabase a, b;
  a.sql(kPopulated);
  b.sql("CREATE TABLE accounts (id bigint PRIMARY KEY, name text);");
  RunResult r = run_keel({"diff", "--from", a.url(), "--to", b.url(), "--sql"});
  EXPECT_EQ(r.status, 3) << r.out << r.err;
  EXPECT_EQ(r.out, "");
  EXPECT_NE(r.err.find("drop table public.orders"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("--allow-destructive"), std::string::npos) << r.err;

  PgDatabase c;
  c.sql(kPopulated);
  c.sql("ALTER TABLE orders DROP COLUMN code");
  r = run_keel({"diff", "--from", a.url(), "--to", c.url(), "--sql"});
  EXPECT_EQ(r.status, 3);
  EXPECT_NE(r.err.find("drop column public.orders.code"), std::string::npos) << r.err;

  r = run_keel({"diff", "--from", a.url(), "--to", b.url(), "--sql", "--allow-destructive"});
  EXPECT_EQ(r.status, 0) << r.err;
  EXPECT_NE(r.out.find("DROP TABLE \"public\".\"orders\""), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("-- DESTRUCTIVE (allowed): drop table public.orders"), std::string::npos)
      << r.out;

  // The reverse brings the table back: the gate is the forward script's.
  r = run_keel({"diff", "--from", a.url(), "--to", b.url(), "--sql", "--reverse"});
  EXPECT_EQ(r.status, 0) << r.err;
  EXPECT_NE(r.out.find("CREATE TABLE \"public\".\"orders\""), std::string::npos) << r.out;
  EXPECT_EQ(r.out.find("DESTRUCTIVE"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("-- down: table public.orders comes back empty"), std::string::npos)
      << r.out;
}

TEST_F(DiffPg, GenerateWritesMigrationsThatApplyAndRollBack) {
  PgDatabase src, dst;
  src.sql(kPopulated);
  dst.sql(kPopulated);
  dst.sql(R"sql(
ALTER TABLE orders ADD COLUMN note text DEFAULT 'none' NOT NULL;
CREATE INDEX orders_account_idx ON orders (account_id);
CREATE VIEW big_orders AS SELECT id, amount FROM orders WHERE amount > 15;
)sql");
  std::string hash_src = src.hash(), hash_dst = dst.hash();
  TempDir dir;
  dir.write("keel.toml", "[migrations]\ndir = \"migrations\"\n");

  // Without a difference nothing is written.
  RunResult same = run_keel({"generate", "noop", "--from", dst.url(), "--to", dst.url()}, dir.path);
  EXPECT_EQ(same.status, 0) << same.err;
  EXPECT_NE(same.out.find("no differences"), std::string::npos);

  RunResult gen = run_keel(
      {"--format", "json", "generate", "sync", "--from", src.url(), "--to", dst.url()}, dir.path);
  ASSERT_EQ(gen.status, 0) << gen.out << gen.err;
  auto j = nlohmann::json::parse(gen.out);
  ASSERT_EQ(j["written"].size(), 2u) << gen.out;
  EXPECT_FALSE(j["written"][0]["no_transaction"].get<bool>());
  EXPECT_TRUE(j["written"][1]["no_transaction"].get<bool>());
  std::string concurrent = slurp(dir.file(j["written"][1]["up"].get<std::string>()));
  EXPECT_TRUE(concurrent.starts_with("-- keel:no-transaction\n")) << concurrent;
  EXPECT_NE(concurrent.find("CREATE INDEX CONCURRENTLY orders_account_idx"), std::string::npos);
  EXPECT_NE(j["written"][0]["up"].get<std::string>().find("0001_sync.up.sql"), std::string::npos);
  EXPECT_NE(j["written"][1]["up"].get<std::string>().find("0002_sync_online.up.sql"),
            std::string::npos);

  // The up scripts pass lint (their downs drop what the ups add, which lint
  // rightly calls a breaking change).
  RunResult lint = run_keel(
      {"lint", j["written"][0]["up"].get<std::string>(), j["written"][1]["up"].get<std::string>()},
      dir.path);
  EXPECT_EQ(lint.status, 0) << lint.out << lint.err;

  RunResult apply = run_keel({"--url", src.url(), "apply"}, dir.path);
  ASSERT_EQ(apply.status, 0) << apply.out << apply.err;
  EXPECT_EQ(src.hash(), hash_dst);
  EXPECT_EQ(src.scalar("SELECT string_agg(note, ',') FROM orders"), "none,none");

  RunResult back = run_keel({"--url", src.url(), "rollback", "--steps", "2"}, dir.path);
  ASSERT_EQ(back.status, 0) << back.out << back.err;
  EXPECT_EQ(src.hash(), hash_src);
}

TEST_F(DiffPg, DiffWithoutSqlNamesDifferencesAndReadsManifests) {
  PgDatabase a, b;
  a.sql(kPopulated);
  b.sql(kPopulated);
  b.sql("ALTER TABLE accounts ADD COLUMN email text");
  TempDir dir;
  RunResult cap = run_keel({"--url", b.url(), "baseline", "capture", "-o", dir.file("b.json")});
  ASSERT_EQ(cap.status, 0) << cap.err;
  RunResult r = run_keel({"diff", "--from", a.url(), "--to", dir.file("b.json")});
  EXPECT_EQ(r.status, 3) << r.out << r.err;
  EXPECT_NE(r.out.find("public.accounts.email"), std::string::npos) << r.out;
  RunResult sql = run_keel({"diff", "--from", a.url(), "--to", dir.file("b.json"), "--sql"});
  EXPECT_EQ(sql.status, 0) << sql.err;
  EXPECT_NE(sql.out.find("ALTER TABLE \"public\".\"accounts\" ADD COLUMN \"email\" text;"),
            std::string::npos)
      << sql.out;
  RunResult same = run_keel({"--format", "json", "diff", "--from", a.url(), "--to", a.url()});
  EXPECT_EQ(same.status, 0) << same.out;
  EXPECT_EQ(nlohmann::json::parse(same.out)["count"], 0);
}

}  // namespace
}  // namespace keel::test
