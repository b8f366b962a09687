// keel: connection URLs, secret masking, and the one interface every dialect
// implements.
#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "keel/error.h"
#include "keel/manifest.h"

namespace keel {

namespace dialects {
struct Driver;
}

// A registered dialect: a handle on its Driver (include/keel/dialect.h), which
// names it, opens its sessions and says what it can do. Cheap to copy; equal
// for the same dialect. Null only when default-constructed.
class Dialect {
 public:
  Dialect() = default;
  Dialect(const dialects::Driver& driver) : driver_(&driver) {}  // implicit on purpose
  const dialects::Driver& operator*() const { return *driver_; }
  const dialects::Driver* operator->() const { return driver_; }
  explicit operator bool() const { return driver_ != nullptr; }
  friend bool operator==(Dialect, Dialect) = default;

 private:
  const dialects::Driver* driver_ = nullptr;
};

struct ConnectionUrl {
  Dialect dialect;       // set by parse_connection_url: the dialect that reads the URL
  std::string url;       // as given; holds the password: never print it
  std::string masked;    // the URL with its password replaced by ***
  std::string password;  // decoded password, empty if none (used only for masking)
  std::string path;      // SQLite: the database file path
  // PostgreSQL, as libpq reads them (the first of several hosts/ports);
  // empty when not given.
  std::string host, port, database;
};

// Accepts the connection strings of every registered dialect (the one
// dialects::find_by_url picks parses it): postgresql://user:pass@host:port/db
// ?sslmode=..., postgres://..., libpq key/value strings ("host=h port=5432
// dbname=app password='p w'"), sqlite:///abs/path.db and sqlite:rel/path.db
// (relative to the current directory). PostgreSQL strings are parsed by libpq
// itself, so the password is the one libpq sends. Errors never quote the
// text: it may hold a password.
Result<ConnectionUrl> parse_connection_url(const std::string& url);

// True for text meant as a connection string rather than a file name: one a
// registered dialect reads (postgresql://, postgres://, sqlite:,
// "keyword=..." libpq key/value), or any other "scheme://" (refused by
// parse_connection_url without echo).
bool is_connection_string(const std::string& text);

// Replaces every occurrence of each secret (and its percent-encoded forms)
// with ***. Empty secrets are ignored.
std::string mask_secrets(std::string text, const std::vector<std::string>& secrets);

// The password(s) of a PostgreSQL URL or key/value string replaced by ***,
// where libpq reads them; text that libpq cannot parse (or reads as another
// server) with everything that may be a password masked: from a URL's first
// ':' after "//" to its last '@', every password=... value. Other text (a
// file name, a SQLite URL) as is.
std::string mask_url(const std::string& url);

struct CaptureOptions {
  // Server settings recorded in the manifest (PostgreSQL); by default the
  // dialect's Driver::default_settings.
  std::vector<std::string> settings;
};

// One open connection to one environment. Each dialect implements it in
// src/dialects/<dialect>/; it is the only place that speaks SQL.
class Connection {
 public:
  virtual ~Connection() = default;
  // Reads the catalogs in one consistent snapshot and returns the manifest.
  virtual Result<Manifest> capture(const CaptureOptions& options) = 0;
};

// Opens a connection. Errors name the masked URL and never hold the password.
Result<std::unique_ptr<Connection>> connect(const ConnectionUrl& url);

}  // namespace keel
