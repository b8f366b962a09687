// PostgreSQL backfill: "touches" every row of a table in batches, so that the table's BEFORE
// UPDATE triggers (the expand/contract engine's dual-write triggers) compute the new columns of
// rows written before they existed. Each batch is one short transaction. With a key (the
// primary key, else a unique index over NOT NULL columns), it first reads where the batch ends
// and then updates the key range up to there, which the key's index serves as one range scan:
//
//   SELECT json_build_array(k1::text, k2::text)::text FROM t WHERE (k1, k2) > ($1, $2)
//    ORDER BY k1, k2 OFFSET n - 1 LIMIT 1
//   WITH keel_touched AS (UPDATE t SET c = c WHERE (k1, k2) > ($1, $2) AND (k1, k2) <= ($3, $4)
//                         RETURNING 1) SELECT count(*) FROM keel_touched
//
// (the last batch, with no n-th row left, has no upper bound and returns its last key). An
// UPDATE joined to a selected list of keys, the first form, ran 2-4x slower: a nested loop of
// index probes per row. Without a key, it walks the table's pages by ctid ranges (a TID range
// scan), `WHERE ctid >= '(p,0)' AND ctid < '(q,0)'`, up to the size the table had when the
// backfill began: the new row versions the batches and the writers append after that are in
// the new shape already. A row moved by a batch into a page not walked yet is touched twice,
// which the triggers make harmless.
//
// Each batch runs under SET LOCAL lock_timeout (a batch waiting for a lock gives up quickly and
// is retried after a jittered delay) and pinned output settings (DateStyle ISO, IntervalStyle
// postgres, extra_float_digits 3, bytea_output hex), so that a key reads back the same in any
// session. The key values are bind parameters whose types the server infers from the key
// columns: no type name is written into the SQL.
//
// `c`, the column set to itself, is the first key column that can be written (not GENERATED
// ALWAYS AS IDENTITY, not a generated column), else the table's first such column
// (backfill_touch_column).
//
// Rows inserted during the backfill with keys below the cursor are not its business: the
// triggers compute their columns when they are written.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "dialects/postgres/ddl/recipes.h"
#include "dialects/postgres/session.h"
#include "keel/ddl.h"
#include "keel/error.h"

namespace keel::pg::ops {

// Where a backfill is: rows touched so far and the last key touched, as the
// history's operation_progress keeps them (docs/history_format.md). The key
// is a JSON array of the key columns' values as the server's text output, in
// key order: ["42"], ["a \"b\"", "2024-01-01"]; for a table without a key, the
// first page not walked yet: ["(1200,0)"]. Empty before the first batch.
struct BackfillProgress {
  int64_t rows_done = 0;
  std::string last_key;
  int batches = 0;  // batches that touched rows in this run (not kept in the history)
  int retries = 0;  // batches that gave up on a lock and were run again
};

struct BackfillOptions {
  int batch_size = 1000;  // REQUIRES > 0
  // Where to continue: last_key (empty: from the first row) and rows_done
  // (counted on from there).
  BackfillProgress resume;
  // The lock wait of each batch (SET LOCAL lock_timeout), and how often and
  // after which waits a batch that gave up on a lock (55P03) or a deadlock
  // (40P01) is tried again; each wait is jittered to between half of and
  // the full LockRetry::delay_before().
  std::chrono::milliseconds lock_timeout{20};  // REQUIRES > 0
  ddl::LockRetry retry;
  // Called after each batch commits, with the progress so far: the engine
  // records it in the history (a crash before that touches the batch again,
  // which the triggers make harmless). An error stops the backfill with it.
  std::function<Result<void>(const BackfillProgress&)> on_batch;
  // Called after each batch with its size and how long it took: waits as long as it decides,
  // then returns the next batch's size (the throttle, throttle.h). Unset: every batch holds
  // batch_size rows. An error stops the backfill with it.
  std::function<Result<int>(int size, std::chrono::microseconds took)> pace;
  // on_batch runs at most this often (0: after every batch that touched rows), and always
  // after the last one.
  std::chrono::milliseconds record_every{0};
  // How to wait between tries (tests pass their own); default: sleep.
  std::function<void(std::chrono::milliseconds)> sleep;
};

// The key a backfill walks: the table's primary key, or else the unique
// index with the fewest columns (then the first by name) that is valid,
// has no predicate and no expression, over NOT NULL columns only; empty
// when the table has none (the walk goes by pages). Errors: kSql when the
// table does not exist.
Result<std::vector<std::string>> backfill_key(Session& session, const QualifiedName& table);

// The column a batch sets to itself: the first of `key` that can be
// written, else the table's first column that can (attnum order). Errors:
// kConfig naming the table when no column can be written.
Result<std::string> backfill_touch_column(Session& session, const QualifiedName& table,
                                          const std::vector<std::string>& key);

// The statements above for `table`, `key` and the `touch` column (quoted
// through util/quote.h). The bound: the batch_size-th key after $1... (or
// from the first row). The batch: with "> ($1, ...)" when `after_key`, and
// "<= ($k+1, ...)" (the bound) when `bounded`; unbounded, it also returns its
// last key. The page batch: pages [$1, $2) as tids "(p,0)".
// REQUIRES: key not empty, batch_size > 0.
std::string backfill_bound_sql(const QualifiedName& table, const std::vector<std::string>& key,
                               bool after_key, int batch_size);
std::string backfill_batch_sql(const QualifiedName& table, const std::vector<std::string>& key,
                               const std::string& touch, bool after_key, bool bounded);
std::string backfill_page_sql(const QualifiedName& table, const std::string& touch);

// The values of a last key as written in BackfillProgress::last_key.
// Errors (kConfig): not a JSON array of `columns` strings.
Result<std::vector<std::string>> parse_last_key(const std::string& last_key, size_t columns);

// The wait before try `attempt` (1-based) of a batch: delay_before(attempt)
// jittered to [half, full] by `unit`, a number in [0, 1).
std::chrono::milliseconds backfill_delay(const ddl::LockRetry& retry, int attempt, double unit);

// Touches every row of `table` after options.resume.last_key, in batches
// of options.batch_size by backfill_key() (or the pages that many rows took
// when the table was last analyzed; 50 rows a page if never), each in its
// own transaction.
// Returns the progress at the end (last_key: the table's last key; rows_done
// counts rows touched, from options.resume.rows_done).
// REQUIRES: `session` has no open transaction (each batch commits).
// Errors: those of backfill_key and parse_last_key (kConfig also for a key
// position on a table that has none now); kSql naming the table
// and the key the failing batch started after, with the SQLSTATE (55P03
// when every try gave up on a lock: "... still locked after N tries ...");
// kConnection; on_batch's error.
Result<BackfillProgress> backfill(Session& session, const QualifiedName& table,
                                  const BackfillOptions& options);

}  // namespace keel::pg::ops
