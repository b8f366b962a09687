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

enum class Dialect { kPostgres, kSqlite };

struct ConnectionUrl {
  Dialect dialect = Dialect::kPostgres;
  std::string url;       // as given; holds the password: never print it
  std::string masked;    // the URL with its password replaced by ***
  std::string password;  // decoded password, empty if none (used only for masking)
  std::string path;      // SQLite: the database file path
};

// Accepts postgresql://user:pass@host:port/db?sslmode=..., postgres://...,
// sqlite:///abs/path.db and sqlite:rel/path.db (relative to the current directory).
Result<ConnectionUrl> parse_connection_url(const std::string& url);

// Replaces every occurrence of each secret (and its percent-encoded form)
// with ***. Empty secrets are ignored.
std::string mask_secrets(std::string text, const std::vector<std::string>& secrets);

// The password of a URL-looking string replaced by ***; anything else as is.
std::string mask_url(const std::string& url);

struct CaptureOptions {
  // Server settings recorded in the manifest (PostgreSQL).
  std::vector<std::string> settings;
};

// The default settings list of the manifest (PostgreSQL).
const std::vector<std::string>& default_settings();

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
