#include "cli/differences.h"

#include <fmt/format.h>

#include <iostream>

namespace keel::cli {
namespace {

// Continuation lines of a multi-line value, indented under its label.
std::string indent(const std::string& text) {
  std::string out;
  for (char c : text) out += c == '\n' ? std::string("\n                ") : std::string(1, c);
  return out;
}

}  // namespace

void print_differences(const std::vector<Difference>& differences) {
  std::string category;
  for (const auto& d : differences) {
    if (d.category != category) {
      category = d.category;
      std::cout << "\n" << category << ":\n";
    }
    std::string prefix = fmt::format("  {}{} {}", d.info ? "(info) " : "", d.kind, d.object);
    if (d.property == "presence") {
      std::cout << fmt::format("{}: {}\n", prefix,
                               d.actual == "missing" ? "missing (present in the reference)"
                                                     : "unexpected (not in the reference)");
    } else if (d.expected.find('\n') != std::string::npos ||
               d.actual.find('\n') != std::string::npos) {
      std::cout << fmt::format("{}: {}:\n      expected: {}\n      actual:   {}\n", prefix,
                               d.property, indent(d.expected), indent(d.actual));
    } else {
      std::cout << fmt::format("{}: {}: {} -> {}\n", prefix, d.property, d.expected, d.actual);
    }
  }
  if (!differences.empty()) std::cout << "\n";
}

nlohmann::json differences_json(const std::vector<Difference>& differences) {
  nlohmann::json list = nlohmann::json::array();
  for (const auto& d : differences) {
    list.push_back({{"category", d.category},
                    {"object", d.object},
                    {"kind", d.kind},
                    {"property", d.property},
                    {"expected", d.expected},
                    {"actual", d.actual},
                    {"severity", d.info ? "info" : "drift"}});
  }
  return list;
}

}  // namespace keel::cli
