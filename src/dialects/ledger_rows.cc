// The run ledger's rows to and from text; see ledger_rows.h.
#include "dialects/ledger_rows.h"

#include <nlohmann/json.hpp>

#include <charconv>

namespace keel::dialects {
namespace {

int64_t number(const std::string& text) {
  int64_t value = 0;
  std::from_chars(text.data(), text.data() + text.size(), value);
  return value;
}

std::vector<std::string> strings_of(const std::string& json_text) {
  std::vector<std::string> out;
  auto j = nlohmann::json::parse(json_text, nullptr, false);
  if (!j.is_array()) return out;
  for (const auto& item : j) {
    if (item.is_string()) out.push_back(item.get<std::string>());
  }
  return out;
}

}  // namespace

ledger::RunRow run_row(const Fields& f) {
  ledger::RunRow row;
  row.environment = f.text(0);
  row.command = f.text(1);
  row.arguments = strings_of(f.text(2));
  row.version_before = f.text(3);
  row.version_after = f.text(4);
  row.outcome = f.text(5);
  row.exit_code = static_cast<int>(number(f.text(6)));
  row.duration_ms = number(f.text(7));
  row.user = f.text(8);
  row.host = f.text(9);
  row.keel_version = f.text(10);
  row.started_at = f.text(11);
  row.error = f.text(12);
  row.run_id = f.text(13);
  row.pid = number(f.text(14));
  row.error_code = f.text(15);
  return row;
}

ledger::ParityRow parity_row(const Fields& f) {
  ledger::ParityRow row;
  row.environment = f.text(0);
  row.schema_hash = f.text(1);
  row.status = f.text(2);
  row.reference = f.text(3);
  row.differences = strings_of(f.text(4));
  row.verified_at = f.text(5);
  row.verified_by = f.text(6);
  row.keel_version = f.text(7);
  return row;
}

std::vector<std::string> run_values(const ledger::RunRow& row) {
  return {row.environment,
          row.command,
          nlohmann::json(row.arguments).dump(),
          row.version_before,
          row.version_after,
          row.outcome,
          std::to_string(row.exit_code),
          std::to_string(row.duration_ms),
          row.user,
          row.host,
          row.keel_version,
          row.started_at,
          row.error,
          row.run_id,
          std::to_string(row.pid),
          row.error_code};
}

std::vector<std::string> parity_values(const ledger::ParityRow& row) {
  return {row.environment,
          row.schema_hash,
          row.status,
          row.reference,
          nlohmann::json(row.differences).dump(),
          row.verified_by,
          row.keel_version};
}

}  // namespace keel::dialects
