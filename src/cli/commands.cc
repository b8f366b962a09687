// The table of keel's commands: each named once with its set-up, whether
// its runs are archived, whether it changes the database it acts on and
// whether it sends webhooks.
// Adding a command is a file with its add_<name>() and one line here.
#include "cli/cli.h"

namespace keel::cli {

const std::vector<Command>& commands() {
  // In the order `keel --help` lists them. Archived: every command that
  // reads a database (lint only does with --env/--url: without them there
  // is no target and nothing is recorded). Not archived: new (files only)
  // and log (it reads the archive).
  static const std::vector<Command> kCommands = {
      // name     set-up        archived changes_target sends_webhooks
      {"baseline", add_baseline, true, false, false},
      {"drift", add_drift, true, false, false},
      {"new", add_new, false, false, false},
      {"apply", add_apply, true, true, true},
      {"complete", add_complete, true, true, true},
      {"finalize", add_finalize, true, true, true},
      {"abort", add_abort, true, true, true},
      {"revert", add_revert, true, true, true},
      {"pause", add_pause, true, true, false},  // changes keel.backfill_pause only
      {"resume", add_resume, true, true, false},
      {"validate", add_validate, true, false, false},
      {"status", add_status, true, false, false},
      {"rollback", add_rollback, true, true, true},
      {"lint", add_lint, true, false, false},
      {"plan", add_plan, true, false, false},     // rolls back all it does
      {"verify", add_verify, true, false, true},  // writes only its verdict (keel.parity)
      {"diff", add_diff, true, false, false},
      {"generate", add_generate, true, false, false},  // writes files, not the database
      {"log", add_log, false, false, false},
      {"convert", add_convert, false, false, false},  // reads and writes files only
      {"flag", add_flag, true, true, false},          // flag set changes keel.flags
      {"rollout", add_rollout, true, true, true},     // routing, then keel complete
      {"report", add_report, false, false, false},    // reads a journal, writes a file
  };
  return kCommands;
}

const Command* find_command(const std::string& name) {
  for (const Command& c : commands()) {
    if (name == c.name) return &c;
  }
  return nullptr;
}

}  // namespace keel::cli
