// Issue 14: a torn line (a writer killed mid-line) no longer swallows the
// next record, and a record glued to one by an older keel is recovered;
// unreadable lines are listed; a run's start and closing lines read as one
// run; a "running" run whose process is gone reads as "interrupted"; errors
// are written with their code; [log] record_read_only_in_target is
// validated with file:line.
#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <fstream>
#include <iterator>

#include "keel/archive.h"
#include "keel/config.h"
#include "keel/migrate.h"
#include "migrate/test_dir.h"

namespace keel::archive {
namespace {

ledger::RunRow run(const std::string& command, const std::string& outcome = "ok") {
  ledger::RunRow row = make_run_row("prod", command, {"--env", "prod", command}, {});
  row.outcome = outcome;
  row.exit_code = outcome == kRunning ? -1 : 0;
  row.duration_ms = 5;
  return row;
}

std::vector<std::string> commands(const RunLog& log) {
  std::vector<std::string> out;
  for (const auto& r : log.runs) out.push_back(r.command + ":" + r.outcome);
  return out;
}

TEST(LogFileFix14, AnAppendAfterATornLineStartsOnAFreshLine) {
  migrate::TestDir dir;
  ASSERT_TRUE(append_run(dir.path(), "prod", run("apply")).has_value());
  // A writer killed mid-line: no newline at the end.
  std::ofstream(log_path(dir.path(), "prod"), std::ios::app | std::ios::binary)
      << R"({"arguments":["--env","prod","status"],"comm)";
  ASSERT_TRUE(append_run(dir.path(), "prod", run("drift")).has_value());
  ASSERT_TRUE(append_run(dir.path(), "prod", run("status")).has_value());

  std::ifstream in(log_path(dir.path(), "prod"), std::ios::binary);
  std::string raw((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  EXPECT_NE(raw.find("\"comm\n{\"arguments\""), std::string::npos) << raw;
  EXPECT_EQ(raw.find("\n\n"), std::string::npos) << "one newline, not two: " << raw;

  auto log = read_runs(dir.path(), "prod", 10);
  ASSERT_TRUE(log.has_value()) << log.error().to_string();
  EXPECT_EQ(commands(*log), (std::vector<std::string>{"status:ok", "drift:ok", "apply:ok"}));
  EXPECT_EQ(log->unreadable, std::vector<int>{2});
  EXPECT_EQ(log->path, log_path(dir.path(), "prod"));
}

TEST(LogFileFix14, ARecordGluedToATornLineByAnOlderKeelIsRecovered) {
  migrate::TestDir dir;
  nlohmann::json whole = run_to_json(run("drift"));
  // The torn part holds a '{' of its own inside a string.
  dir.write("prod.jsonl", R"({"arguments":["--against","{x"],"comm)" + whole.dump() + "\n" +
                              run_to_json(run("status")).dump() + "\n");
  auto log = read_runs(dir.path(), "prod", 10);
  ASSERT_TRUE(log.has_value());
  EXPECT_EQ(commands(*log), (std::vector<std::string>{"status:ok", "drift:ok"}));
  EXPECT_EQ(log->unreadable, std::vector<int>{1});
}

TEST(LogFileFix14, UnreadableLinesAreCountedWithTheirLineNumbers) {
  migrate::TestDir dir;
  dir.write("prod.jsonl", "not json\n" + run_to_json(run("apply")).dump() +
                              "\n\n[1, 2]\n{\"no\": \"command\"}\n" +
                              run_to_json(run("status")).dump() + "\n{\"cut");
  auto log = read_runs(dir.path(), "prod", 10);
  ASSERT_TRUE(log.has_value());
  EXPECT_EQ(commands(*log), (std::vector<std::string>{"status:ok", "apply:ok"}));
  EXPECT_EQ(log->unreadable, (std::vector<int>{1, 4, 5, 7}));
}

TEST(LogFileFix14, TheClosingLineOfARunReplacesItsStartAndKeepsItsPlace) {
  migrate::TestDir dir;
  ledger::RunRow apply = run("apply", std::string(kRunning));
  ledger::RunRow status = run("status", std::string(kRunning));
  ASSERT_TRUE(append_run(dir.path(), "prod", apply).has_value());
  ASSERT_TRUE(append_run(dir.path(), "prod", status).has_value());
  apply.outcome = "error";
  apply.exit_code = 1;
  apply.error = "0002_x.up.sql:1: relation \"nope\" does not exist (SQLSTATE 42P01)";
  apply.error_code = error_code_name(ErrorCode::kSql);
  ASSERT_TRUE(append_run(dir.path(), "prod", apply).has_value());

  auto log = read_runs(dir.path(), "prod", 10);
  ASSERT_TRUE(log.has_value());
  // Newest by start: status started last and is still running.
  EXPECT_EQ(commands(*log), (std::vector<std::string>{"status:running", "apply:error"}));
  EXPECT_EQ(log->runs[0].exit_code, -1);
  EXPECT_EQ(log->runs[1].exit_code, 1);
  EXPECT_EQ(log->runs[1].error, apply.error);
  EXPECT_EQ(log->runs[1].error_code, "sql");
  EXPECT_EQ(log->runs[1].run_id, apply.run_id);
  EXPECT_EQ(log->runs[1].pid, static_cast<int64_t>(getpid()));
  auto one = read_runs(dir.path(), "prod", 1);
  ASSERT_TRUE(one.has_value());
  EXPECT_EQ(commands(*one), (std::vector<std::string>{"status:running"}));
  auto none = read_runs(dir.path(), "prod", 0);
  ASSERT_TRUE(none.has_value());
  EXPECT_TRUE(none->runs.empty());
}

TEST(LogFileFix14, ARunningLineHasNoExitCodeOrDurationAndErrorsCarryTheirCode) {
  nlohmann::json running = run_to_json(run("apply", std::string(kRunning)));
  EXPECT_TRUE(running["exit_code"].is_null());
  EXPECT_TRUE(running["duration_ms"].is_null());
  EXPECT_EQ(running["outcome"], "running");
  EXPECT_EQ(running["run_id"].get<std::string>().size(), 16u);
  EXPECT_EQ(running["pid"], getpid());
  auto back = run_from_json(running);
  ASSERT_TRUE(back.has_value());
  EXPECT_EQ(back->exit_code, -1);

  ledger::RunRow failed = run("drift", "error");
  failed.exit_code = 1;
  failed.error = "cannot connect";
  failed.error_code = error_code_name(ErrorCode::kConnection);
  nlohmann::json j = run_to_json(failed);
  EXPECT_EQ(j["error"], "cannot connect");
  EXPECT_EQ(j["error_code"], "connection");
  EXPECT_EQ(j["exit_code"], 1);
  EXPECT_NE(new_run_id(), new_run_id());
}

TEST(LogFileFix14, ARunningRunWhoseProcessIsGoneIsInterrupted) {
  pid_t child = fork();
  if (child == 0) _exit(0);
  ASSERT_GT(child, 0);
  int status = 0;
  ASSERT_EQ(waitpid(child, &status, 0), child);

  std::vector<ledger::RunRow> rows;
  rows.push_back(run("apply", std::string(kRunning)));  // gone
  rows.back().pid = child;
  rows.push_back(run("apply", std::string(kRunning)));  // this process: keel_unit_tests lives
  rows.push_back(run("apply", std::string(kRunning)));  // another machine: cannot tell
  rows.back().pid = child;
  rows.back().host = "some-other-host.invalid";
  rows.push_back(run("apply", std::string(kRunning)));  // an older keel: no pid
  rows.back().pid = 0;
  rows.push_back(run("apply", "ok"));  // closed
  rows.back().pid = child;
  mark_interrupted(rows);
  EXPECT_EQ(rows[0].outcome, "interrupted");
  EXPECT_EQ(rows[1].outcome, "running");
  EXPECT_EQ(rows[2].outcome, "running");
  EXPECT_EQ(rows[3].outcome, "running");
  EXPECT_EQ(rows[4].outcome, "ok");
}

TEST(LogFileFix14, AZombieOrAProcessOfAnotherProgramIsNotARunningKeel) {
  // A child killed but not yet reaped is a zombie; `sleep` is not keel.
  pid_t zombie = fork();
  if (zombie == 0) _exit(0);
  ASSERT_GT(zombie, 0);
  pid_t other = fork();
  if (other == 0) {
    execlp("sleep", "sleep", "30", static_cast<char*>(nullptr));
    _exit(127);
  }
  ASSERT_GT(other, 0);
  usleep(300 * 1000);  // the zombie has exited, sleep has exec'd
  std::vector<ledger::RunRow> rows = {run("apply", std::string(kRunning)),
                                      run("apply", std::string(kRunning))};
  rows[0].pid = zombie;
  rows[1].pid = other;
  mark_interrupted(rows);
  kill(other, SIGKILL);
  waitpid(other, nullptr, 0);
  waitpid(zombie, nullptr, 0);
  EXPECT_EQ(rows[0].outcome, "interrupted");
  EXPECT_EQ(rows[1].outcome, "interrupted");
}

TEST(LogFileFix14, RecordReadOnlyInTargetIsABooleanCheckedWithFileAndLine) {
  auto off = parse_config("[log]\ndir = \"x\"\n", "keel.toml");
  ASSERT_TRUE(off.has_value());
  EXPECT_FALSE(off->log.record_read_only_in_target);
  auto on = parse_config("[log]\nrecord_read_only_in_target = true\n", "keel.toml");
  ASSERT_TRUE(on.has_value()) << on.error().to_string();
  EXPECT_TRUE(on->log.record_read_only_in_target);
  auto bad =
      parse_config("[log]\ndir = \"x\"\nrecord_read_only_in_target = \"yes\"\n", "keel.toml");
  ASSERT_FALSE(bad.has_value());
  EXPECT_EQ(bad.error().code, ErrorCode::kConfig);
  EXPECT_EQ(bad.error().context, "keel.toml:3");
  EXPECT_NE(bad.error().message.find("true or false"), std::string::npos);
  auto typo = parse_config("[log]\nrecord_read_only = true\n", "keel.toml");
  ASSERT_FALSE(typo.has_value());
  EXPECT_NE(typo.error().to_string().find("keel.toml:2"), std::string::npos)
      << typo.error().to_string();
}

}  // namespace
}  // namespace keel::archive
