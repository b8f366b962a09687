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

std::string presence(const Difference& d, Sides sides) {
  bool gone = d.actual == "missing";
  if (sides == Sides::kDiff) return gone ? "removed (only in --from)" : "added (only in --to)";
  return gone ? "missing (present in the reference)" : "unexpected (not in the reference)";
}

}  // namespace

void print_differences(const std::vector<Difference>& differences, Sides sides) {
  std::string category;
  for (const auto& d : differences) {
    if (d.category != category) {
      category = d.category;
      std::cout << "\n" << category << ":\n";
    }
    // "server: major version", not "server server: major version".
    std::string prefix = d.kind == d.object
                             ? fmt::format("  {}{}", d.info ? "(info) " : "", d.object)
                             : fmt::format("  {}{} {}", d.info ? "(info) " : "", d.kind, d.object);
    if (d.property == "presence") {
      std::cout << fmt::format("{}: {}\n", prefix, presence(d, sides));
    } else if (d.expected.find('\n') != std::string::npos ||
               d.actual.find('\n') != std::string::npos) {
      bool diff = sides == Sides::kDiff;
      std::cout << fmt::format("{}: {}:\n      {} {}\n      {} {}\n", prefix, d.property,
                               diff ? "from:" : "expected:", indent(d.expected),
                               diff ? "to:  " : "actual:  ", indent(d.actual));
    } else {
      std::cout << fmt::format("{}: {}: {} -> {}\n", prefix, d.property, d.expected, d.actual);
    }
  }
  if (!differences.empty()) std::cout << "\n";
}

}  // namespace keel::cli
