// PostgreSQL backfill: "touches" every row of a table in keyset batches by
// its key, so that the table's BEFORE UPDATE triggers (the expand/contract
// engine's dual-write triggers) compute the new columns of rows written
// before they existed. Each batch is one short transaction:
//
//   WITH keel_batch AS (SELECT k1, k2 FROM t WHERE (k1, k2) > ($1, $2)
//                       ORDER BY k1, k2 LIMIT n),
//        keel_touched AS (UPDATE t AS keel_row SET c = keel_row.c FROM keel_batch
//                         WHERE (keel_row.k1, keel_row.k2) = (keel_batch.k1, keel_batch.k2)
//                         RETURNING 1)
//   SELECT (SELECT count(*) FROM keel_touched), (SELECT count(*) FROM keel_batch),
//          (SELECT json_build_array(k1::text, k2::text)::text FROM keel_batch
//           ORDER BY k1 DESC, k2 DESC LIMIT 1)
//
// under SET LOCAL lock_timeout (a batch waiting for a lock gives up quickly
// and is retried after a jittered delay) and pinned output settings
// (DateStyle ISO, IntervalStyle postgres, extra_float_digits 3,
// bytea_output hex), so that the last key reads back the same in any
// session. The key values are bind parameters whose types the server infers
// from the key columns: no type name is written into the SQL.
//
// `c`, the column set to itself, is the first key column that can be
// written (not GENERATED ALWAYS AS IDENTITY, not a generated column), else
// the table's first such column (backfill_touch_column).
//
// Rows inserted during the backfill with keys below the cursor are not its
// business: the triggers compute their columns when they are written.
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
// key order: ["42"], ["a \"b\"", "2024-01-01"]. Empty before the first batch.
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
// has no predicate and no expression, over NOT NULL columns only.
// Errors: kConfig naming the table when it has no such key ("... has no
// primary key ..."), kSql when the table does not exist.
Result<std::vector<std::string>> backfill_key(Session& session, const QualifiedName& table);

// The column a batch sets to itself: the first of `key` that can be
// written, else the table's first column that can (attnum order). Errors:
// kConfig naming the table when no column can be written.
Result<std::string> backfill_touch_column(Session& session, const QualifiedName& table,
                                          const std::vector<std::string>& key);

// The batch statement above for `table`, `key` and the `touch` column
// (quoted through util/quote.h), with the "> ($1, ...)" condition when
// `after_key`; its parameters are the last key's values, in key order.
// REQUIRES: key not empty, batch_size > 0.
std::string backfill_batch_sql(const QualifiedName& table, const std::vector<std::string>& key,
                               const std::string& touch, bool after_key, int batch_size);

// The values of a last key as written in BackfillProgress::last_key.
// Errors (kConfig): not a JSON array of `columns` strings.
Result<std::vector<std::string>> parse_last_key(const std::string& last_key, size_t columns);

// The wait before try `attempt` (1-based) of a batch: delay_before(attempt)
// jittered to [half, full] by `unit`, a number in [0, 1).
std::chrono::milliseconds backfill_delay(const ddl::LockRetry& retry, int attempt, double unit);

// Touches every row of `table` after options.resume.last_key, in batches
// of options.batch_size by backfill_key(), each in its own transaction.
// Returns the progress at the end (last_key: the table's last key; rows_done
// counts rows touched, from options.resume.rows_done).
// REQUIRES: `session` has no open transaction (each batch commits).
// Errors: those of backfill_key and parse_last_key; kSql naming the table
// and the key the failing batch started after, with the SQLSTATE (55P03
// when every try gave up on a lock: "... still locked after N tries ...");
// kConnection; on_batch's error.
Result<BackfillProgress> backfill(Session& session, const QualifiedName& table,
                                  const BackfillOptions& options);

}  // namespace keel::pg::ops
