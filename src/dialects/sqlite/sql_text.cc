// SQLite dialect: tokenising and canonically rendering stored CREATE text.
#include "dialects/sqlite/sql_text.h"

#include <algorithm>
#include <array>
#include <cctype>
#include <utility>

namespace keel::sqlite {
namespace {

bool is_ident_start(unsigned char c) { return std::isalpha(c) || c == '_' || c >= 0x80; }
bool is_ident_char(unsigned char c) { return std::isalnum(c) || c == '_' || c == '$' || c >= 0x80; }

// Ends a quoted token that starts at `begin` with `close`; a doubled `close`
// stands for itself. Returns the offset one past the closing quote.
size_t skip_quoted(std::string_view sql, size_t begin, char close, bool doubling) {
  size_t i = begin + 1;
  while (i < sql.size()) {
    if (sql[i] == close) {
      if (doubling && i + 1 < sql.size() && sql[i + 1] == close) {
        i += 2;
        continue;
      }
      return i + 1;
    }
    ++i;
  }
  return sql.size();
}

constexpr std::array<std::string_view, 10> kMultiCharSymbols = {
    "->>", "||", "<=", ">=", "==", "!=", "<>", "<<", ">>", "->"};

// SQLite's keywords (sqlite3_keyword_name(), 3.40), sorted. Keywords are
// rendered in upper case: their case never changes meaning.
constexpr std::array<std::string_view, 147> kKeywords = {"ABORT",
                                                         "ACTION",
                                                         "ADD",
                                                         "AFTER",
                                                         "ALL",
                                                         "ALTER",
                                                         "ALWAYS",
                                                         "ANALYZE",
                                                         "AND",
                                                         "AS",
                                                         "ASC",
                                                         "ATTACH",
                                                         "AUTOINCREMENT",
                                                         "BEFORE",
                                                         "BEGIN",
                                                         "BETWEEN",
                                                         "BY",
                                                         "CASCADE",
                                                         "CASE",
                                                         "CAST",
                                                         "CHECK",
                                                         "COLLATE",
                                                         "COLUMN",
                                                         "COMMIT",
                                                         "CONFLICT",
                                                         "CONSTRAINT",
                                                         "CREATE",
                                                         "CROSS",
                                                         "CURRENT",
                                                         "CURRENT_DATE",
                                                         "CURRENT_TIME",
                                                         "CURRENT_TIMESTAMP",
                                                         "DATABASE",
                                                         "DEFAULT",
                                                         "DEFERRABLE",
                                                         "DEFERRED",
                                                         "DELETE",
                                                         "DESC",
                                                         "DETACH",
                                                         "DISTINCT",
                                                         "DO",
                                                         "DROP",
                                                         "EACH",
                                                         "ELSE",
                                                         "END",
                                                         "ESCAPE",
                                                         "EXCEPT",
                                                         "EXCLUDE",
                                                         "EXCLUSIVE",
                                                         "EXISTS",
                                                         "EXPLAIN",
                                                         "FAIL",
                                                         "FILTER",
                                                         "FIRST",
                                                         "FOLLOWING",
                                                         "FOR",
                                                         "FOREIGN",
                                                         "FROM",
                                                         "FULL",
                                                         "GENERATED",
                                                         "GLOB",
                                                         "GROUP",
                                                         "GROUPS",
                                                         "HAVING",
                                                         "IF",
                                                         "IGNORE",
                                                         "IMMEDIATE",
                                                         "IN",
                                                         "INDEX",
                                                         "INDEXED",
                                                         "INITIALLY",
                                                         "INNER",
                                                         "INSERT",
                                                         "INSTEAD",
                                                         "INTERSECT",
                                                         "INTO",
                                                         "IS",
                                                         "ISNULL",
                                                         "JOIN",
                                                         "KEY",
                                                         "LAST",
                                                         "LEFT",
                                                         "LIKE",
                                                         "LIMIT",
                                                         "MATCH",
                                                         "MATERIALIZED",
                                                         "NATURAL",
                                                         "NO",
                                                         "NOT",
                                                         "NOTHING",
                                                         "NOTNULL",
                                                         "NULL",
                                                         "NULLS",
                                                         "OF",
                                                         "OFFSET",
                                                         "ON",
                                                         "OR",
                                                         "ORDER",
                                                         "OTHERS",
                                                         "OUTER",
                                                         "OVER",
                                                         "PARTITION",
                                                         "PLAN",
                                                         "PRAGMA",
                                                         "PRECEDING",
                                                         "PRIMARY",
                                                         "QUERY",
                                                         "RAISE",
                                                         "RANGE",
                                                         "RECURSIVE",
                                                         "REFERENCES",
                                                         "REGEXP",
                                                         "REINDEX",
                                                         "RELEASE",
                                                         "RENAME",
                                                         "REPLACE",
                                                         "RESTRICT",
                                                         "RETURNING",
                                                         "RIGHT",
                                                         "ROLLBACK",
                                                         "ROW",
                                                         "ROWS",
                                                         "SAVEPOINT",
                                                         "SELECT",
                                                         "SET",
                                                         "TABLE",
                                                         "TEMP",
                                                         "TEMPORARY",
                                                         "THEN",
                                                         "TIES",
                                                         "TO",
                                                         "TRANSACTION",
                                                         "TRIGGER",
                                                         "UNBOUNDED",
                                                         "UNION",
                                                         "UNIQUE",
                                                         "UPDATE",
                                                         "USING",
                                                         "VACUUM",
                                                         "VALUES",
                                                         "VIEW",
                                                         "VIRTUAL",
                                                         "WHEN",
                                                         "WHERE",
                                                         "WINDOW",
                                                         "WITH",
                                                         "WITHOUT"};

bool is_sqlite_keyword(std::string_view word) {
  std::string upper(word);
  for (auto& c : upper) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return std::binary_search(kKeywords.begin(), kKeywords.end(), upper);
}

bool is_word(const Token& t) { return t.kind == TokenKind::kWord; }
bool is_keyword(const Token& t, std::string_view keyword) {
  return is_word(t) && iequals(t.text, keyword);
}
bool is_symbol(const Token& t, std::string_view symbol) {
  return t.kind == TokenKind::kSymbol && t.text == symbol;
}
// Keywords after which "(" opens an expression or a list rather than a call's
// arguments; rendered with a space between them and the parenthesis.
bool is_spaced_keyword(std::string_view word) {
  static constexpr std::array<std::string_view, 30> kWords = {
      "and",    "as",    "between", "by",     "check",  "default", "else",  "exists",
      "filter", "from",  "in",      "is",     "join",   "key",     "like",  "not",
      "on",     "or",    "over",    "select", "then",   "unique",  "using", "values",
      "when",   "where", "with",    "glob",   "regexp", "match"};
  std::string lower = ascii_lower(word);
  return std::find(kWords.begin(), kWords.end(), lower) != kWords.end();
}

bool space_between(const Token& prev, const Token& cur) {
  if (cur.kind == TokenKind::kSymbol &&
      (cur.text == "," || cur.text == ")" || cur.text == "." || cur.text == ";")) {
    return false;
  }
  if (prev.kind == TokenKind::kSymbol && (prev.text == "(" || prev.text == ".")) return false;
  if (is_symbol(cur, "(")) {
    if (prev.kind == TokenKind::kQuoted) return false;
    if (is_word(prev)) return is_spaced_keyword(prev.text);
    return !is_symbol(prev, ")");
  }
  return true;
}

// Index of the ")" matching the "(" at `open`; tokens.size() if unbalanced.
size_t matching_paren(const std::vector<Token>& t, size_t open) {
  int depth = 0;
  for (size_t i = open; i < t.size(); ++i) {
    if (is_symbol(t[i], "(")) ++depth;
    if (is_symbol(t[i], ")") && --depth == 0) return i;
  }
  return t.size();
}

using Range = std::pair<size_t, size_t>;  // [first, last)

// Splits [begin, end) at commas outside parentheses.
std::vector<Range> split_top_level(const std::vector<Token>& t, size_t begin, size_t end) {
  std::vector<Range> out;
  int depth = 0;
  size_t start = begin;
  for (size_t i = begin; i < end; ++i) {
    if (is_symbol(t[i], "(")) ++depth;
    if (is_symbol(t[i], ")")) --depth;
    if (depth == 0 && is_symbol(t[i], ",")) {
      out.emplace_back(start, i);
      start = i + 1;
    }
  }
  if (start < end) out.emplace_back(start, end);
  return out;
}

std::string render_range(const std::vector<Token>& t, size_t begin, size_t end) {
  end = std::min(end, t.size());
  if (begin >= end) return {};
  return render(std::vector<Token>(t.begin() + static_cast<std::ptrdiff_t>(begin),
                                   t.begin() + static_cast<std::ptrdiff_t>(end)));
}

// An expression as SQLite compares it: render_range with bare identifiers and function names
// lower-cased ("CHECK (AGE > 0)" and "CHECK (age > 0)" are one constraint to SQLite).
std::string render_expression(const std::vector<Token>& t, size_t begin, size_t end) {
  end = std::min(end, t.size());
  if (begin >= end) return {};
  std::vector<Token> tokens(t.begin() + static_cast<std::ptrdiff_t>(begin),
                            t.begin() + static_cast<std::ptrdiff_t>(end));
  std::vector<std::string> lowered(tokens.size());
  for (size_t k = 0; k < tokens.size(); ++k) {
    if (tokens[k].kind == TokenKind::kWord && !is_sqlite_keyword(tokens[k].text)) {
      lowered[k] = ascii_lower(tokens[k].text);
      tokens[k].text = lowered[k];
    }
  }
  return render(tokens);
}

// Where a column constraint starts: the end of a REFERENCES clause.
bool starts_column_constraint(const std::vector<Token>& t, size_t i, size_t end) {
  static constexpr std::array<std::string_view, 9> kStarts = {"constraint", "check",   "primary",
                                                              "unique",     "collate", "references",
                                                              "generated",  "as",      "default"};
  if (!is_word(t[i])) return false;
  bool after_set = i > 0 && is_keyword(t[i - 1], "set");
  std::string lower = ascii_lower(t[i].text);
  if (lower == "default" || lower == "null") return !after_set;
  if (lower == "not") return i + 1 < end && is_keyword(t[i + 1], "null");
  return std::find(kStarts.begin(), kStarts.end(), lower) != kStarts.end();
}

// Parses "REFERENCES table [(cols)] [ON ... | MATCH ... | [NOT] DEFERRABLE ...]"
// starting at `i`; returns the index after the clause.
size_t parse_references(const std::vector<Token>& t, size_t i, size_t end, ForeignKeyDef& fk) {
  ++i;  // REFERENCES
  if (i < end) fk.ref_table = identifier_name(t[i++]);
  if (i < end && is_symbol(t[i], "(")) i = matching_paren(t, i) + 1;
  for (; i < end; ++i) {
    if (starts_column_constraint(t, i, end)) break;
    if (is_keyword(t[i], "deferrable")) {
      bool negated = i > 0 && is_keyword(t[i - 1], "not");
      bool deferred =
          i + 2 < end && is_keyword(t[i + 1], "initially") && is_keyword(t[i + 2], "deferred");
      fk.initially_deferred = !negated && deferred;
    }
  }
  return i;
}

// "ON CONFLICT <resolution>" at `i`: the resolution in lower case, "" when it is the default
// ABORT or not there.
std::string on_conflict_at(const std::vector<Token>& t, size_t i, size_t end) {
  if (i + 2 >= end) return {};
  if (!is_keyword(t[i], "on") || !is_keyword(t[i + 1], "conflict") || !is_word(t[i + 2])) {
    return {};
  }
  std::string resolution = ascii_lower(t[i + 2].text);
  return resolution == "abort" ? std::string() : resolution;
}

void parse_table_constraint(const std::vector<Token>& t, Range r, TableDef& def) {
  size_t i = r.first;
  std::string name;
  if (is_keyword(t[i], "constraint") && i + 1 < r.second) {
    name = identifier_name(t[i + 1]);
    i += 2;
  }
  if (i >= r.second) return;
  if (is_keyword(t[i], "check") && i + 1 < r.second && is_symbol(t[i + 1], "(")) {
    size_t close = matching_paren(t, i + 1);
    def.checks.push_back({name, render_expression(t, i + 2, close)});
  } else if ((is_keyword(t[i], "unique") && i + 1 < r.second && is_symbol(t[i + 1], "(")) ||
             (is_keyword(t[i], "primary") && i + 2 < r.second && is_symbol(t[i + 2], "("))) {
    const size_t open = is_keyword(t[i], "unique") ? i + 1 : i + 2;
    const size_t close = matching_paren(t, open);
    for (size_t j = close + 1; j + 2 < r.second; ++j) {
      std::string resolution = on_conflict_at(t, j, r.second);
      if (resolution.empty()) continue;
      std::string key = is_keyword(t[i], "unique") ? "unique " : "primary key ";
      def.on_conflict[key + render_range(t, open, close + 1)] = resolution;
      break;
    }
  } else if (is_keyword(t[i], "foreign") && i + 2 < r.second && is_symbol(t[i + 2], "(")) {
    ForeignKeyDef fk;
    size_t close = matching_paren(t, i + 2);
    for (auto [b, e] : split_top_level(t, i + 3, close)) {
      if (b < e) fk.columns.push_back(identifier_name(t[b]));
    }
    if (close + 1 < r.second && is_keyword(t[close + 1], "references")) {
      parse_references(t, close + 1, r.second, fk);
      def.foreign_keys.push_back(std::move(fk));
    }
  }
}

void parse_column(const std::vector<Token>& t, Range r, TableDef& def) {
  ColumnDef column;
  column.name = identifier_name(t[r.first]);
  std::string pending_name;
  std::string last_constraint;  // "not null", "unique", "primary key": what ON CONFLICT is of
  size_t i = r.first + 1;
  while (i < r.second) {
    const Token& tok = t[i];
    if (is_keyword(tok, "on") && i + 2 < r.second && is_keyword(t[i + 1], "conflict")) {
      std::string resolution = on_conflict_at(t, i, r.second);
      if (!resolution.empty() && !last_constraint.empty()) {
        column.on_conflict[last_constraint] = resolution;
      }
      i += 3;
      continue;
    }
    if (is_keyword(tok, "not") && i + 1 < r.second && is_keyword(t[i + 1], "null")) {
      last_constraint = "not null";
    } else if (is_keyword(tok, "unique")) {
      last_constraint = "unique";
    } else if (is_keyword(tok, "primary")) {
      last_constraint = "primary key";
    }
    if (is_symbol(tok, "(")) {
      i = matching_paren(t, i) + 1;
    } else if (is_keyword(tok, "constraint") && i + 1 < r.second) {
      pending_name = identifier_name(t[i + 1]);
      i += 2;
    } else if (is_keyword(tok, "check") && i + 1 < r.second && is_symbol(t[i + 1], "(")) {
      size_t close = matching_paren(t, i + 1);
      column.checks.push_back(
          {std::exchange(pending_name, {}), render_expression(t, i + 2, close)});
      i = close + 1;
    } else if (is_keyword(tok, "as") && i + 1 < r.second && is_symbol(t[i + 1], "(")) {
      size_t close = matching_paren(t, i + 1);
      column.generated = render_expression(t, i + 2, close);
      pending_name.clear();
      i = close + 1;
    } else if (is_keyword(tok, "references")) {
      ForeignKeyDef fk;
      fk.columns.push_back(column.name);
      i = parse_references(t, i, r.second, fk);
      def.foreign_keys.push_back(std::move(fk));
      pending_name.clear();
    } else if (is_keyword(tok, "collate")) {
      pending_name.clear();
      i += 2;
    } else {
      if (starts_column_constraint(t, i, r.second)) pending_name.clear();
      ++i;
    }
  }
  def.columns.push_back(std::move(column));
}

}  // namespace

bool iequals(std::string_view a, std::string_view b) {
  return a.size() == b.size() &&
         std::equal(a.begin(), a.end(), b.begin(), [](unsigned char x, unsigned char y) {
           return std::tolower(x) == std::tolower(y);
         });
}

std::string ascii_lower(std::string_view s) {
  std::string out(s);
  for (auto& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

std::vector<Token> tokenize(std::string_view sql) {
  std::vector<Token> out;
  size_t i = 0;
  auto emit = [&](TokenKind kind, size_t end) {
    out.push_back({kind, sql.substr(i, end - i)});
    i = end;
  };
  while (i < sql.size()) {
    unsigned char c = static_cast<unsigned char>(sql[i]);
    unsigned char next = i + 1 < sql.size() ? static_cast<unsigned char>(sql[i + 1]) : 0;
    if (std::isspace(c)) {
      ++i;
    } else if (c == '-' && next == '-') {
      size_t end = sql.find('\n', i);
      i = end == std::string_view::npos ? sql.size() : end;
    } else if (c == '/' && next == '*') {
      size_t end = sql.find("*/", i + 2);
      i = end == std::string_view::npos ? sql.size() : end + 2;
    } else if (c == '\'') {
      emit(TokenKind::kString, skip_quoted(sql, i, '\'', true));
    } else if ((c == 'x' || c == 'X') && next == '\'') {
      size_t end = skip_quoted(sql, i + 1, '\'', true);
      emit(TokenKind::kString, end);
    } else if (c == '"' || c == '`') {
      emit(TokenKind::kQuoted, skip_quoted(sql, i, static_cast<char>(c), true));
    } else if (c == '[') {
      emit(TokenKind::kQuoted, skip_quoted(sql, i, ']', false));
    } else if (std::isdigit(c) || (c == '.' && std::isdigit(next))) {
      size_t end = i;
      while (end < sql.size()) {
        unsigned char d = static_cast<unsigned char>(sql[end]);
        if ((d == 'e' || d == 'E') && end + 1 < sql.size() &&
            (sql[end + 1] == '+' || sql[end + 1] == '-') && sql.substr(i, 2) != "0x" &&
            sql.substr(i, 2) != "0X") {
          end += 2;
        } else if (std::isalnum(d) || d == '.' || d == '_') {
          ++end;
        } else {
          break;
        }
      }
      emit(TokenKind::kNumber, end);
    } else if (is_ident_start(c)) {
      size_t end = i + 1;
      while (end < sql.size() && is_ident_char(static_cast<unsigned char>(sql[end]))) ++end;
      emit(TokenKind::kWord, end);
    } else if (c == '?' || ((c == ':' || c == '@' || c == '$') && is_ident_start(next))) {
      size_t end = i + 1;
      while (end < sql.size() && is_ident_char(static_cast<unsigned char>(sql[end]))) ++end;
      emit(TokenKind::kParameter, end);
    } else {
      size_t length = 1;
      for (std::string_view symbol : kMultiCharSymbols) {
        if (sql.substr(i, symbol.size()) == symbol) {
          length = symbol.size();
          break;
        }
      }
      emit(TokenKind::kSymbol, i + length);
    }
  }
  return out;
}

// A "-", "+" or "~" that applies to what follows rather than to two
// operands: rendered without a space after it ("DEFAULT -1", "x = -1").
bool is_unary_sign(const std::vector<Token>& tokens, size_t i) {
  const Token& t = tokens[i];
  if (!is_symbol(t, "-") && !is_symbol(t, "+") && !is_symbol(t, "~")) return false;
  if (i == 0) return true;
  const Token& prev = tokens[i - 1];
  if (prev.kind == TokenKind::kSymbol) return prev.text != ")";
  if (prev.kind != TokenKind::kWord || !is_sqlite_keyword(prev.text)) return false;
  // Keywords that are values themselves take a binary operator.
  static constexpr std::array<std::string_view, 5> kValues = {"current_date", "current_time",
                                                              "current_timestamp", "end", "null"};
  return std::find(kValues.begin(), kValues.end(), ascii_lower(prev.text)) == kValues.end();
}

std::string render(const std::vector<Token>& tokens) {
  std::string out;
  for (size_t i = 0; i < tokens.size(); ++i) {
    if (i > 0 && !is_unary_sign(tokens, i - 1) && space_between(tokens[i - 1], tokens[i])) {
      out += ' ';
    }
    if (tokens[i].kind == TokenKind::kWord && is_sqlite_keyword(tokens[i].text)) {
      for (char c : tokens[i].text)
        out += static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    } else {
      out += tokens[i].text;
    }
  }
  return out;
}

std::string normalize_sql(std::string_view sql) { return render(tokenize(sql)); }

std::string identifier_name(const Token& token) {
  std::string_view text = token.text;
  if (token.kind != TokenKind::kQuoted && token.kind != TokenKind::kString) {
    return std::string(text);
  }
  if (text.size() < 2) return std::string(text);
  char open = text.front();
  std::string_view inner = text.substr(1, text.size() - 2);
  if (open == '[') return std::string(inner);
  std::string out;
  for (size_t i = 0; i < inner.size(); ++i) {
    out += inner[i];
    if (inner[i] == open && i + 1 < inner.size() && inner[i + 1] == open) ++i;
  }
  return out;
}

TableDef parse_create_table(std::string_view sql) {
  TableDef def;
  std::vector<Token> t = tokenize(sql);
  if (t.size() > 1 && is_keyword(t[1], "virtual")) {
    for (size_t i = 0; i < t.size(); ++i) {
      if (is_keyword(t[i], "using")) {
        def.virtual_module = render_range(t, i, t.size());
        break;
      }
    }
    return def;
  }
  size_t open = 0;
  while (open < t.size() && !is_symbol(t[open], "(")) ++open;
  if (open == t.size()) return def;
  size_t close = matching_paren(t, open);
  static constexpr std::array<std::string_view, 5> kTableConstraints = {
      "constraint", "primary", "unique", "check", "foreign"};
  for (Range r : split_top_level(t, open + 1, close)) {
    if (r.first >= r.second) continue;
    std::string lower = is_word(t[r.first]) ? ascii_lower(t[r.first].text) : std::string();
    if (std::find(kTableConstraints.begin(), kTableConstraints.end(), lower) !=
        kTableConstraints.end()) {
      parse_table_constraint(t, r, def);
    } else {
      parse_column(t, r, def);
    }
  }
  return def;
}

IndexDef parse_create_index(std::string_view sql) {
  IndexDef def;
  std::vector<Token> t = tokenize(sql);
  size_t on = 0;
  while (on < t.size() && !is_keyword(t[on], "on")) ++on;
  size_t open = on;
  while (open < t.size() && !is_symbol(t[open], "(")) ++open;
  if (open >= t.size()) return def;
  size_t close = matching_paren(t, open);
  for (auto [b, e] : split_top_level(t, open + 1, close)) {
    if (e > b && (is_keyword(t[e - 1], "asc") || is_keyword(t[e - 1], "desc"))) --e;
    if (e >= b + 2 && is_keyword(t[e - 2], "collate")) e -= 2;
    def.items.push_back(render_range(t, b, e));
  }
  if (close + 1 < t.size() && is_keyword(t[close + 1], "where")) {
    def.predicate = render_range(t, close + 2, t.size());
  }
  return def;
}

}  // namespace keel::sqlite
