#include "util/quote.h"

namespace keel {
namespace {

std::string quote_with(std::string_view text, char quote) {
  std::string out(1, quote);
  for (char c : text) {
    if (c == quote) out += quote;
    out += c;
  }
  out += quote;
  return out;
}

}  // namespace

std::string quote_identifier(std::string_view name) { return quote_with(name, '"'); }

std::string display_identifier(std::string_view name) {
  bool bare = !name.empty() && !(name.front() >= '0' && name.front() <= '9') && name.front() != '$';
  for (char c : name) {
    auto byte = static_cast<unsigned char>(c);
    bare = bare && ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' || c == '$' ||
                    byte >= 0x80);
  }
  return bare ? std::string(name) : quote_identifier(name);
}

std::string quote_literal(std::string_view text) { return quote_with(text, '\''); }

std::string quote_dollar(std::string_view text) {
  std::string tag = "$body$";
  for (int n = 1; text.find(tag) != std::string_view::npos; ++n) {
    tag = "$body" + std::to_string(n) + "$";
  }
  return tag + std::string(text) + tag;
}

std::string quote_qualified(std::string_view schema, std::string_view name) {
  if (schema.empty()) return quote_identifier(name);
  return quote_identifier(schema) + "." + quote_identifier(name);
}

}  // namespace keel
