// PostgreSQL connections: the only file that includes libpqxx. Every pqxx or
// standard exception is caught here and becomes a keel::Error whose message
// has the password masked, even when libpq itself quotes it.
#include <pqxx/pqxx>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <string>

#include "dialects/postgres/catalog.h"
#include "dialects/postgres/postgres.h"

namespace keel::pg {
namespace {

// Gives up on an unreachable host instead of waiting for the OS timeout.
constexpr std::string_view kConnectTimeout = "connect_timeout=10";

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

class PqxxSnapshot final : public Snapshot {
 public:
  PqxxSnapshot(pqxx::nontransaction& tx, const ConnectionUrl& url) : tx_(tx), url_(url) {}

  Result<void> each_row(std::string_view sql, const RowFn& fn) override;

 private:
  pqxx::nontransaction& tx_;
  const ConnectionUrl& url_;
};

Error make_error(ErrorCode code, const std::string& message, const ConnectionUrl& url,
                 std::string sqlstate = {}) {
  std::string text = mask_secrets(message, {url.password});
  while (!text.empty() && (text.back() == '\n' || text.back() == ' ')) text.pop_back();
  return Error{code, std::move(text), url.masked, std::move(sqlstate)};
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

Result<void> PqxxSnapshot::each_row(std::string_view sql, const RowFn& fn) {
  return guarded(url_, ErrorCode::kSql, [&]() -> Result<void> {
    auto t0 = std::chrono::steady_clock::now();
    pqxx::result result = tx_.exec(std::string(sql));
    auto t1 = std::chrono::steady_clock::now();
    for (const pqxx::row& row : result) fn(PqxxRow(row));
    auto t2 = std::chrono::steady_clock::now();
    if (std::getenv("KEEL_TRACE_SQL") != nullptr) {
      std::fprintf(stderr, "%7.1f ms server %7.1f ms client %6zu rows  %.60s\n",
                   std::chrono::duration<double, std::milli>(t1 - t0).count(),
                   std::chrono::duration<double, std::milli>(t2 - t1).count(), result.size(),
                   std::string(sql.substr(0, 200)).c_str() + (sql.starts_with("\n") ? 1 : 0));
    }
    return {};
  });
}

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

std::string with_timeout(const std::string& url) {
  if (url.find("connect_timeout=") != std::string::npos) return url;
  return url + (url.find('?') == std::string::npos ? "?" : "&") + std::string(kConnectTimeout);
}

}  // namespace

Result<std::unique_ptr<Connection>> connect(const ConnectionUrl& url) {
  return guarded(url, ErrorCode::kConnection, [&]() -> Result<std::unique_ptr<Connection>> {
    try {
      auto conn = std::make_unique<pqxx::connection>(with_timeout(url.url));
      return std::make_unique<PgConnection>(std::move(conn), url);
    } catch (const pqxx::sql_error& e) {
      // Errors before a session exists are connection errors.
      return std::unexpected(make_error(
          ErrorCode::kConnection, "cannot connect: " + std::string(e.what()), url, e.sqlstate()));
    } catch (const std::exception& e) {
      return std::unexpected(
          make_error(ErrorCode::kConnection, "cannot connect: " + std::string(e.what()), url));
    }
  });
}

}  // namespace keel::pg
