// PostgreSQL backfill in keyset batches (see backfill.h).
#include "dialects/postgres/ops/backfill.h"

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <cinttypes>
#include <cstdio>
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

// "$first, ..., $(first + count - 1)".
std::string params(size_t first, size_t count) {
  std::string out;
  for (size_t i = first; i < first + count; ++i)
    out += (i > first ? ", $" : "$") + std::to_string(i);
  return out;
}

// The table's size in pages now, and its rows per page as last analyzed (0 when never).
constexpr std::string_view kPagesSql = R"(
SELECT pg_relation_size(c.oid) / current_setting('block_size')::bigint,
       CASE WHEN c.relpages > 0 AND c.reltuples > 0 THEN c.reltuples / c.relpages ELSE 0 END
  FROM pg_class c WHERE c.oid = $1::regclass)";

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

// The session settings of every batch: the lock wait, and pinned output settings so that a key
// read back as text is the same in any session.
Result<void> set_batch_settings(Session& session, std::chrono::milliseconds lock_timeout) {
  return session.set({{"lock_timeout", std::to_string(lock_timeout.count()) + "ms"},
                      {"DateStyle", "ISO, YMD"},
                      {"IntervalStyle", "postgres"},
                      {"extra_float_digits", "3"},
                      {"bytea_output", "hex"}},
                     /*local=*/true);
}

// How a backfill walks its table: by `key` (a primary key or unique index), or, when `key` is
// empty, by ranges of pages (ctid) up to `pages`, the table's size when the backfill began.
struct Walk {
  QualifiedName table;
  std::vector<std::string> key;
  std::string touch;
  int64_t pages = 0;
  double rows_per_page = 0;
};

// One batch in key order: the batch's last key, then the rows after the cursor up to it.
// `batch_rows` is set to the rows the bound covered (0 when none was left).
Result<BackfillProgress> run_key_batch(Session& session, const Walk& walk,
                                       const std::vector<Param>& after, int size,
                                       std::chrono::milliseconds lock_timeout,
                                       BackfillProgress progress, bool& last) {
  auto done = session.transaction([&]() -> Result<void> {
    if (auto set = set_batch_settings(session, lock_timeout); !set) return set;
    auto bound =
        session.exec(backfill_bound_sql(walk.table, walk.key, !after.empty(), size), after);
    if (!bound) return std::unexpected(bound.error());
    std::vector<Param> params = after;
    last = bound->empty() || (*bound)[0].is_null(0);
    if (!last) {
      auto upto = parse_last_key((*bound)[0].str(0), walk.key.size());
      if (!upto) return std::unexpected(upto.error());
      params.insert(params.end(), upto->begin(), upto->end());
    }
    auto rows = session.exec(
        backfill_batch_sql(walk.table, walk.key, walk.touch, !after.empty(), !last), params);
    if (!rows) return std::unexpected(rows.error());
    const TextRow& row = (*rows)[0];
    progress.rows_done += row.int64(0);
    if (!last) {
      progress.last_key = (*bound)[0].str(0);
    } else if (!row.is_null(1)) {
      progress.last_key = row.str(1);
    }
    if (row.int64(0) > 0) ++progress.batches;
    return {};
  });
  if (!done) return std::unexpected(done.error());
  return progress;
}

// The first page a ctid walk has not touched: 0 before the first batch.
Result<int64_t> next_page(const std::string& last_key) {
  if (last_key.empty()) return 0;
  auto values = parse_last_key(last_key, 1);
  if (!values) return std::unexpected(values.error());
  int64_t page = -1;
  if (std::sscanf((*values)[0].c_str(), "(%" SCNd64 ",0)", &page) != 1 || page < 0) {
    return fail(ErrorCode::kConfig,
                fmt::format("the backfill's last position {} is not a page \"(N,0)\": the table "
                            "has no key now, but it had one when the position was recorded; reset "
                            "the operation's progress",
                            last_key));
  }
  return page;
}

// One batch of pages [first, first + count) by ctid.
Result<BackfillProgress> run_page_batch(Session& session, const Walk& walk, int64_t first,
                                        int64_t count, std::chrono::milliseconds lock_timeout,
                                        BackfillProgress progress) {
  const int64_t end = std::min(first + count, walk.pages);
  auto done = session.transaction([&]() -> Result<void> {
    if (auto set = set_batch_settings(session, lock_timeout); !set) return set;
    auto rows = session.exec(backfill_page_sql(walk.table, walk.touch),
                             {fmt::format("({},0)", first), fmt::format("({},0)", end)});
    if (!rows) return std::unexpected(rows.error());
    const int64_t touched = (*rows)[0].int64(0);
    progress.rows_done += touched;
    progress.last_key = nlohmann::json::array({fmt::format("({},0)", end)}).dump();
    if (touched > 0) ++progress.batches;
    return {};
  });
  if (!done) return std::unexpected(done.error());
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
  // No key: the walk goes by pages (ctid).
  if (rows->empty() || (*rows)[0].is_null(0)) return std::vector<std::string>{};
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

std::string backfill_bound_sql(const QualifiedName& table, const std::vector<std::string>& key,
                               bool after_key, int batch_size) {
  std::string plain = columns(key, "");
  return "SELECT json_build_array(" + columns(key, "", "::text") + ")::text FROM " +
         quote_qualified(table.schema, table.name) +
         (after_key ? " WHERE (" + plain + ") > (" + params(1, key.size()) + ")" : "") +
         " ORDER BY " + plain + " OFFSET " + std::to_string(std::max(batch_size, 1) - 1) +
         " LIMIT 1";
}

std::string backfill_batch_sql(const QualifiedName& table, const std::vector<std::string>& key,
                               const std::string& touch, bool after_key, bool bounded) {
  std::string plain = columns(key, "");
  std::vector<std::string> where;
  if (after_key) where.push_back("(" + plain + ") > (" + params(1, key.size()) + ")");
  if (bounded) {
    where.push_back("(" + plain + ") <= (" + params(after_key ? key.size() + 1 : 1, key.size()) +
                    ")");
  }
  std::string first = quote_identifier(touch);
  std::string sql = "WITH keel_touched AS (UPDATE " + quote_qualified(table.schema, table.name) +
                    " SET " + first + " = " + first;
  for (size_t i = 0; i < where.size(); ++i) sql += (i == 0 ? " WHERE " : " AND ") + where[i];
  if (bounded) return sql + " RETURNING 1) SELECT count(*) FROM keel_touched";
  return sql + " RETURNING " + plain + ") SELECT (SELECT count(*) FROM keel_touched), (SELECT " +
         "json_build_array(" + columns(key, "", "::text") + ")::text FROM keel_touched ORDER BY " +
         columns(key, "", " DESC") + " LIMIT 1)";
}

std::string backfill_page_sql(const QualifiedName& table, const std::string& touch) {
  std::string first = quote_identifier(touch);
  return "WITH keel_touched AS (UPDATE " + quote_qualified(table.schema, table.name) + " SET " +
         first + " = " + first +
         " WHERE ctid >= $1::tid AND ctid < $2::tid RETURNING 1) SELECT count(*) FROM "
         "keel_touched";
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
  Walk walk{.table = table};
  auto key = backfill_key(session, table);
  if (!key) return std::unexpected(key.error());
  walk.key = std::move(*key);
  auto touch = backfill_touch_column(session, table, walk.key);
  if (!touch) return std::unexpected(touch.error());
  walk.touch = std::move(*touch);
  int64_t page = 0;
  if (walk.key.empty()) {
    // Only the pages there are now: the rows' new versions, which the batches and the writers
    // append, are in the new shape already.
    auto size = session.exec(kPagesSql, {quote_qualified(table.schema, table.name)});
    if (!size) return std::unexpected(size.error());
    walk.pages = (*size)[0].int64(0);
    walk.rows_per_page = std::stod((*size)[0].str(1));
    auto next = next_page(options.resume.last_key);
    if (!next) return std::unexpected(next.error());
    page = *next;
  }
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
  for (bool last = walk.key.empty() && page >= walk.pages; !last;) {
    std::vector<Param> after;
    if (!walk.key.empty() && !progress.last_key.empty()) {
      auto values = parse_last_key(progress.last_key, walk.key.size());
      if (!values) return std::unexpected(values.error());
      after.assign(values->begin(), values->end());
    }
    // A page batch covers the pages `size` rows take, as last analyzed (at least one page).
    const int64_t pages =
        walk.rows_per_page > 0
            ? std::max<int64_t>(
                  1, static_cast<int64_t>(static_cast<double>(size) / walk.rows_per_page))
            : std::max(1, size / 50);
    std::chrono::microseconds took{0};
    int64_t before = progress.rows_done;
    for (int attempt = 1;; ++attempt) {
      const auto began = std::chrono::steady_clock::now();
      auto next =
          walk.key.empty()
              ? run_page_batch(session, walk, page, pages, options.lock_timeout, progress)
              : run_key_batch(session, walk, after, size, options.lock_timeout, progress, last);
      if (next) {
        took = std::chrono::duration_cast<std::chrono::microseconds>(
            std::chrono::steady_clock::now() - began);
        progress = *next;
        if (walk.key.empty()) {
          page = std::min(page + pages, walk.pages);
          last = page >= walk.pages;
        }
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
    // A batch that found no row (the table's row count a multiple of the batch size, or empty
    // pages) made no progress to record.
    const auto now = std::chrono::steady_clock::now();
    if (options.on_batch && progress.rows_done > recorded_rows &&
        (last || now - recorded_at >= options.record_every)) {
      if (auto ok = options.on_batch(progress); !ok) return std::unexpected(ok.error());
      recorded_at = now;
      recorded_rows = progress.rows_done;
    }
    if (!last && options.pace) {
      // By pages, the rows the batch found (its size was an estimate).
      const int done = walk.key.empty()
                           ? static_cast<int>(std::max<int64_t>(1, progress.rows_done - before))
                           : size;
      auto paced = options.pace(done, took);
      if (!paced) return std::unexpected(paced.error());
      size = *paced;
    }
  }
  return progress;
}

}  // namespace keel::pg::ops
