// PostgreSQL connections: a capture is the inspector (inspect.cc) reading
// the catalogs through a Session's snapshot (session.cc, the one file that
// includes libpqxx).
#include <memory>
#include <string>

#include "dialects/postgres/catalog.h"
#include "dialects/postgres/in_session.h"
#include "dialects/postgres/postgres.h"
#include "dialects/postgres/session.h"

namespace keel::pg {
namespace {

class PgConnection final : public Connection {
 public:
  explicit PgConnection(std::unique_ptr<Session> session) : session_(std::move(session)) {}

  Result<Manifest> capture(const CaptureOptions& options) override {
    if (auto begun = session_->exec("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY"); !begun) {
      return std::unexpected(begun.error());
    }
    Manifest manifest;
    Result<void> done = [&] {
      auto snap = session_->snapshot(/*helpers=*/true);
      return inspect(*snap, options, manifest);
    }();
    auto ended = session_->exec(done ? "COMMIT" : "ROLLBACK");
    if (!done) return std::unexpected(done.error());
    if (!ended) return std::unexpected(ended.error());
    return manifest;
  }

 private:
  std::unique_ptr<Session> session_;
};

}  // namespace

Result<Manifest> inspect_session(Session& session, const CaptureOptions& options) {
  auto snap = session.snapshot(/*helpers=*/false);
  Manifest manifest;
  if (auto done = inspect(*snap, options, manifest); !done) return std::unexpected(done.error());
  return manifest;
}

Result<std::unique_ptr<Connection>> connect(const ConnectionUrl& url) {
  auto session = Session::open(url);
  if (!session) return std::unexpected(session.error());
  return std::unique_ptr<Connection>(std::make_unique<PgConnection>(std::move(*session)));
}

}  // namespace keel::pg
