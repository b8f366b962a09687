// Connection URL parsing and secret masking, through the registry: the
// dialect that reads a connection string (dialects::find_by_url) parses and
// masks it (PostgreSQL strings with libpq's own parser, so the password
// masked is the one libpq uses); text that does not parse is never shown.
#include <fmt/format.h>

#include <algorithm>
#include <cctype>
#include <cstdlib>
#include <utility>
#include <vector>

#include "dialects/postgres/conninfo.h"
#include "keel/connection.h"
#include "keel/dialect.h"
#include "util/url_text.h"

namespace keel {
namespace {

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
  return dialects::find_by_url(text) || text.find("://") != std::string::npos;
}

std::string mask_url(const std::string& url) {
  if (Dialect dialect = dialects::find_by_url(url)) return dialect->mask_url(url);
  // Not a connection string keel reads: mask all that may be a password.
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
  if (Dialect dialect = dialects::find_by_url(url)) {
    auto out = dialect->parse_url(url);
    if (out) out->dialect = dialect;
    return out;
  }
  std::vector<std::string_view> forms;
  for (Dialect d : dialects::all())
    forms.insert(forms.end(), d->url_forms.begin(), d->url_forms.end());
  std::string use;
  for (size_t i = 0; i < forms.size(); ++i) {
    use += i == 0 ? "" : i + 1 == forms.size() ? " or " : ", ";
    use += forms[i];
  }
  return fail(ErrorCode::kUsage,
              fmt::format("unsupported connection URL{}; use {}", shown_part(url), use));
}

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

// `text` with each span (merged where they overlap) replaced by ***.
std::string replace_spans(const std::string& text, std::vector<std::pair<size_t, size_t>> spans) {
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

}  // namespace keel
