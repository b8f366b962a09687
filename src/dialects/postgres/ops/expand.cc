// PostgreSQL expand/contract: runs each action of an operation migration.
//
// start     one transaction (lock_timeout per statement, retried whole with jitter): the old
//           version's schema when keel owns it (views over the tables as they are), each
//           operation's in-transaction steps, the dual-write triggers, the new version's schema
//           of views; then the backfill (keyset batches, each its own transaction), then the
//           steps that must run outside a transaction (CONCURRENTLY, VALIDATE).
// complete  one transaction: each operation's renames and constraints, the triggers rewritten
//           for the new primary; then the steps after it.
// revert    the reverse, in one transaction, last operation first.
// finalize  one transaction: triggers dropped, old columns and tables dropped, the old
//           version's schema dropped.
// abort     statement by statement, each one idempotent, so it finishes whatever start left.
// A dry run of start (keel plan) runs its transaction and rolls it back.
#include <fmt/format.h>

#include <map>
#include <random>
#include <set>
#include <thread>

#include "dialects/postgres/driver.h"
#include "dialects/postgres/ops/backfill.h"
#include "dialects/postgres/ops/operation.h"
#include "dialects/postgres/ops/throttle.h"
#include "dialects/postgres/session.h"
#include "keel/archive.h"
#include "keel/expand.h"
#include "util/quote.h"

namespace keel::pg::ops {

namespace {

using expand::Action;
using expand::PhaseRequest;

std::string keel_schema() { return std::string(driver().keel.schema); }

Result<Catalog> read_catalog(Session& session, const std::string& schema) {
  auto rows = session.exec(
      "SELECT c.relname, a.attname FROM pg_catalog.pg_class c "
      "JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace "
      "JOIN pg_catalog.pg_attribute a ON a.attrelid = c.oid AND a.attnum > 0 AND NOT "
      "a.attisdropped WHERE n.nspname = $1 AND c.relkind IN ('r', 'p') AND NOT c.relispartition "
      "ORDER BY c.relname, a.attnum",
      {schema});
  if (!rows) return std::unexpected(rows.error());
  Catalog catalog;
  for (const auto& row : *rows) {
    catalog[std::string(row.view(0))].emplace_back(row.view(1));
  }
  return catalog;
}

Result<bool> schema_exists(Session& session, const std::string& schema) {
  return session.flag("SELECT EXISTS (SELECT 1 FROM pg_catalog.pg_namespace WHERE nspname = $1)",
                      {schema});
}

// CREATE SCHEMA and one view per table of `shape`, updatable, security_invoker (row-level
// security and privileges are the caller's, not the view owner's).
std::vector<std::string> version_schema_sql(const std::string& version_schema,
                                            const std::string& schema, const Shape& shape) {
  std::vector<std::string> sql{"CREATE SCHEMA " + quote_identifier(version_schema)};
  for (const auto& [name, table] : shape) {
    std::string select;
    for (const auto& [column, physical] : table.columns) {
      if (!select.empty()) select += ", ";
      select += quote_identifier(physical);
      if (physical != column) select += " AS " + quote_identifier(column);
    }
    if (select.empty()) continue;  // a table with no column the version sees
    sql.push_back(fmt::format("CREATE VIEW {} WITH (security_invoker = true) AS SELECT {} FROM {}",
                              quote_qualified(version_schema, name), select,
                              quote_qualified(schema, table.physical)));
  }
  return sql;
}

// The version's shape of one physical table (nullptr when it has none).
const TableShape* shape_of_physical(const Shape& shape, const std::string& physical) {
  for (const auto& [name, table] : shape) {
    if (table.physical == physical) return &table;
  }
  return nullptr;
}

// Physical column -> its type, schema-qualified without typmod ("pg_catalog"."int4"), of one
// physical table: what a trigger's variable holding the column's value is declared as.
using ColumnTypes = std::map<std::string, std::string>;

// `target := expression`, evaluated over the row NEW as `version` sees it (its column names).
// An expression whose column references are all bare names (or NEW.x) reads them from
// variables declared with the version's names, set from NEW: a PL/pgSQL simple expression,
// evaluated without the executor (`#variable_conflict use_column` keeps a subquery's own
// columns first, as SQL's scoping does). Otherwise (a star, a whole-row reference, a column
// whose type is unknown) it selects from a one-row subquery of NEW's columns under those
// names, one executor run per row: a backfill of 500,000 rows took 3.1 s against 2.5 s.
std::string assign(const std::string& target, const std::string& expression,
                   const TableShape* version, const ColumnTypes& types) {
  if (auto reads = bare_columns_read(expression); reads && version != nullptr) {
    std::string declare;
    bool known = true;
    for (const auto& [column, physical] : version->columns) {
      if (!reads->contains(column)) continue;
      auto type = types.find(physical);
      if (type == types.end()) {
        known = false;
        break;
      }
      declare += fmt::format(" {} {} := NEW.{};", quote_identifier(column), type->second,
                             quote_identifier(physical));
    }
    if (known) {
      if (declare.empty()) return fmt::format("{} := ({});", target, expression);
      return fmt::format("DECLARE{} BEGIN {} := ({}); END;", declare, target, expression);
    }
  }
  std::string select;
  if (version != nullptr) {
    for (const auto& [column, physical] : version->columns) {
      if (!select.empty()) select += ", ";
      select += "NEW." + quote_identifier(physical) + " AS " + quote_identifier(column);
    }
  }
  if (select.empty()) select = "NULL AS " + quote_identifier("_keel_none");
  return fmt::format("{} := (SELECT ({}) FROM (SELECT {}) AS {});", target, expression, select,
                     quote_identifier("_keel_row"));
}

// "ROW(NEW.a, ...) IS DISTINCT FROM ROW(OLD.a, ...)" over the physical columns behind the
// version columns `expression` refers to; empty when it refers to none.
std::string inputs_changed(const TableShape* version, const std::string& expression) {
  if (version == nullptr) return "";
  const std::set<std::string> refs = referenced_columns(expression);
  std::string now, before;
  for (const auto& [column, physical] : version->columns) {
    if (!refs.contains(column)) continue;
    now += (now.empty() ? "" : ", ") + ("NEW." + quote_identifier(physical));
    before += (before.empty() ? "" : ", ") + ("OLD." + quote_identifier(physical));
  }
  if (now.empty()) return "";
  return fmt::format("ROW({}) IS DISTINCT FROM ROW({})", now, before);
}

// The body of one pair's dual write. The primary column is the one physical writers see (the
// old version's while active, the new one's once completed); the hidden one is only reachable
// through the other version's views, so a value written there is what that version's writer
// wrote. The direction comes from what was written, never from search_path.
std::string sync_block(const Sync& s, bool completed, const TableShape* old_v,
                       const TableShape* new_v, const ColumnTypes& types) {
  auto col = [](const std::string& c) { return "NEW." + quote_identifier(c); };
  auto was = [](const std::string& c) { return "OLD." + quote_identifier(c); };
  // A column only one version has follows what `up` (`down`) computes from the other
  // version's row: filled when it is NULL (on UPDATE too for a new column: a backfill's touch),
  // and again when an UPDATE changes a column the expression reads without writing this one.
  auto follow = [&](const std::string& column, const std::string& expression,
                    const TableShape* source, bool null_on_update) {
    std::string when = (null_on_update ? "" : "TG_OP = 'INSERT' AND ") + col(column) + " IS NULL";
    if (const std::string changed = inputs_changed(source, expression); !changed.empty()) {
      when = fmt::format("({}) OR (TG_OP = 'UPDATE' AND {} IS NOT DISTINCT FROM {} AND {})", when,
                         col(column), was(column), changed);
    }
    return fmt::format("  IF {} THEN {} END IF;\n", when,
                       assign(col(column), expression, source, types));
  };
  if (s.old_column.empty()) return follow(s.new_column, s.up, old_v, true);
  if (s.new_column.empty()) return follow(s.old_column, s.down, new_v, false);
  const std::string primary = completed ? s.new_column : s.old_column;
  const std::string hidden = completed ? s.old_column : s.new_column;
  const std::string to_primary = completed ? assign(col(primary), s.up, old_v, types)
                                           : assign(col(primary), s.down, new_v, types);
  const std::string to_hidden = completed ? assign(col(hidden), s.down, new_v, types)
                                          : assign(col(hidden), s.up, old_v, types);
  return fmt::format(
      "  IF TG_OP = 'INSERT' THEN\n"
      "    IF {h} IS NOT NULL THEN {tp} ELSE {th} END IF;\n"
      "  ELSIF {h} IS DISTINCT FROM {oh} AND {p} IS NOT DISTINCT FROM {op} THEN\n"
      "    {tp}\n"
      "  ELSIF {h} IS NOT DISTINCT FROM {oh} AND ({p} IS DISTINCT FROM {op} OR {h} IS NULL) THEN\n"
      "    {th}\n"
      "  END IF;\n",
      fmt::arg("h", col(hidden)), fmt::arg("p", col(primary)), fmt::arg("oh", was(hidden)),
      fmt::arg("op", was(primary)), fmt::arg("tp", to_primary), fmt::arg("th", to_hidden));
}

struct Migration {
  std::vector<std::unique_ptr<Operation>> operations;
  std::vector<const keel::ops::LocatedOperation*> located;
  std::set<size_t> unprepared;  // abort only: operations whose prepare failed
};

class PgExpand final : public expand::ExpandContract {
 public:
  explicit PgExpand(std::unique_ptr<Session> session) : session_(std::move(session)) {}

  Result<void> set_paused(bool paused, const std::string& by) override {
    return set_backfill_paused(*session_, paused, by);
  }

  Result<std::vector<expand::OperationReport>> run(Action action,
                                                   const PhaseRequest& request) override {
    request_ = &request;
    Context ctx(*session_, request.schemas);
    std::map<int, std::string> saved;
    for (const auto& p : request.recorded) {
      if (!p.saved.empty()) saved[p.operation] = p.saved;
    }
    ctx.set_saved(std::move(saved), [&request](int operation, const std::string& value) {
      if (request.on_progress) request.on_progress({operation, 0, "", value});
    });
    auto made = build(request);
    if (!made) return std::unexpected(made.error());
    Migration& m = *made;
    for (size_t i = 0; i < m.operations.size(); ++i) {
      if (auto ok = m.operations[i]->prepare(ctx); !ok) {
        // An operation that cannot prepare (its constraint is not there) built nothing at
        // start, so abort has nothing of it to undo; any other phase stops here.
        if (action != Action::kAbort) return std::unexpected(at(m, i, ok.error()));
        m.unprepared.insert(i);
      }
    }
    Result<void> done;
    switch (action) {
      case Action::kStart:
        done = start(ctx, m);
        break;
      case Action::kComplete:
        done = complete(ctx, m, /*revert=*/false);
        break;
      case Action::kRevert:
        done = complete(ctx, m, /*revert=*/true);
        break;
      case Action::kFinalize:
        done = finalize(ctx, m);
        break;
      case Action::kAbort:
        done = abort(ctx, m);
        break;
    }
    if (!done) return std::unexpected(done.error());
    std::vector<expand::OperationReport> reports;
    for (size_t i = 0; i < m.operations.size(); ++i) {
      reports.push_back({static_cast<int>(i),
                         std::string(keel::ops::operation_name(m.located[i]->op)),
                         m.operations[i]->what(), rows_.count(i) ? rows_[i] : 0});
    }
    return reports;
  }

 private:
  Result<Migration> build(const PhaseRequest& request) {
    Migration m;
    for (const auto& located : request.migration->operations->operations) {
      auto op = make_operation(located.op, request.schemas.schema);
      if (!op) {
        Error e = op.error();
        e.context = fmt::format("{}:{}", request.migration->up.path, located.line);
        return std::unexpected(e);
      }
      (*op)->index = static_cast<int>(m.operations.size());
      m.operations.push_back(std::move(*op));
      m.located.push_back(&located);
    }
    return m;
  }

  void say(const std::string& line) const {
    if (request_->progress) request_->progress("  " + line);
  }

  // Names the operation (file:line) an error came from.
  Error at(const Migration& m, size_t i, Error e) const {
    e.message = fmt::format("operation {} ({}): {}", i + 1,
                            keel::ops::operation_name(m.located[i]->op), e.message);
    if (e.context.empty()) {
      e.context = fmt::format("{}:{}", request_->migration->up.path, m.located[i]->line);
    }
    return e;
  }

  // Runs `body` in one transaction with lock_timeout; a lock not granted in time (or a
  // deadlock) rolls it back and tries again after a jittered, growing wait.
  Result<void> in_transaction(const std::function<Result<void>()>& body) {
    for (int attempt = 0;; ++attempt) {
      auto done = session_->transaction([&]() -> Result<void> {
        if (auto ok = session_->set_timeouts(request_->lock_timeout, std::chrono::milliseconds(0),
                                             /*local=*/true);
            !ok) {
          return ok;
        }
        return body();
      });
      if (done || !retryable(done.error()) || attempt >= request_->lock_retries) return done;
      say(fmt::format("lock not granted within {} ms; retry {} of {}",
                      request_->lock_timeout.count(), attempt + 1, request_->lock_retries));
      wait_before_retry(attempt);
    }
  }

  // One statement outside a transaction (CONCURRENTLY, VALIDATE), with lock_timeout and
  // retries. One that blocks no write while it waits (waits_without_blocking_writes) waits at
  // least deadlock_timeout + 1 s: an autovacuum of the table (after a backfill, the rule)
  // holds the same lock and cancels itself only for a request that waited deadlock_timeout.
  Result<void> after(const std::string& sql) {
    std::chrono::milliseconds timeout = request_->lock_timeout;
    if (waits_without_blocking_writes(sql)) {
      auto deadlock = session_->value(
          "SELECT setting::bigint FROM pg_catalog.pg_settings WHERE name = 'deadlock_timeout'");
      if (!deadlock) return std::unexpected(deadlock.error());
      timeout = std::max(timeout, std::chrono::milliseconds(std::stoll(*deadlock) + 1000));
    }
    for (int attempt = 0;; ++attempt) {
      auto set = session_->set_timeouts(timeout, std::chrono::milliseconds(0), false);
      if (!set) return set;
      auto done = session_->exec(sql);
      auto reset = session_->exec("RESET lock_timeout");
      if (done) return {};
      if (!retryable(done.error()) || attempt >= request_->lock_retries) {
        return std::unexpected(done.error());
      }
      wait_before_retry(attempt);
    }
  }

  static bool retryable(const Error& e) { return ddl::LockRetry::retryable(e.sqlstate); }

  // The wait after failed try number `failed` (from 0) of a DDL transaction or statement: 10 ms
  // doubling up to 2 s, jittered to between half and all of it (the backfill's schedule
  // function, with the DDL's shorter delays).
  void wait_before_retry(int failed) {
    static const ddl::LockRetry kRetry{0, std::chrono::milliseconds(10),
                                       std::chrono::milliseconds(2000)};
    std::uniform_real_distribution<double> unit(0.0, 1.0);
    std::this_thread::sleep_for(backfill_delay(kRetry, failed + 2, unit(random_)));
  }

  // A statement of a phase's transaction, recorded when start is dry-run (`line`: of its
  // operation; 0 for keel's own).
  Result<Rows> ddl(const std::string& sql, int line = 0) {
    if (request_->dry_run != nullptr) request_->dry_run->statements.emplace_back(line, sql);
    return session_->exec(sql);
  }

  Result<void> exec_all(const std::vector<std::string>& statements) {
    for (const std::string& sql : statements) {
      auto r = ddl(sql);
      if (!r) {
        Error e = r.error();
        if (e.context.empty() || e.context == session_->url().masked)
          e.context = sql.substr(0, 200);
        return std::unexpected(e);
      }
    }
    return {};
  }

  using PhaseFn = Result<std::vector<Step>> (Operation::*)(Context&) const;

  // Each operation's steps of a phase; the in-transaction ones run by `run`, the rest returned.
  // `reverse`: last operation first (revert undoes what complete did in the opposite order).
  Result<std::vector<std::pair<size_t, Step>>> steps_of(Context& ctx, Migration& m, PhaseFn phase,
                                                        bool run, bool reverse = false) {
    std::vector<std::pair<size_t, Step>> later;
    for (size_t k = 0; k < m.operations.size(); ++k) {
      const size_t i = reverse ? m.operations.size() - 1 - k : k;
      // An operation is checked on the schema the operations before it left (a table the same
      // migration creates), inside the transaction that a failed check rolls back.
      if (phase == &Operation::start && run) {
        if (auto ok = m.operations[i]->check(ctx); !ok)
          return std::unexpected(at(m, i, ok.error()));
      }
      auto steps = ((*m.operations[i]).*phase)(ctx);
      if (!steps) return std::unexpected(at(m, i, steps.error()));
      for (const Step& step : *steps) {
        if (step.part == Part::kAfter) {
          later.emplace_back(i, step);
          continue;
        }
        if (!run) continue;
        auto r = ddl(step.sql, m.located[i]->line);
        if (!r) {
          Error e = r.error();
          e.message += fmt::format(" (statement: {})", step.sql.substr(0, 300));
          return std::unexpected(at(m, i, e));
        }
      }
    }
    return later;
  }

  // A resumed start meets the index a killed CREATE INDEX CONCURRENTLY was building: true when
  // it is valid (built: nothing to do); an invalid one is dropped so that it is built again.
  Result<bool> index_left(const std::string& index) {
    auto rows = session_->exec(
        "SELECT x.indisvalid FROM pg_catalog.pg_index x "
        "JOIN pg_catalog.pg_class i ON i.oid = x.indexrelid "
        "JOIN pg_catalog.pg_namespace n ON n.oid = i.relnamespace "
        "WHERE n.nspname = $1 AND i.relname = $2",
        {request_->schemas.schema, index});
    if (!rows) return std::unexpected(rows.error());
    if (rows->empty()) return false;
    if ((*rows)[0].view(0) == "t") return true;
    say(fmt::format("index {} was left invalid by a stopped build: dropped, built again",
                    display_identifier(index)));
    if (auto ok = after("DROP INDEX CONCURRENTLY IF EXISTS " +
                        quote_qualified(request_->schemas.schema, index));
        !ok) {
      return std::unexpected(ok.error());
    }
    return false;
  }

  Result<void> run_later(Migration& m, const std::vector<std::pair<size_t, Step>>& later) {
    for (const auto& [i, step] : later) {
      const std::string& sql = step.sql;
      if (resumed_ && !step.builds_index.empty()) {
        auto built = index_left(step.builds_index);
        if (!built) return std::unexpected(at(m, i, built.error()));
        if (*built) continue;
      }
      say(fmt::format("{}", sql.substr(0, 120)));
      if (auto ok = after(sql); !ok) {
        Error e = ok.error();
        e.message += fmt::format(" (statement: {})", sql.substr(0, 300));
        return std::unexpected(at(m, i, e));
      }
    }
    return {};
  }

  // Both versions' shapes of the tables as they physically are now.
  Result<std::pair<Shape, Shape>> shapes(const Migration& m, bool completed) {
    auto catalog = read_catalog(*session_, request_->schemas.schema);
    if (!catalog) return std::unexpected(catalog.error());
    Shape old_v = identity_shape(*catalog);
    Shape new_v = old_v;
    for (const auto& op : m.operations) {
      if (completed) {
        op->shape_old(old_v);
      } else {
        op->shape_new(new_v);
      }
    }
    return std::make_pair(std::move(old_v), std::move(new_v));
  }

  std::string function_name(const std::string& table) const {
    return bounded_name(fmt::format("sync_{}_{}", request_->migration->version, table));
  }

  // The physical tables that have a dual-write trigger (named as they are while active).
  std::vector<std::string> synced_tables(const Migration& m) const {
    std::set<std::string> tables;
    for (const auto& op : m.operations) {
      for (const Sync& s : op->sync(false)) tables.insert(s.table);
    }
    return {tables.begin(), tables.end()};
  }

  // The types of `table`'s columns (in the migration's schema), for assign().
  Result<ColumnTypes> column_types(const std::string& table) {
    auto rows = session_->exec(
        "SELECT a.attname, quote_ident(n.nspname) || '.' || quote_ident(t.typname) "
        "FROM pg_catalog.pg_attribute a JOIN pg_catalog.pg_type t ON t.oid = a.atttypid "
        "JOIN pg_catalog.pg_namespace n ON n.oid = t.typnamespace "
        "WHERE a.attrelid = $1::regclass AND a.attnum > 0 AND NOT a.attisdropped",
        {quote_qualified(request_->schemas.schema, table)});
    if (!rows) return std::unexpected(rows.error());
    ColumnTypes out;
    for (const auto& row : *rows) out[std::string(row.view(0))] = std::string(row.view(1));
    return out;
  }

  // CREATE OR REPLACE of each table's trigger function for the phase (`create_triggers`: and
  // the triggers themselves).
  Result<void> write_triggers(const Migration& m, bool completed, bool create_triggers) {
    auto both = shapes(m, completed);
    if (!both) return std::unexpected(both.error());
    const auto& [old_v, new_v] = *both;
    std::map<std::string, std::string> bodies;     // function (active name) -> body
    std::map<std::string, std::string> table_now;  // function -> physical table now
    std::map<std::string, ColumnTypes> types;      // physical table -> its columns' types
    for (const auto& op : m.operations) {
      auto active = op->sync(false);
      auto now = op->sync(completed);
      for (size_t k = 0; k < now.size() && k < active.size(); ++k) {
        const std::string fn = function_name(active[k].table);
        if (!types.contains(now[k].table)) {
          auto read = column_types(now[k].table);
          if (!read) return std::unexpected(read.error());
          types[now[k].table] = std::move(*read);
        }
        bodies[fn] += sync_block(now[k], completed, shape_of_physical(old_v, now[k].table),
                                 shape_of_physical(new_v, now[k].table), types[now[k].table]);
        table_now[fn] = now[k].table;
      }
    }
    for (const auto& [fn, body] : bodies) {
      std::string sql = fmt::format(
          "CREATE OR REPLACE FUNCTION {}() RETURNS trigger LANGUAGE plpgsql SET search_path = {}, "
          "pg_catalog AS {}",
          quote_qualified(keel_schema(), fn), quote_identifier(request_->schemas.schema),
          quote_dollar("#variable_conflict use_column\nBEGIN\n" + body + "  RETURN NEW;\nEND"));
      if (auto r = ddl(sql); !r) return std::unexpected(r.error());
      if (!create_triggers) continue;
      std::string trigger = fmt::format(
          "CREATE TRIGGER {} BEFORE INSERT OR UPDATE ON {} FOR EACH ROW EXECUTE FUNCTION {}()",
          quote_identifier(bounded_name("_keel_sync_" + request_->migration->version)),
          quote_qualified(request_->schemas.schema, table_now[fn]),
          quote_qualified(keel_schema(), fn));
      if (auto r = ddl(trigger); !r) return std::unexpected(r.error());
    }
    return {};
  }

  Result<void> view_defaults(Context& ctx, const Migration& m) {
    for (size_t i = 0; i < m.operations.size(); ++i) {
      auto defaults = m.operations[i]->view_defaults(ctx);
      if (!defaults) return std::unexpected(at(m, i, defaults.error()));
      for (const auto& d : *defaults) {
        const std::string& schema = d.next ? request_->schemas.next : request_->schemas.previous;
        auto r = ddl(fmt::format("ALTER VIEW {} ALTER COLUMN {} SET DEFAULT {}",
                                 quote_qualified(schema, d.view), quote_identifier(d.column),
                                 d.expression));
        if (!r) return std::unexpected(at(m, i, r.error()));
      }
    }
    return {};
  }

  // Touches every row of `table` in keyset batches (backfill.h), so the BEFORE UPDATE
  // triggers fill the new columns; progress goes to the history after each batch.
  Result<int64_t> backfill_table(const std::string& table, size_t index) {
    const expand::BackfillSettings& settings = request_->backfill;
    const QualifiedName name{request_->schemas.schema, table};
    BackfillOptions options;
    options.batch_size = std::max(1, settings.batch_size);
    options.lock_timeout = request_->lock_timeout;
    options.retry.attempts = request_->lock_retries;
    options.record_every = settings.progress_interval;
    if (resumed_) {
      // Continues after the last batch the history recorded (a batch that committed after it
      // is touched again, which the triggers make harmless).
      for (const auto& p : request_->recorded) {
        if (p.operation != static_cast<int>(index)) continue;
        options.resume.rows_done = p.rows_done;
        options.resume.last_key = p.last_key;
      }
      if (!options.resume.last_key.empty()) {
        say(fmt::format("resuming the backfill of {} after key {} ({} rows done)",
                        display_identifier(table), options.resume.last_key,
                        options.resume.rows_done));
      }
    }
    Throttle throttle(session_->url(), settings, [&](const std::string& reason) {
      say(reason.empty() ? "backfill: throttle released" : "backfill throttled: " + reason);
    });
    if (auto ok = throttle.begin(); !ok) return std::unexpected(ok.error());
    options.pace = [&](int size, std::chrono::microseconds took) {
      return throttle.after_batch(*session_, size, took);
    };
    auto estimate = session_->value(
        "SELECT greatest(reltuples, 0)::bigint FROM pg_catalog.pg_class WHERE oid = "
        "$1::regclass",
        {quote_qualified(name.schema, name.name)});
    const int64_t total = estimate ? std::stoll(*estimate) : 0;
    const auto began = std::chrono::steady_clock::now();
    const int64_t from_rows = options.resume.rows_done;
    // The figures of `p` now: recorded in the history, shown as a bar, a JSON line or a line.
    auto report = [&](const BackfillProgress& p, bool done) {
      const double secs =
          std::chrono::duration<double>(std::chrono::steady_clock::now() - began).count();
      migrate::OperationProgress figures{
          .operation = static_cast<int>(index), .rows_done = p.rows_done, .last_key = p.last_key};
      figures.table = table;
      figures.rows_total = std::max(total, p.rows_done);
      figures.rows_per_second = secs > 0 ? static_cast<double>(p.rows_done - from_rows) / secs : 0;
      figures.throttle = done ? "" : throttle.reason();
      figures.updated_at = archive::utc_now();
      figures.backfill_done = done;
      if (request_->on_progress) request_->on_progress(figures);
      if (request_->on_backfill) {
        request_->on_backfill(figures);
      } else if (!done) {
        say(migrate::describe_backfill(figures));
      }
      return figures;
    };
    options.on_batch = [&](const BackfillProgress& p) -> Result<void> {
      report(p, false);
      return {};
    };
    auto done = backfill(*session_, name, options);
    if (!done) return std::unexpected(done.error());
    const migrate::OperationProgress last = report(*done, true);
    say(fmt::format("backfilled {} row{} of {} in {} batch{}, {:.1f} s ({:.0f} rows/s)",
                    done->rows_done, done->rows_done == 1 ? "" : "s", display_identifier(table),
                    done->batches, done->batches == 1 ? "" : "es",
                    std::chrono::duration<double>(std::chrono::steady_clock::now() - began).count(),
                    last.rows_per_second));
    return done->rows_done;
  }

  Result<void> start(Context& ctx, Migration& m) {
    const auto& schemas = request_->schemas;
    auto next_exists = schema_exists(*session_, schemas.next);
    if (!next_exists) return std::unexpected(next_exists.error());
    // Only a start whose transaction committed goes on from its record; one that never got that
    // far (or whose work was removed by hand) starts afresh, every row backfilled.
    resumed_ = *next_exists && request_->resume && request_->dry_run == nullptr;
    if (resumed_) {
      // A start stopped after its transaction committed (the new version's schema is its
      // work): on with the backfill and the steps after it.
      say(fmt::format("resuming: the views of the new version are in schema {} already",
                      display_identifier(schemas.next)));
      auto later = steps_of(ctx, m, &Operation::start, /*run=*/false);
      if (!later) return std::unexpected(later.error());
      return after_start(m, *later);
    }
    if (*next_exists) {
      return fail(ErrorCode::kUsage,
                  fmt::format("schema {} exists already: the new version's views go there; drop "
                              "it, or name another with version_schema",
                              display_identifier(schemas.next)));
    }
    std::vector<std::pair<size_t, Step>> later;
    auto body = [&]() -> Result<void> {
      if (schemas.owns_previous) {
        auto exists = schema_exists(*session_, schemas.previous);
        if (!exists) return std::unexpected(exists.error());
        if (!*exists) {
          auto catalog = read_catalog(*session_, schemas.schema);
          if (!catalog) return std::unexpected(catalog.error());
          if (auto ok = exec_all(
                  version_schema_sql(schemas.previous, schemas.schema, identity_shape(*catalog)));
              !ok) {
            return ok;
          }
        }
      }
      auto steps = steps_of(ctx, m, &Operation::start, true);
      if (!steps) return std::unexpected(steps.error());
      later = std::move(*steps);
      if (auto ok = write_triggers(m, false, true); !ok) return ok;
      auto both = shapes(m, false);
      if (!both) return std::unexpected(both.error());
      if (auto ok = exec_all(version_schema_sql(schemas.next, schemas.schema, both->second)); !ok) {
        return ok;
      }
      return view_defaults(ctx, m);
    };
    if (request_->dry_run != nullptr) return dry_run(m, body, later);
    auto ddl = in_transaction(body);
    if (!ddl) return ddl;
    say(fmt::format("views of the new version in schema {}; the old version's in {}",
                    display_identifier(schemas.next), display_identifier(schemas.previous)));
    return after_start(m, later);
  }

  // What start does once its transaction has committed: each backfill, then the steps after
  // the transaction. Stopped part-way, a resumed start runs it again.
  Result<void> after_start(Migration& m, const std::vector<std::pair<size_t, Step>>& later) {
    if (request_->on_expanded) request_->on_expanded();
    for (size_t i = 0; i < m.operations.size(); ++i) {
      for (const std::string& table : m.operations[i]->backfill()) {
        auto rows = backfill_table(table, i);
        if (!rows) return std::unexpected(at(m, i, rows.error()));
        rows_[i] += *rows;
      }
    }
    return run_later(m, later);
  }

  // start's transaction inside BEGIN ... ROLLBACK (one attempt, with lock_timeout): the
  // statements are recorded by ddl(), the relation locks read before the rollback, the backfill
  // and the steps after the transaction listed.
  Result<void> dry_run(const Migration& m, const std::function<Result<void>()>& body,
                       const std::vector<std::pair<size_t, Step>>& later) {
    expand::DryRun& dry = *request_->dry_run;
    if (auto begun = session_->exec("BEGIN"); !begun) return std::unexpected(begun.error());
    Result<void> done =
        session_->set_timeouts(request_->lock_timeout, std::chrono::milliseconds(0), true);
    if (done) done = body();
    if (done) {
      auto locks = session_->exec(
          "SELECT coalesce(n.nspname || '.' || c.relname, l.relation::text), l.mode "
          "FROM pg_catalog.pg_locks l LEFT JOIN pg_catalog.pg_class c ON c.oid = l.relation "
          "LEFT JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace "
          "WHERE l.pid = pg_catalog.pg_backend_pid() AND l.locktype = 'relation' AND l.granted "
          "AND c.relkind IN ('r', 'p', 'v') AND n.nspname <> 'pg_catalog' "
          "ORDER BY 1, 2");
      if (!locks) {
        done = std::unexpected(locks.error());
      } else {
        for (const auto& row : *locks) dry.locks.emplace_back(row.view(0), row.view(1));
      }
    }
    (void)session_->exec("ROLLBACK");
    if (!done) return done;
    for (size_t i = 0; i < m.operations.size(); ++i) {
      for (const std::string& table : m.operations[i]->backfill()) {
        dry.after.push_back("backfill " + quote_qualified(request_->schemas.schema, table) +
                            " in keyset batches (first " +
                            std::to_string(request_->backfill.batch_size) + " rows)");
      }
    }
    for (const auto& [i, step] : later) dry.after.push_back(step.sql);
    return {};
  }

  // Takes ACCESS EXCLUSIVE on both versions' views of the tables the migration reshapes, then
  // on those tables, in one statement. A client writing through a view locks the view, then its
  // table; renaming the table's columns first and altering the views after would invert that
  // order, so under steady writes every attempt ended in a lock timeout (or a deadlock).
  Result<void> lock_versions(const Migration& m) {
    auto both = shapes(m, false);
    if (!both) return std::unexpected(both.error());
    const auto& [old_v, new_v] = *both;
    std::set<std::string> tables;
    for (const std::string& t : synced_tables(m)) tables.insert(t);
    for (const auto* shape : {&old_v, &new_v}) {
      for (const auto& [name, t] : *shape) {
        const Shape& other = shape == &old_v ? new_v : old_v;
        auto it = other.find(name);
        if (it == other.end() || it->second.columns != t.columns) tables.insert(t.physical);
      }
    }
    // Only tables that exist now under these names (a table renamed at complete is locked
    // through its views).
    std::set<std::string> physical;
    for (const auto& [name, t] : old_v) physical.insert(t.physical);
    std::erase_if(tables, [&](const std::string& t) { return !physical.contains(t); });
    if (tables.empty()) return {};
    const auto& s = request_->schemas;
    auto views = session_->exec(
        "SELECT n.nspname, c.relname FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n "
        "ON n.oid = c.relnamespace WHERE c.relkind = 'v' AND n.nspname IN ($1, $2) "
        "ORDER BY n.nspname, c.relname",
        {s.previous, s.next});
    if (!views) return std::unexpected(views.error());
    std::string list;
    auto add = [&](const std::string& name) { list += (list.empty() ? "" : ", ") + name; };
    for (const auto& row : *views) {
      const std::string schema(row.view(0)), view(row.view(1));
      const Shape& shape = schema == s.previous ? old_v : new_v;
      auto it = shape.find(view);
      if (it != shape.end() && tables.contains(it->second.physical)) {
        add(quote_qualified(schema, view));
      }
    }
    for (const std::string& t : tables) add(quote_qualified(s.schema, t));
    auto r = session_->exec("LOCK TABLE " + list + " IN ACCESS EXCLUSIVE MODE");
    if (!r) return std::unexpected(r.error());
    return {};
  }

  Result<void> complete(Context& ctx, Migration& m, bool revert) {
    std::vector<std::pair<size_t, Step>> later;
    auto done = in_transaction([&]() -> Result<void> {
      if (auto ok = lock_versions(m); !ok) return ok;
      auto steps =
          steps_of(ctx, m, revert ? &Operation::revert : &Operation::complete, true, revert);
      if (!steps) return std::unexpected(steps.error());
      later = std::move(*steps);
      return write_triggers(m, !revert, false);
    });
    if (!done) return done;
    return run_later(m, later);
  }

  std::vector<std::string> drop_functions(const Migration& m) const {
    std::vector<std::string> sql;
    for (const std::string& table : synced_tables(m)) {
      sql.push_back(fmt::format("DROP FUNCTION IF EXISTS {}() CASCADE",
                                quote_qualified(keel_schema(), function_name(table))));
    }
    return sql;
  }

  Result<void> finalize(Context& ctx, Migration& m) {
    std::vector<std::pair<size_t, Step>> later;
    auto done = in_transaction([&]() -> Result<void> {
      if (auto ok = exec_all(drop_functions(m)); !ok) return ok;
      if (auto ok = session_->exec("DROP SCHEMA IF EXISTS " +
                                   quote_identifier(request_->schemas.previous) + " CASCADE");
          !ok) {
        return std::unexpected(ok.error());
      }
      auto steps = steps_of(ctx, m, &Operation::finalize, true);
      if (!steps) return std::unexpected(steps.error());
      later = std::move(*steps);
      return {};
    });
    if (!done) return done;
    return run_later(m, later);
  }

  Result<void> abort(Context& ctx, Migration& m) {
    std::vector<std::string> sql{"DROP SCHEMA IF EXISTS " +
                                 quote_identifier(request_->schemas.next) + " CASCADE"};
    for (std::string& s : drop_functions(m)) sql.push_back(std::move(s));
    if (auto ok = exec_all(sql); !ok) return ok;
    // Last operation first: what a later one built may stand on an earlier one's.
    for (size_t k = m.operations.size(); k-- > 0;) {
      if (m.unprepared.contains(k)) continue;
      auto steps = m.operations[k]->abort(ctx);
      if (!steps) return std::unexpected(at(m, k, steps.error()));
      for (const Step& step : *steps) {
        auto ok =
            step.part == Part::kAfter ? after(step.sql) : in_transaction([&]() -> Result<void> {
              auto r = session_->exec(step.sql);
              if (!r) return std::unexpected(r.error());
              return {};
            });
        if (!ok) return std::unexpected(at(m, k, ok.error()));
      }
    }
    if (request_->schemas.owns_previous) {
      auto r = session_->exec("DROP SCHEMA IF EXISTS " +
                              quote_identifier(request_->schemas.previous) + " CASCADE");
      if (!r) return std::unexpected(r.error());
    }
    return {};
  }

  std::unique_ptr<Session> session_;
  const PhaseRequest* request_ = nullptr;
  std::map<size_t, int64_t> rows_;
  bool resumed_ = false;  // start: going on after a committed transaction (PhaseRequest::resume)
  std::mt19937 random_{std::random_device{}()};
};

}  // namespace

Result<std::unique_ptr<expand::ExpandContract>> open_expand_contract(const ConnectionUrl& url) {
  auto session = Session::open(url);
  if (!session) return std::unexpected(session.error());
  return std::unique_ptr<expand::ExpandContract>(new PgExpand(std::move(*session)));
}

}  // namespace keel::pg::ops
