// SQLite dialect: the libsqlite3 edge. Every sqlite3 failure becomes a
// keel::Error here, with the database path as context.
#include <fmt/format.h>
#include <sqlite3.h>

#include <chrono>
#include <filesystem>
#include <system_error>

#include "dialects/sqlite/inspect.h"
#include "dialects/sqlite/session.h"
#include "dialects/sqlite/sqlite.h"

namespace keel::sqlite {
namespace {

// Codes that mean "this file cannot serve as a database", as opposed to a
// statement the library refused.
bool is_connection_failure(int code) {
  switch (code & 0xff) {
    case SQLITE_CANTOPEN:
    case SQLITE_NOTADB:
    case SQLITE_CORRUPT:
    case SQLITE_PERM:
    case SQLITE_AUTH:
    case SQLITE_IOERR:
    case SQLITE_BUSY:
    case SQLITE_LOCKED:
      return true;
    default:
      return false;
  }
}

std::unexpected<Error> sqlite_error(sqlite3* db, int code, std::string_view what,
                                    const std::string& path,
                                    std::chrono::milliseconds waited = {}) {
  if ((code & 0xff) == SQLITE_BUSY || (code & 0xff) == SQLITE_LOCKED) {
    // Another connection's lock, not a bad file: what keel was running is its own business.
    return fail(ErrorCode::kConnection,
                fmt::format("the database is locked: another connection holds its write lock "
                            "(keel waited {} for it); run again once it is released, or wait "
                            "longer with --lock-wait",
                            duration_text(waited)),
                path);
  }
  const char* detail = db != nullptr ? sqlite3_errmsg(db) : sqlite3_errstr(code);
  ErrorCode kind = is_connection_failure(code) ? ErrorCode::kConnection : ErrorCode::kSql;
  std::string hint =
      kind == ErrorCode::kConnection ? "; check that the file is a readable SQLite database" : "";
  return fail(kind, fmt::format("{}: {} (sqlite error {}){}", what, detail, code, hint), path);
}

struct StatementCloser {
  void operator()(sqlite3_stmt* stmt) const { sqlite3_finalize(stmt); }
};
using StatementPtr = std::unique_ptr<sqlite3_stmt, StatementCloser>;

}  // namespace

namespace {

// The statement timeout of a session.
struct StatementClock {
  std::chrono::milliseconds timeout{0};  // 0: none
  std::chrono::steady_clock::time_point deadline;
  bool timed_out = false;  // the last statement was interrupted by the timeout
};

// Called by SQLite every kProgressSteps virtual-machine instructions: a
// non-zero return interrupts the running statement (SQLITE_INTERRUPT).
constexpr int kProgressSteps = 10000;
int past_deadline(void* data) {
  auto* clock = static_cast<StatementClock*>(data);
  if (std::chrono::steady_clock::now() < clock->deadline) return 0;
  clock->timed_out = true;
  return 1;
}

constexpr std::chrono::milliseconds kDefaultBusyTimeout{5000};

}  // namespace

std::string duration_text(std::chrono::milliseconds ms) {
  if (ms.count() % 1000 == 0) return fmt::format("{}s", ms.count() / 1000);
  return fmt::format("{}ms", ms.count());
}

struct Session::Handle {
  sqlite3* db = nullptr;
  StatementClock clock;
  std::chrono::milliseconds busy_timeout{kDefaultBusyTimeout};
  ~Handle() { sqlite3_close_v2(db); }
};

Session::Session(std::string path, std::unique_ptr<Handle> handle)
    : path_(std::move(path)), handle_(std::move(handle)) {}

Session::~Session() = default;

std::string Session::library_version() { return sqlite3_libversion(); }

Result<std::unique_ptr<Session>> Session::open(const std::string& path, Access access) {
  auto handle = std::make_unique<Handle>();
  // No SQLITE_OPEN_URI: a '?' or '#' in a path is part of the file name.
  int flags = access == Access::kReadWrite ? SQLITE_OPEN_READWRITE : SQLITE_OPEN_READONLY;
  int rc = sqlite3_open_v2(path.c_str(), &handle->db, flags, nullptr);
  if (rc != SQLITE_OK) {
    return sqlite_error(handle->db, rc, "cannot open the SQLite database", path);
  }
  sqlite3_extended_result_codes(handle->db, 1);
  sqlite3_busy_timeout(handle->db, static_cast<int>(handle->busy_timeout.count()));
  return std::unique_ptr<Session>(new Session(path, std::move(handle)));
}

Result<void> Session::create(const std::string& path) {
  sqlite3* db = nullptr;
  // Opening with SQLITE_OPEN_CREATE makes an empty file, a valid empty database (SQLite writes
  // the header on the first write). Nothing is written here: a file another process created
  // meanwhile is left as it is.
  int rc = sqlite3_open_v2(path.c_str(), &db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, nullptr);
  std::string detail = db != nullptr ? sqlite3_errmsg(db) : sqlite3_errstr(rc);
  sqlite3_close_v2(db);
  if (rc != SQLITE_OK) {
    return fail(ErrorCode::kIo,
                fmt::format("cannot create the SQLite database: {}; check that its folder exists "
                            "and is writable",
                            detail),
                path);
  }
  return {};
}

Result<std::vector<Row>> Session::rows(std::string_view sql,
                                       const std::vector<std::string>& params) {
  handle_->clock.timed_out = false;
  handle_->clock.deadline = std::chrono::steady_clock::now() + handle_->clock.timeout;
  sqlite3_stmt* raw = nullptr;
  int rc = sqlite3_prepare_v2(handle_->db, sql.data(), static_cast<int>(sql.size()), &raw, nullptr);
  StatementPtr stmt(raw);
  if (rc != SQLITE_OK) {
    return sqlite_error(handle_->db, rc, fmt::format("cannot prepare `{}`", sql), path_,
                        handle_->busy_timeout);
  }
  for (size_t i = 0; i < params.size(); ++i) {
    rc = sqlite3_bind_text(stmt.get(), static_cast<int>(i + 1), params[i].data(),
                           static_cast<int>(params[i].size()), SQLITE_TRANSIENT);
    if (rc != SQLITE_OK) {
      return sqlite_error(handle_->db, rc, fmt::format("cannot bind `{}`", sql), path_);
    }
  }
  std::vector<Row> out;
  if (stmt == nullptr) return out;  // only whitespace or comments
  int columns = sqlite3_column_count(stmt.get());
  while ((rc = sqlite3_step(stmt.get())) == SQLITE_ROW) {
    Row row;
    row.reserve(columns);
    for (int c = 0; c < columns; ++c) {
      const unsigned char* text = sqlite3_column_text(stmt.get(), c);
      if (text == nullptr) {
        row.emplace_back(std::nullopt);
      } else {
        row.emplace_back(std::string(reinterpret_cast<const char*>(text),
                                     static_cast<size_t>(sqlite3_column_bytes(stmt.get(), c))));
      }
    }
    out.push_back(std::move(row));
  }
  if (rc != SQLITE_DONE) {
    return sqlite_error(handle_->db, rc, fmt::format("`{}` failed", sql), path_,
                        handle_->busy_timeout);
  }
  return out;
}

Result<void> Session::exec(std::string_view sql) {
  auto result = rows(sql);
  if (!result) return std::unexpected(result.error());
  return {};
}

void Session::set_busy_timeout(std::chrono::milliseconds timeout) {
  handle_->busy_timeout = timeout;
  sqlite3_busy_timeout(handle_->db, static_cast<int>(timeout.count()));
}

void Session::set_statement_timeout(std::chrono::milliseconds timeout) {
  handle_->clock.timeout = timeout;
  if (timeout.count() > 0) {
    sqlite3_progress_handler(handle_->db, kProgressSteps, past_deadline, &handle_->clock);
  } else {
    sqlite3_progress_handler(handle_->db, 0, nullptr, nullptr);
  }
}

int64_t Session::changes() const { return sqlite3_changes64(handle_->db); }

bool Session::last_error_was_timeout() const {
  return handle_->clock.timed_out && (sqlite3_errcode(handle_->db) & 0xff) == SQLITE_INTERRUPT;
}

std::string Session::last_error_message() const { return sqlite3_errmsg(handle_->db); }

int Session::last_error_code() const { return sqlite3_extended_errcode(handle_->db); }

bool Session::last_error_was_busy() const {
  int code = sqlite3_errcode(handle_->db) & 0xff;
  return code == SQLITE_BUSY || code == SQLITE_LOCKED;
}

Result<ColumnMetadata> Session::column_metadata(const std::string& table,
                                                const std::string& column) {
  const char* type = nullptr;
  const char* collation = nullptr;
  int not_null = 0;
  int primary_key = 0;
  int autoincrement = 0;
  int rc = sqlite3_table_column_metadata(handle_->db, "main", table.c_str(), column.c_str(), &type,
                                         &collation, &not_null, &primary_key, &autoincrement);
  if (rc != SQLITE_OK) {
    return sqlite_error(handle_->db, rc,
                        fmt::format("cannot read the metadata of column {}.{}", table, column),
                        path_);
  }
  return ColumnMetadata{collation != nullptr ? collation : "BINARY", autoincrement != 0};
}

namespace {

class SqliteConnection final : public Connection {
 public:
  explicit SqliteConnection(std::unique_ptr<Session> session) : session_(std::move(session)) {}

  Result<Manifest> capture(const CaptureOptions& /*options*/) override {
    return inspect(*session_);
  }

 private:
  std::unique_ptr<Session> session_;
};

}  // namespace

Result<std::unique_ptr<Connection>> connect(const ConnectionUrl& url) {
  std::error_code ec;
  auto status = std::filesystem::status(url.path, ec);
  if (!std::filesystem::exists(status)) {
    return fail(ErrorCode::kConnection,
                "the SQLite database file does not exist; check the path in the URL "
                "(sqlite:rel/path.db is relative to the current directory, sqlite:///abs/path.db "
                "is absolute); only keel apply creates a missing one",
                url.path);
  }
  if (std::filesystem::is_directory(status)) {
    return fail(ErrorCode::kConnection,
                "the SQLite URL names a directory, not a database file; point it at the .db file",
                url.path);
  }
  auto session = Session::open(url.path);
  if (!session) return std::unexpected(session.error());
  return std::unique_ptr<Connection>(new SqliteConnection(std::move(*session)));
}

}  // namespace keel::sqlite
