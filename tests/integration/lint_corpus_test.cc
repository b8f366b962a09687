// Issue 19: lint on a corpus of migrations in the shapes ORMs generate and the cases
// strong_migrations and squawk document (tests/lint_corpus/). Each file says what it expects:
// `-- expect: rule, rule` on the line before a (one-line) statement. Every finding, info
// included, must be expected there, and every expectation found.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <regex>
#include <set>
#include <sstream>

#include "keel/lint.h"

namespace keel::test {
namespace {

namespace fs = std::filesystem;

// (line, rule) pairs the file's `-- expect:` comments promise.
std::set<std::pair<int, std::string>> expected(const fs::path& file) {
  std::ifstream in(file);
  std::set<std::pair<int, std::string>> out;
  std::string line;
  for (int n = 1; std::getline(in, line); ++n) {
    const std::string marker = "-- expect:";
    if (!line.starts_with(marker)) continue;
    std::stringstream rules(line.substr(marker.size()));
    for (std::string rule; std::getline(rules, rule, ',');) {
      rule.erase(0, rule.find_first_not_of(' '));
      rule.erase(rule.find_last_not_of(' ') + 1);
      if (!rule.empty()) out.insert({n + 1, rule});
    }
  }
  return out;
}

TEST(LintCorpus, EveryFileGetsExactlyTheFindingsItExpects) {
  const fs::path dir = fs::path(KEEL_SOURCE_DIR) / "tests/lint_corpus";
  int files = 0;
  size_t findings = 0;
  for (const auto& entry : fs::directory_iterator(dir)) {
    if (entry.path().extension() != ".sql") continue;
    ++files;
    SCOPED_TRACE(entry.path().filename().string());
    lint::LintOptions options;
    std::smatch version;
    const std::string name = entry.path().filename().string();
    if (std::regex_search(name, version, std::regex("pg(\\d+)"))) {
      options.pg_version = std::stoi(version[1]);
    }
    auto report = lint::lint_paths({entry.path().string()}, options);
    ASSERT_TRUE(report) << report.error().to_string();
    std::set<std::pair<int, std::string>> got;
    std::string said;
    for (const auto& f : report->findings) {
      got.insert({f.line, f.rule});
      said += "\n  " + std::to_string(f.line) + " " + f.rule + ": " + f.message;
    }
    EXPECT_EQ(got, expected(entry.path())) << said;
    findings += got.size();
  }
  EXPECT_GE(files, 10);
  EXPECT_GE(findings, 25u);
}

}  // namespace
}  // namespace keel::test
