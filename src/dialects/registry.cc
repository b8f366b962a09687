// The one list of dialects, and finding one by URL, scheme or manifest name.
// Adding a dialect: its folder src/dialects/<dialect>/ (driver.cc fills a
// Driver) and one line in kDrivers below, with its driver.h.
#include <fmt/format.h>

#include <cctype>

#include "dialects/postgres/driver.h"
#include "dialects/sqlite/driver.h"
#include "keel/dialect.h"

namespace keel::dialects {
namespace {

// "postgresql" of "postgresql://...": RFC 3986's scheme (a letter, then
// letters, digits, '+', '-', '.') before the first ':'. Empty when the text
// does not start with one (libpq key/value strings, file names).
std::string_view scheme_of(std::string_view text) {
  if (text.empty() || !std::isalpha(static_cast<unsigned char>(text[0]))) return {};
  for (size_t i = 1; i < text.size(); ++i) {
    char c = text[i];
    if (c == ':') return text.substr(0, i);
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '+' && c != '-' && c != '.') break;
  }
  return {};
}

std::string joined(const std::vector<std::string_view>& items, std::string_view last_separator) {
  std::string out;
  for (size_t i = 0; i < items.size(); ++i) {
    if (i > 0) out += i + 1 == items.size() ? last_separator : ", ";
    out += items[i];
  }
  return out;
}

}  // namespace

const std::vector<Dialect>& all() {
  static const std::vector<Dialect> kDrivers = {
      pg::driver(),
      sqlite::driver(),
  };
  return kDrivers;
}

std::string KeelNames::display(std::string_view table) const {
  return schema.empty() ? std::string(table) : fmt::format("{}.{}", schema, table);
}

Result<Dialect> find_by_name(std::string_view name) {
  std::vector<std::string_view> names;
  for (Dialect d : all()) {
    if (d->name == name) return d;
    names.push_back(d->name);
  }
  return fail(ErrorCode::kConfig,
              fmt::format("{} is not a dialect keel reads ({}); capture the manifest again "
                          "with this keel",
                          name.empty() ? std::string("no dialect") : fmt::format("'{}'", name),
                          joined(names, ", ")));
}

Result<Dialect> find_by_scheme(std::string_view scheme) {
  std::vector<std::string_view> schemes;
  for (Dialect d : all()) {
    for (std::string_view s : d->url_schemes) {
      if (s == scheme) return d;
      schemes.push_back(s);
    }
  }
  return fail(ErrorCode::kUsage, fmt::format("unknown URL scheme '{}'; keel reads {}", scheme,
                                             joined(schemes, " and ")));
}

Dialect find_by_url(const std::string& text) {
  // A text with a scheme belongs to the dialect listing it, if it reads that
  // form of it ("postgresql:x" is no PostgreSQL URL); scheme-less text
  // (libpq key/value strings) to the first dialect that reads it.
  if (std::string_view scheme = scheme_of(text); !scheme.empty()) {
    auto d = find_by_scheme(scheme);
    return d && (*d)->reads_url(text) ? *d : Dialect();
  }
  for (Dialect d : all()) {
    if (d->reads_url(text)) return d;
  }
  return {};
}

std::string names_with(bool Capabilities::*capability) {
  std::vector<std::string_view> names;
  for (Dialect d : all()) {
    if (d->capabilities.*capability) names.push_back(d->display_name);
  }
  return names.empty() ? std::string("no dialect") : joined(names, " and ");
}

}  // namespace keel::dialects
