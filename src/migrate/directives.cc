#include "migrate/directives.h"

#include <fmt/format.h>

#include <charconv>
#include <optional>

namespace keel::migrate {
namespace {

constexpr std::string_view kAccepted =
    "accepted: -- keel:no-transaction, -- keel:lock-timeout <duration>, "
    "-- keel:statement-timeout <duration>, -- keel:retries <count> "
    "(durations like 500ms, 2s, 1m); -- keel:ignore <lint rule> may stand before any statement";

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r')) {
    s.remove_suffix(1);
  }
  return s;
}

// The text after "keel:" when the line is a "-- keel:" comment.
std::optional<std::string_view> directive_text(std::string_view line) {
  if (!line.starts_with("--")) return std::nullopt;
  std::string_view rest = trim(line.substr(2));
  if (!rest.starts_with("keel:")) return std::nullopt;
  return rest.substr(5);
}

Error directive_error(std::string message, const std::string& path, int line) {
  return Error{ErrorCode::kConfig,
               fmt::format("{}; {}", message, kAccepted),
               fmt::format("{}:{}", path, line),
               {}};
}

// Applies one directive ("lock-timeout 2s") to `out`.
Result<void> apply(std::string_view text, Directives& out, bool seen[4], const std::string& path,
                   int line) {
  std::string_view name = text.substr(0, text.find_first_of(" \t"));
  std::string_view value = trim(text.substr(name.size()));
  static constexpr std::string_view kNames[] = {"no-transaction", "lock-timeout",
                                                "statement-timeout", "retries"};
  int which = -1;
  for (int i = 0; i < 4; ++i) {
    if (name == kNames[i]) which = i;
  }
  if (which < 0) {
    return std::unexpected(
        directive_error(fmt::format("unknown directive 'keel:{}'", name), path, line));
  }
  if (seen[which]) {
    return std::unexpected(directive_error(
        fmt::format("directive 'keel:{}' is given twice; keep one", name), path, line));
  }
  seen[which] = true;
  if (which == 0) {
    if (!value.empty()) {
      return std::unexpected(directive_error(
          fmt::format("'keel:no-transaction' takes no value (got '{}')", value), path, line));
    }
    out.no_transaction = true;
    return {};
  }
  if (value.empty()) {
    return std::unexpected(
        directive_error(fmt::format("'keel:{}' needs a value", name), path, line));
  }
  if (which == 3) {
    int retries = -1;
    auto [end, ec] = std::from_chars(value.data(), value.data() + value.size(), retries);
    if (ec != std::errc() || end != value.data() + value.size() || retries < 0 || retries > 1000) {
      return std::unexpected(directive_error(
          fmt::format("bad value '{}' for 'keel:retries': expected a whole number 0..1000", value),
          path, line));
    }
    out.retries = retries;
    return {};
  }
  auto duration = parse_duration(value);
  if (!duration) {
    return std::unexpected(directive_error(
        fmt::format("bad value for 'keel:{}': {}", name, duration.error().message), path, line));
  }
  (which == 1 ? out.lock_timeout : out.statement_timeout) = *duration;
  return {};
}

}  // namespace

Result<std::chrono::milliseconds> parse_duration(std::string_view text) {
  text = trim(text);
  long long number = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), number);
  std::string_view unit(end, text.data() + text.size() - end);
  long long factor = 0;
  if (unit.empty() || unit == "ms") {
    factor = 1;
  } else if (unit == "s") {
    factor = 1000;
  } else if (unit == "m" || unit == "min") {
    factor = 60 * 1000;
  } else if (unit == "h") {
    factor = 60 * 60 * 1000;
  }
  constexpr long long kMaxMs = 24LL * 60 * 60 * 1000 * 365;
  if (ec != std::errc() || end == text.data() || number < 0 || factor == 0 ||
      number > kMaxMs / factor) {
    return fail(ErrorCode::kConfig,
                fmt::format("'{}' is not a duration: write a whole number with ms, s, m or h "
                            "(e.g. 500ms, 2s, 1m); a bare number is milliseconds",
                            text));
  }
  return std::chrono::milliseconds(number * factor);
}

Result<Directives> parse_directives(std::string_view sql, const std::string& path, int first_line) {
  Directives out;
  bool seen[4] = {false, false, false, false};
  bool in_header = true;
  int line = first_line;
  size_t pos = 0;
  while (pos < sql.size()) {
    size_t end = sql.find('\n', pos);
    if (end == std::string_view::npos) end = sql.size();
    std::string_view text = trim(sql.substr(pos, end - pos));
    auto directive = directive_text(text);
    if (in_header && !text.empty() && !text.starts_with("--")) in_header = false;
    // "-- keel:ignore <rule>" belongs to keel lint and may stand before any statement.
    std::string_view name = directive ? trim(*directive) : std::string_view();
    if (name == "ignore" || name.starts_with("ignore ") || name.starts_with("ignore\t")) {
      directive.reset();
    }
    if (directive) {
      if (!in_header) {
        return std::unexpected(directive_error(
            "directive after the first SQL line: move it to the comment lines at the top", path,
            line));
      }
      auto applied = apply(trim(*directive), out, seen, path, line);
      if (!applied) return std::unexpected(applied.error());
    }
    pos = end + 1;
    ++line;
  }
  return out;
}

Result<Script> make_script(const std::string& path, std::string sql, int first_line) {
  auto directives = parse_directives(sql, path, first_line);
  if (!directives) return std::unexpected(directives.error());
  return Script{
      .path = path, .sql = std::move(sql), .first_line = first_line, .directives = *directives};
}

}  // namespace keel::migrate
