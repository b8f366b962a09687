#include "dialects/postgres/function_config.h"

#include <fmt/format.h>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <cmath>
#include <cstdlib>
#include <optional>
#include <span>
#include <string_view>
#include <utility>

namespace keel::pg {
namespace {

struct Unit {
  std::string_view name;
  double size;  // bytes, or microseconds
};

// Largest first, as the server picks them when it shows a value.
constexpr Unit kMemoryUnits[] = {{"TB", 1024.0 * 1024 * 1024 * 1024},
                                 {"GB", 1024.0 * 1024 * 1024},
                                 {"MB", 1024.0 * 1024},
                                 {"kB", 1024.0},
                                 {"B", 1.0}};
constexpr Unit kTimeUnits[] = {{"d", 86400e6}, {"h", 3600e6}, {"min", 60e6},
                               {"s", 1e6},     {"ms", 1e3},   {"us", 1.0}};

std::string lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

std::string_view trim(std::string_view s) {
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front()))) s.remove_prefix(1);
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) s.remove_suffix(1);
  return s;
}

// The size of the setting's base unit ("8kB": 8192 bytes) and the table it
// belongs to; nullopt when the setting has no unit.
std::optional<std::pair<double, std::span<const Unit>>> base_unit(std::string_view unit) {
  if (unit.empty()) return std::nullopt;
  double count = 1;
  size_t digits = 0;
  while (digits < unit.size() && std::isdigit(static_cast<unsigned char>(unit[digits]))) ++digits;
  if (digits > 0) count = std::strtod(std::string(unit.substr(0, digits)).c_str(), nullptr);
  std::string_view name = unit.substr(digits);
  for (std::span<const Unit> table :
       {std::span<const Unit>(kMemoryUnits), std::span<const Unit>(kTimeUnits)}) {
    for (const Unit& u : table) {
      if (u.name == name) return std::pair{count * u.size, table};
    }
  }
  return std::nullopt;
}

// A number as the server reads one (strtol with base 0 — so 0x1F and 010 —
// or a decimal fraction), and the rest of the text after it.
std::optional<std::pair<double, std::string_view>> number(std::string_view text) {
  std::string s(text);
  char* end = nullptr;
  errno = 0;
  long long whole = std::strtoll(s.c_str(), &end, 0);
  if (end == s.c_str() || errno != 0) return std::nullopt;
  double value = static_cast<double>(whole);
  if (*end == '.' || *end == 'e' || *end == 'E') {
    value = std::strtod(s.c_str(), &end);
    if (errno != 0 || !std::isfinite(value)) return std::nullopt;
  }
  return std::pair{value, text.substr(static_cast<size_t>(end - s.c_str()))};
}

std::string whole(double v) { return fmt::format("{}", static_cast<long long>(v)); }

// An integer or real setting's value in the largest unit that keeps it
// whole; without a unit, the plain number.
std::optional<std::string> numeric(std::string_view value, const SettingType& type) {
  auto parsed = number(trim(value));
  if (!parsed) return std::nullopt;
  auto [v, rest] = *parsed;
  rest = trim(rest);
  bool integer = type.vartype == "integer";
  auto base = base_unit(type.unit);
  if (!base) {
    if (!rest.empty()) return std::nullopt;
    if (integer) return whole(std::nearbyint(v));
    return fmt::format("{}", v);
  }
  auto [base_size, table] = *base;
  double amount = v * base_size;  // in bytes or microseconds
  if (!rest.empty()) {
    auto it =
        std::find_if(table.begin(), table.end(), [&](const Unit& u) { return u.name == rest; });
    if (it == table.end()) return std::nullopt;
    amount = v * it->size;
  }
  // An integer setting holds whole base units; the server rounds.
  if (integer) amount = std::nearbyint(amount / base_size) * base_size;
  if (amount <= 0) return integer ? whole(amount / base_size) : fmt::format("{}", v);
  for (const Unit& u : table) {
    double q = amount / u.size;
    if (std::fabs(q - std::nearbyint(q)) < 1e-9 * std::max(1.0, std::fabs(q))) {
      return whole(std::nearbyint(q)) + std::string(u.name);
    }
  }
  return fmt::format("{}{}", amount / table.back().size, table.back().name);
}

// The server's parse_bool: true/false/yes/no and their prefixes, on/off,
// 1/0, in any case.
std::optional<std::string> boolean(std::string_view value) {
  std::string v = lower(trim(value));
  if (v.empty()) return std::nullopt;
  auto prefix_of = [&](std::string_view word) { return word.starts_with(v); };
  if (prefix_of("true") || prefix_of("yes") || v == "on" || v == "1") return "on";
  if (prefix_of("false") || prefix_of("no") || (v.size() >= 2 && prefix_of("off")) || v == "0") {
    return "off";
  }
  return std::nullopt;
}

std::string canonical_value(std::string_view value, const SettingType& type) {
  std::optional<std::string> out;
  if (type.vartype == "bool") {
    out = boolean(value);
  } else if (type.vartype == "integer" || type.vartype == "real") {
    out = numeric(value, type);
  } else if (type.vartype == "enum") {
    out = lower(trim(value));
  }
  return out ? *out : std::string(value);
}

}  // namespace

std::vector<std::string> canonical_function_config(
    const std::vector<std::string>& entries, const std::map<std::string, SettingType>& types) {
  std::vector<std::pair<std::string, std::string>> sorted;
  for (const std::string& entry : entries) {
    size_t eq = entry.find('=');
    std::string name = entry.substr(0, eq);
    std::string value = eq == std::string::npos ? std::string() : entry.substr(eq + 1);
    auto it = types.find(lower(name));
    if (it != types.end()) {
      name = it->second.name;
      value = canonical_value(value, it->second);
    } else {
      name = lower(name);  // names are case-insensitive; custom ones too
    }
    sorted.emplace_back(std::move(name), std::move(value));
  }
  std::sort(sorted.begin(), sorted.end(),
            [](const auto& a, const auto& b) { return lower(a.first) < lower(b.first); });
  std::vector<std::string> out;
  for (const auto& [name, value] : sorted) out.push_back(name + "=" + value);
  return out;
}

}  // namespace keel::pg
