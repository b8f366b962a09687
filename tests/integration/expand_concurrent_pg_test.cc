// Old and new application versions writing at the same time through a rename, a type change
// and a new NOT NULL column, across start, complete, revert, complete and finalize: every write
// each client made is there afterwards, seen alike by both versions (row checksums compared
// after each phase), and no client transaction failed. keel runs as a restricted role (no
// superuser, CREATE on the database, the table's owner) and installs no event trigger.
#include <fmt/format.h>

#include <atomic>
#include <map>
#include <mutex>
#include <thread>

#include "integration/expand_helpers.h"

namespace keel::test {
namespace {

const std::string kOld = "public_0001_init";
const std::string kNew = "public_0002_reshape";

// One client of a version: inserts its own rows and updates them, remembering what it wrote.
class Writer {
 public:
  Writer(std::string url, std::string schema, bool new_version, int first_id)
      : url_(std::move(url)), schema_(std::move(schema)), new_(new_version), next_(first_id) {}

  void start() {
    stop_ = false;
    thread_ = std::thread([this] { loop(); });
  }
  void stop() {
    stop_ = true;
    if (thread_.joinable()) thread_.join();
  }
  std::map<int, std::pair<std::string, std::string>> written() {
    std::lock_guard<std::mutex> lock(mutex_);
    return written_;
  }
  int failures() const { return failures_; }
  int writes() const { return writes_; }

 private:
  void loop() {
    pqxx::connection conn(url_);
    {
      pqxx::nontransaction tx(conn);
      tx.exec("SET search_path = " + conn.quote_name(schema_));
    }
    int step = 0;
    while (!stop_) {
      int id = next_;
      std::string name = (new_ ? "n" : "o") + std::to_string(id);
      std::string balance = std::to_string(id % 1000) + ".5";
      try {
        pqxx::work tx(conn);
        if (step % 3 == 2 && !mine_.empty()) {
          int target = mine_[static_cast<size_t>(step) % mine_.size()];
          name = (new_ ? "N" : "O") + std::to_string(step);
          balance = std::to_string(step) + ".25";
          tx.exec(fmt::format("UPDATE accounts SET {} = {}, balance = {} WHERE id = {}",
                              new_ ? "full_name" : "name", tx.quote(name),
                              new_ ? balance : tx.quote(balance), target));
          tx.commit();
          std::lock_guard<std::mutex> lock(mutex_);
          written_[target] = {name, balance};
        } else {
          // The new version's application writes its new NOT NULL column; the old one does not
          // know it.
          tx.exec(fmt::format("INSERT INTO accounts (id, {}, balance{}) VALUES ({}, {}, {}{})",
                              new_ ? "full_name" : "name", new_ ? ", checked" : "", id,
                              tx.quote(name), new_ ? balance : tx.quote(balance),
                              new_ ? ", true" : ""));
          tx.commit();
          std::lock_guard<std::mutex> lock(mutex_);
          written_[id] = {name, balance};
          mine_.push_back(id);
          next_ += 2;
        }
        ++writes_;
      } catch (const std::exception& e) {
        if (++failures_ <= 3) ADD_FAILURE() << schema_ << ": " << e.what();
        std::this_thread::sleep_for(std::chrono::milliseconds(50));
      }
      ++step;
    }
  }

  std::string url_, schema_;
  bool new_;
  int next_;
  std::vector<int> mine_;
  std::thread thread_;
  std::atomic<bool> stop_{false};
  std::atomic<int> failures_{0}, writes_{0};
  std::mutex mutex_;
  std::map<int, std::pair<std::string, std::string>> written_;
};

class ExpandConcurrentPg : public PgTest {
 protected:
  void SetUp() override {
    PgTest::SetUp();
    x.keel_url = restricted_role(x.db);
    x.sql(
        "CREATE TABLE accounts (id int PRIMARY KEY, name text NOT NULL, balance text NOT "
        "NULL); INSERT INTO accounts SELECT i, 's' || i, (i % 1000) || '.5' FROM "
        "generate_series(100000, 119999) AS i; ALTER TABLE accounts OWNER TO keel_expand_owner");
    x.add_sql("0001", "init", "COMMENT ON TABLE accounts IS 'one row per account'");
    keel::ops::AlterColumn type;
    type.table = "accounts";
    type.column = "balance";
    type.type = "numeric";
    type.up = "CAST(balance AS numeric)";
    type.down = "CAST(balance AS text)";
    keel::ops::AddColumn flag;
    flag.table = "accounts";
    flag.column.name = "checked";
    flag.column.type = "boolean";
    flag.column.nullable = false;
    flag.up = "false";
    x.add_ops("0002", "reshape",
              {keel::ops::RenameColumn{"accounts", "name", "full_name"}, type, flag});
  }

  // id -> "name|balance" of every row, as a version's views show them (one query).
  std::map<int, std::string> rows_of(const std::string& schema, const std::string& name) {
    pqxx::connection conn(x.db.url());
    pqxx::nontransaction tx(conn);
    tx.exec("SET search_path = " + conn.quote_name(schema));
    std::map<int, std::string> rows;
    for (const auto& row :
         tx.exec("SELECT id, " + name + " || '|' || balance::numeric FROM accounts")) {
      rows[row[0].as<int>()] = row[1].c_str();
    }
    return rows;
  }

  // Every row each writer wrote reads back as written, in both versions.
  void expect_every_write(Writer& old_writer, Writer& new_writer, bool old_schema_exists) {
    const auto in_new = rows_of(kNew, "full_name");
    const auto in_old = old_schema_exists ? rows_of(kOld, "name") : in_new;
    int checked = 0;
    for (Writer* w : {&old_writer, &new_writer}) {
      for (const auto& [id, value] : w->written()) {
        const std::string expected = value.first + "|" + value.second;
        auto n = in_new.find(id);
        ASSERT_TRUE(n != in_new.end()) << "id " << id << " lost";
        ASSERT_EQ(n->second, expected) << "id " << id << " (new version)";
        auto o = in_old.find(id);
        ASSERT_TRUE(o != in_old.end()) << "id " << id << " lost (old version)";
        ASSERT_EQ(o->second, expected) << "id " << id << " (old version)";
        ++checked;
      }
    }
    EXPECT_GT(checked, 0);
    // Checksums of all rows: both versions hold the same data.
    std::string digest_new = x.scalar_as(
        kNew,
        "SELECT md5(string_agg(id || full_name || balance::numeric, ',' ORDER BY id)) FROM "
        "accounts");
    if (old_schema_exists) {
      EXPECT_EQ(x.scalar_as(kOld,
                            "SELECT md5(string_agg(id || name || balance::numeric, ',' "
                            "ORDER BY id)) FROM accounts"),
                digest_new);
    }
    EXPECT_EQ(x.scalar_as(kNew, "SELECT count(*) FROM accounts WHERE checked IS NULL"), "0");
  }

  ExpandDb x;
};

TEST_F(ExpandConcurrentPg, OldAndNewWritersLoseNothing) {
  auto plain = x.files.back();
  x.files.pop_back();
  ASSERT_OK(x.apply());
  x.files.push_back(plain);
  // Old clients write while the migration starts (backfill under way).
  EXPECT_EQ(x.sql_value("SELECT rolsuper::text || rolcreatedb::text || rolcreaterole::text "
                        "FROM pg_roles WHERE rolname = 'keel_expand_owner'"),
            "falsefalsefalse");
  Writer old_writer(x.db.url(), kOld, false, 1);
  {
    pqxx::connection conn(x.keel_url);
    pqxx::nontransaction tx(conn);
    tx.exec("CREATE SCHEMA " + kOld + "; CREATE VIEW " + kOld +
            ".accounts WITH (security_invoker = true) AS SELECT id, name, balance FROM "
            "public.accounts");
  }
  // (keel creates the old version's schema when it is missing; made here first so the old
  // clients can connect before start. keel keeps it.)
  old_writer.start();
  ASSERT_OK(x.apply());
  Writer new_writer(x.db.url(), kNew, true, 2);
  new_writer.start();
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  ASSERT_OK(x.act(expand::Action::kComplete));
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  old_writer.stop();
  new_writer.stop();
  expect_every_write(old_writer, new_writer, true);
  old_writer.start();
  new_writer.start();
  ASSERT_OK(x.act(expand::Action::kRevert));
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  ASSERT_OK(x.act(expand::Action::kComplete));
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  old_writer.stop();
  new_writer.stop();
  expect_every_write(old_writer, new_writer, true);
  new_writer.start();
  ASSERT_OK(x.act(expand::Action::kFinalize));
  std::this_thread::sleep_for(std::chrono::milliseconds(200));
  new_writer.stop();
  expect_every_write(old_writer, new_writer, false);
  EXPECT_EQ(old_writer.failures() + new_writer.failures(), 0);
  EXPECT_EQ(x.sql_value("SELECT count(*) FROM pg_event_trigger"), "0");
  EXPECT_GT(old_writer.writes(), 0);
  EXPECT_GT(new_writer.writes(), 0);
}

}  // namespace
}  // namespace keel::test
