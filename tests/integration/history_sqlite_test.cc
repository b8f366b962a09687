// Issue 14 (items 6, 8, 9, 13) on SQLite: rollback's --steps/--to refusals,
// rollback in the order migrations were applied, one history row per
// version whatever its spelling, and PRAGMAs that do not leak from one
// migration into the next.
#include <gtest/gtest.h>
#include <sqlite3.h>

#include <filesystem>
#include <nlohmann/json.hpp>

#include "integration/migrate_helpers.h"

namespace keel::test {
namespace {

struct Folder : SqliteMigrationFolder {
  Folder() : SqliteMigrationFolder("CREATE TABLE ran (what TEXT)") {}
  std::string count(const std::string& sql) const { return scalar("SELECT count(*) " + sql); }
  // A migration whose up and down log to `ran` and make or drop table t<v>.
  void migration(const std::string& file_version, const std::string& tag) const {
    write(file_version + "_" + tag + ".up.sql",
          "CREATE TABLE t" + tag + " (id INTEGER);\nINSERT INTO ran VALUES ('up " + tag + "');\n");
    write(file_version + "_" + tag + ".down.sql",
          "DROP TABLE t" + tag + ";\nINSERT INTO ran VALUES ('down " + tag + "');\n");
  }
};

TEST(HistoryFix14Sqlite, RollbackStepsZeroNegativeOrWithToIsAUsageError) {
  Folder f;
  f.migration("0001", "a");
  f.migration("0002", "b");
  ASSERT_EQ(f.keel("apply").status, 0);

  RunResult zero = f.keel("rollback", {"--steps", "0"});
  EXPECT_EQ(zero.status, 2) << zero.out << zero.err;
  EXPECT_NE(zero.err.find("--steps 0: must be 1 or more"), std::string::npos) << zero.err;
  RunResult negative = f.keel("rollback", {"--steps=-1"});
  EXPECT_EQ(negative.status, 2) << negative.out << negative.err;
  EXPECT_NE(negative.err.find("--steps -1: must be 1 or more"), std::string::npos) << negative.err;
  RunResult both = f.keel("rollback", {"--steps", "1", "--to", "0001"});
  EXPECT_EQ(both.status, 2) << both.out << both.err;
  EXPECT_EQ(f.status_of("0002"), "SUCCESS");
  EXPECT_EQ(f.count("FROM ran WHERE what LIKE 'down%'"), "0");
}

TEST(HistoryFix14Sqlite, RollbackToAnUnknownVersionIsAUsageErrorAndToZeroUndoesAll) {
  Folder f;
  f.migration("0001", "a");
  f.migration("0002", "b");
  ASSERT_EQ(f.keel("apply").status, 0);

  for (std::string unknown : {"7", "0003", "abc"}) {
    RunResult r = f.keel("rollback", {"--to", unknown});
    EXPECT_EQ(r.status, 2) << unknown << r.out << r.err;
    EXPECT_NE(r.err.find("--to " + unknown + ": no migration has this version"), std::string::npos)
        << r.err;
  }
  EXPECT_EQ(f.count("FROM ran WHERE what LIKE 'down%'"), "0");
  // A version only the history knows (its files are gone) is known.
  f.remove("0001_a.up.sql");
  f.remove("0001_a.down.sql");
  RunResult to_one = f.keel("rollback", {"--to", "1"});
  EXPECT_EQ(to_one.status, 0) << to_one.out << to_one.err;
  EXPECT_EQ(f.status_of("0002"), "ROLLED_BACK");
  f.migration("0001", "a");
  RunResult all = f.keel("rollback", {"--to", "0"});
  EXPECT_EQ(all.status, 0) << all.out << all.err;
  EXPECT_EQ(f.status_of("0001"), "ROLLED_BACK");
}

// apply 1 and 3, then 2 out of order: the last applied is 2.
TEST(HistoryFix14Sqlite, RollbackUndoesTheLastAppliedNotTheHighestVersion) {
  Folder f;
  f.migration("0001", "a");
  f.migration("0003", "c");
  ASSERT_EQ(f.keel("apply").status, 0);
  f.migration("0002", "b");
  RunResult late = f.keel("apply", {"--allow-out-of-order"});
  ASSERT_EQ(late.status, 0) << late.err;

  RunResult one = f.keel("rollback", {"--steps", "1"});
  EXPECT_EQ(one.status, 0) << one.out << one.err;
  EXPECT_EQ(f.status_of("0002"), "ROLLED_BACK");
  EXPECT_EQ(f.status_of("0003"), "SUCCESS");
  EXPECT_NE(one.out.find("restored: schema hash"), std::string::npos) << one.out;
  EXPECT_NE(one.out.find("after 0003"), std::string::npos) << one.out;
  EXPECT_EQ(one.out.find("INCOMPLETE"), std::string::npos) << one.out;

  // Applied again (out of order again), then everything above 1: 2 first.
  ASSERT_EQ(f.keel("apply", {"--allow-out-of-order"}).status, 0);
  RunResult to_one = f.keel("rollback", {"--to", "0001"});
  EXPECT_EQ(to_one.status, 0) << to_one.out << to_one.err;
  EXPECT_NE(to_one.out.find("after 0001"), std::string::npos) << to_one.out;
  EXPECT_EQ(sqlite_scalar(f.db,
                          "SELECT group_concat(what, ',') FROM (SELECT what FROM ran WHERE what "
                          "LIKE 'down%' ORDER BY rowid)"),
            "down b,down b,down c");
}

// --to 2 keeps 2, which was applied after 3: that schema was never hashed.
TEST(HistoryFix14Sqlite, RollbackToBelowAnOutOfOrderMigrationSaysWhyItIsNotChecked) {
  Folder f;
  f.migration("0001", "a");
  f.migration("0003", "c");
  ASSERT_EQ(f.keel("apply").status, 0);
  f.migration("0002", "b");
  ASSERT_EQ(f.keel("apply", {"--allow-out-of-order"}).status, 0);

  RunResult r = f.keel("rollback", {"--to", "0002"});
  EXPECT_EQ(r.status, 0) << r.out << r.err;
  EXPECT_EQ(f.status_of("0003"), "ROLLED_BACK");
  EXPECT_EQ(f.status_of("0002"), "SUCCESS");
  EXPECT_NE(r.out.find("restoration: not checked (0002 stays applied but was applied after 0003"),
            std::string::npos)
      << r.out;
}

// 3_h3.* renamed to 0003_h3.*: the same version, one row, one down.
TEST(HistoryFix14Sqlite, RenamedVersionKeepsTheSpellingOfItsHistoryRow) {
  Folder f;
  f.migration("2", "b");
  f.migration("3", "h3");
  ASSERT_EQ(f.keel("apply").status, 0);
  for (const char* ext : {".up.sql", ".down.sql"}) {
    std::filesystem::rename(f.dir.file(std::string("migrations/3_h3") + ext),
                            f.dir.file(std::string("migrations/0003_h3") + ext));
  }
  ASSERT_EQ(f.keel("validate").status, 0);

  RunResult one = f.keel("rollback");
  EXPECT_EQ(one.status, 0) << one.out << one.err;
  EXPECT_EQ(f.status_of("3"), "ROLLED_BACK");
  EXPECT_EQ(f.count("FROM keel_schema_migrations"), "2");
  RunResult two = f.keel("rollback", {"--steps", "2"});
  EXPECT_EQ(two.status, 0) << two.out << two.err;
  EXPECT_EQ(f.count("FROM ran WHERE what = 'down h3'"), "1");
  EXPECT_EQ(f.status_of("2"), "ROLLED_BACK");

  RunResult again = f.keel("apply");
  EXPECT_EQ(again.status, 0) << again.err;
  EXPECT_EQ(f.status_of("3"), "SUCCESS");
  EXPECT_EQ(f.count("FROM keel_schema_migrations"), "2");
  RunResult status = run_keel({"--url", f.url, "--format", "json", "status"}, f.dir.path);
  auto j = nlohmann::json::parse(status.out, nullptr, false);
  ASSERT_TRUE(j.is_object()) << status.out;
  ASSERT_EQ(j["migrations"].size(), 2u) << status.out;
  EXPECT_EQ(j["migrations"][1]["state"], "applied");
}

// A history an older keel split: "3" SUCCESS and, written later, "0003"
// ROLLED_BACK. The row written last counts: the down does not run again.
TEST(HistoryFix14Sqlite, SplitHistoryFromAnOlderKeelCountsTheRowWrittenLast) {
  Folder f;
  f.migration("2", "b");
  f.migration("3", "h3");
  ASSERT_EQ(f.keel("apply").status, 0);
  // What that keel's rollback did: the down ran, a second row was written.
  sqlite_exec(
      f.db,
      "DROP TABLE th3;"
      "UPDATE keel_schema_migrations SET change_seq = NULL, applied_at = "
      "'2024-01-01T00:00:00Z';"
      "INSERT INTO keel_schema_migrations (version, name, checksum, applied_at, applied_by, "
      "status, keel_version) SELECT '0003', name, checksum, '2024-01-01T00:00:05Z', applied_by, "
      "'ROLLED_BACK', keel_version FROM keel_schema_migrations WHERE version = '3'");
  for (const char* ext : {".up.sql", ".down.sql"}) {
    std::filesystem::rename(f.dir.file(std::string("migrations/3_h3") + ext),
                            f.dir.file(std::string("migrations/0003_h3") + ext));
  }
  RunResult status = run_keel({"--url", f.url, "--format", "json", "status"}, f.dir.path);
  auto j = nlohmann::json::parse(status.out, nullptr, false);
  ASSERT_TRUE(j.is_object()) << status.out;
  EXPECT_EQ(j["migrations"][1]["state"], "rolled back") << status.out;
  RunResult r = f.keel("rollback", {"--steps", "2"});
  EXPECT_EQ(r.status, 0) << r.out << r.err;
  EXPECT_EQ(f.count("FROM ran WHERE what = 'down h3'"), "0");
  EXPECT_EQ(f.status_of("2"), "ROLLED_BACK");
}

// A no-transaction migration turns foreign keys on: the next one runs as it
// would on its own, with keel's connection defaults (off).
TEST(HistoryFix14Sqlite, PragmasOfOneMigrationDoNotLeakIntoTheNext) {
  Folder f;
  f.write("0001_fk.up.sql",
          "-- keel:no-transaction\nPRAGMA foreign_keys = ON;\nPRAGMA recursive_triggers = ON;\n");
  f.write("0002_orphans.up.sql",
          "CREATE TABLE parent (id INTEGER PRIMARY KEY);\n"
          "CREATE TABLE child (pid INTEGER REFERENCES parent (id));\n"
          "INSERT INTO child VALUES (7);\n");
  RunResult r = f.keel("apply");
  EXPECT_EQ(r.status, 0) << r.err;
  EXPECT_EQ(f.status_of("0002"), "SUCCESS");
  EXPECT_EQ(f.count("FROM child"), "1");
}

// A history table an older keel made (no change_seq): status reads it, the
// next rollback adds the column and still undoes the newest version.
TEST(HistoryFix14Sqlite, HistoryTableWithoutChangeSeqIsReadAndUpgraded) {
  Folder f;
  f.migration("0001", "a");
  f.migration("0002", "b");
  ASSERT_EQ(f.keel("apply").status, 0);
  sqlite_exec(f.db, "ALTER TABLE keel_schema_migrations DROP COLUMN change_seq");
  RunResult status = f.keel("status");
  EXPECT_EQ(status.status, 0) << status.err;
  RunResult r = f.keel("rollback");
  EXPECT_EQ(r.status, 0) << r.out << r.err;
  EXPECT_EQ(f.status_of("0002"), "ROLLED_BACK");
  EXPECT_EQ(f.status_of("0001"), "SUCCESS");
  EXPECT_EQ(f.count("FROM pragma_table_info('keel_schema_migrations') WHERE name = 'change_seq'"),
            "1");
}

}  // namespace
}  // namespace keel::test
