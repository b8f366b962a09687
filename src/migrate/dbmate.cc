// dbmate's single-file format: "-- migrate:up" and "-- migrate:down"
// sections, each with its own directives.
#include "migrate/dbmate.h"

#include <fmt/format.h>

#include <algorithm>
#include <cctype>

#include "migrate/directives.h"

namespace keel::migrate {
namespace {

std::string_view trim(std::string_view s) {
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front()))) s.remove_prefix(1);
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) s.remove_suffix(1);
  return s;
}

// True when every line is blank or a "--" comment.
bool only_comments(std::string_view text) {
  size_t pos = 0;
  while (pos < text.size()) {
    size_t end = std::min(text.find('\n', pos), text.size());
    std::string_view line = trim(text.substr(pos, end - pos));
    if (!line.empty() && !line.starts_with("--")) return false;
    pos = end + 1;
  }
  return true;
}

// A "-- keel:..." comment line.
bool is_directive(std::string_view line) {
  line = trim(line);
  return line.starts_with("--") && trim(line.substr(2)).starts_with("keel:");
}

// A dbmate marker line ("-- migrate:up transaction:false"): its kind and options.
struct Marker {
  bool up = false;
  std::string_view options;
  int line = 0;
  size_t begin = 0;  // offset of the marker line
  size_t end = 0;    // offset just after the marker line
};

std::optional<Marker> parse_marker(std::string_view line) {
  std::string_view text = trim(line);
  if (!text.starts_with("--")) return std::nullopt;
  text = trim(text.substr(2));
  for (auto [word, up] : {std::pair{std::string_view("migrate:up"), true},
                          std::pair{std::string_view("migrate:down"), false}}) {
    if (text.starts_with(word) && (text.size() == word.size() ||
                                   std::isspace(static_cast<unsigned char>(text[word.size()])))) {
      return Marker{.up = up, .options = trim(text.substr(word.size()))};
    }
  }
  return std::nullopt;
}

// dbmate's marker options: only "transaction:false|true".
Result<bool> no_transaction_option(const Marker& marker, const std::string& path) {
  bool no_transaction = false;
  std::string_view rest = marker.options;
  while (!rest.empty()) {
    size_t end = std::min(rest.find_first_of(" \t"), rest.size());
    std::string_view option = rest.substr(0, end);
    if (option == "transaction:false") {
      no_transaction = true;
    } else if (option != "transaction:true") {
      return fail(ErrorCode::kConfig,
                  fmt::format("unknown dbmate option '{}': accepted: transaction:false, "
                              "transaction:true",
                              option),
                  fmt::format("{}:{}", path, marker.line));
    }
    rest = trim(rest.substr(end));
  }
  return no_transaction;
}

}  // namespace

Result<std::pair<Script, std::optional<Script>>> dbmate_sections(const std::string& path,
                                                                 const std::string& text) {
  std::optional<Marker> up;
  std::optional<Marker> down;
  std::optional<Error> preamble_error;
  int line = 1;
  size_t pos = 0;
  while (pos < text.size()) {
    size_t end = std::min(text.find('\n', pos), text.size());
    if (auto marker = parse_marker(std::string_view(text).substr(pos, end - pos))) {
      marker->line = line;
      marker->begin = pos;
      marker->end = std::min(end + 1, text.size());
      std::string context = fmt::format("{}:{}", path, line);
      if (marker->up && up) {
        return fail(ErrorCode::kConfig, "a second '-- migrate:up': keep one per file", context);
      }
      if (!marker->up && down) {
        return fail(ErrorCode::kConfig, "a second '-- migrate:down': keep one per file", context);
      }
      if (!marker->up && !up) {
        return fail(ErrorCode::kConfig,
                    "'-- migrate:down' before '-- migrate:up': put the up section first", context);
      }
      (marker->up ? up : down) = marker;
    } else if (!up && !preamble_error) {
      // Reported after the loop, so that a file with no marker at all gets
      // the message about the missing marker.
      std::string_view text_line = std::string_view(text).substr(pos, end - pos);
      std::string context = fmt::format("{}:{}", path, line);
      if (!only_comments(text_line)) {
        preamble_error =
            Error{ErrorCode::kConfig,
                  "SQL before '-- migrate:up': dbmate files start with a '-- migrate:up' line",
                  context,
                  {}};
      } else if (is_directive(text_line)) {
        preamble_error = Error{ErrorCode::kConfig,
                               "a keel directive before '-- migrate:up': move it below the "
                               "'-- migrate:up' (or '-- migrate:down') line it applies to",
                               context,
                               {}};
      }
    }
    pos = end + 1;
    ++line;
  }
  if (!up) {
    return fail(ErrorCode::kConfig,
                "no '-- migrate:up' line: a <version>_<name>.sql file is read as dbmate's format; "
                "add '-- migrate:up' (and '-- migrate:down') or rename it to "
                "<version>_<name>.up.sql",
                path);
  }
  if (preamble_error) return std::unexpected(*preamble_error);
  size_t up_end = down ? down->begin : text.size();
  auto up_script = make_script(path, text.substr(up->end, up_end - up->end), up->line + 1);
  if (!up_script) return std::unexpected(up_script.error());
  auto up_no_tx = no_transaction_option(*up, path);
  if (!up_no_tx) return std::unexpected(up_no_tx.error());
  up_script->directives.no_transaction |= *up_no_tx;
  std::optional<Script> down_script;
  if (down && !only_comments(std::string_view(text).substr(down->end))) {
    auto script = make_script(path, text.substr(down->end), down->line + 1);
    if (!script) return std::unexpected(script.error());
    auto down_no_tx = no_transaction_option(*down, path);
    if (!down_no_tx) return std::unexpected(down_no_tx.error());
    script->directives.no_transaction |= *down_no_tx;
    down_script = std::move(*script);
  }
  return std::pair{std::move(*up_script), std::move(down_script)};
}

}  // namespace keel::migrate
