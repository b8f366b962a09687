// PostgreSQL connections: the only file that includes libpqxx. Every pqxx or
// standard exception is caught here and becomes a keel::Error whose message
// has the password masked, even when libpq itself quotes it.
#include <fmt/format.h>
#include <pqxx/pqxx>

#include <algorithm>
#include <atomic>
#include <cctype>
#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <cstdlib>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "dialects/postgres/catalog.h"
#include "dialects/postgres/conninfo.h"
#include "dialects/postgres/in_session.h"
#include "dialects/postgres/postgres.h"

namespace keel::pg {
namespace {

// "cannot connect: <libpq's reason>; <what to do>".
std::string connect_message(const char* what) {
  std::string reason = what;
  while (!reason.empty() && std::isspace(static_cast<unsigned char>(reason.back()))) {
    reason.pop_back();
  }
  return fmt::format(
      "cannot connect: {}; check the URL's host, port, database, user and password, and that "
      "the server accepts connections from here",
      reason);
}

class PqxxRow final : public Row {
 public:
  explicit PqxxRow(const pqxx::row& row) : row_(row) {}
  std::string_view view(int column) const override {
    pqxx::field f = row_[column];
    return {f.c_str(), f.size()};
  }
  bool is_null(int column) const override { return row_[column].is_null(); }

 private:
  const pqxx::row& row_;
};

Error make_error(ErrorCode code, const std::string& message, const ConnectionUrl& url,
                 std::string sqlstate = {}) {
  std::string text = mask_secrets(message, {url.password});
  while (!text.empty() && (text.back() == '\n' || text.back() == ' ')) text.pop_back();
  // The masked URL hides the userinfo password; the password may also sit
  // elsewhere in the URL (a query parameter libpq complained about).
  return Error{code, std::move(text), mask_secrets(url.masked, {url.password}),
               std::move(sqlstate)};
}

// Runs `body`, turning every exception into an Error.
template <typename Fn>
auto guarded(const ConnectionUrl& url, ErrorCode code, Fn&& body) -> decltype(body()) {
  try {
    return body();
  } catch (const pqxx::sql_error& e) {
    return std::unexpected(make_error(ErrorCode::kSql, e.what(), url, e.sqlstate()));
  } catch (const pqxx::broken_connection& e) {
    return std::unexpected(make_error(ErrorCode::kConnection, e.what(), url));
  } catch (const std::exception& e) {
    return std::unexpected(make_error(code, e.what(), url));
  }
}

// Another session that runs prefetched queries, in order, in the same
// snapshot (pg_export_snapshot), so the server works on several catalog reads
// at once while this process turns earlier results into the model.
class Helper {
 public:
  Helper(const ConnectionUrl& url, std::string snapshot_id, std::string setup,
         std::vector<std::string> queries)
      : url_(url), queries_(std::move(queries)) {
    thread_ = std::thread(
        [this, id = std::move(snapshot_id), setup = std::move(setup)] { run(id, setup); });
  }
  ~Helper() {
    stop_ = true;
    thread_.join();
  }
  bool has(std::string_view sql) const {
    return std::find(queries_.begin(), queries_.end(), sql) != queries_.end();
  }
  // Waits for the result of a prefetched query; nullopt when the helper
  // failed, and the caller runs the query itself (so a real error in the
  // statement is reported from the main session).
  std::optional<pqxx::result> take(std::string_view sql) {
    std::unique_lock lock(mutex_);
    ready_.wait(lock, [&] { return failed_ || results_.contains(sql); });
    if (auto it = results_.find(sql); it != results_.end()) return it->second;
    return std::nullopt;
  }

 private:
  void run(const std::string& id, const std::string& setup) {
    Result<void> done = guarded(url_, ErrorCode::kSql, [&]() -> Result<void> {
      pqxx::connection conn(driver_conninfo(url_.url));
      pqxx::nontransaction tx(conn, "keel capture helper");
      tx.exec("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY");
      // The id is the server's own ("00000003-0000001B-1"): no quoting needed.
      tx.exec(fmt::format("SET TRANSACTION SNAPSHOT '{}'", id));
      tx.exec(setup);
      for (const std::string& sql : queries_) {
        if (stop_) break;
        pqxx::result result = tx.exec(sql);
        std::lock_guard lock(mutex_);
        results_.emplace(sql, std::move(result));
        ready_.notify_all();
      }
      tx.exec("COMMIT");
      return {};
    });
    std::lock_guard lock(mutex_);
    failed_ = !done.has_value();
    ready_.notify_all();
  }

  const ConnectionUrl& url_;
  std::vector<std::string> queries_;
  std::thread thread_;
  std::atomic<bool> stop_ = false;
  std::mutex mutex_;
  std::condition_variable ready_;
  std::map<std::string, pqxx::result, std::less<>> results_;
  bool failed_ = false;
};

class PqxxSnapshot final : public Snapshot {
 public:
  // `helpers`: other sessions may share the snapshot (pg_export_snapshot).
  // Not when the transaction has uncommitted changes of its own, which no
  // other session can see.
  PqxxSnapshot(pqxx::nontransaction& tx, const ConnectionUrl& url, bool helpers = true)
      : tx_(tx), url_(url), allow_helpers_(helpers) {}

  Result<void> each_row(std::string_view sql, const RowFn& fn) override {
    return guarded(url_, ErrorCode::kSql, [&]() -> Result<void> {
      auto t0 = std::chrono::steady_clock::now();
      pqxx::result result;
      std::optional<pqxx::result> fetched;
      for (auto& helper : helpers_) {
        if (helper->has(sql)) fetched = helper->take(sql);
      }
      result = fetched ? std::move(*fetched) : tx_.exec(std::string(sql));
      auto t1 = std::chrono::steady_clock::now();
      for (const pqxx::row& row : result) fn(PqxxRow(row));
      trace(sql, result.size(), t0, t1);
      return {};
    });
  }

  void prefetch(std::string_view setup,
                const std::vector<std::vector<std::string>>& lanes) override {
    if (!allow_helpers_ || !helpers_.empty()) return;
    // Without helpers (the server refuses more sessions, say) every query
    // simply runs here.
    try {
      pqxx::result r = tx_.exec("SELECT pg_export_snapshot()");
      for (const auto& queries : lanes) {
        helpers_.push_back(
            std::make_unique<Helper>(url_, r[0][0].c_str(), std::string(setup), queries));
      }
    } catch (const std::exception&) {
      helpers_.clear();
    }
  }

 private:
  static void trace(std::string_view sql, size_t rows, std::chrono::steady_clock::time_point t0,
                    std::chrono::steady_clock::time_point t1) {
    if (std::getenv("KEEL_TRACE_SQL") == nullptr) return;
    auto t2 = std::chrono::steady_clock::now();
    std::string head(sql.substr(sql.starts_with('\n') ? 1 : 0, 60));
    std::fprintf(stderr, "%7.1f ms wait %7.1f ms build %7zu rows  %s\n",
                 std::chrono::duration<double, std::milli>(t1 - t0).count(),
                 std::chrono::duration<double, std::milli>(t2 - t1).count(), rows, head.c_str());
  }

  pqxx::nontransaction& tx_;
  const ConnectionUrl& url_;
  bool allow_helpers_ = true;
  std::vector<std::unique_ptr<Helper>> helpers_;
};

class PgConnection final : public Connection {
 public:
  PgConnection(std::unique_ptr<pqxx::connection> conn, ConnectionUrl url)
      : conn_(std::move(conn)), url_(std::move(url)) {}

  Result<Manifest> capture(const CaptureOptions& options) override {
    return guarded(url_, ErrorCode::kSql, [&]() -> Result<Manifest> {
      pqxx::nontransaction tx(*conn_, "keel capture");
      tx.exec("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY");
      PqxxSnapshot snap(tx, url_);
      Manifest manifest;
      Result<void> done = inspect(snap, options, manifest);
      tx.exec(done ? "COMMIT" : "ROLLBACK");
      if (!done) return std::unexpected(done.error());
      return manifest;
    });
  }

 private:
  std::unique_ptr<pqxx::connection> conn_;
  ConnectionUrl url_;
};

}  // namespace

Result<Manifest> inspect_session(pqxx::nontransaction& tx, const ConnectionUrl& url,
                                 const CaptureOptions& options) {
  return guarded(url, ErrorCode::kSql, [&]() -> Result<Manifest> {
    PqxxSnapshot snap(tx, url, /*helpers=*/false);
    Manifest manifest;
    if (auto done = inspect(snap, options, manifest); !done) return std::unexpected(done.error());
    return manifest;
  });
}

Result<std::unique_ptr<Connection>> connect(const ConnectionUrl& url) {
  return guarded(url, ErrorCode::kConnection, [&]() -> Result<std::unique_ptr<Connection>> {
    try {
      auto conn = std::make_unique<pqxx::connection>(driver_conninfo(url.url));
      return std::make_unique<PgConnection>(std::move(conn), url);
    } catch (const pqxx::sql_error& e) {
      // Errors before a session exists are connection errors.
      return std::unexpected(
          make_error(ErrorCode::kConnection, connect_message(e.what()), url, e.sqlstate()));
    } catch (const std::exception& e) {
      return std::unexpected(make_error(ErrorCode::kConnection, connect_message(e.what()), url));
    }
  });
}

}  // namespace keel::pg
