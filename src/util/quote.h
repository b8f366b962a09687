// SQL quoting shared by the dialects: every identifier keel puts into a
// statement it builds goes through quote_identifier(). Values go as bind
// parameters.
#pragma once

#include <string>
#include <string_view>

namespace keel {

// "name" with embedded double quotes doubled. Valid in PostgreSQL and SQLite.
std::string quote_identifier(std::string_view name);

// quote_identifier(schema) + "." + quote_identifier(name); just the name when
// schema is empty.
std::string quote_qualified(std::string_view schema, std::string_view name);

}  // namespace keel
