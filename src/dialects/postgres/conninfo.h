// PostgreSQL connection strings as libpq reads them: URIs
// (postgresql://user:password@host:port/db?param=value) and key/value strings
// (host=... password='...' dbname=...), parsed by libpq's own PQconninfoParse,
// so keel finds the password exactly where libpq does. The only file that
// calls libpq directly (libpqxx stays in session.cc).
#pragma once

#include <cstddef>
#include <map>
#include <string>
#include <utility>
#include <vector>

#include "keel/error.h"

namespace keel::pg {

// [begin, end) offsets into a connection string.
using Span = std::pair<size_t, size_t>;

struct Conninfo {
  bool uri = false;                            // postgresql:// or postgres://
  std::map<std::string, std::string> options;  // keyword -> value, decoded, as libpq set them
  // Where each password / sslpassword value sits in the text (several when
  // given twice, e.g. in the userinfo and in the query string).
  std::vector<Span> secret_spans;
  // A URI with an '@' in its host, port or database: a user name or password
  // holding a raw '@' or '/', which libpq reads as a different server.
  bool stray_at = false;
};

// True for postgresql:// and postgres:// URIs.
bool is_uri(const std::string& text);

// True for text that is meant as a key/value connection string: not a URI,
// holding "keyword=" (it may still fail to parse).
bool looks_like_keyword_value(const std::string& text);

// Parses a URI or a key/value string with PQconninfoParse. The error message
// never quotes the text or any part of it (libpq's messages quote the bad
// token, which may be the password).
Result<Conninfo> parse_conninfo(const std::string& text);

// For text libpq cannot parse (or parses into another server): everything
// that may be a password, generously: from the first ':' of a URI's
// authority up to its last '@', and every password= / sslpassword= value.
std::vector<Span> probable_secret_spans(const std::string& text);

// The key/value string the driver connects with: libpq's reading of `text`,
// with connect_timeout=10 unless it sets one. `text` as is when it does not
// parse (parse_connection_url refuses such text before).
std::string driver_conninfo(const std::string& text);

}  // namespace keel::pg
