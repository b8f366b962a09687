// PostgreSQL's part of a rollout (rollout.h).
#include "dialects/postgres/rollout.h"

#include <fmt/format.h>

#include <libpq-fe.h>

#include <charconv>
#include <memory>

#include "dialects/postgres/conninfo.h"
#include "dialects/postgres/session.h"

namespace keel::pg {
namespace {

class PgProbe final : public rollout::Probe {
 public:
  PgProbe(ConnectionUrl url, std::string query)
      : url_(std::move(url)),
        text_("BEGIN; SET LOCAL statement_timeout = '2s'; " +
              (query.empty() ? std::string("SELECT 1") : query) + "; COMMIT") {}
  Result<void> connect() override {
    if (session_) return {};
    auto session = Session::open(url_);
    if (!session) return std::unexpected(session.error());
    session_ = std::move(*session);
    return {};
  }
  Result<void> run_once() override {
    if (auto ok = connect(); !ok) return ok;
    auto rows = session_->exec(text_);
    if (!rows) {
      session_.reset();  // its transaction is aborted, or the connection is gone
      return std::unexpected(rows.error());
    }
    return {};
  }

 private:
  ConnectionUrl url_;
  std::string text_;
  std::unique_ptr<Session> session_;
};

class PgStats final : public rollout::ServerStats {
 public:
  explicit PgStats(ConnectionUrl url) : url_(std::move(url)) {}

  Result<std::optional<double>> lag_ms() override {
    auto rows = exec(
        "SELECT count(*), max(extract(epoch FROM coalesce(replay_lag, interval '0')) * 1000) "
        "FROM pg_catalog.pg_stat_replication");
    if (!rows) return std::unexpected(rows.error());
    if ((*rows)[0].int64(0) == 0) return std::optional<double>();
    return std::optional<double>((*rows)[0].real(1));
  }
  Result<double> saturation() override {
    auto rows = exec(
        "SELECT count(*)::float8 / current_setting('max_connections')::float8 "
        "FROM pg_catalog.pg_stat_activity WHERE backend_type = 'client backend'");
    if (!rows) return std::unexpected(rows.error());
    return (*rows)[0].real(0);
  }
  // PgBouncer's admin console, through libpq itself: libpqxx refuses a server that reports
  // PgBouncer's version (and leaks the connection doing so). One connection per read: a sample
  // a second is not worth a session kept open on the console.
  Result<std::vector<rollout::PoolStats>> pools(const ConnectionUrl& admin) override {
    std::unique_ptr<PGconn, decltype(&PQfinish)> conn(
        PQconnectdb(driver_conninfo(admin.url).c_str()), &PQfinish);
    auto failed = [&](const std::string& what) {
      std::vector<std::string> secrets;
      if (!admin.password.empty()) secrets.push_back(admin.password);
      return fail(
          ErrorCode::kConnection,
          mask_secrets(fmt::format("{}: {}", what, server_message(PQerrorMessage(conn.get()))),
                       secrets),
          admin.masked);
    };
    if (!conn || PQstatus(conn.get()) != CONNECTION_OK)
      return failed("cannot connect to PgBouncer's console");
    // The console speaks the simple query protocol only; its columns differ between versions,
    // so they are read by name.
    std::unique_ptr<PGresult, decltype(&PQclear)> result(PQexec(conn.get(), "SHOW POOLS"),
                                                         &PQclear);
    if (!result || PQresultStatus(result.get()) != PGRES_TUPLES_OK)
      return failed("SHOW POOLS failed");
    PGresult* r = result.get();
    auto text = [r](int row, const char* column) -> std::string {
      const int c = PQfnumber(r, column);
      return c < 0 || PQgetisnull(r, row, c) ? std::string() : std::string(PQgetvalue(r, row, c));
    };
    auto number = [&](int row, const char* column) -> int64_t {
      const std::string v = text(row, column);
      int64_t out = 0;
      std::from_chars(v.data(), v.data() + v.size(), out);
      return out;
    };
    std::vector<rollout::PoolStats> out;
    for (int row = 0; row < PQntuples(r); ++row) {
      rollout::PoolStats p;
      p.name = fmt::format("{}/{}", text(row, "database"), text(row, "user"));
      p.clients_active = number(row, "cl_active");
      p.clients_waiting = number(row, "cl_waiting");
      p.servers_active = number(row, "sv_active");
      p.servers_idle = number(row, "sv_idle");
      p.max_wait_ms = static_cast<double>(number(row, "maxwait")) * 1000.0 +
                      static_cast<double>(number(row, "maxwait_us")) / 1000.0;
      out.push_back(std::move(p));
    }
    return out;
  }

 private:
  Result<Rows> exec(const char* sql) {
    if (!session_) {
      auto opened = Session::open(url_);
      if (!opened) return std::unexpected(opened.error());
      session_ = std::move(*opened);
    }
    auto rows = session_->exec(sql);
    if (!rows) session_.reset();
    return rows;
  }

  ConnectionUrl url_;
  std::unique_ptr<Session> session_;
};

}  // namespace

Result<std::unique_ptr<rollout::Probe>> open_rollout_probe(const ConnectionUrl& route,
                                                           const std::string& query) {
  return std::unique_ptr<rollout::Probe>(new PgProbe(route, query));
}

Result<std::unique_ptr<rollout::ServerStats>> open_rollout_stats(const ConnectionUrl& primary) {
  return std::unique_ptr<rollout::ServerStats>(new PgStats(primary));
}

}  // namespace keel::pg
