// PostgreSQL dialect, internal: one session with the server. The only way
// src/dialects/postgres/ reaches libpqxx (session.cc is the one file that
// includes it): opening a connection, running statements with text
// parameters, session settings and timeouts, catalog snapshots for capture,
// and turning every driver exception into a keel::Error whose message and
// context have the URL's password masked (the SQLSTATE kept).
//
// Errors every function below returns:
//   kConnection "cannot connect: <libpq's reason>; check the URL's host, ..."
//               (open() only);
//   kConnection "lost the connection: <reason>" (the server went away);
//   kSql        "<the server's message, first line, no "ERROR:  ">", with
//               the SQLSTATE;
// always with the masked URL as context.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "dialects/postgres/snapshot.h"
#include "keel/connection.h"
#include "keel/error.h"

namespace keel::pg {

// A bind parameter as text ($1, $2, ...); nullopt is SQL NULL. The server
// casts the text to the parameter's type ("42" to bigint, "t" to boolean).
using Param = std::optional<std::string>;

// One row copied out of a result: each field's text, or nullopt for NULL.
class TextRow final : public Row {
 public:
  explicit TextRow(std::vector<std::optional<std::string>> fields) : fields_(std::move(fields)) {}
  std::string_view view(int column) const override {
    const auto& f = fields_.at(static_cast<size_t>(column));
    return f ? std::string_view(*f) : std::string_view();
  }
  bool is_null(int column) const override { return !fields_.at(static_cast<size_t>(column)); }
  int columns() const { return static_cast<int>(fields_.size()); }

 private:
  std::vector<std::optional<std::string>> fields_;
};

// The rows of one statement (of the last statement, for a multi-statement
// text), and the rows it changed (INSERT/UPDATE/DELETE; 0 for the rest).
struct Rows {
  std::vector<TextRow> rows;
  int64_t affected = 0;
  int columns = 0;

  bool empty() const { return rows.empty(); }
  size_t size() const { return rows.size(); }
  const TextRow& operator[](size_t i) const { return rows.at(i); }
  auto begin() const { return rows.begin(); }
  auto end() const { return rows.end(); }
};

// The text of a libpq message as keel shows it: its first line, without the
// "ERROR:  " / "FATAL:  " prefix.
std::string server_message(std::string_view text);

// "cannot connect: <reason>; check the URL's host, port, database, user and
// password, and that the server accepts connections from here" (`reason`
// trimmed of trailing white space). Not masked: callers mask.
std::string connect_message(std::string_view reason);

class Session {
 public:
  // Connects with the URL's conninfo (driver_conninfo: connect_timeout=10
  // unless it sets one). Errors: kConnection (see above), with the
  // SQLSTATE when the server gave one.
  static Result<std::unique_ptr<Session>> open(const ConnectionUrl& url);
  ~Session();
  Session(const Session&) = delete;
  Session& operator=(const Session&) = delete;

  const ConnectionUrl& url() const { return url_; }
  // 150004 for PostgreSQL 15.4.
  int server_version() const;
  int backend_pid() const;

  // Runs `sql` through the simple query protocol: may hold several
  // statements (one round trip), and then the rows are the last one's.
  // Statements run in autocommit unless `sql` (or an earlier call) began a
  // transaction: the session never opens one by itself.
  Result<Rows> exec(std::string_view sql);
  // One statement with $1..$n bound to `params` (as text).
  Result<Rows> exec(std::string_view sql, const std::vector<Param>& params);
  // The first field of the first row; an error (kSql) when there is none.
  Result<std::string> value(std::string_view sql, const std::vector<Param>& params = {});
  // value() read as a boolean ("t").
  Result<bool> flag(std::string_view sql, const std::vector<Param>& params = {});

  // The 1-based character position in the statement of the last error's
  // syntax error, 0 when the last failed statement was not a syntax error.
  int last_error_position() const { return last_error_position_; }

  // SELECT set_config(name, value, is_local) for each pair, in one
  // statement (the values as bind parameters).
  Result<void> set(const std::vector<std::pair<std::string, std::string>>& settings, bool local);
  // lock_timeout and statement_timeout in milliseconds (0: none), for the
  // session or (local) the open transaction.
  Result<void> set_timeouts(std::chrono::milliseconds lock, std::chrono::milliseconds statement,
                            bool local);

  // Runs `body` between BEGIN and COMMIT; ROLLBACK (best effort) when it
  // fails, and its error is returned.
  Result<void> transaction(const std::function<Result<void>()>& body);

  // The catalog reads of a capture, in this session's open transaction
  // (the caller's BEGIN ... REPEATABLE READ). `helpers`: other sessions may
  // share the snapshot (pg_export_snapshot) to read ahead; not when the
  // transaction has uncommitted changes of its own. REQUIRES: the Snapshot
  // is destroyed before this session and before the transaction ends.
  std::unique_ptr<Snapshot> snapshot(bool helpers);

 private:
  struct Driver;
  Session(const ConnectionUrl& url, std::unique_ptr<Driver> driver);
  template <typename Fn>
  auto guarded(Fn&& body) -> decltype(body());

  ConnectionUrl url_;
  std::unique_ptr<Driver> driver_;
  int last_error_position_ = 0;
};

}  // namespace keel::pg
