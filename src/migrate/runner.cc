// One script of one migration: transactions, timeouts, retries, resume.
#include "migrate/runner.h"

#include <fmt/format.h>

#include <algorithm>
#include <chrono>
#include <random>
#include <thread>

#include "keel/canonical.h"

namespace keel::migrate {
namespace {

using TimePoint = std::chrono::steady_clock::time_point;
using std::chrono::milliseconds;

// Exponential backoff with "equal jitter": half the step fixed, half random,
// so concurrent deploys waiting on one lock do not retry in lockstep.
milliseconds backoff(const RetryPolicy& policy, int attempt) {
  int64_t step = policy.base.count();
  for (int i = 0; i < attempt && step < policy.cap.count(); ++i) step *= 2;
  step = std::min<int64_t>(step, policy.cap.count());
  static thread_local std::mt19937_64 rng{std::random_device{}()};
  std::uniform_int_distribution<int64_t> jitter(0, step / 2);
  return milliseconds(step - step / 2 + jitter(rng));
}

void say(const RunOptions& options, const std::string& line) {
  if (options.progress) options.progress(line);
}

struct Plan {
  const Migration& migration;
  const Script& script;
  Direction direction;
  std::vector<Statement> statements;
  Timeouts timeouts;
  int retries;
  HistoryRow row;  // what gets recorded
  std::string label;
  std::string* schema_hash = nullptr;  // see run_script
  bool hash_after = true;
  const std::optional<HistoryRow>* previous = nullptr;  // the version's row before this run
};

// Up scripts: the hash after the statements, into the row (and the
// running hash once the caller commits).
Result<void> record_hash_after(const Roles& db, Plan& plan) {
  if (plan.schema_hash == nullptr || plan.direction != Direction::kUp) return {};
  if (!plan.hash_after) {
    plan.schema_hash->clear();
    return {};
  }
  // Only rows changed: the schema is what it was before.
  if (!plan.schema_hash->empty() &&
      std::none_of(plan.statements.begin(), plan.statements.end(),
                   [&](const Statement& st) { return db.rules.changes_schema(st); })) {
    plan.row.schema_hash_after = *plan.schema_hash;
    return {};
  }
  auto hash = snapshot_schema(db);
  if (!hash) return std::unexpected(hash.error());
  plan.row.schema_hash_after = *hash;
  return {};
}

void advance_hash(Plan& plan) {
  if (plan.schema_hash != nullptr && plan.row.schema_hash_after) {
    *plan.schema_hash = *plan.row.schema_hash_after;
  }
}

// Waits before the next attempt, or says why there is none.
bool retry_after(const Plan& plan, const RunOptions& options, const StatementRules& rules,
                 const Error& error, int attempt) {
  if (!rules.is_lock_timeout(error) || attempt >= plan.retries) return false;
  milliseconds delay = backoff(options.retry, attempt);
  say(options, fmt::format("  {}: {}; retry {} of {} in {} ms", plan.label, error.to_string(),
                           attempt + 1, plan.retries, delay.count()));
  options.clock.wait(delay);
  return true;
}

// A lock timeout that used up its retries, with the sessions that hold or
// wait for locks on the relations the failed statement touches (every
// statement's, when the error does not say which failed), named as drain
// names them: pid, user, application, state and for how long, query.
Error with_blockers(const Roles& db, const std::vector<Statement>& statements,
                    const std::string& path, Error error) {
  if (!db.rules.is_lock_timeout(error)) return error;
  std::vector<Statement> failed;
  for (const Statement& st : statements) {
    if (error.context == fmt::format("{}:{}", path, st.line)) failed.push_back(st);
  }
  auto relations = db.locks.relations_of(failed.empty() ? statements : failed);
  if (!relations || relations->empty()) return error;
  auto sessions = db.locks.sessions_in_lock(*relations);
  if (!sessions || sessions->empty()) return error;
  error.message += "; in the way:";
  for (const SessionInLock& s : *sessions) error.message += "\n  " + s.to_string();
  return error;
}

// The row a run of this script that stopped part-way left: up, RUNNING or
// FAILED; down, ROLLING_BACK.
bool stopped_part_way(Direction direction, const std::optional<HistoryRow>& previous) {
  if (!previous) return false;
  if (direction == Direction::kUp) {
    return previous->status == RowStatus::kRunning || previous->status == RowStatus::kFailed;
  }
  return previous->status == RowStatus::kRollingBack;
}

std::string command_of(const Plan& plan) {
  return plan.direction == Direction::kUp ? "apply" : "rollback";
}

std::string mark_command(const Plan& plan, int n) {
  return fmt::format("keel {} --mark-statement-done {}:{}", command_of(plan),
                     plan.migration.version, n);
}

CompletedStatement completed_of(const Statement& statement) {
  return {statement.line, statement_hash(statement), abbreviate_statement(statement.sql)};
}

std::string plural(int n, const char* word) {
  return fmt::format("{} {}{}", n, word, n == 1 ? "" : "s");
}

// How many statements of the script a run that stopped part-way completed,
// checked against the file as it is now: each completed statement must still
// be there, unchanged, at its place. Refuses (nothing run, the row kept)
// when the completed part changed.
Result<int> resume_point(const Plan& plan) {
  const std::optional<HistoryRow>& previous = *plan.previous;
  if (!stopped_part_way(plan.direction, previous)) return 0;
  const int k = std::max(previous->statements_applied, 0);
  if (k == 0) return 0;
  const int n = static_cast<int>(plan.statements.size());
  const std::string what_to_do = fmt::format(
      "Restore the file as it was when they ran (`keel {0}` then resumes after statement {1}); "
      "or, if the database already holds what statements 1 to {1} of the file now do (or you "
      "undid what ran by hand), record that with `{2}` (`:0` to run the script from its first "
      "statement), then run `keel {0}`",
      command_of(plan), k, mark_command(plan, k));
  if (previous->completed && static_cast<int>(previous->completed->size()) >= k) {
    for (int i = 0; i < k; ++i) {
      const CompletedStatement& ran = (*previous->completed)[i];
      if (i < n && statement_hash(plan.statements[i]) == ran.hash) continue;
      std::string now = i < n ? fmt::format("line {}: {}", plan.statements[i].line,
                                            abbreviate_statement(plan.statements[i].sql))
                              : fmt::format("the file has only {}", plural(n, "statement"));
      return fail(
          ErrorCode::kGateFailed,
          fmt::format("{} of this script committed in an earlier run, and the file no longer "
                      "holds statement {} as it ran; nothing was run.\n  ran: statement {}, "
                      "line {}: {}\n  now: {}\n{}",
                      plural(k, "statement"), i + 1, i + 1, ran.line, ran.text, now, what_to_do),
          plan.script.path);
    }
    return k;
  }
  if (plan.direction == Direction::kUp && previous->checksum == plan.migration.checksum) {
    return std::min(k, n);  // recorded by an older keel, but the file is the one that ran
  }
  return fail(ErrorCode::kGateFailed,
              fmt::format("{} of this script committed in an earlier run (keel {} did not record "
                          "which), and the file changed since (it ran as {}, it is now {}); "
                          "nothing was run.\n{}",
                          plural(k, "statement"),
                          previous->keel_version.empty() ? "?" : previous->keel_version,
                          previous->checksum, plan.migration.checksum, what_to_do),
              plan.script.path);
}

// Records the failure (up: FAILED; a statement-by-statement down:
// ROLLING_BACK with the error once a statement committed, else the row as
// it was) and returns `error`, with what stayed committed and `hint` added.
Result<Applied> fail_with(const Roles& db, Plan& plan, const Error& error, int applied,
                          bool by_statement = false, const std::string& hint = {}) {
  const bool up = plan.direction == Direction::kUp;
  Result<void> recorded;
  if (up || by_statement) {
    plan.row.status = up ? RowStatus::kFailed : RowStatus::kRollingBack;
    plan.row.error = error.to_string();
    plan.row.statements_applied = applied;
    const std::optional<HistoryRow>& previous = *plan.previous;
    if (!up && applied == 0 && previous && previous->status == RowStatus::kSuccess) {
      recorded = db.history.record(*previous);  // nothing of the down committed
    } else {
      recorded = db.history.record(plan.row);
    }
  }
  Error out = error;
  if (!recorded) {
    out.message +=
        fmt::format(" (and recording the failure failed too: {})", recorded.error().to_string());
    return std::unexpected(out);
  }
  if (by_statement && applied > 0) {
    const int n = static_cast<int>(plan.statements.size());
    out.message += fmt::format(
        "\n{} of {} of {} committed before it failed and stay{}; the history row says {} {}/{}: "
        "`keel {}` resumes after statement {} once the cause is fixed",
        applied == 1 ? "statement 1" : fmt::format("statements 1 to {}", applied), n,
        plan.script.path, applied == 1 ? "s" : "", row_status_name(plan.row.status), applied, n,
        command_of(plan), applied);
  }
  out.message += hint;
  return std::unexpected(out);
}

Result<Applied> run_in_transaction(const Roles& db, Plan& plan, const RunOptions& options) {
  const int n = static_cast<int>(plan.statements.size());
  for (int attempt = 0;; ++attempt) {
    TimePoint start = options.clock.read();
    Result<void> done = [&]() -> Result<void> {
      // Each attempt starts from the session keel set up, not the last one's.
      if (auto ok = db.session.reset_session(); !ok) return ok;
      if (auto ok = db.session.begin(plan.timeouts); !ok) return ok;
      for (const Statement& st : plan.statements) {
        if (auto ok = db.session.execute(st, plan.script.path); !ok) return ok;
      }
      if (auto ok = record_hash_after(db, plan); !ok) return ok;
      plan.row.status =
          plan.direction == Direction::kUp ? RowStatus::kSuccess : RowStatus::kRolledBack;
      plan.row.statements_applied = n;
      plan.row.execution_ms = options.clock.ms_since(start);
      plan.row.error.clear();
      plan.row.completed.reset();
      if (auto ok = db.history.record(plan.row); !ok) return ok;
      if (options.before_commit) {
        if (auto ok = options.before_commit(db, plan.migration); !ok) return ok;
      }
      return db.session.commit();
    }();
    if (done) {
      advance_hash(plan);
      return Applied{plan.migration.version, plan.migration.name, options.clock.ms_since(start), n,
                     attempt + 1};
    }
    db.session.rollback();
    if (retry_after(plan, options, db.rules, done.error(), attempt)) continue;
    return fail_with(db, plan, with_blockers(db, plan.statements, plan.script.path, done.error()),
                     0);
  }
}

// Where a statement-by-statement run starts: after `start` statements;
// `rerun` when a run before stopped there, `interrupted` when it was killed
// while statement start + 1 ran (the server may have finished it).
struct Resume {
  int start = 0;
  bool rerun = false;
  bool interrupted = false;
};

// Statement i of a statement-by-statement run, with what a rerun checks
// first and lock-timeout retries (`attempts` raised to the most any
// statement took). A failure is recorded (fail_with) and returned.
Result<void> run_statement(const Roles& db, Plan& plan, const RunOptions& options, int i,
                           const Resume& resume, int& attempts) {
  const Statement& st = plan.statements[i];
  std::string found;
  bool skip = false;
  if (i == resume.start && resume.rerun) {
    auto check = db.recovery.already_done(st);
    if (!check) return std::unexpected(fail_with(db, plan, check.error(), i, true).error());
    found = check->detail;
    skip = check->done;
    if (skip) {
      say(options, fmt::format("  {}: statement {} (line {}) took effect before the previous "
                               "run stopped ({}); recorded as done",
                               plan.label, i + 1, st.line, found));
    }
  }
  for (int attempt = 0; !skip; ++attempt) {
    if (attempt > 0 || (i == resume.start && resume.rerun)) {
      auto dropped = db.recovery.drop_invalid_index(st);
      if (!dropped) return std::unexpected(fail_with(db, plan, dropped.error(), i, true).error());
      if (!dropped->empty()) {
        say(options, fmt::format("  {}: dropped INVALID index {} left by a failed build",
                                 plan.label, *dropped));
      }
    }
    auto done = db.session.execute(st, plan.script.path);
    if (done) break;
    if (retry_after(plan, options, db.rules, done.error(), attempt)) {
      attempts = std::max(attempts, attempt + 2);
      continue;
    }
    std::string hint;
    if (i == resume.start && resume.interrupted) {
      hint = fmt::format(
          "\nThe previous run was stopped (killed, or its connection lost) while statement {} "
          "ran, and the server may have finished it before it noticed: check whether what "
          "{}:{} does is already in place ({}){}. If it is, record it with `{}` and run `keel "
          "{}` again.",
          i + 1, plan.script.path, st.line, abbreviate_statement(st.sql),
          found.empty() ? "" : "; found: " + found, mark_command(plan, i + 1), command_of(plan));
    }
    return std::unexpected(
        fail_with(db, plan, with_blockers(db, {st}, plan.script.path, done.error()), i, true, hint)
            .error());
  }
  return {};
}

// Statement by statement, each committed on its own, with progress recorded
// after each (the statement's hash too) so that a later run resumes where
// this one stopped: up scripts as RUNNING, down scripts as ROLLING_BACK.
Result<Applied> run_without_transaction(const Roles& db, Plan& plan, const RunOptions& options) {
  const int n = static_cast<int>(plan.statements.size());
  const bool up = plan.direction == Direction::kUp;
  const std::optional<HistoryRow>& previous = *plan.previous;
  auto resumed = resume_point(plan);
  if (!resumed) return std::unexpected(resumed.error());
  const int start = *resumed;
  if (start > 0) {
    say(options, fmt::format("  {}: resuming after statement {} of {} (a previous run stopped)",
                             plan.label, start, n));
  }
  TimePoint begin = options.clock.read();
  if (auto ok = db.session.reset_session(); !ok) return std::unexpected(ok.error());
  if (auto ok = db.session.set_session_timeouts(plan.timeouts); !ok) {
    return std::unexpected(ok.error());
  }
  std::vector<CompletedStatement> completed;
  for (int i = 0; i < start; ++i) completed.push_back(completed_of(plan.statements[i]));
  plan.row.status = up ? RowStatus::kRunning : RowStatus::kRollingBack;
  plan.row.statements_applied = start;
  plan.row.completed = completed;
  plan.row.error.clear();
  if (auto ok = db.history.record(plan.row); !ok) return std::unexpected(ok.error());
  // The run before stopped at statement `start`: killed while it ran (RUNNING,
  // or ROLLING_BACK without an error), so the server may have finished it.
  const bool rerun = stopped_part_way(plan.direction, previous);
  const bool interrupted =
      rerun && (previous->status == RowStatus::kRunning ||
                (previous->status == RowStatus::kRollingBack && previous->error.empty()));
  int attempts = 1;
  const Resume resume{start, rerun, interrupted};
  for (int i = start; i < n; ++i) {
    if (auto ok = run_statement(db, plan, options, i, resume, attempts); !ok) {
      return std::unexpected(ok.error());
    }
    const Statement& st = plan.statements[i];
    completed.push_back(completed_of(st));
    plan.row.statements_applied = i + 1;
    plan.row.completed = completed;
    if (auto ok = db.history.record(plan.row); !ok) return std::unexpected(ok.error());
  }
  if (options.before_commit) {
    if (auto ok = options.before_commit(db, plan.migration); !ok) {
      return fail_with(db, plan, ok.error(), n, true);
    }
  }
  if (auto ok = record_hash_after(db, plan); !ok) {
    return fail_with(db, plan, ok.error(), n, true);
  }
  plan.row.status = up ? RowStatus::kSuccess : RowStatus::kRolledBack;
  plan.row.execution_ms = options.clock.ms_since(begin);
  plan.row.error.clear();
  plan.row.completed.reset();
  if (auto ok = db.history.record(plan.row); !ok) return std::unexpected(ok.error());
  advance_hash(plan);
  return Applied{plan.migration.version, plan.migration.name, plan.row.execution_ms, n - start,
                 attempts};
}

}  // namespace

std::chrono::steady_clock::time_point Clock::read() const {
  return now ? now() : std::chrono::steady_clock::now();
}

void Clock::wait(std::chrono::milliseconds delay) const {
  if (sleep) {
    sleep(delay);
  } else {
    std::this_thread::sleep_for(delay);
  }
}

int64_t Clock::ms_since(std::chrono::steady_clock::time_point start) const {
  return std::chrono::duration_cast<milliseconds>(read() - start).count();
}

Result<Applied> run_script(const Roles& db, const Migration& migration, Direction direction,
                           const std::optional<HistoryRow>& previous, const RunOptions& options,
                           std::string* schema_hash, bool hash_after) {
  const Script& script = direction == Direction::kUp ? migration.up : *migration.down;
  Timeouts timeouts = options.timeouts;
  if (script.directives.lock_timeout) timeouts.lock_timeout = *script.directives.lock_timeout;
  if (script.directives.statement_timeout) {
    timeouts.statement_timeout = *script.directives.statement_timeout;
  }
  Plan plan{migration,
            script,
            direction,
            {},
            timeouts,
            script.directives.retries.value_or(options.retry.retries),
            {},
            fmt::format("{}_{}{}", migration.version, migration.name,
                        direction == Direction::kDown ? " (down)" : "")};
  if (direction == Direction::kDown && previous) plan.row = *previous;
  // The history's spelling of the version ("3" for a file now named 0003_):
  // one row per version.
  plan.row.version = previous ? previous->version : migration.version;
  plan.row.name = migration.name;
  plan.row.checksum = migration.checksum;
  plan.row.applied_by = options.applied_by.empty() ? default_applied_by() : options.applied_by;
  plan.row.keel_version = KEEL_VERSION;
  plan.schema_hash = schema_hash;
  plan.hash_after = hash_after;
  plan.previous = &previous;
  plan.row.completed.reset();
  if (schema_hash != nullptr && direction == Direction::kUp) {
    plan.row.schema_hash_before =
        schema_hash->empty() ? std::nullopt : std::optional<std::string>(*schema_hash);
    plan.row.schema_hash_after.reset();
  }
  // A script that does not parse fails like one the server refused: FAILED
  // with the error, nothing run.
  auto statements = split_statements(db.rules.dialect(), script);
  if (!statements) return fail_with(db, plan, statements.error(), 0);
  plan.statements = std::move(*statements);
  plan.row.statements_total = static_cast<int>(plan.statements.size());

  bool no_transaction = script.directives.no_transaction;
  for (const Statement& st : plan.statements) {
    if (!no_transaction && db.rules.refuses_transaction(st)) {
      no_transaction = true;
      say(options, fmt::format("  {}: line {} cannot run inside a transaction; running the "
                               "migration statement by statement",
                               plan.label, st.line));
    }
  }
  // A run that stopped part-way resumes statement by statement, whatever
  // the script says now (its completed part is checked first).
  if (stopped_part_way(direction, previous) && previous->statements_applied > 0 &&
      !no_transaction) {
    no_transaction = true;
    say(options, fmt::format("  {}: {} of it committed in a run that stopped; running the rest "
                             "statement by statement",
                             plan.label, plural(previous->statements_applied, "statement")));
  }
  if (no_transaction) return run_without_transaction(db, plan, options);
  return run_in_transaction(db, plan, options);
}

Result<Manifest> Roles::schema() const {
  auto manifest = session.schema();
  if (manifest) manifest->schema.ignore_column_order = ignore_column_order;
  return manifest;
}

Result<std::string> snapshot_schema(const Roles& db) {
  auto manifest = db.schema();
  if (!manifest) return std::unexpected(manifest.error());
  nlohmann::json canonical = model::to_canonical_json(manifest->schema);
  std::string hash = model::hash_canonical_json(canonical);
  if (auto ok = db.history.save_snapshot(hash, canonical.dump()); !ok) {
    return std::unexpected(ok.error());
  }
  return hash;
}

bool needs_no_transaction(const Roles& db, const Script& script,
                          const std::vector<Statement>& statements) {
  if (script.directives.no_transaction) return true;
  return std::any_of(statements.begin(), statements.end(),
                     [&](const Statement& st) { return db.rules.refuses_transaction(st); });
}

Result<std::vector<Applied>> run_downs_in_one_transaction(
    const Roles& db, const std::vector<DownStep>& steps, const RunOptions& options,
    const std::function<Result<void>(const Roles&)>& before_commit) {
  Timeouts timeouts = options.timeouts;
  int retries = options.retry.retries;
  for (const DownStep& step : steps) {
    const Directives& d = step.migration->down->directives;
    if (d.lock_timeout) timeouts.lock_timeout = std::max(timeouts.lock_timeout, *d.lock_timeout);
    if (d.statement_timeout) {
      timeouts.statement_timeout = std::max(timeouts.statement_timeout, *d.statement_timeout);
    }
    if (d.retries) retries = std::max(retries, *d.retries);
  }
  const std::string applied_by =
      options.applied_by.empty() ? default_applied_by() : options.applied_by;
  for (int attempt = 0;; ++attempt) {
    std::vector<Applied> done;
    Result<void> ran = [&]() -> Result<void> {
      // Each down script starts from the session keel set up, not from what
      // the one before it set.
      if (auto ok = db.session.reset_session(); !ok) return ok;
      if (auto ok = db.session.begin(timeouts); !ok) return ok;
      for (const DownStep& step : steps) {
        const Migration& m = *step.migration;
        if (&step != &steps.front()) {
          if (auto ok = db.session.reset_session(); !ok) return ok;
        }
        TimePoint start = options.clock.read();
        for (const Statement& st : step.statements) {
          if (auto ok = db.session.execute(st, m.down->path); !ok) return ok;
        }
        HistoryRow row = step.previous.value_or(HistoryRow{});
        if (!step.previous) row.version = m.version;  // else the history's spelling
        row.name = m.name;
        row.checksum = m.checksum;
        row.applied_by = applied_by;
        row.keel_version = KEEL_VERSION;
        row.status = RowStatus::kRolledBack;
        row.statements_total = static_cast<int>(step.statements.size());
        row.statements_applied = row.statements_total;
        row.execution_ms = options.clock.ms_since(start);
        row.error.clear();
        row.completed.reset();
        if (auto ok = db.history.record(row); !ok) return ok;
        done.push_back(
            Applied{m.version, m.name, row.execution_ms, row.statements_applied, attempt + 1});
        say(options, fmt::format("  {}_{} (down): {} statement{} in {} ms", m.version, m.name,
                                 row.statements_applied, row.statements_applied == 1 ? "" : "s",
                                 row.execution_ms));
      }
      if (before_commit) {
        if (auto ok = before_commit(db); !ok) return ok;
      }
      return db.session.commit();
    }();
    if (ran) return done;
    db.session.rollback();
    if (db.rules.is_lock_timeout(ran.error()) && attempt < retries) {
      milliseconds delay = backoff(options.retry, attempt);
      say(options, fmt::format("  rollback: {}; retry {} of {} in {} ms", ran.error().to_string(),
                               attempt + 1, retries, delay.count()));
      options.clock.wait(delay);
      continue;
    }
    std::vector<Statement> all;
    std::string path;
    for (const DownStep& step : steps) {
      if (ran.error().context.starts_with(step.migration->down->path + ":")) {
        all = step.statements;
        path = step.migration->down->path;
        break;
      }
      all.insert(all.end(), step.statements.begin(), step.statements.end());
    }
    return std::unexpected(with_blockers(db, all, path, ran.error()));
  }
}

Result<std::vector<HistoryRow>> lock_and_read(const Roles& db, const RunOptions& options) {
  if (auto ok = db.lock.lock(options.lock_wait); !ok) return std::unexpected(ok.error());
  if (auto ok = db.history.ensure_history(); !ok) return std::unexpected(ok.error());
  return db.history.history();
}

std::optional<HistoryRow> row_for(const std::vector<HistoryRow>& history,
                                  const std::string& version) {
  for (const HistoryRow& row : history) {
    if (compare_versions(row.version, version) == 0) return row;
  }
  return std::nullopt;
}

}  // namespace keel::migrate
