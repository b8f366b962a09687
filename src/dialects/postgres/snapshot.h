// PostgreSQL dialect, internal: the read-only catalog snapshot that inspect.cc
// and settings.cc read from. session.cc implements it on top of libpqxx
// (Session::snapshot); TextRow (session.h) is a Row too. Nothing outside
// src/dialects/postgres/ sees it.
#pragma once

#include <charconv>
#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "keel/error.h"

namespace keel::pg {

// One row of a result, valid only inside the callback that receives it.
class Row {
 public:
  virtual ~Row() = default;
  // The field's text; empty when NULL.
  virtual std::string_view view(int column) const = 0;
  virtual bool is_null(int column) const = 0;

  std::string str(int column) const { return std::string(view(column)); }
  bool boolean(int column) const { return view(column) == "t"; }
  char ch(int column) const {
    std::string_view v = view(column);
    return v.empty() ? '\0' : v.front();
  }
  int64_t int64(int column) const {
    std::string_view v = view(column);
    int64_t out = 0;
    std::from_chars(v.data(), v.data() + v.size(), out);
    return out;
  }
  uint32_t oid(int column) const {
    std::string_view v = view(column);
    uint32_t out = 0;
    std::from_chars(v.data(), v.data() + v.size(), out);
    return out;
  }
  double real(int column) const {
    std::string_view v = view(column);
    double out = 0;
    std::from_chars(v.data(), v.data() + v.size(), out);
    return out;
  }
};

using RowFn = std::function<void(const Row&)>;

// The catalog queries of one capture, all inside one REPEATABLE READ, READ
// ONLY transaction. Only inspect.cc and settings.cc call it, with their own
// fixed statements: it is not a general query API.
class Snapshot {
 public:
  virtual ~Snapshot() = default;
  // Runs `sql` and calls `fn` for every row, in the server's order.
  virtual Result<void> each_row(std::string_view sql, const RowFn& fn) = 0;
  // May start running each lane of queries (after `setup`), in order, in
  // another session sharing this snapshot, so that a later each_row() with
  // the same text finds its result ready. A hint: without it every query
  // still runs in each_row().
  virtual void prefetch(std::string_view /*setup*/,
                        const std::vector<std::vector<std::string>>& /*lanes*/) {}
};

}  // namespace keel::pg
