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

using Clock = std::chrono::steady_clock;
using std::chrono::milliseconds;

int64_t ms_since(Clock::time_point start) {
  return std::chrono::duration_cast<milliseconds>(Clock::now() - start).count();
}

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
};

// Up scripts: the hash after the statements, into the row (and the
// running hash once the caller commits).
Result<void> record_hash_after(MigrationTarget& target, Plan& plan) {
  if (plan.schema_hash == nullptr || plan.direction != Direction::kUp) return {};
  if (!plan.hash_after) {
    plan.schema_hash->clear();
    return {};
  }
  // Only rows changed: the schema is what it was before.
  if (!plan.schema_hash->empty() &&
      std::none_of(plan.statements.begin(), plan.statements.end(),
                   [&](const Statement& st) { return target.changes_schema(st); })) {
    plan.row.schema_hash_after = *plan.schema_hash;
    return {};
  }
  auto hash = snapshot_schema(target);
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
bool retry_after(const Plan& plan, const RunOptions& options, const MigrationTarget& target,
                 const Error& error, int attempt) {
  if (!target.is_lock_timeout(error) || attempt >= plan.retries) return false;
  milliseconds delay = backoff(options.retry, attempt);
  say(options, fmt::format("  {}: {}; retry {} of {} in {} ms", plan.label, error.to_string(),
                           attempt + 1, plan.retries, delay.count()));
  std::this_thread::sleep_for(delay);
  return true;
}

// A lock timeout that used up its retries, with the sessions that hold or
// wait for locks on the relations the failed statement touches (every
// statement's, when the error does not say which failed), named as drain
// names them: pid, user, application, state and for how long, query.
Error with_blockers(MigrationTarget& target, const std::vector<Statement>& statements,
                    const std::string& path, Error error) {
  if (!target.is_lock_timeout(error)) return error;
  std::vector<Statement> failed;
  for (const Statement& st : statements) {
    if (error.context == fmt::format("{}:{}", path, st.line)) failed.push_back(st);
  }
  auto relations = target.relations_of(failed.empty() ? statements : failed);
  if (!relations || relations->empty()) return error;
  auto sessions = target.sessions_in_lock(*relations);
  if (!sessions || sessions->empty()) return error;
  error.message += "; in the way:";
  for (const SessionInLock& s : *sessions) error.message += "\n  " + s.to_string();
  return error;
}

Result<Applied> fail_with(MigrationTarget& target, Plan& plan, const Error& error, int applied) {
  if (plan.direction == Direction::kUp) {
    plan.row.status = RowStatus::kFailed;
    plan.row.error = error.to_string();
    plan.row.statements_applied = applied;
    if (auto recorded = target.record(plan.row); !recorded) {
      Error both = error;
      both.message +=
          fmt::format(" (and recording the failure failed too: {})", recorded.error().to_string());
      return std::unexpected(both);
    }
  }
  return std::unexpected(error);
}

Result<Applied> run_in_transaction(MigrationTarget& target, Plan& plan, const RunOptions& options) {
  const int n = static_cast<int>(plan.statements.size());
  for (int attempt = 0;; ++attempt) {
    Clock::time_point start = Clock::now();
    Result<void> done = [&]() -> Result<void> {
      // Each attempt starts from the session keel set up, not the last one's.
      if (auto ok = target.reset_session(); !ok) return ok;
      if (auto ok = target.begin(plan.timeouts); !ok) return ok;
      for (const Statement& st : plan.statements) {
        if (auto ok = target.execute(st, plan.script.path); !ok) return ok;
      }
      if (auto ok = record_hash_after(target, plan); !ok) return ok;
      plan.row.status =
          plan.direction == Direction::kUp ? RowStatus::kSuccess : RowStatus::kRolledBack;
      plan.row.statements_applied = n;
      plan.row.execution_ms = ms_since(start);
      plan.row.error.clear();
      if (auto ok = target.record(plan.row); !ok) return ok;
      if (options.before_commit) {
        if (auto ok = options.before_commit(target, plan.migration); !ok) return ok;
      }
      return target.commit();
    }();
    if (done) {
      advance_hash(plan);
      return Applied{plan.migration.version, plan.migration.name, ms_since(start), n, attempt + 1};
    }
    target.rollback();
    if (retry_after(plan, options, target, done.error(), attempt)) continue;
    return fail_with(target, plan,
                     with_blockers(target, plan.statements, plan.script.path, done.error()), 0);
  }
}

// Statement by statement, each committed on its own, with progress recorded
// after each so that a later run resumes where this one stopped.
Result<Applied> run_without_transaction(MigrationTarget& target, Plan& plan,
                                        const std::optional<HistoryRow>& previous,
                                        const RunOptions& options) {
  const int n = static_cast<int>(plan.statements.size());
  const bool up = plan.direction == Direction::kUp;
  int start = 0;
  if (up && previous &&
      (previous->status == RowStatus::kRunning || previous->status == RowStatus::kFailed)) {
    start = std::clamp(previous->statements_applied, 0, n);
  }
  if (start > 0) {
    say(options, fmt::format("  {}: resuming after statement {} of {} (a previous run stopped)",
                             plan.label, start, n));
  }
  Clock::time_point begin = Clock::now();
  if (auto ok = target.reset_session(); !ok) return std::unexpected(ok.error());
  if (auto ok = target.set_session_timeouts(plan.timeouts); !ok) {
    return std::unexpected(ok.error());
  }
  plan.row.status = RowStatus::kRunning;
  plan.row.statements_applied = start;
  if (up) {
    if (auto ok = target.record(plan.row); !ok) return std::unexpected(ok.error());
  }
  bool rerun = previous && previous->status != RowStatus::kSuccess &&
               previous->status != RowStatus::kRolledBack;
  int attempts = 1;
  for (int i = start; i < n; ++i) {
    const Statement& st = plan.statements[i];
    for (int attempt = 0;; ++attempt) {
      if (attempt > 0 || (i == start && rerun)) {
        auto dropped = target.drop_invalid_index(st);
        if (!dropped) return fail_with(target, plan, dropped.error(), i);
        if (!dropped->empty()) {
          say(options, fmt::format("  {}: dropped INVALID index {} left by a failed build",
                                   plan.label, *dropped));
        }
      }
      auto done = target.execute(st, plan.script.path);
      if (done) break;
      if (retry_after(plan, options, target, done.error(), attempt)) {
        attempts = std::max(attempts, attempt + 2);
        continue;
      }
      return fail_with(target, plan, with_blockers(target, {st}, plan.script.path, done.error()),
                       i);
    }
    plan.row.statements_applied = i + 1;
    if (up) {
      if (auto ok = target.record(plan.row); !ok) return std::unexpected(ok.error());
    }
  }
  if (options.before_commit) {
    if (auto ok = options.before_commit(target, plan.migration); !ok) {
      return fail_with(target, plan, ok.error(), n);
    }
  }
  if (auto ok = record_hash_after(target, plan); !ok) return fail_with(target, plan, ok.error(), n);
  plan.row.status = up ? RowStatus::kSuccess : RowStatus::kRolledBack;
  plan.row.execution_ms = ms_since(begin);
  plan.row.error.clear();
  if (auto ok = target.record(plan.row); !ok) return std::unexpected(ok.error());
  advance_hash(plan);
  return Applied{plan.migration.version, plan.migration.name, plan.row.execution_ms, n - start,
                 attempts};
}

}  // namespace

Result<Applied> run_script(MigrationTarget& target, const Migration& migration, Direction direction,
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
  if (schema_hash != nullptr && direction == Direction::kUp) {
    plan.row.schema_hash_before =
        schema_hash->empty() ? std::nullopt : std::optional<std::string>(*schema_hash);
    plan.row.schema_hash_after.reset();
  }
  // A script that does not parse fails like one the server refused: FAILED
  // with the error, nothing run.
  auto statements = split_statements(target.dialect(), script);
  if (!statements) return fail_with(target, plan, statements.error(), 0);
  plan.statements = std::move(*statements);
  plan.row.statements_total = static_cast<int>(plan.statements.size());

  bool no_transaction = script.directives.no_transaction;
  for (const Statement& st : plan.statements) {
    if (!no_transaction && target.refuses_transaction(st)) {
      no_transaction = true;
      say(options, fmt::format("  {}: line {} cannot run inside a transaction; running the "
                               "migration statement by statement",
                               plan.label, st.line));
    }
  }
  if (no_transaction) return run_without_transaction(target, plan, previous, options);
  return run_in_transaction(target, plan, options);
}

Result<std::string> snapshot_schema(MigrationTarget& target) {
  auto manifest = target.schema();
  if (!manifest) return std::unexpected(manifest.error());
  nlohmann::json canonical = model::to_canonical_json(manifest->schema);
  std::string hash = model::hash_canonical_json(canonical);
  if (auto ok = target.save_snapshot(hash, canonical.dump()); !ok) {
    return std::unexpected(ok.error());
  }
  return hash;
}

bool needs_no_transaction(const MigrationTarget& target, const Script& script,
                          const std::vector<Statement>& statements) {
  if (script.directives.no_transaction) return true;
  return std::any_of(statements.begin(), statements.end(),
                     [&](const Statement& st) { return target.refuses_transaction(st); });
}

Result<std::vector<Applied>> run_downs_in_one_transaction(
    MigrationTarget& target, const std::vector<DownStep>& steps, const RunOptions& options,
    const std::function<Result<void>(MigrationTarget&)>& before_commit) {
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
      if (auto ok = target.reset_session(); !ok) return ok;
      if (auto ok = target.begin(timeouts); !ok) return ok;
      for (const DownStep& step : steps) {
        const Migration& m = *step.migration;
        if (&step != &steps.front()) {
          if (auto ok = target.reset_session(); !ok) return ok;
        }
        Clock::time_point start = Clock::now();
        for (const Statement& st : step.statements) {
          if (auto ok = target.execute(st, m.down->path); !ok) return ok;
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
        row.execution_ms = ms_since(start);
        row.error.clear();
        if (auto ok = target.record(row); !ok) return ok;
        done.push_back(
            Applied{m.version, m.name, row.execution_ms, row.statements_applied, attempt + 1});
        say(options, fmt::format("  {}_{} (down): {} statement{} in {} ms", m.version, m.name,
                                 row.statements_applied, row.statements_applied == 1 ? "" : "s",
                                 row.execution_ms));
      }
      if (before_commit) {
        if (auto ok = before_commit(target); !ok) return ok;
      }
      return target.commit();
    }();
    if (ran) return done;
    target.rollback();
    if (target.is_lock_timeout(ran.error()) && attempt < retries) {
      milliseconds delay = backoff(options.retry, attempt);
      say(options, fmt::format("  rollback: {}; retry {} of {} in {} ms", ran.error().to_string(),
                               attempt + 1, retries, delay.count()));
      std::this_thread::sleep_for(delay);
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
    return std::unexpected(with_blockers(target, all, path, ran.error()));
  }
}

Result<std::vector<HistoryRow>> lock_and_read(MigrationTarget& target, const RunOptions& options) {
  if (auto ok = target.lock(options.lock_wait); !ok) return std::unexpected(ok.error());
  if (auto ok = target.ensure_history(); !ok) return std::unexpected(ok.error());
  return target.history();
}

std::optional<HistoryRow> row_for(const std::vector<HistoryRow>& history,
                                  const std::string& version) {
  for (const HistoryRow& row : history) {
    if (compare_versions(row.version, version) == 0) return row;
  }
  return std::nullopt;
}

}  // namespace keel::migrate
