// PostgreSQL sessions: the only file that includes libpqxx. Every pqxx or
// standard exception is caught here and becomes a keel::Error whose message
// has the password masked, even when libpq itself quotes it.
#include "dialects/postgres/session.h"

#include <fmt/format.h>
#include <pqxx/pqxx>

#include <algorithm>
#include <atomic>
#include <cctype>
#include <condition_variable>
#include <cstdio>
#include <cstdlib>
#include <map>
#include <mutex>
#include <thread>

#include "dialects/postgres/conninfo.h"

namespace keel::pg {

std::string server_message(std::string_view text) {
  text = text.substr(0, text.find('\n'));
  for (std::string_view prefix : {"ERROR:  ", "FATAL:  "}) {
    if (text.starts_with(prefix)) text.remove_prefix(prefix.size());
  }
  return std::string(text);
}

std::string connect_message(std::string_view reason) {
  while (!reason.empty() && std::isspace(static_cast<unsigned char>(reason.back()))) {
    reason.remove_suffix(1);
  }
  return fmt::format(
      "cannot connect: {}; check the URL's host, port, database, user and password, and that "
      "the server accepts connections from here",
      reason);
}

namespace {

// The masked URL hides the userinfo password; the password may also sit
// elsewhere in the URL (a query parameter libpq complained about).
Error make_error(ErrorCode code, const std::string& message, const ConnectionUrl& url,
                 std::string sqlstate = {}) {
  return Error{code, mask_secrets(message, {url.password}),
               mask_secrets(url.masked, {url.password}), std::move(sqlstate)};
}

// The exception's SQLSTATE. libpqxx 6 throws some of its specific classes
// (insufficient_privilege, ...) without the code it read: named here.
std::string sqlstate_of(const pqxx::sql_error& e) {
  if (!e.sqlstate().empty()) return e.sqlstate();
  if (dynamic_cast<const pqxx::insufficient_privilege*>(&e)) return "42501";
  if (dynamic_cast<const pqxx::syntax_error*>(&e)) return "42601";
  if (dynamic_cast<const pqxx::undefined_table*>(&e)) return "42P01";
  if (dynamic_cast<const pqxx::undefined_column*>(&e)) return "42703";
  if (dynamic_cast<const pqxx::undefined_function*>(&e)) return "42883";
  if (dynamic_cast<const pqxx::unique_violation*>(&e)) return "23505";
  if (dynamic_cast<const pqxx::foreign_key_violation*>(&e)) return "23503";
  if (dynamic_cast<const pqxx::not_null_violation*>(&e)) return "23502";
  if (dynamic_cast<const pqxx::check_violation*>(&e)) return "23514";
  if (dynamic_cast<const pqxx::deadlock_detected*>(&e)) return "40P01";
  if (dynamic_cast<const pqxx::serialization_failure*>(&e)) return "40001";
  if (dynamic_cast<const pqxx::feature_not_supported*>(&e)) return "0A000";
  return {};
}

// The one translation of driver exceptions (see session.h).
template <typename Fn>
auto translated(const ConnectionUrl& url, int* position, Fn&& body) -> decltype(body()) {
  if (position != nullptr) *position = 0;
  try {
    return body();
  } catch (const pqxx::syntax_error& e) {
    if (position != nullptr) *position = e.error_position;
    return std::unexpected(
        make_error(ErrorCode::kSql, server_message(e.what()), url, sqlstate_of(e)));
  } catch (const pqxx::sql_error& e) {
    return std::unexpected(
        make_error(ErrorCode::kSql, server_message(e.what()), url, sqlstate_of(e)));
  } catch (const pqxx::broken_connection& e) {
    return std::unexpected(make_error(ErrorCode::kConnection,
                                      "lost the connection: " + server_message(e.what()), url));
  } catch (const std::exception& e) {
    return std::unexpected(make_error(ErrorCode::kSql, server_message(e.what()), url));
  }
}

Rows copy_rows(const pqxx::result& result) {
  Rows out;
  out.columns = static_cast<int>(result.columns());
  out.affected = static_cast<int64_t>(result.affected_rows());
  out.rows.reserve(result.size());
  for (const pqxx::row& row : result) {
    std::vector<std::optional<std::string>> fields;
    fields.reserve(row.size());
    for (const pqxx::field& f : row) {
      if (f.is_null()) {
        fields.emplace_back();
      } else {
        fields.emplace_back(std::string(f.c_str(), f.size()));
      }
    }
    out.rows.emplace_back(std::move(fields));
  }
  return out;
}

// A row of a driver result, read in place (capture reads millions of
// fields: no copies).
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
    Result<void> done = translated(url_, nullptr, [&]() -> Result<void> {
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
  PqxxSnapshot(pqxx::nontransaction& tx, const ConnectionUrl& url, bool helpers)
      : tx_(tx), url_(url), allow_helpers_(helpers) {}

  Result<void> each_row(std::string_view sql, const RowFn& fn) override {
    return translated(url_, nullptr, [&]() -> Result<void> {
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

}  // namespace

// The connection and the one transaction object every statement runs in
// (a nontransaction: statements run as sent, BEGIN/COMMIT included).
struct Session::Driver {
  explicit Driver(const std::string& conninfo) : conn(conninfo), tx(conn, "keel") {}
  pqxx::connection conn;
  pqxx::nontransaction tx;
};

Session::Session(const ConnectionUrl& url, std::unique_ptr<Driver> driver)
    : url_(url), driver_(std::move(driver)) {}

Session::~Session() = default;

Result<std::unique_ptr<Session>> Session::open(const ConnectionUrl& url) {
  try {
    auto driver = std::make_unique<Driver>(driver_conninfo(url.url));
    return std::unique_ptr<Session>(new Session(url, std::move(driver)));
  } catch (const pqxx::sql_error& e) {
    // Errors before a session exists are connection errors.
    return std::unexpected(
        make_error(ErrorCode::kConnection, connect_message(e.what()), url, sqlstate_of(e)));
  } catch (const std::exception& e) {
    return std::unexpected(make_error(ErrorCode::kConnection, connect_message(e.what()), url));
  }
}

int Session::server_version() const { return driver_->conn.server_version(); }
int Session::backend_pid() const { return driver_->conn.backendpid(); }

template <typename Fn>
auto Session::guarded(Fn&& body) -> decltype(body()) {
  return translated(url_, &last_error_position_, std::forward<Fn>(body));
}

Result<Rows> Session::exec(std::string_view sql) {
  return guarded([&]() -> Result<Rows> { return copy_rows(driver_->tx.exec(std::string(sql))); });
}

Result<Rows> Session::exec(std::string_view sql, const std::vector<Param>& params) {
  return guarded([&]() -> Result<Rows> {
    return copy_rows(
        driver_->tx.exec_params(std::string(sql), pqxx::prepare::make_dynamic_params(params)));
  });
}

Result<std::string> Session::value(std::string_view sql, const std::vector<Param>& params) {
  auto rows = params.empty() ? exec(sql) : exec(sql, params);
  if (!rows) return std::unexpected(rows.error());
  if (rows->empty() || rows->columns == 0) {
    return std::unexpected(make_error(ErrorCode::kSql, "the query returned no value", url_));
  }
  return (*rows)[0].str(0);
}

Result<bool> Session::flag(std::string_view sql, const std::vector<Param>& params) {
  auto text = value(sql, params);
  if (!text) return std::unexpected(text.error());
  return *text == "t";
}

Result<void> Session::set(const std::vector<std::pair<std::string, std::string>>& settings,
                          bool local) {
  if (settings.empty()) return {};
  std::string sql = "SELECT ";
  std::vector<Param> params;
  for (const auto& [name, value] : settings) {
    size_t n = params.size();
    sql += fmt::format("{}set_config(${}, ${}, ${})", n == 0 ? "" : ", ", n + 1, n + 2, n + 3);
    params.emplace_back(name);
    params.emplace_back(value);
    params.emplace_back(local ? "true" : "false");
  }
  auto done = exec(sql, params);
  if (!done) return std::unexpected(done.error());
  return {};
}

Result<void> Session::set_timeouts(std::chrono::milliseconds lock,
                                   std::chrono::milliseconds statement, bool local) {
  return set({{"lock_timeout", fmt::format("{}ms", lock.count())},
              {"statement_timeout", fmt::format("{}ms", statement.count())}},
             local);
}

Result<void> Session::transaction(const std::function<Result<void>()>& body) {
  if (auto begun = exec("BEGIN"); !begun) return std::unexpected(begun.error());
  Result<void> done = body();
  if (done) {
    if (auto committed = exec("COMMIT"); !committed) return std::unexpected(committed.error());
    return {};
  }
  int position = last_error_position_;
  // A broken connection has no transaction left to end.
  (void)exec("ROLLBACK");
  last_error_position_ = position;
  return done;
}

std::unique_ptr<Snapshot> Session::snapshot(bool helpers) {
  return std::make_unique<PqxxSnapshot>(driver_->tx, url_, helpers);
}

}  // namespace keel::pg
