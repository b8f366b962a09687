// The dry run: every pending migration inside one transaction, observed
// statement by statement, proven with savepoints, judged by the gates, and
// rolled back.
#include "keel/plan.h"

#include <fmt/format.h>

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <set>
#include <sstream>

#include "keel/canonical.h"
#include "keel/drift.h"
#include "lint/engine.h"

namespace keel::plan {
namespace {

using Clock = std::chrono::steady_clock;
using migrate::Migration;
using migrate::Statement;

constexpr const char* kUpSavepoint = "keel_plan_up";
constexpr const char* kProofSavepoint = "keel_plan_proof";
constexpr const char* kExclusive = "AccessExclusiveLock";

int64_t ms_since(Clock::time_point start) {
  return std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - start).count();
}

void say(const Options& options, const std::string& line) {
  if (options.progress) options.progress(line);
}

}  // namespace

Result<Manifest> PlanRoles::schema() const {
  auto manifest = session.schema();
  if (manifest) manifest->schema.ignore_column_order = ignore_column_order;
  return manifest;
}

namespace {

Result<std::string> hash_of(const PlanRoles& db, Manifest* keep = nullptr) {
  auto manifest = db.schema();
  if (!manifest) return std::unexpected(manifest.error());
  std::string hash = model::schema_hash(manifest->schema);
  if (keep != nullptr) *keep = std::move(*manifest);
  return hash;
}

// "blocked by pid 123 (idle in transaction for 4 s, application psql): LOCK users".
std::string blockers_text(const std::vector<Blocker>& blockers) {
  if (blockers.empty()) return "";
  std::string out = "; blocked by";
  for (const Blocker& b : blockers) {
    out += fmt::format(" pid {} ({} for {} ms{}{}): {}", b.pid, b.state, b.transaction_ms,
                       b.application.empty() ? "" : ", application ", b.application, b.query);
  }
  return out;
}

// The SQL to run for `st` inside the dry run's transaction, or nullopt (with
// a note) when it cannot be dry-run at all.
std::optional<std::string> runnable(const PlanRoles& db, const Statement& st, std::string& note,
                                    std::string& ran) {
  if (!db.rules.refuses_transaction(st)) return st.sql;
  auto equivalent = db.rules.in_transaction_equivalent(st);
  if (!equivalent) {
    note = "not run: it cannot run inside a transaction and has no in-transaction equivalent";
    return std::nullopt;
  }
  note = "cannot run inside a transaction: dry-run as its in-transaction equivalent";
  ran = *equivalent;
  return *equivalent;
}

// Runs a script's statements (a proof: no reports); the first error, if any.
Result<void> run_quietly(const PlanRoles& db, const std::vector<Statement>& statements,
                         const std::string& path) {
  for (const Statement& st : statements) {
    std::string note, ran;
    auto sql = runnable(db, st, note, ran);
    if (!sql) continue;
    if (auto ok = db.session.execute(Statement{*sql, st.line}, path); !ok) return ok;
  }
  return {};
}

// The objects a migration changed, as drift names them: "table public.t".
std::vector<std::string> changed_objects(const Manifest& before, const Manifest& after) {
  std::set<std::string> out;
  for (const Difference& d : compare_manifests(before, after, {})) {
    if (d.category == "schema") out.insert(fmt::format("{} {}", d.kind, d.object));
  }
  return {out.begin(), out.end()};
}

struct Observed {
  bool ok = true;
  Error error;
  // The statement failed only because the dry run is one transaction (a new
  // enum value used before a COMMIT apply would have run): not proven.
  bool unproven = false;
};

// SQLSTATE 55P04: a new enum value used in the transaction that added it.
constexpr const char* kUnsafeNewEnumValue = "55P04";

// What the lock observer sees before a migration: the relations' storage
// (to spot rewrites) and the locks already held, which an earlier pending
// migration of this dry run took (the transaction never commits): they are
// not this migration's. Empty when the dialect does not observe locks.
struct Baseline {
  std::map<std::string, Storage> storage;
  std::vector<RelationLock> held;
};

Result<Baseline> baseline(const PlanRoles& db) {
  Baseline out;
  if (!db.observer.observes_locks()) return out;
  auto storage = db.observer.storage();
  if (!storage) return std::unexpected(storage.error());
  out.storage = std::move(*storage);
  auto locks = db.observer.relation_locks();
  if (!locks) return std::unexpected(locks.error());
  out.held = std::move(*locks);
  return out;
}

// After a statement ran: the locks it took (not held before) and the
// relations it rewrote (their storage changed); `storage` becomes now's.
Result<void> observe_effects(const PlanRoles& db, const std::vector<RelationLock>& held_before,
                             std::map<std::string, Storage>& storage, StatementReport& sr) {
  if (!db.observer.observes_locks()) return {};
  auto locks = db.observer.relation_locks();
  if (!locks) return std::unexpected(locks.error());
  for (RelationLock& lock : *locks) {
    if (std::find(held_before.begin(), held_before.end(), lock) == held_before.end()) {
      sr.locks.push_back(std::move(lock));
    }
  }
  auto now = db.observer.storage();
  if (!now) return std::unexpected(now.error());
  for (const auto& [name, s] : *now) {
    auto it = storage.find(name);
    if (it != storage.end() && it->second.id != s.id) sr.rewrites.push_back(name);
  }
  storage = std::move(*now);
  return {};
}

// A statement of the up script failed: the Observed to return, its report
// completed. `added_enum_line`: the line of an ALTER TYPE ... ADD VALUE of
// this migration before it (0: none).
Observed statement_failed(const PlanRoles& db, const Error& error, bool one_transaction,
                          int added_enum_line, StatementReport& sr) {
  if (error.sqlstate == kUnsafeNewEnumValue && !(one_transaction && added_enum_line)) {
    // The value was added by an earlier migration of this dry run, or by
    // an earlier statement of this no-transaction migration: apply
    // commits in between, the dry run cannot.
    sr.note = fmt::format("not proven: {}", error.to_string());
    return Observed{false, error, true};
  }
  sr.error = error.to_string();
  if (error.sqlstate == kUnsafeNewEnumValue) {
    sr.error += fmt::format(
        " (the value is added on line {} in the same transaction: apply fails the same way; "
        "move the ALTER TYPE ... ADD VALUE to a -- keel:no-transaction migration before this "
        "one)",
        added_enum_line);
  }
  sr.blockers = db.observer.last_blockers();
  return Observed{false, error};
}

// Gate: an ACCESS EXCLUSIVE lock on a relation that existed before the
// migration, held from the statement that took it to the end of the
// migration (a transaction keeps its locks until it ends), for longer than
// max_lock.
void exclusive_lock_gate(const std::map<std::string, Storage>& storage_at_start,
                         const Options& options, MigrationReport& report) {
  std::map<std::string, int64_t> held_ms;
  std::set<std::string> seen;
  for (const StatementReport& sr : report.statements) {
    for (auto& [relation, ms] : held_ms) ms += sr.elapsed_ms;
    for (const RelationLock& lock : sr.locks) {
      if (lock.mode != kExclusive || !storage_at_start.contains(lock.relation)) continue;
      if (seen.insert(lock.relation).second) held_ms[lock.relation] = sr.elapsed_ms;
    }
  }
  for (const auto& [relation, ms] : held_ms) {
    if (ms > options.gates.max_lock.count()) {
      report.reasons.push_back(fmt::format(
          "holds an ACCESS EXCLUSIVE lock on {} for {} ms (max_lock_ms {}): every query on it "
          "waits that long",
          relation, ms, options.gates.max_lock.count()));
    }
  }
}

// Gate: rewrites of relations bigger than max_rewrite_rows.
Result<void> rewrite_gate(const PlanRoles& db,
                          const std::map<std::string, Storage>& storage_at_start,
                          const Options& options, MigrationReport& report) {
  std::set<std::string> rewritten;
  for (const StatementReport& sr : report.statements) {
    rewritten.insert(sr.rewrites.begin(), sr.rewrites.end());
  }
  for (const std::string& relation : rewritten) {
    auto it = storage_at_start.find(relation);
    if (it == storage_at_start.end()) continue;
    int64_t rows = it->second.rows;
    if (rows < 0) {
      auto counted = db.observer.count_rows(relation);
      if (!counted) return std::unexpected(counted.error());
      rows = *counted;
    }
    if (rows > options.gates.max_rewrite_rows) {
      report.reasons.push_back(
          fmt::format("rewrites {} ({} rows, max_rewrite_rows {}) under an ACCESS EXCLUSIVE lock",
                      relation, rows, options.gates.max_rewrite_rows));
    }
  }
  return {};
}

// The up script, statement by statement, with its reports, then the gates
// on what was seen. Leaves the migration applied (inside the transaction)
// when every statement ran.
Result<Observed> observe_up(const PlanRoles& db, const std::vector<Statement>& statements,
                            const Migration& m, const Options& options, MigrationReport& report) {
  auto seen = baseline(db);
  if (!seen) return std::unexpected(seen.error());
  std::map<std::string, Storage> storage = seen->storage;
  // apply runs the migration in one transaction unless it is marked
  // no-transaction or holds a statement that refuses one.
  const bool one_transaction =
      !m.up.directives.no_transaction &&
      std::none_of(statements.begin(), statements.end(),
                   [&](const Statement& st) { return db.rules.refuses_transaction(st); });
  int added_enum_line = 0;  // an ALTER TYPE ... ADD VALUE of this migration
  for (const Statement& st : statements) {
    StatementReport sr;
    sr.line = st.line;
    sr.sql = st.sql;
    auto sql = runnable(db, st, sr.note, sr.ran);
    if (!sql) {
      report.statements.push_back(std::move(sr));
      continue;
    }
    Clock::time_point start = Clock::now();
    auto done = db.session.execute(Statement{*sql, st.line}, m.up.path);
    sr.elapsed_ms = ms_since(start);
    if (!done) {
      Observed failed = statement_failed(db, done.error(), one_transaction, added_enum_line, sr);
      report.statements.push_back(std::move(sr));
      return failed;
    }
    if (added_enum_line == 0 && db.rules.adds_enum_value(st)) added_enum_line = st.line;
    sr.rows = db.session.last_rows();
    if (auto ok = observe_effects(db, seen->held, storage, sr); !ok) {
      return std::unexpected(ok.error());
    }
    say(options,
        fmt::format("  {}:{}: {} ms, {} rows{}", m.up.path, st.line, sr.elapsed_ms, sr.rows,
                    sr.rewrites.empty() ? "" : ", rewrote " + sr.rewrites.front()));
    report.statements.push_back(std::move(sr));
  }
  exclusive_lock_gate(seen->storage, options, report);
  if (auto ok = rewrite_gate(db, seen->storage, options, report); !ok) {
    return std::unexpected(ok.error());
  }
  return Observed{};
}

// The statement failed: why, for the report.
std::string failure_reason(const PlanRoles& db, const Error& error,
                           const StatementReport& statement) {
  if (db.rules.is_lock_timeout(error)) {
    return fmt::format("{}: lock_timeout hit: the lock was not granted in time{}", error.context,
                       blockers_text(statement.blockers));
  }
  if (error.sqlstate == "57014") {
    return fmt::format("{}: statement_timeout hit{}", error.context,
                       blockers_text(statement.blockers));
  }
  if (error.sqlstate == kUnsafeNewEnumValue) return "fails: " + statement.error;
  return fmt::format("fails: {}", error.to_string());
}

// "<dir of the up script>/<version>_<name>.expect.json": the objects the
// migration may change, as `changed` names them. Compared as sets.
Result<void> check_expected(const Migration& m, MigrationReport& report) {
  namespace fs = std::filesystem;
  fs::path path = fs::path(m.up.path).parent_path() / (m.version + "_" + m.name + ".expect.json");
  std::error_code ec;
  if (!fs::exists(path, ec)) return {};
  report.expect_path = path.string();
  std::ifstream in(path);
  std::stringstream text;
  text << in.rdbuf();
  auto doc = nlohmann::json::parse(text.str(), nullptr, false);
  std::set<std::string> expected;
  bool valid = in.good() || in.eof();
  valid = valid && doc.is_array();
  for (const auto& item : valid ? doc : nlohmann::json::array()) {
    if (!item.is_string()) valid = false;
    if (item.is_string()) expected.insert(item.get<std::string>());
  }
  if (!valid) {
    return fail(ErrorCode::kConfig,
                "an expected-diff file must be a JSON array of strings such as "
                "\"column public.users.email\" (the names keel plan prints under changes)",
                report.expect_path);
  }
  std::set<std::string> actual(report.changed.begin(), report.changed.end());
  std::string unexpected, missing;
  for (const std::string& c : actual) {
    if (!expected.contains(c)) unexpected += (unexpected.empty() ? "" : ", ") + c;
  }
  for (const std::string& e : expected) {
    if (!actual.contains(e)) missing += (missing.empty() ? "" : ", ") + e;
  }
  if (!unexpected.empty() || !missing.empty()) {
    std::string reason = fmt::format("the schema diff does not match {}:", report.expect_path);
    if (!unexpected.empty()) reason += " changed but not expected: " + unexpected + ";";
    if (!missing.empty()) reason += " expected but not changed: " + missing + ";";
    reason.pop_back();
    report.reasons.push_back(std::move(reason));
  }
  return {};
}

// True when `m` only adds enum values and its down script is empty: what
// keel generate writes as NAME_enum_values (PostgreSQL cannot drop an enum
// value; the next migration's down rebuilds the type without it).
bool adds_enum_values_only(const PlanRoles& db, const Migration& m) {
  if (!m.down) return false;
  auto up = migrate::split_statements(db.rules.dialect(), m.up);
  auto down = migrate::split_statements(db.rules.dialect(), *m.down);
  return up && down && !up->empty() && down->empty() &&
         std::all_of(up->begin(), up->end(),
                     [&](const Statement& st) { return db.rules.adds_enum_value(st); });
}

// The enum values `before` has and `after` lacks ("public.mood 'great'"),
// when nothing else differs; empty otherwise.
std::vector<std::string> only_enum_values_removed(const model::Database& before,
                                                  model::Database after) {
  std::vector<std::string> removed;
  for (auto& [sname, s] : after.schemas) {
    auto bs = before.schemas.find(sname);
    if (bs == before.schemas.end()) continue;
    for (auto& [tname, t] : s.types) {
      auto bt = bs->second.types.find(tname);
      if (bt == bs->second.types.end() || t.kind != "enum" || bt->second.kind != "enum" ||
          t.labels == bt->second.labels) {
        continue;
      }
      size_t kept = 0;  // `after`'s labels must be `before`'s with some left out
      for (const std::string& label : bt->second.labels) {
        if (kept < t.labels.size() && t.labels[kept] == label) {
          ++kept;
        } else {
          removed.push_back(fmt::format("{}.{} '{}'", sname, tname, label));
        }
      }
      if (kept != t.labels.size()) return {};
      t.labels = bt->second.labels;
    }
  }
  if (removed.empty() || model::schema_hash(after) != model::schema_hash(before)) return {};
  return removed;
}

// The lint gate: the up script's error findings are reasons to reject it. A
// Catalog error (the server refused a question, or the connection was lost)
// is the plan's error, as keel lint reports it: without the server's
// answers the findings would be guesses.
Result<void> lint_gate(const Migration& m, const lint::LintOptions& options, lint::Memory* memory,
                       MigrationReport& report) {
  std::optional<Error> catalog_error;
  for (const lint::Finding& f :
       lint::lint_paired(m.up, options, memory, nullptr, nullptr, &catalog_error)) {
    if (f.severity != lint::Severity::kError) continue;
    report.reasons.push_back(
        fmt::format("lint {} at {}:{}:{}: {}", f.rule, f.file, f.line, f.column, f.message));
  }
  if (!catalog_error) return {};
  return std::unexpected(Error{catalog_error->code,
                               "could not read the catalog: " + catalog_error->message,
                               catalog_error->context, catalog_error->sqlstate});
}

// The migration's own "-- keel:lock-timeout" / "statement-timeout", as apply
// would set them; a SET inside the dry run's transaction is undone by its
// ROLLBACK.
migrate::Timeouts timeouts_of(const Migration& m, const Options& options) {
  migrate::Timeouts timeouts = options.timeouts;
  if (m.up.directives.lock_timeout) timeouts.lock_timeout = *m.up.directives.lock_timeout;
  if (m.up.directives.statement_timeout) {
    timeouts.statement_timeout = *m.up.directives.statement_timeout;
  }
  return timeouts;
}

// Each script (the up, and the proofs' up and down) starts from the session
// keel set up, as apply and rollback run it, not from what the migration
// before it set.
Result<void> fresh_session(const PlanRoles& db, const migrate::Timeouts& timeouts) {
  if (auto ok = db.session.reset_session(); !ok) return ok;
  return db.session.set_session_timeouts(timeouts);
}

// The up script's statements; nullopt (the report says why, and the plan
// stops) when it cannot be split.
std::optional<std::vector<Statement>> statements_of(const PlanRoles& db, const Migration& m,
                                                    MigrationReport& report) {
  auto statements = migrate::split_statements(db.rules.dialect(), m.up);
  if (!statements) {
    report.reasons.push_back(fmt::format(
        "{}: {}",
        statements.error().code == ErrorCode::kUnsupported ? "not supported" : "does not parse",
        statements.error().to_string()));
    return std::nullopt;
  }
  if (statements->empty()) {
    report.notes.push_back(
        "the up script has no statements (empty, or only comments): apply would record it as "
        "applied with nothing run, and apply --require-validated refuses it; write the "
        "migration, or delete the file");
  }
  return std::move(*statements);
}

// The up script did not run through: what the report says (not proven, or
// rejected with the failure), before the plan stops.
void up_stopped(const PlanRoles& db, const Migration& m, const Observed& observed,
                MigrationReport& report) {
  if (observed.unproven) {
    const StatementReport& at = report.statements.back();
    report.unproven.push_back(fmt::format(
        "{}:{} and what follows it: uses an enum value added earlier in this dry run; PostgreSQL "
        "lets a new enum value be used only after the transaction that added it commits, which "
        "apply does between migrations (and between the statements of a no-transaction "
        "migration) but a dry run, one transaction rolled back, cannot. Proven: the {} "
        "statement(s) before it. Apply the migration that adds the value first (keel apply --to "
        "<its version>, or apply --require-validated with this plan's saved part), then plan "
        "again",
        m.up.path, at.line, report.statements.size() - 1));
    return;
  }
  report.reasons.insert(report.reasons.begin(),
                        failure_reason(db, observed.error, report.statements.back()));
}

// After the up script: the schema it leaves (into `after`), what changed,
// the verify queries' plans and the expected-diff file.
Result<void> observe_after(const PlanRoles& db, const Migration& m, const Options& options,
                           const Manifest& before, Manifest& after, MigrationReport& report) {
  auto after_hash = hash_of(db, &after);
  if (!after_hash) return std::unexpected(after_hash.error());
  report.hash_after = *after_hash;
  report.changed = changed_objects(before, after);
  for (const std::string& query : options.verify_queries) {
    auto explained = db.observer.explain(query);
    if (!explained) {
      report.reasons.push_back(fmt::format("verify query fails after the migration: {}: {}", query,
                                           explained.error().to_string()));
      continue;
    }
    report.explains.emplace_back(query, std::move(*explained));
  }
  return check_expected(m, report);
}

// Idempotency: the up a second time must succeed and change nothing. Runs
// in the proof savepoint, rolled back to after.
Result<void> prove_idempotent(const PlanRoles& db, const Migration& m,
                              const std::vector<Statement>& statements,
                              const migrate::Timeouts& timeouts, const Options& options,
                              MigrationReport& report) {
  if (auto ok = fresh_session(db, timeouts); !ok) return ok;
  if (auto again = run_quietly(db, statements, m.up.path); !again) {
    report.idempotent = false;
    report.reasons.push_back(fmt::format("not idempotent: applied a second time it fails: {}",
                                         again.error().to_string()));
  } else {
    auto twice = hash_of(db);
    if (!twice) return std::unexpected(twice.error());
    report.idempotent = *twice == report.hash_after;
    if (!*report.idempotent) {
      report.reasons.push_back(
          "not idempotent: applied a second time it changes the schema again (guard it with IF "
          "NOT EXISTS / IF EXISTS, or make it a no-op when already applied)");
    }
  }
  if (auto ok = db.session.rollback_to(kProofSavepoint); !ok) return ok;
  if (!*report.idempotent && !options.gates.require_idempotent) report.reasons.pop_back();
  return {};
}

// keel generate's pair: the migration before this one added enum values
// with an empty down; this down removes them with the rest. True (with a
// note) when that is all that differs from the schema before up.
bool reversible_with_previous(const PlanRoles& db, const Migration* previous,
                              const Manifest& before, const Manifest& after_down,
                              MigrationReport& report) {
  if (previous == nullptr || !adds_enum_values_only(db, *previous)) return false;
  std::vector<std::string> removed = only_enum_values_removed(before.schema, after_down.schema);
  if (removed.empty()) return false;
  std::string values;
  for (const std::string& r : removed) values += (values.empty() ? "" : ", ") + r;
  report.notes.push_back(fmt::format(
      "reversible together with {}: up then down gives back the schema but for the enum "
      "values that migration added ({}), which this down removes (that one's down is "
      "empty)",
      previous->up.path, values));
  return true;
}

// The down script after the up (in the proof savepoint): it must run and
// give back the schema before up.
Result<void> run_down(const PlanRoles& db, const Migration& m, const Migration* previous,
                      const Manifest& before, const migrate::Timeouts& timeouts,
                      MigrationReport& report) {
  auto down = migrate::split_statements(db.rules.dialect(), *m.down);
  if (!down) {
    report.reversible = false;
    report.reasons.push_back(fmt::format("not reversible: the down script does not parse: {}",
                                         down.error().to_string()));
    return {};
  }
  if (auto reset = fresh_session(db, timeouts); !reset) return reset;
  if (auto undone = run_quietly(db, *down, m.down->path); !undone) {
    report.reversible = false;
    report.reasons.push_back(
        fmt::format("not reversible: the down script fails: {}", undone.error().to_string()));
    return {};
  }
  Manifest after_down;
  auto back = hash_of(db, &after_down);
  if (!back) return std::unexpected(back.error());
  report.reversible = *back == report.hash_before ||
                      reversible_with_previous(db, previous, before, after_down, report);
  if (!*report.reversible) {
    report.reasons.push_back(
        fmt::format("not reversible: after up then down the schema hash is {}, not {} as before up",
                    *back, report.hash_before));
  }
  return {};
}

// Reversibility: up then down must give back the schema before up. A
// migration that only adds enum values cannot be undone in a script
// (PostgreSQL cannot drop an enum value); keel generate writes its down
// empty on purpose.
Result<void> prove_reversible(const PlanRoles& db, const Migration& m, const Migration* previous,
                              const Manifest& before, const migrate::Timeouts& timeouts,
                              const Options& options, MigrationReport& report) {
  if (adds_enum_values_only(db, m)) {
    report.notes.push_back(
        "reversible: not applicable: it only adds enum values, which PostgreSQL cannot drop, "
        "and its down is empty as keel generate writes it (after a rollback the values stay, "
        "unused)");
  } else if (!m.down) {
    report.reversible = false;
    report.reasons.push_back("not reversible: it has no down script");
  } else {
    if (auto ok = run_down(db, m, previous, before, timeouts, report); !ok) return ok;
    if (auto ok = db.session.rollback_to(kProofSavepoint); !ok) return ok;
  }
  if (report.reversible && !*report.reversible && !options.gates.require_reversible) {
    report.reasons.pop_back();
  }
  return {};
}

Result<void> plan_migration(const PlanRoles& db, const Migration& m, const Migration* previous,
                            const Options& options, lint::Memory* lint_memory, Manifest& schema,
                            std::string& hash, MigrationReport& report, bool& stop) {
  report.version = m.version;
  report.name = m.name;
  report.path = m.up.path;
  report.checksum = m.checksum;
  report.hash_before = hash;
  say(options, fmt::format("planning {}_{} ...", m.version, m.name));
  const migrate::Timeouts timeouts = timeouts_of(m, options);
  if (auto ok = fresh_session(db, timeouts); !ok) return ok;
  if (options.lint) {
    if (auto ok = lint_gate(m, *options.lint, lint_memory, report); !ok) return ok;
  }
  auto statements = statements_of(db, m, report);
  if (!statements) {
    stop = true;
    return {};
  }
  if (auto ok = db.session.savepoint(kUpSavepoint); !ok) return ok;
  auto observed = observe_up(db, *statements, m, options, report);
  if (!observed) return std::unexpected(observed.error());
  if (!observed->ok) {
    up_stopped(db, m, *observed, report);
    stop = true;  // later migrations may depend on this one
    return db.session.rollback_to(kUpSavepoint);
  }
  Manifest after;
  if (auto ok = observe_after(db, m, options, schema, after, report); !ok) return ok;
  if (auto ok = db.session.savepoint(kProofSavepoint); !ok) return ok;
  if (auto ok = prove_idempotent(db, m, *statements, timeouts, options, report); !ok) return ok;
  if (auto ok = prove_reversible(db, m, previous, schema, timeouts, options, report); !ok) {
    return ok;
  }
  if (auto ok = db.session.release(kProofSavepoint); !ok) return ok;
  if (auto ok = db.session.release(kUpSavepoint); !ok) return ok;
  schema = std::move(after);
  hash = report.hash_after;
  return {};
}

// Versions to plan: not applied, or applied and then rolled back or failed.
std::vector<const Migration*> pending(const std::vector<Migration>& files,
                                      const std::vector<migrate::HistoryRow>& history) {
  std::map<std::string, const Migration*> by_key;
  for (const Migration& m : files) by_key[migrate::version_key(m.version)] = &m;
  std::vector<const Migration*> out;
  for (const migrate::VersionStatus& v : migrate::status(files, history)) {
    if (v.path.empty()) continue;
    if (v.state != migrate::State::kPending && v.state != migrate::State::kFailed &&
        v.state != migrate::State::kRolledBack) {
      continue;
    }
    if (auto it = by_key.find(migrate::version_key(v.version)); it != by_key.end()) {
      out.push_back(it->second);
    }
  }
  return out;
}

// A migration after the one the dry run stopped at: why it was not planned.
void not_planned(const Migration& m, bool after_operations, bool after_unproven,
                 MigrationReport& mr) {
  mr.version = m.version;
  mr.name = m.name;
  mr.path = m.up.path;
  mr.checksum = m.checksum;
  if (after_operations) {
    mr.unproven.push_back(
        "not planned: it comes after an operation migration, which keel apply starts and stops "
        "at; plan again once that one is finalized");
  } else if (after_unproven) {
    mr.unproven.push_back(
        "not planned: an earlier migration could not be proven in this dry run (it may depend "
        "on it); plan again once that one is applied");
  } else {
    mr.reasons.push_back("not planned: an earlier migration failed");
  }
}

// An operation migration is not a script: its start is one transaction, then a backfill and
// online steps each in its own. When it is the first pending migration (so nothing else of this
// dry run is uncommitted underneath it) the dialect dry-runs start's transaction on its own
// session and lists the rest; otherwise, or without a dialect that can, it stays unproven. The
// plan stops after it either way: what follows depends on it being started.
void plan_operations(const Migration& m, bool first, const Options& options,
                     const std::string& hash_before, MigrationReport& mr) {
  mr.version = m.version;
  mr.name = m.name;
  mr.path = m.up.path;
  mr.checksum = m.checksum;
  // apply --require-validated matches the schema a start would run on; what the start leaves
  // is not a schema any later migration of this plan runs on (apply stops there).
  mr.hash_before = hash_before;
  if (!options.dry_run_start || !first) {
    mr.unproven.push_back(
        !options.dry_run_start
            ? "operation migration (expand/contract): this dialect cannot dry-run its start"
            : "operation migration (expand/contract): its start is dry-run only when it is the "
              "first pending migration; apply the ones before it, then plan again");
    return;
  }
  auto dry = options.dry_run_start(m);
  if (!dry) {
    mr.reasons.push_back("start failed in the dry run: " + dry.error().message +
                         (dry.error().context.empty() ? "" : " (" + dry.error().context + ")"));
    return;
  }
  for (const auto& [line, sql] : dry->statements) {
    StatementReport s;
    s.line = line;
    s.sql = sql;
    mr.statements.push_back(std::move(s));
  }
  std::string locks;
  for (const auto& [relation, mode] : dry->locks) {
    locks += (locks.empty() ? "" : ", ") + mode + " " + relation;
  }
  mr.notes.push_back(fmt::format(
      "start dry-run: {} statements in one transaction (rolled back); locks held at its end: {}",
      dry->statements.size(), locks.empty() ? "none" : locks));
  for (const std::string& after : dry->after) {
    mr.notes.push_back("after that transaction (not run in the dry run): " + after);
  }
  mr.notes.push_back(
      "keel abort undoes a start completely; complete, revert and finalize are "
      "separate commands");
}

}  // namespace

Result<Report> run(const PlanRoles& target, const std::vector<Migration>& files,
                   const Options& options) {
  PlanRoles db = target;
  db.ignore_column_order = options.ignore_column_order;
  auto history = db.history.history();
  if (!history) return std::unexpected(history.error());
  Report report;
  auto temp_before = db.observer.temp_usage();
  if (!temp_before) return std::unexpected(temp_before.error());
  auto sequences_before = db.observer.sequence_positions();
  if (!sequences_before) return std::unexpected(sequences_before.error());
  if (auto ok = db.session.begin(options.timeouts); !ok) return std::unexpected(ok.error());
  Manifest schema;
  auto hash = hash_of(db, &schema);
  if (!hash) {
    db.session.rollback();
    return std::unexpected(hash.error());
  }
  report.hash_before = *hash;
  std::string current = *hash;
  Options effective = options;
  if (effective.lint) effective.lint->pg_version = schema.server.major;
  bool stop = false;
  bool stopped_unproven = false;       // stopped by a migration not proven, not a failure
  bool stopped_at_operations = false;  // stopped after a dry-run operation migration
  lint::MemoryPtr lint_memory = lint::new_memory();
  for (const Migration* m : pending(files, *history)) {
    MigrationReport mr;
    if (stop) {
      not_planned(*m, stopped_at_operations, stopped_unproven, mr);
    } else if (m->format == migrate::Format::kOperations) {
      plan_operations(*m, report.migrations.empty(), options, current, mr);
      stop = true;
      stopped_at_operations = mr.reasons.empty() && mr.unproven.empty();
    } else if (auto ok = plan_migration(db, *m, m == &files.front() ? nullptr : m - 1, effective,
                                        lint_memory.get(), schema, current, mr, stop);
               !ok) {
      db.session.rollback();
      return std::unexpected(ok.error());
    }
    if (stop && !stopped_unproven && mr.reasons.empty() && !mr.unproven.empty()) {
      stopped_unproven = true;
    }
    mr.validated = mr.reasons.empty() && mr.unproven.empty();
    report.migrations.push_back(std::move(mr));
  }
  db.session.rollback();

  // Nothing of the dry run may survive it.
  if (auto ok = db.session.begin(options.timeouts); !ok) return std::unexpected(ok.error());
  auto final_hash = hash_of(db);
  db.session.rollback();
  if (!final_hash) return std::unexpected(final_hash.error());
  report.hash_after = *final_hash;
  auto temp_after = db.observer.temp_usage();
  if (!temp_after) return std::unexpected(temp_after.error());
  report.temp_files = temp_after->first - temp_before->first;
  report.temp_bytes = temp_after->second - temp_before->second;
  auto sequences_after = db.observer.sequence_positions();
  if (!sequences_after) return std::unexpected(sequences_after.error());
  for (const auto& [name, position] : *sequences_after) {
    auto it = sequences_before->find(name);
    if (it != sequences_before->end() && it->second != position) {
      report.sequences_advanced.push_back(fmt::format("{} ({} -> {})", name, it->second, position));
    }
  }
  report.validated = report.hash_after == report.hash_before &&
                     std::all_of(report.migrations.begin(), report.migrations.end(),
                                 [](const MigrationReport& m) { return m.validated; });
  return report;
}

std::string verdict(const MigrationReport& migration) {
  if (!migration.reasons.empty()) return "REJECTED";
  return migration.unproven.empty() ? "VALIDATED" : "NOT PROVEN";
}

std::string verdict(const Report& report) {
  if (report.validated) return "VALIDATED";
  bool rejected = report.hash_after != report.hash_before ||
                  std::any_of(report.migrations.begin(), report.migrations.end(),
                              [](const MigrationReport& m) { return !m.reasons.empty(); });
  return rejected ? "REJECTED" : "NOT PROVEN";
}

}  // namespace keel::plan
