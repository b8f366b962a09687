// PostgreSQL 15 type and volatility knowledge (see types.h). The rules for
// ALTER COLUMN TYPE follow tablecmds.c's ATColumnChangeRequiresRewrite: no
// rewrite when the conversion is a binary-coercible relabel or a length
// coercion its support function proves a no-op (varchar_support,
// numeric_support, varbit_support, TemporalSimplify for time/timestamp).
#include "dialects/postgres/types.h"

#include <algorithm>
#include <cctype>
#include <cstdlib>
#include <map>

namespace keel::pg {
namespace {

using lint::Volatility;

std::string lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

std::string trim(std::string_view s) {
  size_t b = 0, e = s.size();
  while (b < e && std::isspace(static_cast<unsigned char>(s[b]))) ++b;
  while (e > b && std::isspace(static_cast<unsigned char>(s[e - 1]))) --e;
  return std::string(s.substr(b, e - b));
}

// Collapses runs of spaces (format_type writes one; a script may write more).
std::string squeeze(std::string_view s) {
  std::string out;
  for (char c : s) {
    bool space = std::isspace(static_cast<unsigned char>(c));
    if (space && (out.empty() || out.back() == ' ')) continue;
    out += space ? ' ' : c;
  }
  while (!out.empty() && out.back() == ' ') out.pop_back();
  return out;
}

const std::map<std::string, std::string, std::less<>>& aliases() {
  static const std::map<std::string, std::string, std::less<>> kAliases = {
      {"integer", "int4"},
      {"int", "int4"},
      {"smallint", "int2"},
      {"bigint", "int8"},
      {"real", "float4"},
      {"float", "float8"},
      {"double precision", "float8"},
      {"boolean", "bool"},
      {"character varying", "varchar"},
      {"char varying", "varchar"},
      {"character", "bpchar"},
      {"char", "bpchar"},
      {"bit varying", "varbit"},
      {"decimal", "numeric"},
      {"timestamp", "timestamp"},
      {"timestamp without time zone", "timestamp"},
      {"timestamp with time zone", "timestamptz"},
      {"time", "time"},
      {"time without time zone", "time"},
      {"time with time zone", "timetz"},
      {"serial", "int4"},
      {"bigserial", "int8"},
      {"smallserial", "int2"},
  };
  return kAliases;
}

bool one_of(const std::string& t, std::initializer_list<const char*> names) {
  return std::any_of(names.begin(), names.end(), [&](const char* n) { return t == n; });
}

bool textual(const std::string& t) { return one_of(t, {"text", "varchar", "bpchar"}); }
bool temporal(const std::string& t) {
  return one_of(t, {"time", "timetz", "timestamp", "timestamptz"});
}

// A length/precision change the type's support function proves a no-op:
// the new limit is absent or not below the old one.
bool limit_grows(const PgType& from, const PgType& to) {
  if (to.mods.empty()) return true;
  return !from.mods.empty() && to.mods[0] >= from.mods[0];
}

bool element_coercible(const PgType& from, const PgType& to) {
  const std::string &a = from.name, &b = to.name;
  if (a == b && from.mods == to.mods) return true;
  if ((a == "varchar" || a == "text") && (b == "text" || (b == "varchar" && to.mods.empty()))) {
    return true;
  }
  if (a == "varchar" && b == "varchar") return limit_grows(from, to);
  if ((a == "varbit" || a == "bit") && b == "varbit") return limit_grows(from, to);
  if (a == "numeric" && b == "numeric") {
    if (to.mods.empty()) return true;
    if (from.mods.empty()) return false;
    int from_scale = from.mods.size() > 1 ? from.mods[1] : 0;
    int to_scale = to.mods.size() > 1 ? to.mods[1] : 0;
    return from_scale == to_scale && to.mods[0] >= from.mods[0];
  }
  if (temporal(a) && a == b) {
    // TemporalSimplify: no-op when the new precision is absent or at least
    // 6 (the most kept), or not below a given old one.
    if (to.mods.empty() || to.mods[0] >= 6) return true;
    return !from.mods.empty() && from.mods[0] <= to.mods[0];
  }
  return a == "cidr" && b == "inet";
}

// Where the modifiers of a format_type() name sit: "timestamp(3) with time
// zone" has them in the middle.
void split_mods(std::string& text, std::vector<int>& mods) {
  size_t open = text.find('(');
  if (open == std::string::npos) return;
  size_t close = text.find(')', open);
  std::string inside =
      text.substr(open + 1, close == std::string::npos ? std::string::npos : close - open - 1);
  size_t start = 0;
  while (start <= inside.size()) {
    size_t comma = inside.find(',', start);
    std::string part = inside.substr(start, comma == std::string::npos ? comma : comma - start);
    mods.push_back(static_cast<int>(std::strtol(part.c_str(), nullptr, 10)));
    if (comma == std::string::npos) break;
    start = comma + 1;
  }
  text.erase(open, close == std::string::npos ? std::string::npos : close - open + 1);
}

}  // namespace

std::string canonical_type_name(std::string_view name) {
  std::string n = squeeze(lower(name));
  if (n.starts_with("pg_catalog.")) n = n.substr(11);
  auto it = aliases().find(n);
  return it == aliases().end() ? n : it->second;
}

PgType parse_type(std::string_view text) {
  PgType t;
  std::string s = trim(text);
  while (s.ends_with("[]")) {
    ++t.array_dims;
    s = trim(std::string_view(s).substr(0, s.size() - 2));
  }
  split_mods(s, t.mods);
  t.spelled = squeeze(s);
  bool quoted = s.find('"') != std::string::npos;
  t.name = quoted ? t.spelled : canonical_type_name(t.spelled);
  return t;
}

PgType make_type(std::string_view name, std::vector<int> mods, int array_dims) {
  PgType t;
  t.spelled = std::string(name);
  // Internal names are not SQL spellings: "char" is the one-byte type here.
  t.name = lower(name);
  if (t.name.starts_with("pg_catalog.")) t.name = t.name.substr(11);
  t.mods = std::move(mods);
  t.array_dims = array_dims;
  return t;
}

bool binary_coercible(const PgType& from, const PgType& to) {
  if (from.array_dims != to.array_dims) return false;
  return element_coercible(from, to);
}

TableWork type_change_work(const PgType& from, const PgType& to) {
  return binary_coercible(from, to) ? TableWork::kNone : TableWork::kRewrite;
}

std::string lossy_change(const PgType& from, const PgType& to) {
  const std::string &a = from.name, &b = to.name;
  const std::vector<int>&ma = from.mods, &mb = to.mods;
  std::string drops = from.spelled + " -> " + to.spelled + " drops part of each value";
  if (a == "numeric" && b == "numeric" && ma.size() == 2 && mb.size() == 2 && mb[1] < ma[1]) {
    return "numeric scale " + std::to_string(ma[1]) + " -> " + std::to_string(mb[1]) +
           " rounds values";
  }
  if (a == "numeric" && b == "numeric" && mb.size() == 2 && ma.empty()) return "rounds values";
  // Text parsed into a built-in type keeps the value, not its spelling
  // ('007' -> 7, ' 1.50' -> 1.50, jsonb spacing). (Types of a schema, such
  // as enums and domains, are named schema.name: left out.)
  if (textual(a) && !textual(b) && to.spelled.find('.') == std::string::npos) {
    return from.spelled + " -> " + to.spelled +
           " parses each value: its text form may not come back";
  }
  if (one_of(a, {"numeric", "float8", "float4"}) && one_of(b, {"int2", "int4", "int8"})) {
    return drops + " (the fraction is rounded away)";
  }
  if ((a == "numeric" && one_of(b, {"float8", "float4"})) || (a == "float8" && b == "float4") ||
      (one_of(a, {"int4", "int8"}) && b == "float4") || (a == "int8" && b == "float8")) {
    return from.spelled + " -> " + to.spelled + " rounds values to fewer significant digits";
  }
  bool from_stamp = a == "timestamp" || a == "timestamptz";
  if ((from_stamp && (b == "date" || b == "time" || b == "timetz")) ||
      (a == "interval" && b == "interval" && !mb.empty() && ma != mb)) {
    return drops;
  }
  // Fractional seconds: precision 6 unless given.
  bool to_stamp = b == "timestamp" || b == "timestamptz";
  if (temporal(a) && temporal(b) && from_stamp == to_stamp) {
    int pa = ma.empty() ? 6 : ma[0], pb = mb.empty() ? 6 : mb[0];
    if (pb < pa) {
      return "fractional seconds " + std::to_string(pa) + " -> " + std::to_string(pb) +
             " digits round values";
    }
  }
  return "";
}

std::optional<Volatility> builtin_volatility(std::string_view function) {
  static const std::map<std::string, Volatility, std::less<>> kBuiltin = [] {
    std::map<std::string, Volatility, std::less<>> m;
    for (const char* f :
         {"random", "random_normal", "clock_timestamp", "timeofday", "gen_random_uuid",
          "uuid_generate_v1", "uuid_generate_v1mc", "uuid_generate_v4", "gen_random_bytes",
          "nextval", "setval", "txid_current", "pg_current_xact_id", "setseed", "lastval",
          "currval", "pg_backend_pid", "inet_client_addr"}) {
      m[f] = Volatility::kVolatile;
    }
    for (const char* f :
         {"now", "transaction_timestamp", "statement_timestamp", "current_setting",
          "current_database", "current_schema", "to_timestamp", "to_char", "to_date", "format",
          "date_part", "age", "current_user", "session_user"}) {
      m[f] = Volatility::kStable;
    }
    for (const char* f : {"lower",
                          "upper",
                          "length",
                          "char_length",
                          "concat_ws",
                          "md5",
                          "abs",
                          "round",
                          "floor",
                          "ceil",
                          "trim",
                          "btrim",
                          "ltrim",
                          "rtrim",
                          "replace",
                          "substr",
                          "substring",
                          "left",
                          "right",
                          "lpad",
                          "rpad",
                          "make_date",
                          "make_time",
                          "make_interval",
                          "date_trunc",
                          "jsonb_build_object",
                          "json_build_object",
                          "jsonb_build_array",
                          "json_build_array",
                          "array_fill",
                          "int4",
                          "int8",
                          "numeric",
                          "text",
                          "uuid_nil",
                          "power",
                          "sqrt",
                          "greatest",
                          "least",
                          "to_jsonb",
                          "to_json",
                          "encode",
                          "decode",
                          "sha256",
                          "split_part",
                          "regexp_replace",
                          "initcap",
                          "reverse",
                          "repeat"}) {
      m[f] = Volatility::kImmutable;
    }
    return m;
  }();
  auto it = kBuiltin.find(function);
  if (it == kBuiltin.end()) return std::nullopt;
  return it->second;
}

std::vector<std::string> called_functions(std::string_view e) {
  std::vector<std::string> out;
  auto word = [](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '$' ||
           (static_cast<unsigned char>(c) & 0x80);
  };
  std::string name;  // the dotted name read so far
  for (size_t i = 0; i < e.size(); ++i) {
    char c = e[i];
    if (c == '\'') {  // a literal: skip to its end ('' is a quote inside)
      for (++i; i < e.size(); ++i) {
        if (e[i] == '\'' && (i + 1 >= e.size() || e[i + 1] != '\'')) break;
        if (e[i] == '\'') ++i;
      }
      name.clear();
    } else if (c == '"') {  // a quoted identifier, part of a name
      size_t end = e.find('"', i + 1);
      while (end != std::string_view::npos && end + 1 < e.size() && e[end + 1] == '"') {
        end = e.find('"', end + 2);
      }
      if (end == std::string_view::npos) break;
      name += std::string(e.substr(i + 1, end - i - 1));
      i = end;
    } else if (word(c)) {
      name += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    } else if (c == '.' && !name.empty()) {
      name += '.';
    } else {
      if (c == '(' && !name.empty() && !std::isdigit(static_cast<unsigned char>(name[0]))) {
        out.push_back(name);
      }
      name.clear();
    }
  }
  return out;
}

}  // namespace keel::pg
