// A small PostgreSQL tokenizer for keel convert's source-text extraction.
#include "ops/sql_text.h"

#include <algorithm>
#include <cctype>

namespace keel::ops {
namespace {

enum class Kind { kEnd, kWord, kQuoted, kOpen, kClose, kComma, kSemicolon, kOther };

struct Token {
  Kind kind = Kind::kEnd;
  size_t begin = 0;
  size_t end = 0;
};

bool word_char(char c) {
  return std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '$' ||
         static_cast<unsigned char>(c) >= 0x80;
}

size_t skip_space(std::string_view s, size_t pos, size_t to) {
  while (pos < to) {
    if (std::isspace(static_cast<unsigned char>(s[pos]))) {
      ++pos;
    } else if (s.substr(pos, 2) == "--") {
      size_t eol = s.find('\n', pos);
      pos = eol == std::string_view::npos ? to : std::min(to, eol + 1);
    } else if (s.substr(pos, 2) == "/*") {
      int depth = 0;
      while (pos < to) {
        if (s.substr(pos, 2) == "/*") {
          ++depth, pos += 2;
        } else if (s.substr(pos, 2) == "*/") {
          pos += 2;
          if (--depth == 0) break;
        } else {
          ++pos;
        }
      }
    } else {
      break;
    }
  }
  return std::min(pos, to);
}

// Past the quoted token starting at `pos` (s[pos] is the quote; `backslash`: E'' escapes).
size_t skip_quoted(std::string_view s, size_t pos, size_t to, char quote, bool backslash) {
  ++pos;
  while (pos < to) {
    if (backslash && s[pos] == '\\') {
      pos += 2;
    } else if (s[pos] == quote) {
      if (pos + 1 < to && s[pos + 1] == quote) {
        pos += 2;
      } else {
        return pos + 1;
      }
    } else {
      ++pos;
    }
  }
  return to;
}

Token next(std::string_view s, size_t pos, size_t to) {
  pos = skip_space(s, pos, to);
  if (pos >= to) return {Kind::kEnd, to, to};
  char c = s[pos];
  if (c == '\'' || c == '"') return {Kind::kQuoted, pos, skip_quoted(s, pos, to, c, false)};
  if ((c == 'E' || c == 'e') && pos + 1 < to && s[pos + 1] == '\'') {
    return {Kind::kQuoted, pos, skip_quoted(s, pos + 1, to, '\'', true)};
  }
  if (c == '$') {
    size_t close = s.find('$', pos + 1);
    if (close != std::string_view::npos && close < to &&
        std::all_of(s.begin() + pos + 1, s.begin() + close, [](char x) {
          return std::isalnum(static_cast<unsigned char>(x)) || x == '_';
        })) {
      std::string_view tag = s.substr(pos, close - pos + 1);
      size_t end = s.find(tag, close + 1);
      return {Kind::kQuoted, pos,
              end == std::string_view::npos ? to : std::min(to, end + tag.size())};
    }
  }
  if (word_char(c)) {
    size_t end = pos;
    while (end < to && word_char(s[end])) ++end;
    return {Kind::kWord, pos, end};
  }
  if (c == '(' || c == '[') return {Kind::kOpen, pos, pos + 1};
  if (c == ')' || c == ']') return {Kind::kClose, pos, pos + 1};
  if (c == ',') return {Kind::kComma, pos, pos + 1};
  if (c == ';') return {Kind::kSemicolon, pos, pos + 1};
  return {Kind::kOther, pos, pos + 1};
}

bool same_word(std::string_view a, std::string_view b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           return std::tolower(static_cast<unsigned char>(x)) ==
                  std::tolower(static_cast<unsigned char>(y));
         });
}

}  // namespace

size_t after_keyword(std::string_view sql, size_t from, size_t to, std::string_view word) {
  to = std::min(to, sql.size());
  int depth = 0;
  for (Token t = next(sql, from, to); t.kind != Kind::kEnd; t = next(sql, t.end, to)) {
    if (t.kind == Kind::kOpen) ++depth;
    if (t.kind == Kind::kClose) --depth;
    if (depth == 0 && t.kind == Kind::kWord &&
        same_word(sql.substr(t.begin, t.end - t.begin), word)) {
      return t.end;
    }
  }
  return std::string_view::npos;
}

std::string clause_text(std::string_view sql, size_t from, size_t to,
                        const std::vector<std::string_view>& stop_words) {
  to = std::min(to, sql.size());
  int depth = 0;
  size_t begin = std::string_view::npos;
  size_t end = from;
  for (Token t = next(sql, from, to); t.kind != Kind::kEnd; t = next(sql, t.end, to)) {
    if (depth == 0) {
      if (t.kind == Kind::kComma || t.kind == Kind::kSemicolon || t.kind == Kind::kClose) break;
      if (t.kind == Kind::kWord && begin != std::string_view::npos) {
        std::string_view w = sql.substr(t.begin, t.end - t.begin);
        if (std::any_of(stop_words.begin(), stop_words.end(),
                        [&](std::string_view s) { return same_word(s, w); })) {
          break;
        }
      }
    }
    if (t.kind == Kind::kOpen) ++depth;
    if (t.kind == Kind::kClose) --depth;
    if (begin == std::string_view::npos) begin = t.begin;
    end = t.end;
  }
  if (begin == std::string_view::npos) return "";
  return std::string(sql.substr(begin, end - begin));
}

std::string paren_text(std::string_view sql, size_t from, size_t to) {
  to = std::min(to, sql.size());
  Token t = next(sql, from, to);
  while (t.kind != Kind::kEnd && !(t.kind == Kind::kOpen && sql[t.begin] == '(')) {
    t = next(sql, t.end, to);
  }
  if (t.kind == Kind::kEnd) return "";
  size_t begin = t.end;
  int depth = 1;
  size_t first = std::string_view::npos;
  size_t last = begin;
  for (t = next(sql, begin, to); t.kind != Kind::kEnd; t = next(sql, t.end, to)) {
    if (t.kind == Kind::kOpen) ++depth;
    if (t.kind == Kind::kClose && --depth == 0) break;
    if (first == std::string_view::npos) first = t.begin;
    last = t.end;
  }
  if (first == std::string_view::npos) return "";
  return std::string(sql.substr(first, last - first));
}

std::vector<std::pair<size_t, size_t>> split_top_level(std::string_view sql, size_t from,
                                                       size_t to) {
  to = std::min(to, sql.size());
  std::vector<std::pair<size_t, size_t>> out;
  int depth = 0;
  size_t start = from;
  for (Token t = next(sql, from, to); t.kind != Kind::kEnd; t = next(sql, t.end, to)) {
    if (t.kind == Kind::kOpen) ++depth;
    if (t.kind == Kind::kClose) --depth;
    if (depth == 0 && t.kind == Kind::kComma) {
      out.emplace_back(start, t.begin);
      start = t.end;
    }
  }
  out.emplace_back(start, to);
  return out;
}

const std::vector<std::string_view>& column_clause_words() {
  static const std::vector<std::string_view> kWords = {
      "NOT",        "NULL",       "DEFAULT",    "CHECK",   "UNIQUE",
      "PRIMARY",    "REFERENCES", "CONSTRAINT", "COLLATE", "GENERATED",
      "DEFERRABLE", "INITIALLY",  "USING",      "STORAGE", "COMPRESSION"};
  return kWords;
}

}  // namespace keel::ops
