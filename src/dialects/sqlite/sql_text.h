// SQLite dialect: reading the CREATE statements SQLite keeps in sqlite_schema.
//
// SQLite stores each object's SQL as written, and some properties (CHECK
// constraints, generated column expressions, index expressions and
// predicates, foreign key deferrability) exist only in that text. This file
// tokenises it (respecting quotes, comments and parentheses) and renders it in
// one canonical spacing so that reformatting does not count as a change.
// Pure text processing: no database code.
#pragma once

#include <map>
#include <string>
#include <string_view>
#include <vector>

namespace keel::sqlite {

enum class TokenKind {
  kWord,    // keyword or bare identifier
  kQuoted,  // "identifier", `identifier`, [identifier]
  kString,  // 'literal' (also X'blob')
  kNumber,
  kParameter,  // ?1 :name @name $name
  kSymbol,     // operators and punctuation
};

struct Token {
  TokenKind kind;
  std::string_view text;
};

// Splits SQL into tokens, dropping whitespace and comments. Never fails: an
// unterminated quote or comment runs to the end of the text.
std::vector<Token> tokenize(std::string_view sql);

// Renders tokens with canonical spacing: one space between words, operators
// surrounded by spaces, none inside parentheses or before commas. String
// literals and quoted identifiers are kept byte for byte. (CHECK and generated
// column expressions are also case-folded: bare identifiers and function names
// lower-cased, since SQLite does not tell "AGE" from "age"; view bodies are
// not, since a result column's name keeps the case it is written in.)
std::string render(const std::vector<Token>& tokens);

// render(tokenize(sql)).
std::string normalize_sql(std::string_view sql);

// The name an identifier token stands for: quotes removed, doubled quotes
// undone. Bare words are returned as written.
std::string identifier_name(const Token& token);

// Case-insensitive ASCII comparison (SQLite identifiers and keywords).
bool iequals(std::string_view a, std::string_view b);
std::string ascii_lower(std::string_view s);

struct CheckDef {
  std::string name;        // CONSTRAINT name, empty when unnamed
  std::string expression;  // normalised text inside CHECK ( ... )
};

struct ForeignKeyDef {
  std::vector<std::string> columns;
  std::string ref_table;
  bool initially_deferred = false;  // DEFERRABLE INITIALLY DEFERRED
};

// ON CONFLICT clauses other than the default ABORT, which change what an INSERT or UPDATE
// does: constraint -> lower-case resolution ("not null" -> "replace", "unique" -> "ignore";
// on a table: "primary key (a, b)" -> "rollback").
using OnConflict = std::map<std::string, std::string>;

struct ColumnDef {
  std::string name;
  std::vector<CheckDef> checks;
  std::string generated;   // normalised expression of GENERATED ALWAYS AS ( ... )
  OnConflict on_conflict;  // "not null", "unique", "primary key"
};

struct TableDef {
  std::vector<ColumnDef> columns;
  std::vector<CheckDef> checks;             // table constraints, in order
  std::vector<ForeignKeyDef> foreign_keys;  // column and table constraints
  std::string virtual_module;               // CREATE VIRTUAL TABLE: "USING fts5(...)"
  OnConflict on_conflict;  // table constraints: "unique (a, b)", "primary key (id)"
};

// Best effort: what cannot be recognised is left out.
TableDef parse_create_table(std::string_view sql);

struct IndexDef {
  std::vector<std::string> items;  // each indexed column or expression, normalised, without
                                   // a trailing COLLATE or ASC/DESC
  std::string predicate;           // normalised WHERE clause of a partial index
};

IndexDef parse_create_index(std::string_view sql);

}  // namespace keel::sqlite
