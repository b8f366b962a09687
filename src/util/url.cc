// Connection URL parsing and secret masking.
#include <fmt/format.h>

#include <cctype>
#include <cstdlib>
#include <utility>
#include <vector>

#include "keel/connection.h"

namespace keel {
namespace {

std::string percent_decode(std::string_view s) {
  std::string out;
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '%' && i + 2 < s.size() && std::isxdigit(static_cast<unsigned char>(s[i + 1])) &&
        std::isxdigit(static_cast<unsigned char>(s[i + 2]))) {
      out += static_cast<char>(std::stoi(std::string(s.substr(i + 1, 2)), nullptr, 16));
      i += 2;
    } else {
      out += s[i];
    }
  }
  return out;
}

void replace_all(std::string& text, const std::string& needle, std::string_view with) {
  if (needle.empty()) return;
  for (size_t pos = text.find(needle); pos != std::string::npos;
       pos = text.find(needle, pos + with.size())) {
    text.replace(pos, needle.size(), with);
  }
}

struct UserInfo {
  size_t password_begin = std::string::npos;  // offset of the password in the URL
  size_t password_end = std::string::npos;
};

// Locates "user:password@" after "scheme://" (RFC 3986 userinfo).
UserInfo find_userinfo(const std::string& url) {
  UserInfo info;
  size_t scheme = url.find("://");
  if (scheme == std::string::npos) return info;
  size_t start = scheme + 3;
  size_t end = url.find_first_of("/?#", start);
  std::string_view authority(url.data() + start,
                             (end == std::string::npos ? url.size() : end) - start);
  size_t at = authority.rfind('@');
  if (at == std::string_view::npos) return info;
  size_t colon = authority.find(':');
  if (colon == std::string_view::npos || colon > at) return info;
  info.password_begin = start + colon + 1;
  info.password_end = start + at;
  return info;
}

// The values of password= and sslpassword= in the query string (libpq
// takes connection parameters there too), as [begin, end) offsets.
std::vector<std::pair<size_t, size_t>> find_query_secrets(const std::string& url) {
  std::vector<std::pair<size_t, size_t>> out;
  size_t query = url.find('?');
  if (query == std::string::npos) return out;
  size_t end_of_query = url.find('#', query);
  if (end_of_query == std::string::npos) end_of_query = url.size();
  for (size_t begin = query + 1; begin < end_of_query;) {
    size_t end = url.find('&', begin);
    if (end == std::string::npos || end > end_of_query) end = end_of_query;
    std::string_view param(url.data() + begin, end - begin);
    size_t eq = param.find('=');
    if (eq != std::string_view::npos) {
      std::string_view key = param.substr(0, eq);
      if (key == "password" || key == "sslpassword") out.emplace_back(begin + eq + 1, end);
    }
    begin = end + 1;
  }
  return out;
}

}  // namespace

std::string mask_url(const std::string& url) {
  std::string out = url;
  // Right to left, so earlier offsets stay valid.
  auto secrets = find_query_secrets(url);
  for (auto it = secrets.rbegin(); it != secrets.rend(); ++it) {
    out.replace(it->first, it->second - it->first, "***");
  }
  UserInfo info = find_userinfo(url);
  if (info.password_begin != std::string::npos) {
    out.replace(info.password_begin, info.password_end - info.password_begin, "***");
  }
  return out;
}

std::string mask_secrets(std::string text, const std::vector<std::string>& secrets) {
  for (const auto& secret : secrets) {
    if (secret.empty()) continue;
    replace_all(text, secret, "***");
  }
  return text;
}

Result<ConnectionUrl> parse_connection_url(const std::string& url) {
  ConnectionUrl out;
  out.url = url;
  out.masked = mask_url(url);
  if (url.starts_with("postgresql://") || url.starts_with("postgres://")) {
    out.dialect = Dialect::kPostgres;
    UserInfo info = find_userinfo(url);
    if (info.password_begin != std::string::npos) {
      std::string raw = url.substr(info.password_begin, info.password_end - info.password_begin);
      out.password = percent_decode(raw);
      if (out.password != raw) out.masked = mask_secrets(out.masked, {raw});
    }
    for (auto [begin, end] : find_query_secrets(url)) {
      std::string raw = url.substr(begin, end - begin);
      if (out.password.empty()) out.password = percent_decode(raw);
    }
    if (const char* env = std::getenv("PGPASSWORD"); env != nullptr && out.password.empty()) {
      out.password = env;
    }
    return out;
  }
  if (url.starts_with("sqlite:")) {
    out.dialect = Dialect::kSqlite;
    std::string rest = url.substr(7);
    if (rest.starts_with("///")) {
      out.path = percent_decode(rest.substr(2));  // keep the leading '/'
    } else if (rest.starts_with("//")) {
      return fail(ErrorCode::kUsage,
                  "a SQLite URL has no host; use sqlite:///abs/path.db or sqlite:rel/path.db",
                  out.masked);
    } else {
      out.path = percent_decode(rest);
    }
    if (out.path.empty()) {
      return fail(ErrorCode::kUsage,
                  "the SQLite URL names no file; use sqlite:///abs/path.db or sqlite:rel/path.db",
                  out.masked);
    }
    return out;
  }
  return fail(ErrorCode::kUsage,
              "unsupported connection URL; use postgresql://user:pass@host:port/db, "
              "sqlite:///abs/path.db or sqlite:rel/path.db",
              out.masked);
}

}  // namespace keel
