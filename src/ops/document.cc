// Operation files' text -> a JSON tree with the line of every value (YAML and JSON alike).
#include "ops/document.h"

#include <fmt/format.h>
#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <charconv>
#include <cmath>
#include <limits>
#include <set>
#include <vector>

#include "util/utf8.h"

namespace keel::ops {
namespace {

using Json = nlohmann::ordered_json;

constexpr std::string_view kBom = "\xEF\xBB\xBF";

Error at_line(const std::string& path, int line, std::string message) {
  return Error{ErrorCode::kConfig, std::move(message), fmt::format("{}:{}", path, line), {}};
}

int line_at_offset(std::string_view text, size_t offset) {
  offset = std::min(offset, text.size());
  return 1 + static_cast<int>(std::count(text.begin(), text.begin() + offset, '\n'));
}

// The first byte of `text` that is not well-formed UTF-8 (text.size() when all are).
size_t first_invalid_utf8(std::string_view text) {
  if (util::is_valid_utf8(text)) return text.size();
  size_t good = 0;
  size_t bad = text.size();
  // Binary search on the longest valid prefix; a cut inside a character is not valid either,
  // so step back to the start of the character that breaks it.
  while (good + 1 < bad) {
    size_t mid = good + (bad - good) / 2;
    if (util::is_valid_utf8(text.substr(0, mid))) {
      good = mid;
    } else {
      bad = mid;
    }
  }
  return good;
}

// ---------------------------------------------------------------- YAML

bool is_int(std::string_view s) {
  if (!s.empty() && (s[0] == '-' || s[0] == '+')) s.remove_prefix(1);
  return !s.empty() && std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
}

bool is_float(std::string_view s) {
  if (s == ".inf" || s == "-.inf" || s == "+.inf" || s == ".nan" || s == ".Inf" || s == ".NaN" ||
      s == ".INF" || s == ".NAN" || s == "-.Inf" || s == "-.INF") {
    return true;
  }
  if (!s.empty() && (s[0] == '-' || s[0] == '+')) s.remove_prefix(1);
  size_t i = 0;
  size_t digits = 0;
  while (i < s.size() && s[i] >= '0' && s[i] <= '9') ++i, ++digits;
  if (i < s.size() && s[i] == '.') {
    ++i;
    while (i < s.size() && s[i] >= '0' && s[i] <= '9') ++i, ++digits;
  }
  if (digits == 0) return false;
  if (i < s.size() && (s[i] == 'e' || s[i] == 'E')) {
    ++i;
    if (i < s.size() && (s[i] == '-' || s[i] == '+')) ++i;
    size_t exp = 0;
    while (i < s.size() && s[i] >= '0' && s[i] <= '9') ++i, ++exp;
    if (exp == 0) return false;
  }
  return i == s.size();
}

// A plain scalar under YAML 1.2's core schema.
Json plain_scalar(const std::string& s) {
  if (s == "true" || s == "True" || s == "TRUE") return true;
  if (s == "false" || s == "False" || s == "FALSE") return false;
  if (s.empty() || s == "~" || s == "null" || s == "Null" || s == "NULL") return nullptr;
  if (is_int(s)) {
    int64_t value = 0;
    std::string_view digits = s[0] == '+' ? std::string_view(s).substr(1) : std::string_view(s);
    auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), value);
    if (ec == std::errc() && end == digits.data() + digits.size()) return value;
    return std::strtod(s.c_str(), nullptr);
  }
  if (is_float(s)) {
    if (s.find("inf") != std::string::npos || s.find("Inf") != std::string::npos ||
        s.find("INF") != std::string::npos) {
      return s[0] == '-' ? -std::numeric_limits<double>::infinity()
                         : std::numeric_limits<double>::infinity();
    }
    if (s.find('.') == 0 && s.size() > 1 && (s[1] == 'n' || s[1] == 'N')) {
      return std::numeric_limits<double>::quiet_NaN();
    }
    return std::strtod(s.c_str(), nullptr);
  }
  return s;
}

class YamlReader {
 public:
  YamlReader(const std::string& path, Document& doc) : path_(path), doc_(doc) {}

  Result<Json> convert(const YAML::Node& node, const std::string& pointer, int depth) {
    int line = node.Mark().line >= 0 ? node.Mark().line + 1 : 1;
    if (depth > kMaxDepth) {
      return std::unexpected(at_line(
          path_, line,
          fmt::format("values are nested deeper than {} levels; an operation file never needs "
                      "that much: fix the file",
                      kMaxDepth)));
    }
    if (++values_ > kMaxValues) {
      return std::unexpected(
          at_line(path_, line,
                  fmt::format("the file holds more than {} values (YAML aliases expand to copies); "
                              "split it into several migrations",
                              kMaxValues)));
    }
    switch (node.Type()) {
      case YAML::NodeType::Null:
      case YAML::NodeType::Undefined:
        return Json(nullptr);
      case YAML::NodeType::Scalar:
        return scalar(node, line);
      case YAML::NodeType::Sequence:
        return sequence(node, pointer, depth);
      case YAML::NodeType::Map:
        return mapping(node, pointer, depth);
    }
    return Json(nullptr);
  }

 private:
  Result<Json> scalar(const YAML::Node& node, int line) {
    const std::string& tag = node.Tag();
    const std::string& text = node.Scalar();
    if (tag == "!" || tag == "tag:yaml.org,2002:str") return Json(text);
    if (tag == "?" || tag.empty() || tag == "tag:yaml.org,2002:int" ||
        tag == "tag:yaml.org,2002:float" || tag == "tag:yaml.org,2002:bool" ||
        tag == "tag:yaml.org,2002:null") {
      return plain_scalar(text);
    }
    return std::unexpected(at_line(
        path_, line,
        fmt::format("unsupported YAML tag {}: remove it (operation files use plain values)", tag)));
  }

  Result<Json> sequence(const YAML::Node& node, const std::string& pointer, int depth) {
    Json out = Json::array();
    size_t index = 0;
    for (const auto& item : node) {
      std::string child = child_pointer(pointer, std::to_string(index++));
      doc_.lines.emplace(child, item.Mark().line + 1);
      auto value = convert(item, child, depth + 1);
      if (!value) return value;
      out.push_back(std::move(*value));
    }
    return out;
  }

  Result<Json> mapping(const YAML::Node& node, const std::string& pointer, int depth) {
    Json out = Json::object();
    for (auto it = node.begin(); it != node.end(); ++it) {
      int line = it->first.Mark().line + 1;
      if (!it->first.IsScalar()) {
        return std::unexpected(at_line(
            path_, line, "a key that is not a plain name: write keys as names (`table: users`)"));
      }
      const std::string& key = it->first.Scalar();
      if (out.contains(key)) {
        return std::unexpected(at_line(path_, line,
                                       fmt::format("{}: duplicate key `{}`; keep one of them",
                                                   field_path(child_pointer(pointer, key)), key)));
      }
      std::string child = child_pointer(pointer, key);
      doc_.lines.emplace(child, line);
      auto value = convert(it->second, child, depth + 1);
      if (!value) return value;
      out[key] = std::move(*value);
    }
    return out;
  }

  const std::string& path_;
  Document& doc_;
  size_t values_ = 0;
};

Result<Document> read_yaml(const std::string& path, std::string_view text) {
  Document doc;
  std::vector<YAML::Node> documents;
  try {
    documents = YAML::LoadAll(std::string(text));
  } catch (const YAML::Exception& e) {
    int line = e.mark.line >= 0 ? e.mark.line + 1 : 1;
    return std::unexpected(
        at_line(path, line, fmt::format("YAML syntax error: {}; fix the file", e.msg)));
  } catch (const std::exception& e) {
    return std::unexpected(
        at_line(path, 1, fmt::format("cannot read the YAML: {}; fix the file", e.what())));
  }
  if (documents.size() > 1) {
    return std::unexpected(at_line(path, documents[1].Mark().line + 1,
                                   "a second YAML document (---): keep one migration per file"));
  }
  doc.lines.emplace("", 1);
  if (documents.empty()) {
    doc.root = nullptr;
    return doc;
  }
  YamlReader reader(path, doc);
  try {
    auto root = reader.convert(documents[0], "", 0);
    if (!root) return std::unexpected(root.error());
    doc.root = std::move(*root);
  } catch (const std::exception& e) {
    return std::unexpected(
        at_line(path, 1, fmt::format("cannot read the YAML: {}; fix the file", e.what())));
  }
  return doc;
}

// ---------------------------------------------------------------- JSON

// Counts the lines the parser has read: nlohmann's SAX events carry no position.
struct Cursor {
  int line = 1;
  char last = 0;
};

class CountingIterator {
 public:
  using iterator_category = std::input_iterator_tag;
  using value_type = char;
  using difference_type = std::ptrdiff_t;
  using pointer = const char*;
  using reference = const char&;

  CountingIterator(const char* p, Cursor* cursor) : p_(p), cursor_(cursor) {}
  const char& operator*() const {
    cursor_->last = *p_;
    if (*p_ == '\n') ++cursor_->line;
    return *p_;
  }
  CountingIterator& operator++() {
    ++p_;
    return *this;
  }
  CountingIterator operator++(int) {
    CountingIterator old = *this;
    ++p_;
    return old;
  }
  bool operator==(const CountingIterator& other) const { return p_ == other.p_; }
  bool operator!=(const CountingIterator& other) const { return p_ != other.p_; }

 private:
  const char* p_;
  Cursor* cursor_;
};

class JsonBuilder : public nlohmann::json_sax<Json> {
 public:
  JsonBuilder(const std::string& path, std::string_view text, Document& doc, Cursor& cursor)
      : path_(path), text_(text), doc_(doc), cursor_(cursor) {}

  bool null() override { return value(nullptr, cursor_.line); }
  bool boolean(bool v) override { return value(v, cursor_.line); }
  bool number_integer(number_integer_t v) override { return value(v, number_line()); }
  bool number_unsigned(number_unsigned_t v) override { return value(v, number_line()); }
  bool number_float(number_float_t v, const string_t&) override { return value(v, number_line()); }
  bool string(string_t& v) override { return value(v, cursor_.line); }
  bool binary(binary_t&) override { return value(nullptr, cursor_.line); }

  bool start_object(std::size_t) override { return open(Json::object()); }
  bool start_array(std::size_t) override { return open(Json::array()); }
  bool end_object() override { return close(); }
  bool end_array() override { return close(); }

  bool key(string_t& k) override {
    Frame& frame = stack_.back();
    std::string child = child_pointer(frame.pointer, k);
    if (frame.value.contains(k)) {
      error_ =
          at_line(path_, cursor_.line,
                  fmt::format("{}: duplicate key `{}`; keep one of them", field_path(child), k));
      return false;
    }
    frame.key = k;
    doc_.lines.emplace(child, cursor_.line);
    return true;
  }

  bool parse_error(std::size_t position, const std::string&,
                   const nlohmann::detail::exception& e) override {
    std::string what = e.what();
    // "[json.exception.parse_error.101] parse error at line 1, column 2: syntax error ..."
    if (auto colon = what.find(": ");
        what.starts_with("[json.exception") && colon != std::string::npos) {
      what = what.substr(colon + 2);
    }
    int line = line_at_offset(text_, position > 0 ? position - 1 : 0);
    error_ = at_line(path_, line, fmt::format("JSON syntax error: {}; fix the file", what));
    return false;
  }

  std::optional<Error> error() const { return error_; }

 private:
  struct Frame {
    Json value;
    std::string pointer;
    std::string key;  // objects: the member being read
  };

  // A number ends where the parser reads the next character; when that was a newline the
  // number is on the line before.
  int number_line() const { return cursor_.last == '\n' ? cursor_.line - 1 : cursor_.line; }

  // The pointer of the next value, recording its line when it is an array item.
  std::string next_pointer(int line) {
    if (stack_.empty()) return "";
    Frame& frame = stack_.back();
    if (frame.value.is_object()) return child_pointer(frame.pointer, frame.key);
    std::string child = child_pointer(frame.pointer, std::to_string(frame.value.size()));
    doc_.lines.emplace(child, line);
    return child;
  }

  bool count() {
    if (++values_ <= kMaxValues) return true;
    error_ = at_line(path_, cursor_.line,
                     fmt::format("the file holds more than {} values; split it into several "
                                 "migrations",
                                 kMaxValues));
    return false;
  }

  bool value(Json v, int line) {
    if (!count()) return false;
    if (stack_.empty()) {
      doc_.root = std::move(v);
      return true;
    }
    next_pointer(line);
    add(std::move(v));
    return true;
  }

  void add(Json v) {
    Frame& frame = stack_.back();
    if (frame.value.is_object()) {
      frame.value[frame.key] = std::move(v);
    } else {
      frame.value.push_back(std::move(v));
    }
  }

  bool open(Json container) {
    if (!count()) return false;
    if (static_cast<int>(stack_.size()) >= kMaxDepth) {
      error_ = at_line(path_, cursor_.line,
                       fmt::format("values are nested deeper than {} levels; an operation file "
                                   "never needs that much: fix the file",
                                   kMaxDepth));
      return false;
    }
    std::string pointer = next_pointer(cursor_.line);
    stack_.push_back(Frame{std::move(container), std::move(pointer), {}});
    return true;
  }

  bool close() {
    Frame frame = std::move(stack_.back());
    stack_.pop_back();
    if (stack_.empty()) {
      doc_.root = std::move(frame.value);
    } else {
      add(std::move(frame.value));
    }
    return true;
  }

  const std::string& path_;
  std::string_view text_;
  Document& doc_;
  Cursor& cursor_;
  std::vector<Frame> stack_;
  size_t values_ = 0;
  std::optional<Error> error_;
};

Result<Document> read_json(const std::string& path, std::string_view text) {
  Document doc;
  doc.lines.emplace("", 1);
  Cursor cursor;
  JsonBuilder builder(path, text, doc, cursor);
  CountingIterator first(text.data(), &cursor);
  CountingIterator last(text.data() + text.size(), &cursor);
  bool ok = false;
  try {
    ok = Json::sax_parse(first, last, &builder);
  } catch (const std::exception& e) {
    return std::unexpected(at_line(
        path, cursor.line, fmt::format("cannot read the JSON: {}; fix the file", e.what())));
  }
  if (auto error = builder.error()) return std::unexpected(*error);
  if (!ok) return std::unexpected(at_line(path, cursor.line, "cannot read the JSON; fix the file"));
  return doc;
}

}  // namespace

nlohmann::ordered_json yaml_plain_scalar(const std::string& text) { return plain_scalar(text); }

int Document::line_of(const std::string& pointer) const {
  std::string p = pointer;
  while (true) {
    if (auto it = lines.find(p); it != lines.end()) return it->second;
    if (p.empty()) return 1;
    p.erase(p.rfind('/'));
  }
}

std::optional<Syntax> syntax_of(std::string_view path) {
  std::string lower(path);
  std::transform(lower.begin(), lower.end(), lower.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  if (lower.ends_with(".yaml") || lower.ends_with(".yml")) return Syntax::kYaml;
  if (lower.ends_with(".json")) return Syntax::kJson;
  return std::nullopt;
}

std::string child_pointer(const std::string& pointer, std::string_view key) {
  std::string out = pointer + "/";
  for (char c : key) {
    if (c == '~') {
      out += "~0";
    } else if (c == '/') {
      out += "~1";
    } else {
      out += c;
    }
  }
  return out;
}

std::string field_path(const std::string& pointer) {
  if (pointer.empty()) return "the file";
  std::string out;
  size_t start = 1;
  while (start <= pointer.size()) {
    size_t end = pointer.find('/', start);
    if (end == std::string::npos) end = pointer.size();
    std::string part = pointer.substr(start, end - start);
    for (size_t i = 0; (i = part.find("~1", i)) != std::string::npos;) part.replace(i, 2, "/");
    for (size_t i = 0; (i = part.find("~0", i)) != std::string::npos; ++i) part.replace(i, 2, "~");
    bool index = !part.empty() &&
                 std::all_of(part.begin(), part.end(), [](char c) { return c >= '0' && c <= '9'; });
    if (index) {
      out += "[" + part + "]";
    } else {
      if (!out.empty()) out += '.';
      out += part;
    }
    start = end + 1;
  }
  return out;
}

Result<Document> read_document(const std::string& path, std::string_view text, Syntax syntax) {
  if (text.size() > kMaxFileBytes) {
    return std::unexpected(at_line(
        path, 1,
        fmt::format("the file is {} bytes, over the limit of {}: split it into several migrations",
                    text.size(), kMaxFileBytes)));
  }
  if (text.starts_with(kBom)) text.remove_prefix(kBom.size());
  if (size_t bad = first_invalid_utf8(text); bad != text.size()) {
    return std::unexpected(
        at_line(path, line_at_offset(text, bad), "the file is not valid UTF-8: save it as UTF-8"));
  }
  return syntax == Syntax::kYaml ? read_yaml(path, text) : read_json(path, text);
}

}  // namespace keel::ops
