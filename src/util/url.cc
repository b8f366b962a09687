// Connection URL parsing and secret masking. PostgreSQL connection strings
// (URIs and key/value strings) are read by libpq's own parser
// (dialects/postgres/conninfo.cc), so the password masked is the one libpq
// uses; text that does not parse is never shown.
#include <fmt/format.h>

#include <algorithm>
#include <cctype>
#include <cstdlib>
#include <utility>
#include <vector>

#include "dialects/postgres/conninfo.h"
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

// `secret` with every byte outside RFC 3986's unreserved set percent-encoded,
// in upper- or lowercase hex: the form a URL holds it in.
std::string percent_encode(const std::string& secret, bool lower) {
  std::string out;
  for (char c : secret) {
    unsigned char u = static_cast<unsigned char>(c);
    if (std::isalnum(u) || c == '-' || c == '.' || c == '_' || c == '~') {
      out += c;
    } else {
      out += lower ? fmt::format("%{:02x}", u) : fmt::format("%{:02X}", u);
    }
  }
  return out;
}

// Replaces every occurrence of the percent-encoded `encoded` in `text`, the
// hex digits of each %XX escape in either case (%2F, %2f), by ***.
void replace_encoded(std::string& text, const std::string& encoded) {
  if (encoded.empty()) return;
  auto matches_at = [&](size_t pos) {
    if (pos + encoded.size() > text.size()) return false;
    for (size_t i = 0; i < encoded.size(); ++i) {
      const bool hex_digit = (i >= 1 && encoded[i - 1] == '%') ||
                             (i >= 2 && encoded[i - 2] == '%' && encoded[i - 1] != '%');
      char a = text[pos + i];
      char b = encoded[i];
      if (hex_digit) {
        a = static_cast<char>(std::toupper(static_cast<unsigned char>(a)));
        b = static_cast<char>(std::toupper(static_cast<unsigned char>(b)));
      }
      if (a != b) return false;
    }
    return true;
  };
  for (size_t pos = 0; pos < text.size();) {
    if (matches_at(pos)) {
      text.replace(pos, encoded.size(), "***");
      pos += 3;
    } else {
      ++pos;
    }
  }
}

// `text` with each span (merged where they overlap) replaced by ***.
std::string replace_spans(const std::string& text, std::vector<pg::Span> spans) {
  std::sort(spans.begin(), spans.end());
  std::string out;
  size_t at = 0;
  for (auto [begin, end] : spans) {
    end = std::min(end, text.size());
    if (end <= begin) continue;
    if (begin < at) {  // overlaps the previous span: extend it
      at = std::max(at, end);
      continue;
    }
    out += text.substr(at, begin - at);
    out += "***";
    at = end;
  }
  return out + text.substr(std::min(at, text.size()));
}

std::vector<std::string> secrets_of(const pg::Conninfo& info) {
  std::vector<std::string> out;
  for (const char* key : {"password", "sslpassword"}) {
    if (auto it = info.options.find(key); it != info.options.end()) out.push_back(it->second);
  }
  return out;
}

std::string first_of_list(const std::string& value) { return value.substr(0, value.find(',')); }

std::string option(const pg::Conninfo& info, const std::string& key) {
  auto it = info.options.find(key);
  return it == info.options.end() ? std::string() : it->second;
}

// What an unsupported connection string may show of itself: the scheme of
// "scheme://...", or the whole text when it cannot hold a password (no ':',
// '@' or '=').
std::string shown_part(const std::string& text) {
  if (size_t scheme = text.find("://"); scheme != std::string::npos) {
    std::string name = text.substr(0, scheme);
    bool plain = !name.empty() && std::all_of(name.begin(), name.end(), [](char c) {
      return std::isalnum(static_cast<unsigned char>(c)) || c == '+' || c == '-' || c == '.';
    });
    return plain ? fmt::format(" (scheme '{}')", name) : std::string();
  }
  if (text.find_first_of(":@=") == std::string::npos && text.size() <= 200) {
    return fmt::format(" ('{}')", text);
  }
  return {};
}

}  // namespace

bool is_connection_string(const std::string& text) {
  return pg::is_uri(text) || pg::looks_like_keyword_value(text) || text.starts_with("sqlite:") ||
         text.find("://") != std::string::npos;
}

std::string mask_url(const std::string& url) {
  if (url.starts_with("sqlite:")) return url;
  if (pg::is_uri(url) || pg::looks_like_keyword_value(url)) {
    auto parsed = pg::parse_conninfo(url);
    if (parsed && !parsed->stray_at) {
      return mask_secrets(replace_spans(url, parsed->secret_spans), secrets_of(*parsed));
    }
  }
  // Not something libpq reads as one server: mask all that may be a password.
  return replace_spans(url, pg::probable_secret_spans(url));
}

std::string mask_secrets(std::string text, const std::vector<std::string>& secrets) {
  for (const auto& secret : secrets) {
    if (secret.empty()) continue;
    replace_all(text, secret, "***");
    replace_encoded(text, percent_encode(secret, false));
  }
  return text;
}

Result<ConnectionUrl> parse_connection_url(const std::string& url) {
  ConnectionUrl out;
  out.url = url;
  if (pg::is_uri(url) || pg::looks_like_keyword_value(url)) {
    auto parsed = pg::parse_conninfo(url);
    if (!parsed) return std::unexpected(parsed.error());
    if (parsed->stray_at) {
      return fail(ErrorCode::kUsage,
                  "the PostgreSQL URL has an '@' after its user:password@ part, so libpq would "
                  "read a raw '@' or '/' of the user name or password as part of the host, port "
                  "or database; percent-encode them in the URL ('@' as %40, '/' as %2F) "
                  "(not shown: it may hold a password)");
    }
    out.dialect = Dialect::kPostgres;
    out.masked = mask_url(url);
    out.password = option(*parsed, "password");
    if (const char* env = std::getenv("PGPASSWORD"); env != nullptr && out.password.empty()) {
      out.password = env;
    }
    out.host = first_of_list(option(*parsed, "host"));
    if (out.host.empty()) out.host = first_of_list(option(*parsed, "hostaddr"));
    out.port = first_of_list(option(*parsed, "port"));
    out.database = option(*parsed, "dbname");
    return out;
  }
  out.masked = mask_url(url);
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
              fmt::format("unsupported connection URL{}; use postgresql://user:pass@host:port/db, "
                          "a libpq key/value string (host=... dbname=...), "
                          "sqlite:///abs/path.db or sqlite:rel/path.db",
                          shown_part(url)));
}

}  // namespace keel
