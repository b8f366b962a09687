// A start stopped part-way (issue 17): a transient failure after the start's transaction
// committed leaves the migration `starting` with its backfill progress, and the next apply goes
// on after the last recorded batch: every row ends correct, no row is touched twice, an index
// a stopped build left invalid is built again. A failure that would happen again (bad data) is
// still undone at once.
#include <signal.h>
#include <sys/wait.h>

#include <atomic>
#include <map>
#include <random>
#include <thread>

#include "integration/expand_helpers.h"
#include "integration/migrate_helpers.h"

namespace keel::test {
namespace {

class ExpandResumePg : public PgTest {
 protected:
  void SetUp() override {
    PgTest::SetUp();
    // `touches` counts the updates of each row; `trap` makes the update of one row fail as a
    // server shutting down would (SQLSTATE 57P01) while armed.
    x.add_sql("0001", "init",
              "CREATE TABLE items (id int PRIMARY KEY, price int NOT NULL); "
              "INSERT INTO items SELECT g, g % 97 FROM generate_series(1, 3000) g; "
              "CREATE TABLE touches (id int PRIMARY KEY, n int NOT NULL); "
              "CREATE TABLE trap (armed_at int); INSERT INTO trap VALUES (1500); "
              "CREATE FUNCTION count_touch() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN "
              "INSERT INTO touches VALUES (NEW.id, 1) "
              "ON CONFLICT (id) DO UPDATE SET n = touches.n + 1; RETURN NEW; END $$; "
              "CREATE TRIGGER count_touch AFTER UPDATE ON items "
              "FOR EACH ROW EXECUTE FUNCTION count_touch(); "
              "CREATE FUNCTION spring() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN "
              "IF NEW.id = (SELECT armed_at FROM trap) THEN "
              "RAISE EXCEPTION 'simulated shutdown' USING ERRCODE = 'admin_shutdown'; END IF; "
              "RETURN NEW; END $$; "
              "CREATE TRIGGER spring BEFORE UPDATE ON items "
              "FOR EACH ROW EXECUTE FUNCTION spring()");
    keel::ops::AddColumn add;
    add.table = "items";
    add.column.name = "cents";
    add.column.type = "bigint";
    add.column.nullable = false;
    add.up = "price * 100";
    keel::ops::CreateIndex index;
    index.name = "items_price_idx";
    index.table = "items";
    index.columns = {"price"};
    x.add_ops("0002", "cents", {add, index});
    x.options.backfill.batch_size = 100;
    x.options.backfill.target_batch_time = std::chrono::milliseconds(0);  // 100 rows each
    x.options.backfill.progress_interval = std::chrono::milliseconds(0);  // recorded each batch
  }
  std::string wrong_rows() {
    return x.scalar_as(new_v,
                       "SELECT count(*) FROM items WHERE cents IS DISTINCT FROM price * 100");
  }
  ExpandDb x;
  const std::string new_v = "public_0002_cents";
};

TEST_F(ExpandResumePg, TransientFailureMidBackfillResumesAfterTheLastRecordedBatch) {
  auto stopped = x.apply();
  ASSERT_FALSE(stopped.has_value());
  EXPECT_NE(stopped.error().message.find("run keel apply again to resume"), std::string::npos)
      << stopped.error().message;
  EXPECT_EQ(x.phase("0002"), "starting/FAILED");
  // Batches of 100: the one holding row 1500 failed; 14 batches were recorded.
  EXPECT_EQ(x.sql_value("SELECT string_agg((p->>'operation') || ':' || (p->>'rows_done') || ':' "
                        "|| (p->>'last_key'), ',') FROM keel.schema_migrations, "
                        "json_array_elements(operation_progress::json) p WHERE version = '0002'"),
            R"(0:1400:["1400"])");
  EXPECT_EQ(x.sql_value("SELECT count(*) FROM touches"), "1400");

  x.sql("UPDATE trap SET armed_at = NULL");
  ASSERT_OK(x.apply());
  EXPECT_EQ(x.phase("0002"), "active/SUCCESS");
  EXPECT_EQ(wrong_rows(), "0");
  // Every row touched once: the resumed backfill began after row 1400.
  EXPECT_EQ(x.sql_value("SELECT count(*) || '/' || max(n) FROM touches"), "3000/1");
  EXPECT_EQ(x.sql_value("SELECT rows_done FROM keel.schema_migrations, "
                        "json_to_recordset(operation_progress::json) AS p(rows_done int) "
                        "WHERE version = '0002'"),
            "3000");
  EXPECT_EQ(x.sql_value("SELECT indisvalid FROM pg_index WHERE indexrelid = "
                        "'public.items_price_idx'::regclass"),
            "t");
  ASSERT_OK(x.act(expand::Action::kComplete));
  ASSERT_OK(x.act(expand::Action::kFinalize));
  EXPECT_EQ(x.sql_value("SELECT count(*) FROM items WHERE cents <> price * 100"), "0");
}

TEST_F(ExpandResumePg, AnIndexLeftInvalidIsBuiltAgainAndAbortStillUndoesEverything) {
  const std::string before = x.hash_before_last();
  ASSERT_FALSE(x.apply().has_value());
  // As a CREATE INDEX CONCURRENTLY killed part-way leaves it: a unique build over duplicate
  // prices fails and stays behind, invalid, under the name the operation builds.
  x.sql("UPDATE trap SET armed_at = NULL");
  try {
    x.sql("CREATE UNIQUE INDEX CONCURRENTLY items_price_idx ON items (price)");
    FAIL() << "the unique build should fail";
  } catch (const std::exception&) {
  }
  ASSERT_EQ(x.sql_value("SELECT indisvalid FROM pg_index WHERE indexrelid = "
                        "'public.items_price_idx'::regclass"),
            "f");
  ASSERT_OK(x.apply());
  EXPECT_EQ(x.sql_value("SELECT indisvalid::text || indisunique::text FROM pg_index WHERE "
                        "indexrelid = 'public.items_price_idx'::regclass"),
            "truefalse");
  EXPECT_EQ(wrong_rows(), "0");
  ASSERT_OK(x.act(expand::Action::kAbort));
  EXPECT_EQ(x.db.hash(), before);
}

TEST_F(ExpandResumePg, StoppedStartIsAbortedOnRequestAndRestoresTheHash) {
  const std::string before = x.hash_before_last();
  ASSERT_FALSE(x.apply().has_value());
  EXPECT_EQ(x.phase("0002"), "starting/FAILED");
  ASSERT_OK(x.act(expand::Action::kAbort));
  EXPECT_EQ(x.phase("0002"), "aborted/ROLLED_BACK");
  EXPECT_EQ(x.db.hash(), before);
}

TEST_F(ExpandResumePg, CompleteAndAnEditedFileAreRefusedWhileAStartIsStopped) {
  ASSERT_FALSE(x.apply().has_value());
  auto complete = x.act(expand::Action::kComplete);
  ASSERT_FALSE(complete.has_value());
  EXPECT_NE(complete.error().message.find("`keel apply` resumes it"), std::string::npos)
      << complete.error().message;
  x.sql("UPDATE trap SET armed_at = NULL");
  x.files.back().checksum = "sha256:" + std::string(64, '0');  // the file was edited
  auto edited = x.apply();
  ASSERT_FALSE(edited.has_value());
  EXPECT_NE(edited.error().message.find("changed"), std::string::npos) << edited.error().message;
  EXPECT_EQ(x.phase("0002"), "starting/FAILED");
  ASSERT_OK(x.act(expand::Action::kAbort));
}

TEST_F(ExpandResumePg, AFailureThatWouldRecurIsUndoneAtOnce) {
  // Division by zero for one row: running the backfill again would meet it again.
  x.files.pop_back();
  keel::ops::AddColumn add;
  add.table = "items";
  add.column.name = "ratio";
  add.column.type = "int";
  add.up = "100 / (id - 2000)";
  x.add_ops("0002", "ratio", {add});
  const std::string before = x.hash_before_last();
  x.sql("UPDATE trap SET armed_at = NULL");
  auto failed = x.apply();
  ASSERT_FALSE(failed.has_value());
  EXPECT_EQ(failed.error().sqlstate, "22012");
  EXPECT_EQ(x.phase("0002"), "aborted/FAILED");
  EXPECT_EQ(x.db.hash(), before);
}

// Acceptance of issue 17: `kill -9` of keel at random points of a start (its transaction, the
// backfill, the concurrent index build), trials under a steady insert and update load. Every
// trial resumes with `keel apply`, every row ends right (checked row by row against `up`),
// no row is lost, and the schema after complete + finalize is the one an uninterrupted run
// reaches. KEEL_KILL_TRIALS sets the number of trials (default 20).
class ExpandKillPg : public PgTest {
 protected:
  static constexpr int kRows = 50000;
  static void write_migrations(const MigrationFolder& folder) {
    folder.write("0001_init.up.sql",
                 "CREATE TABLE items (id bigserial PRIMARY KEY, price int NOT NULL); "
                 "INSERT INTO items (price) SELECT g % 997 FROM generate_series(1, " +
                     std::to_string(kRows) + ") g;\n");
    folder.dir.write("migrations/0002_cents.json",
                     R"({"version_schema": "v2", "operations": [
  {"add_column": {"table": "items", "up": "price * 100",
                  "column": {"name": "cents", "type": "bigint", "nullable": false}}},
  {"create_index": {"name": "items_price_idx", "table": "items", "columns": ["price"]}}
]})");
    // The latency probe is off: it would stretch a start by the machine's load (the kill window
    // follows the start's length), and resuming is what is tested here.
    folder.dir.write("keel.toml", "[backfill]\nlatency_limit_percent = 0\n");
  }

  // Inserts and updates items (as the old version's application does, on the table) until
  // stopped; counts the inserts that committed.
  class Writer {
   public:
    explicit Writer(std::string url) : url_(std::move(url)), thread_([this] { run(); }) {}
    ~Writer() { stop(); }
    int64_t stop() {
      stop_ = true;
      if (thread_.joinable()) thread_.join();
      return inserted_;
    }

   private:
    void run() {
      pqxx::connection conn(url_);
      std::mt19937 random(42);
      while (!stop_) {
        try {
          pqxx::work tx(conn);
          tx.exec("UPDATE items SET price = price + 1 WHERE id = " +
                  std::to_string(1 + random() % kRows));
          tx.exec("INSERT INTO items (price) VALUES (" + std::to_string(random() % 997) + ")");
          tx.commit();
          ++inserted_;
        } catch (const std::exception&) {
          // A lock wait cut short by keel's DDL is what an application retries.
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(3));
      }
    }
    std::string url_;
    std::atomic<bool> stop_{false};
    int64_t inserted_ = 0;
    std::thread thread_;
  };

  static std::string keel_gone() {
    return "SELECT (count(*) = 0)::int FROM pg_stat_activity WHERE application_name = 'keel'";
  }
};

TEST_F(ExpandKillPg, KilledAtRandomPointsEveryStartResumesAndEndsRight) {
  const char* env = std::getenv("KEEL_KILL_TRIALS");
  const int trials = env != nullptr ? std::max(1, std::atoi(env)) : 20;
  // The schema an uninterrupted run reaches.
  std::string reference;
  int64_t start_ms = 0;
  {
    PgDatabase db;
    MigrationFolder folder(db.url());
    write_migrations(folder);
    ASSERT_EQ(folder.keel("apply", {"--to", "0001"}).status, 0);
    Writer writer(db.url());
    const auto started = std::chrono::steady_clock::now();
    ASSERT_EQ(folder.keel("apply").status, 0);
    start_ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                   std::chrono::steady_clock::now() - started)
                   .count();
    writer.stop();
    ASSERT_EQ(folder.keel("complete").status, 0);
    ASSERT_EQ(folder.keel("finalize").status, 0);
    reference = db.hash();
  }
  std::cout << "[ kills    ] an uninterrupted start under load took " << start_ms << " ms"
            << std::endl;
  std::mt19937 random(std::random_device{}());
  std::map<std::string, int> killed_in;  // phase the kill left -> trials
  for (int trial = 0; trial < trials; ++trial) {
    SCOPED_TRACE("trial " + std::to_string(trial));
    PgDatabase db;
    MigrationFolder folder(db.url());
    write_migrations(folder);
    ASSERT_EQ(folder.keel("apply", {"--to", "0001"}).status, 0);
    Writer writer(db.url());
    pid_t pid = folder.spawn("apply");
    // Anywhere from before keel connects to just after an uninterrupted start would end.
    std::this_thread::sleep_for(
        std::chrono::milliseconds(random() % (std::min<int64_t>(start_ms, 10000) * 11 / 10 + 1)));
    kill(pid, SIGKILL);
    int raw = 0;
    waitpid(pid, &raw, 0);
    killed_in[db.scalar(
        "SELECT coalesce((SELECT phase || '/' || status FROM "
        "keel.schema_migrations WHERE version = '0002'), 'none')")]++;
    RunResult resumed = folder.keel("apply");
    ASSERT_EQ(resumed.status, 0) << resumed.out << resumed.err;
    EXPECT_EQ(db.scalar("SELECT phase || '/' || status FROM keel.schema_migrations WHERE "
                        "version = '0002'"),
              "active/SUCCESS");
    // Rows written while keel was dead and while it resumed are right too.
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
    const int64_t inserted = writer.stop();
    EXPECT_EQ(db.scalar("SELECT count(*) FROM v2.items WHERE cents IS DISTINCT FROM price * 100"),
              "0");
    EXPECT_EQ(db.scalar("SELECT count(*) FROM items"), std::to_string(kRows + inserted));
    EXPECT_EQ(db.scalar("SELECT count(*) FROM pg_index WHERE indexrelid::regclass::text LIKE "
                        "'items_price_idx%' AND indisvalid"),
              "1");
    RunResult completed = folder.keel("complete");
    ASSERT_EQ(completed.status, 0) << completed.out << completed.err;
    RunResult finalized = folder.keel("finalize");
    ASSERT_EQ(finalized.status, 0) << finalized.out << finalized.err;
    EXPECT_EQ(db.scalar("SELECT count(*) FROM items WHERE cents <> price * 100"), "0");
    EXPECT_EQ(db.hash(), reference);
  }
  std::string where;
  for (const auto& [phase, n] : killed_in) where += " " + phase + ": " + std::to_string(n);
  std::cout << "[ kills    ] state each kill left (phase/status of 0002):" << where << "\n";
}

}  // namespace
}  // namespace keel::test
