// PostgreSQL connection strings through libpq's own parser.
#include "dialects/postgres/conninfo.h"

#include <fmt/format.h>
#include <libpq-fe.h>

#include <algorithm>
#include <cctype>
#include <memory>
#include <string_view>

namespace keel::pg {
namespace {

bool is_space(char c) { return std::isspace(static_cast<unsigned char>(c)) != 0; }

bool is_secret_keyword(std::string_view key) { return key == "password" || key == "sslpassword"; }

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// Percent-decoding for keywords of a URI query ("pass%77ord"); a bad escape
// is left as is (libpq refuses the URI anyway).
std::string percent_decode(std::string_view s) {
  std::string out;
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '%' && i + 2 < s.size() && hex_value(s[i + 1]) >= 0 && hex_value(s[i + 2]) >= 0) {
      out += static_cast<char>(hex_value(s[i + 1]) * 16 + hex_value(s[i + 2]));
      i += 2;
    } else {
      out += s[i];
    }
  }
  return out;
}

size_t uri_prefix(const std::string& text) {
  for (std::string_view prefix : {"postgresql://", "postgres://"}) {
    if (text.starts_with(prefix)) return prefix.size();
  }
  return 0;
}

// The password spans of a URI, by the rules of libpq's
// conninfo_uri_parse_options: the userinfo runs to the first '@' met before
// any '/' (a '?' or '#' before it belongs to the password); the query starts
// at the first '?' after the userinfo and holds '&'-separated keyword=value
// pairs (keywords percent-decoded).
void uri_spans(const std::string& text, Conninfo& out) {
  const size_t start = uri_prefix(text);
  size_t p = text.find_first_of("@/", start);
  size_t rest = start;
  if (p != std::string::npos && text[p] == '@') {
    size_t colon = text.find(':', start);
    if (colon != std::string::npos && colon < p) out.secret_spans.emplace_back(colon + 1, p);
    rest = p + 1;
  }
  size_t query = text.find('?', rest);
  size_t end_of_path = query == std::string::npos ? text.size() : query;
  out.stray_at = text.find('@', rest) < end_of_path;
  if (query == std::string::npos) return;
  for (size_t begin = query + 1; begin <= text.size();) {
    size_t end = text.find('&', begin);
    if (end == std::string::npos) end = text.size();
    size_t eq = text.find('=', begin);
    if (eq != std::string::npos && eq < end &&
        is_secret_keyword(percent_decode(std::string_view(text).substr(begin, eq - begin)))) {
      out.secret_spans.emplace_back(eq + 1, end);
    }
    begin = end + 1;
  }
}

// The password spans of a key/value string, by the rules of libpq's
// conninfo_parse: keyword, optional blanks, '=', optional blanks, then a
// value that is either single-quoted (backslash escapes) or runs to the next
// blank (backslash escapes too). Stops at the first malformed pair.
void keyword_value_spans(const std::string& text, std::vector<Span>& spans) {
  size_t i = 0;
  const size_t n = text.size();
  while (i < n) {
    while (i < n && is_space(text[i])) ++i;
    if (i >= n) break;
    size_t key_begin = i;
    while (i < n && text[i] != '=' && !is_space(text[i])) ++i;
    std::string_view key(text.data() + key_begin, i - key_begin);
    while (i < n && is_space(text[i])) ++i;
    if (i >= n || text[i] != '=') return;
    ++i;
    while (i < n && is_space(text[i])) ++i;
    size_t value_begin = i;
    if (i < n && text[i] == '\'') {
      ++i;
      while (i < n && text[i] != '\'') i += text[i] == '\\' && i + 1 < n ? 2 : 1;
      if (i < n) ++i;  // the closing quote
    } else {
      while (i < n && !is_space(text[i])) i += text[i] == '\\' && i + 1 < n ? 2 : 1;
    }
    if (is_secret_keyword(key)) spans.emplace_back(value_begin, std::min(i, n));
  }
}

// libpq's parse error without what it quotes: its messages end with the bad
// token or the whole URI in quotes (`invalid percent-encoded token: "p%zz"`),
// which may be the password. Option names are kept: they are keywords.
std::string safe_reason(std::string message) {
  while (!message.empty() && is_space(message.back())) message.pop_back();
  if (message.starts_with("invalid connection option") ||
      message.starts_with("invalid URI query parameter")) {
    return message;
  }
  if (message.starts_with("missing \"=\" after")) {
    return "a word is not followed by \"=\" (write keyword=value, and quote a value holding "
           "blanks: password='a b')";
  }
  // Everything from the first `: "` on (a token may itself hold `: "`).
  if (size_t tail = message.find(": \""); tail != std::string::npos) message.erase(tail);
  // `unexpected character "x" at position 12 in URI ...`: the character too.
  for (size_t open = message.find('"'); open != std::string::npos; open = message.find('"')) {
    size_t close = message.find('"', open + 1);
    if (close == std::string::npos) {
      message.erase(open);
      break;
    }
    std::string_view quoted(message.data() + open + 1, close - open - 1);
    // ":" or "/" as libpq names what it expected, "=" as separator: safe.
    bool syntax = quoted == ":" || quoted == "/" || quoted == "=" || quoted == "]";
    message.replace(open, close - open + 1, syntax ? "'" + std::string(quoted) + "'" : "");
  }
  for (size_t two = message.find("  "); two != std::string::npos; two = message.find("  ")) {
    message.erase(two, 1);
  }
  return message;
}

struct OptionsDeleter {
  void operator()(PQconninfoOption* options) const { PQconninfoFree(options); }
};

std::string quote_value(const std::string& value) {
  std::string out = "'";
  for (char c : value) {
    if (c == '\\' || c == '\'') out += '\\';
    out += c;
  }
  return out + "'";
}

}  // namespace

bool is_uri(const std::string& text) { return uri_prefix(text) != 0; }

bool looks_like_keyword_value(const std::string& text) {
  if (is_uri(text) || text.find("://") != std::string::npos) return false;
  size_t i = 0;
  while (i < text.size() && is_space(text[i])) ++i;
  size_t key = i;
  while (i < text.size() && (std::islower(static_cast<unsigned char>(text[i])) || text[i] == '_')) {
    ++i;
  }
  if (i == key) return false;
  while (i < text.size() && is_space(text[i])) ++i;
  return i < text.size() && text[i] == '=';
}

Result<Conninfo> parse_conninfo(const std::string& text) {
  char* error = nullptr;
  std::unique_ptr<PQconninfoOption, OptionsDeleter> parsed(PQconninfoParse(text.c_str(), &error));
  if (parsed == nullptr) {
    std::string reason = error != nullptr ? safe_reason(error) : "out of memory";
    PQfreemem(error);
    return fail(ErrorCode::kUsage,
                fmt::format("the {} does not parse: {} (not shown: it may hold a password)",
                            is_uri(text) ? "PostgreSQL URL" : "connection string", reason));
  }
  Conninfo out;
  out.uri = is_uri(text);
  for (const PQconninfoOption* o = parsed.get(); o->keyword != nullptr; ++o) {
    if (o->val != nullptr) out.options[o->keyword] = o->val;
  }
  if (out.uri) {
    uri_spans(text, out);
  } else {
    keyword_value_spans(text, out.secret_spans);
  }
  return out;
}

std::vector<Span> probable_secret_spans(const std::string& text) {
  std::vector<Span> spans;
  const bool url = text.find("://") != std::string::npos;
  if (url) {
    size_t start = text.find("://") + 3;
    size_t last_at = text.rfind('@');
    size_t colon = text.find(':', start);
    if (last_at != std::string::npos && last_at > start && colon < last_at) {
      spans.emplace_back(colon + 1, last_at);
    }
  }
  // Every password= / sslpassword= value, up to the next '&' in a URL, the
  // next blank (or closing quote) elsewhere.
  for (size_t at = text.find("password"); at != std::string::npos;
       at = text.find("password", at + 1)) {
    // The keyword itself (or sslpassword), not the end of another one.
    size_t key = at >= 3 && text.compare(at - 3, 3, "ssl") == 0 ? at - 3 : at;
    if (key > 0 && text[key - 1] != '?' && text[key - 1] != '&' && !is_space(text[key - 1])) {
      continue;
    }
    size_t i = at + 8;
    while (i < text.size() && is_space(text[i])) ++i;
    if (i >= text.size() || text[i] != '=') continue;
    ++i;
    while (i < text.size() && is_space(text[i])) ++i;
    size_t begin = i;
    if (url) {
      i = std::min(text.find('&', i), text.size());
    } else if (i < text.size() && text[i] == '\'') {
      ++i;
      while (i < text.size() && text[i] != '\'') i += text[i] == '\\' ? 2 : 1;
      i = std::min(i + 1, text.size());
    } else {
      // Text that does not parse may hold an unquoted password with blanks
      // ("password=a b"): up to the next " keyword=" or the end.
      while (i < text.size()) {
        if (is_space(text[i])) {
          size_t word = i;
          while (word < text.size() && is_space(text[word])) ++word;
          size_t end = word;
          while (end < text.size() &&
                 (std::isalnum(static_cast<unsigned char>(text[end])) || text[end] == '_')) {
            ++end;
          }
          size_t eq = end;
          while (eq < text.size() && is_space(text[eq])) ++eq;
          if (end > word && eq < text.size() && text[eq] == '=') break;
        }
        ++i;
      }
      while (i > begin && is_space(text[i - 1])) --i;
    }
    if (i > begin) spans.emplace_back(begin, i);
  }
  return spans;
}

std::string driver_conninfo(const std::string& text) {
  auto parsed = parse_conninfo(text);
  if (!parsed) return text;
  std::string out;
  for (const auto& [keyword, value] : parsed->options) {
    out += fmt::format("{}{}={}", out.empty() ? "" : " ", keyword, quote_value(value));
  }
  if (!parsed->options.contains("connect_timeout")) {
    out += std::string(out.empty() ? "" : " ") + "connect_timeout=10";
  }
  return out;
}

}  // namespace keel::pg
