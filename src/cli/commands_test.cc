// Issue 15 item 5: the one table of commands — which runs are archived
// (every command that reads a database, diff and generate included) and
// which change their target; each set-up registers the command it names.
#include <gtest/gtest.h>

#include <map>
#include <tuple>

#include "cli/cli.h"

namespace keel::cli {
namespace {

TEST(CommandTableTest, ArchivedOrNotPerCommand) {
  // name: {archived, changes_target, sends_webhooks}
  using Row = std::tuple<bool, bool, bool>;
  const std::map<std::string, Row> expected = {
      {"baseline", {true, false, false}}, {"drift", {true, false, false}},
      {"new", {false, false, false}},     {"apply", {true, true, true}},
      {"validate", {true, false, false}}, {"status", {true, false, false}},
      {"rollback", {true, true, true}},   {"lint", {true, false, false}},
      {"plan", {true, false, false}},     {"verify", {true, false, true}},
      {"diff", {true, false, false}},     {"generate", {true, false, false}},
      {"log", {false, false, false}},     {"complete", {true, true, true}},
      {"finalize", {true, true, true}},   {"abort", {true, true, true}},
      {"revert", {true, true, true}},     {"convert", {false, false, false}},
      {"flag", {true, true, false}},      {"pause", {true, true, false}},
      {"resume", {true, true, false}},    {"rollout", {true, true, true}},
      {"report", {false, false, false}}};
  std::map<std::string, Row> actual;
  for (const Command& c : commands()) {
    actual[c.name] = {c.archived, c.changes_target, c.sends_webhooks};
  }
  EXPECT_EQ(actual, expected);
  EXPECT_EQ(commands().size(), expected.size());  // each named once
}

TEST(CommandTableTest, EachSetUpRegistersItsCommand) {
  CLI::App app;
  GlobalOptions options;
  Invocation invocation;
  for (const Command& c : commands()) {
    c.set_up(app, options, invocation);
    EXPECT_NE(app.get_subcommand(c.name), nullptr) << c.name;
  }
  ASSERT_NE(find_command("diff"), nullptr);
  EXPECT_TRUE(find_command("diff")->archived);
  EXPECT_EQ(find_command("nope"), nullptr);
}

TEST(CommandTableTest, DiffAndVerifyAllNameTheDatabasesTheyRead) {
  CLI::App app;
  GlobalOptions options;
  Invocation invocation;
  for (const Command& c : commands()) c.set_up(app, options, invocation);
  Config config;
  config.parity.environments = {"dev", "prod"};

  // CLI11 takes the arguments in reverse: keel diff --to URL --from env:dev.
  std::vector<std::string> diff_args = {"env:dev", "--from", "postgresql://u@h/db", "--to", "diff"};
  app.parse(diff_args);
  ASSERT_TRUE(invocation.targets);
  EXPECT_EQ(invocation.targets(config),
            (std::vector<TargetSpec>{{"dev", ""}, {"", "postgresql://u@h/db"}}));

  Invocation verify_all;
  CLI::App app2;
  for (const Command& c : commands()) c.set_up(app2, options, verify_all);
  std::vector<std::string> verify_args = {"--all", "verify"};
  app2.parse(verify_args);
  ASSERT_TRUE(verify_all.targets);
  EXPECT_EQ(verify_all.targets(config), (std::vector<TargetSpec>{{"dev", ""}, {"prod", ""}}));

  // A plain command: the --env / --url of the command line.
  Invocation status;
  CLI::App app3;
  for (const Command& c : commands()) c.set_up(app3, options, status);
  std::vector<std::string> status_args = {"status"};
  app3.parse(status_args);
  EXPECT_TRUE(status.run);
  EXPECT_FALSE(status.targets);
}

}  // namespace
}  // namespace keel::cli
