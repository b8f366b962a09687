// The dialect-neutral ledger rows (dialects/ledger_rows.h): what a runs or
// parity row binds reads back as the same row, NULLs read as empty and 0,
// and arguments that are not a JSON array of strings as none.
#include "dialects/ledger_rows.h"

#include <gtest/gtest.h>

#include <optional>

namespace keel::dialects {
namespace {

// A result row as a dialect's session returns it: text, or NULL.
struct VectorFields final : Fields {
  std::vector<std::optional<std::string>> fields;
  std::string text(int column) const override { return fields.at(column).value_or(""); }
};

VectorFields fields_of(const std::vector<std::string>& values) {
  VectorFields f;
  f.fields.assign(values.begin(), values.end());
  return f;
}

TEST(LedgerRows, ARunRowReadsBackAsItWasBound) {
  ledger::RunRow row;
  row.environment = "prod";
  row.command = "apply";
  row.arguments = {"--env", "prod", "apply"};
  row.version_before = "0003";
  row.version_after = "0004";
  row.outcome = "ok";
  row.exit_code = 3;
  row.duration_ms = 1234;
  row.user = "ann";
  row.host = "ci-1";
  row.keel_version = "0.9.0";
  row.started_at = "2026-11-25T06:30:00Z";
  row.error = "";
  row.run_id = "r-42";
  row.pid = 4242;
  row.error_code = "gate_failed";
  const std::vector<std::string> values = run_values(row);
  ASSERT_EQ(values.size(), 16u);
  EXPECT_EQ(values[2], R"(["--env","prod","apply"])");
  EXPECT_EQ(values[6], "3");
  EXPECT_EQ(values[14], "4242");
  const ledger::RunRow back = run_row(fields_of(values));
  EXPECT_EQ(back.environment, "prod");
  EXPECT_EQ(back.arguments, row.arguments);
  EXPECT_EQ(back.version_before, "0003");
  EXPECT_EQ(back.version_after, "0004");
  EXPECT_EQ(back.outcome, "ok");
  EXPECT_EQ(back.exit_code, 3);
  EXPECT_EQ(back.duration_ms, 1234);
  EXPECT_EQ(back.user, "ann");
  EXPECT_EQ(back.host, "ci-1");
  EXPECT_EQ(back.keel_version, "0.9.0");
  EXPECT_EQ(back.started_at, "2026-11-25T06:30:00Z");
  EXPECT_EQ(back.run_id, "r-42");
  EXPECT_EQ(back.pid, 4242);
  EXPECT_EQ(back.error_code, "gate_failed");
}

TEST(LedgerRows, NullsReadAsEmptyAndZeroAndBadArgumentsAsNone) {
  VectorFields f;
  f.fields = {"dev",        "plan",       "not json",   std::nullopt,
              std::nullopt, "running",    "-1",         std::nullopt,
              "u",          "h",          "0.9.0",      "2026-11-25T06:30:00Z",
              std::nullopt, std::nullopt, std::nullopt, std::nullopt};
  const ledger::RunRow row = run_row(f);
  EXPECT_TRUE(row.arguments.empty());
  EXPECT_EQ(row.version_before, "");
  EXPECT_EQ(row.exit_code, -1);
  EXPECT_EQ(row.duration_ms, 0);
  EXPECT_EQ(row.pid, 0);
  EXPECT_EQ(row.run_id, "");
}

TEST(LedgerRows, AParityRowReadsBackAsItWasBound) {
  ledger::ParityRow row;
  row.environment = "stage";
  row.schema_hash = "sha256:ab";
  row.status = "DRIFTED";
  row.reference = "env:prod";
  row.differences = {"column public.t.a", "index public.t_i"};
  row.verified_by = "ann@ci-1";
  row.keel_version = "0.9.0";
  const std::vector<std::string> values = parity_values(row);
  EXPECT_EQ(values, (std::vector<std::string>{"stage", "sha256:ab", "DRIFTED", "env:prod",
                                              R"(["column public.t.a","index public.t_i"])",
                                              "ann@ci-1", "0.9.0"}));
  // Selected back: verified_at (set by the database) after differences.
  const ledger::ParityRow back =
      parity_row(fields_of({values[0], values[1], values[2], values[3], values[4],
                            "2026-11-25T06:31:00Z", values[5], values[6]}));
  EXPECT_EQ(back.environment, "stage");
  EXPECT_EQ(back.differences, row.differences);
  EXPECT_EQ(back.verified_at, "2026-11-25T06:31:00Z");
  EXPECT_EQ(back.verified_by, "ann@ci-1");
  EXPECT_EQ(back.keel_version, "0.9.0");
}

}  // namespace
}  // namespace keel::dialects
