// PostgreSQL backfill in keyset batches (see backfill.h).
#include "dialects/postgres/ops/backfill.h"

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <random>
#include <thread>

#include "util/quote.h"

namespace keel::pg::ops {
namespace {

// The key columns of the table's primary key, else of its narrowest unique
// index usable as a key, as a JSON array of names. Only the key part of an
// index (indnkeyatts), not its INCLUDE columns.
constexpr std::string_view kKeySql = R"(
SELECT (SELECT json_agg(a.attname ORDER BY k.n)
          FROM unnest(i.indkey::int2[]) WITH ORDINALITY AS k(attnum, n)
          JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = k.attnum
         WHERE k.n <= i.indnkeyatts)::text
  FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid
 WHERE i.indrelid = $1::regclass AND i.indisunique AND i.indisvalid
   AND i.indpred IS NULL AND i.indexprs IS NULL
   AND (i.indisprimary OR NOT EXISTS (
         SELECT FROM unnest(i.indkey::int2[]) WITH ORDINALITY AS k(attnum, n)
           JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = k.attnum
          WHERE k.n <= i.indnkeyatts AND NOT a.attnotnull))
 ORDER BY i.indisprimary DESC, i.indnkeyatts, c.relname
 LIMIT 1)";

// The columns an UPDATE may set, in attnum order: not dropped, not
// generated, not GENERATED ALWAYS AS IDENTITY (those can only be set to
// DEFAULT).
constexpr std::string_view kWritableSql = R"(
SELECT attname FROM pg_attribute
 WHERE attrelid = $1::regclass AND attnum > 0 AND NOT attisdropped
   AND attgenerated = '' AND attidentity <> 'a'
 ORDER BY attnum)";

std::string label(const QualifiedName& table) { return table.schema + "." + table.name; }

// "a", "b" (each quoted, with `prefix` before each: keel_row."a").
std::string columns(const std::vector<std::string>& key, const std::string& prefix,
                    const std::string& suffix = {}) {
  std::string out;
  for (const std::string& column : key) {
    if (!out.empty()) out += ", ";
    out += prefix + quote_identifier(column) + suffix;
  }
  return out;
}

Result<BackfillProgress> run_batch(Session& session, const std::string& sql,
                                   const std::vector<Param>& params,
                                   std::chrono::milliseconds lock_timeout,
                                   BackfillProgress progress, int64_t& batch_rows) {
  auto done = session.transaction([&]() -> Result<void> {
    auto set = session.set({{"lock_timeout", std::to_string(lock_timeout.count()) + "ms"},
                            {"DateStyle", "ISO, YMD"},
                            {"IntervalStyle", "postgres"},
                            {"extra_float_digits", "3"},
                            {"bytea_output", "hex"}},
                           /*local=*/true);
    if (!set) return set;
    auto rows = session.exec(sql, params);
    if (!rows) return std::unexpected(rows.error());
    const TextRow& row = (*rows)[0];
    progress.rows_done += row.int64(0);
    batch_rows = row.int64(1);
    if (!row.is_null(2)) progress.last_key = row.str(2);
    return {};
  });
  if (!done) return std::unexpected(done.error());
  if (batch_rows > 0) ++progress.batches;
  return progress;
}

Error batch_error(Error e, const QualifiedName& table, const BackfillProgress& progress,
                  int attempt, const BackfillOptions& options) {
  std::string after =
      progress.last_key.empty() ? "from its first row" : "after key " + progress.last_key;
  e.message =
      ddl::LockRetry::retryable(e.sqlstate)
          ? fmt::format(
                "backfill of {}: the batch {} was still locked after {} tries "
                "(lock_timeout {} ms each): {}; run it again when the blocking "
                "transaction ended, or raise the lock timeout",
                label(table), after, attempt, options.lock_timeout.count(), e.message)
          : fmt::format("backfill of {}: the batch {} failed: {}", label(table), after, e.message);
  if (e.context.empty()) e.context = label(table);
  return e;
}

}  // namespace

Result<std::vector<std::string>> backfill_key(Session& session, const QualifiedName& table) {
  auto rows = session.exec(kKeySql, {quote_qualified(table.schema, table.name)});
  if (!rows) {
    Error e = rows.error();
    e.message = fmt::format("cannot read the key of table {}: {}", label(table), e.message);
    return std::unexpected(e);
  }
  if (rows->empty() || (*rows)[0].is_null(0)) {
    return fail(ErrorCode::kConfig,
                fmt::format("table {} has no primary key (nor a unique index over NOT NULL "
                            "columns without predicate or expression), so it cannot be backfilled "
                            "in batches: add a primary key to it first",
                            label(table)),
                label(table));
  }
  auto names = nlohmann::json::parse((*rows)[0].str(0), nullptr, false);
  std::vector<std::string> out;
  for (const auto& name : names) out.push_back(name.get<std::string>());
  return out;
}

Result<std::string> backfill_touch_column(Session& session, const QualifiedName& table,
                                          const std::vector<std::string>& key) {
  auto rows = session.exec(kWritableSql, {quote_qualified(table.schema, table.name)});
  if (!rows) return std::unexpected(rows.error());
  std::vector<std::string> writable;
  for (const TextRow& r : *rows) writable.push_back(r.str(0));
  for (const std::string& column : key) {
    if (std::find(writable.begin(), writable.end(), column) != writable.end()) return column;
  }
  if (!writable.empty()) return writable.front();
  return fail(ErrorCode::kConfig,
              fmt::format("table {} has no column an UPDATE can set (only identity or generated "
                          "ones), so its rows cannot be touched to fire its triggers",
                          label(table)),
              label(table));
}

std::string backfill_batch_sql(const QualifiedName& table, const std::vector<std::string>& key,
                               const std::string& touch, bool after_key, int batch_size) {
  std::string target = quote_qualified(table.schema, table.name);
  std::string plain = columns(key, "");
  std::string where;
  if (after_key) {
    std::string params;
    for (size_t i = 1; i <= key.size(); ++i) params += (i > 1 ? ", $" : "$") + std::to_string(i);
    where = " WHERE (" + plain + ") > (" + params + ")";
  }
  std::string first = quote_identifier(touch);
  return "WITH keel_batch AS (SELECT " + plain + " FROM " + target + where + " ORDER BY " + plain +
         " LIMIT " + std::to_string(batch_size) + "), keel_touched AS (UPDATE " + target +
         " AS keel_row SET " + first + " = keel_row." + first + " FROM keel_batch WHERE (" +
         columns(key, "keel_row.") + ") = (" + columns(key, "keel_batch.") +
         ") RETURNING 1) SELECT (SELECT count(*) FROM keel_touched), (SELECT count(*) FROM "
         "keel_batch), (SELECT json_build_array(" +
         columns(key, "", "::text") + ")::text FROM keel_batch ORDER BY " +
         columns(key, "", " DESC") + " LIMIT 1)";
}

Result<std::vector<std::string>> parse_last_key(const std::string& last_key, size_t columns) {
  auto bad = [&] {
    return fail(ErrorCode::kConfig,
                fmt::format("the backfill's last key {} is not a JSON array of {} string(s), one "
                            "per key column: the table's key changed since it was recorded, or "
                            "the history row was edited; reset the operation's progress",
                            last_key, columns));
  };
  auto j = nlohmann::json::parse(last_key, nullptr, false);
  if (!j.is_array() || j.size() != columns) return bad();
  std::vector<std::string> out;
  for (const auto& value : j) {
    if (!value.is_string()) return bad();
    out.push_back(value.get<std::string>());
  }
  return out;
}

std::chrono::milliseconds backfill_delay(const ddl::LockRetry& retry, int attempt, double unit) {
  std::chrono::milliseconds full = retry.delay_before(attempt);
  auto half = full.count() / 2;
  auto extra =
      static_cast<int64_t>(static_cast<double>(full.count() - half) * std::clamp(unit, 0.0, 1.0));
  return std::chrono::milliseconds(std::min<int64_t>(half + extra, full.count()));
}

Result<BackfillProgress> backfill(Session& session, const QualifiedName& table,
                                  const BackfillOptions& options) {
  auto key = backfill_key(session, table);
  if (!key) return std::unexpected(key.error());
  auto touch = backfill_touch_column(session, table, *key);
  if (!touch) return std::unexpected(touch.error());
  BackfillProgress progress = options.resume;
  progress.batches = 0;
  progress.retries = 0;
  std::mt19937_64 rng(std::random_device{}());
  std::uniform_real_distribution<double> unit(0.0, 1.0);
  auto sleep = options.sleep ? options.sleep
                             : [](std::chrono::milliseconds d) { std::this_thread::sleep_for(d); };
  int size = options.batch_size;
  auto recorded_at = std::chrono::steady_clock::now();
  int64_t recorded_rows = progress.rows_done;
  for (bool last = false; !last;) {
    std::vector<Param> params;
    if (!progress.last_key.empty()) {
      auto values = parse_last_key(progress.last_key, key->size());
      if (!values) return std::unexpected(values.error());
      params.assign(values->begin(), values->end());
    }
    std::string sql = backfill_batch_sql(table, *key, *touch, !params.empty(), size);
    int64_t batch_rows = 0;
    std::chrono::microseconds took{0};
    for (int attempt = 1;; ++attempt) {
      const auto began = std::chrono::steady_clock::now();
      auto next = run_batch(session, sql, params, options.lock_timeout, progress, batch_rows);
      if (next) {
        took = std::chrono::duration_cast<std::chrono::microseconds>(
            std::chrono::steady_clock::now() - began);
        progress = *next;
        // Fewer rows than asked: none were left after the cursor when the
        // batch ran (rows inserted since are the triggers' business).
        last = batch_rows < size;
        break;
      }
      Error e = next.error();
      bool retry = ddl::LockRetry::retryable(e.sqlstate) && attempt < options.retry.attempts;
      if (retry) {
        ++progress.retries;
        sleep(backfill_delay(options.retry, attempt + 1, unit(rng)));
        continue;
      }
      return std::unexpected(batch_error(std::move(e), table, progress, attempt, options));
    }
    // A batch that found no row (the table's row count a multiple of the
    // batch size) made no progress to record.
    const auto now = std::chrono::steady_clock::now();
    if (options.on_batch && progress.rows_done > recorded_rows &&
        (last || now - recorded_at >= options.record_every)) {
      if (auto ok = options.on_batch(progress); !ok) return std::unexpected(ok.error());
      recorded_at = now;
      recorded_rows = progress.rows_done;
    }
    if (!last && options.pace) {
      auto paced = options.pace(size, took);
      if (!paced) return std::unexpected(paced.error());
      size = *paced;
    }
  }
  return progress;
}

}  // namespace keel::pg::ops
