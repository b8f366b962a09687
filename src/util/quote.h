// SQL quoting shared by the dialects: every identifier keel puts into a
// statement it builds goes through quote_identifier(). Values go as bind
// parameters, except in generated DDL (keel diff), which has no parameters
// and quotes them with quote_literal().
#pragma once

#include <string>
#include <string_view>

namespace keel {

// "name" with embedded double quotes doubled. Valid in PostgreSQL and SQLite.
std::string quote_identifier(std::string_view name);

// A name as keel prints it in reports (drift, diff, verify, plan): bare when
// it reads the same unquoted — lower-case ASCII letters, digits, '_', '$' and
// non-ASCII bytes, not starting with a digit or '$' — else quote_identifier().
// So "a.b" and "Users" stay apart from a.b and users. For reading only: key
// words are left bare, so this is not for generated SQL.
std::string display_identifier(std::string_view name);

// quote_identifier(schema) + "." + quote_identifier(name); just the name when
// schema is empty.
std::string quote_qualified(std::string_view schema, std::string_view name);

// 'text' with embedded single quotes doubled: a string literal for
// PostgreSQL (standard_conforming_strings on, the default since 9.1) and
// SQLite. Generated DDL puts every value it writes through this.
std::string quote_literal(std::string_view text);

// $tag$text$tag$ with a tag that does not occur in the text (function bodies
// in generated DDL; PostgreSQL only).
std::string quote_dollar(std::string_view text);

}  // namespace keel
