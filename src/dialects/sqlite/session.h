// SQLite dialect: one open database file (read-only for inspection,
// read-write for migrations).
//
// Session is the thin layer over the libsqlite3 C API; connection.cc is the
// only file that includes <sqlite3.h>. The catalog queries themselves live in
// inspect.cc: there is no general-purpose query function outside this folder.
#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "keel/error.h"

namespace keel::sqlite {

// "5s", "250ms": a wait as keel's flags spell it.
std::string duration_text(std::chrono::milliseconds ms);

// One result row; std::nullopt is SQL NULL. Numbers come back as their text.
using Row = std::vector<std::optional<std::string>>;

struct ColumnMetadata {
  std::string collation;  // "BINARY", "NOCASE", ...
  bool autoincrement = false;
};

enum class Access { kReadOnly, kReadWrite };

class Session {
 public:
  // Opens `path` (read-only unless `access` says otherwise); never creates
  // it. Errors carry `path` as context.
  // REQUIRES: the file exists.
  static Result<std::unique_ptr<Session>> open(const std::string& path,
                                               Access access = Access::kReadOnly);
  // Creates an empty database file at `path` (its folder must exist). Errors: kIo.
  // REQUIRES: no file at `path`.
  static Result<void> create(const std::string& path);
  ~Session();
  Session(const Session&) = delete;
  Session& operator=(const Session&) = delete;

  // Runs one statement with its parameters bound as text (?1, ?2 ...) and
  // returns every row. Failures become kSql (kConnection when the file is not
  // a database or cannot be read, or when another connection held its lock
  // past the busy timeout: that message names the wait, not the statement).
  Result<std::vector<Row>> rows(std::string_view sql, const std::vector<std::string>& params = {});
  // Runs a statement that returns no rows we need (BEGIN, COMMIT).
  Result<void> exec(std::string_view sql);

  // How long a statement waits for another connection's lock (SQLITE_BUSY).
  void set_busy_timeout(std::chrono::milliseconds timeout);
  // How long one statement may run (0: no limit). SQLite has no statement
  // timeout of its own: a progress handler interrupts the statement once the
  // time is up, and last_error_was_timeout() then says so.
  void set_statement_timeout(std::chrono::milliseconds timeout);
  // The library's message and primary result code of the last failure, and
  // whether it was a lock another connection held (SQLITE_BUSY / LOCKED).
  std::string last_error_message() const;
  int last_error_code() const;
  bool last_error_was_busy() const;
  bool last_error_was_timeout() const;
  // Rows the last INSERT, UPDATE or DELETE changed (sqlite3_changes64).
  int64_t changes() const;

  Result<ColumnMetadata> column_metadata(const std::string& table, const std::string& column);

  const std::string& path() const { return path_; }

  // sqlite3_libversion(): "3.40.1".
  static std::string library_version();

 private:
  struct Handle;
  Session(std::string path, std::unique_ptr<Handle> handle);
  std::string path_;
  std::unique_ptr<Handle> handle_;
};

}  // namespace keel::sqlite
