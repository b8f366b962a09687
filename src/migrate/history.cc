// The history table's status column and who applies migrations.
#include <pwd.h>
#include <unistd.h>

#include <fmt/format.h>
#include <algorithm>
#include <nlohmann/json.hpp>

#include <array>
#include <cctype>
#include <cmath>
#include <cstdlib>
#include <map>
#include <set>

#include "keel/migrate.h"
#include "util/sha256.h"

namespace keel::migrate {

const char* row_status_name(RowStatus status) {
  switch (status) {
    case RowStatus::kRunning:
      return "RUNNING";
    case RowStatus::kSuccess:
      return "SUCCESS";
    case RowStatus::kFailed:
      return "FAILED";
    case RowStatus::kRolledBack:
      return "ROLLED_BACK";
    case RowStatus::kRollingBack:
      return "ROLLING_BACK";
  }
  return "RUNNING";
}

std::optional<RowStatus> parse_row_status(const std::string& text) {
  for (RowStatus s : {RowStatus::kRunning, RowStatus::kSuccess, RowStatus::kFailed,
                      RowStatus::kRolledBack, RowStatus::kRollingBack}) {
    if (text == row_status_name(s)) return s;
  }
  return std::nullopt;
}

bool written_before(const HistoryRow& a, const HistoryRow& b) {
  if (a.change_seq != b.change_seq) return a.change_seq < b.change_seq;
  if (a.applied_at != b.applied_at) return a.applied_at < b.applied_at;
  return compare_versions(a.version, b.version) < 0;
}

std::vector<HistoryRow> current_rows(std::vector<HistoryRow> history,
                                     const std::vector<Migration>& files) {
  std::set<std::string> file_spellings;
  for (const Migration& m : files) file_spellings.insert(m.version);
  std::map<std::string, size_t> kept;  // version_key -> index in `out`
  std::vector<HistoryRow> out;
  out.reserve(history.size());
  for (HistoryRow& row : history) {
    auto [it, fresh] = kept.emplace(version_key(row.version), out.size());
    if (fresh) {
      out.push_back(std::move(row));
      continue;
    }
    HistoryRow& other = out[it->second];
    bool newer = written_before(other, row);
    if (other.change_seq == row.change_seq && other.applied_at == row.applied_at) {
      newer = file_spellings.contains(row.version) && !file_spellings.contains(other.version);
    }
    if (newer) other = std::move(row);
  }
  return out;
}

std::string statement_hash(const Statement& statement) {
  std::string_view sql = statement.sql;
  auto space = [](char c) { return std::isspace(static_cast<unsigned char>(c)) != 0; };
  while (!sql.empty() && space(sql.front())) sql.remove_prefix(1);
  while (!sql.empty() && (space(sql.back()) || sql.back() == ';')) sql.remove_suffix(1);
  return "sha256:" + util::sha256_hex(sql);
}

std::string abbreviate_statement(const std::string& sql) {
  constexpr size_t kMax = 60;
  std::string out;
  for (char c : sql) {
    if (std::isspace(static_cast<unsigned char>(c))) {
      if (!out.empty() && out.back() != ' ') out += ' ';
    } else {
      out += c;
    }
  }
  while (!out.empty() && (out.back() == ' ' || out.back() == ';')) out.pop_back();
  if (out.size() > kMax) {
    size_t cut = kMax;
    // Not inside a UTF-8 sequence.
    while (cut > 0 && (static_cast<unsigned char>(out[cut]) & 0xC0) == 0x80) --cut;
    out = out.substr(0, cut) + " ...";
  }
  return out;
}

std::string completed_to_json(const std::vector<CompletedStatement>& completed) {
  nlohmann::json list = nlohmann::json::array();
  for (const CompletedStatement& c : completed) {
    list.push_back({{"line", c.line}, {"hash", c.hash}, {"text", c.text}});
  }
  // Invalid UTF-8 in a statement's text is replaced, never an exception.
  return list.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

std::optional<std::vector<CompletedStatement>> parse_completed(const std::string& json) {
  nlohmann::json list = nlohmann::json::parse(json, nullptr, false);
  if (!list.is_array()) return std::nullopt;
  std::vector<CompletedStatement> out;
  for (const auto& item : list) {
    if (!item.is_object() || !item.contains("hash") || !item["hash"].is_string()) {
      return std::nullopt;
    }
    CompletedStatement c;
    if (item.contains("line") && item["line"].is_number_integer()) c.line = item["line"].get<int>();
    c.hash = item["hash"].get<std::string>();
    if (item.contains("text") && item["text"].is_string()) c.text = item["text"].get<std::string>();
    out.push_back(std::move(c));
  }
  return out;
}

nlohmann::json progress_json(const OperationProgress& p) {
  nlohmann::json item = {
      {"operation", p.operation}, {"rows_done", p.rows_done}, {"last_key", p.last_key}};
  if (!p.saved.empty()) item["saved"] = p.saved;
  if (!p.table.empty()) {
    item["table"] = p.table;
    item["rows_total"] = p.rows_total;
    item["rows_per_second"] = std::round(p.rows_per_second);
    item["throttle"] = p.throttle;
    item["updated_at"] = p.updated_at;
    item["backfill_done"] = p.backfill_done;
  }
  return item;
}

std::string progress_to_json(const std::vector<OperationProgress>& progress) {
  nlohmann::json list = nlohmann::json::array();
  for (const OperationProgress& p : progress) list.push_back(progress_json(p));
  return list.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

std::optional<std::vector<OperationProgress>> parse_progress(const std::string& json) {
  nlohmann::json list = nlohmann::json::parse(json, nullptr, false);
  if (!list.is_array()) return std::nullopt;
  std::vector<OperationProgress> out;
  auto text = [](const nlohmann::json& item, const char* name, std::string& to) {
    if (item.contains(name) && item[name].is_string()) to = item[name].get<std::string>();
  };
  for (const auto& item : list) {
    if (!item.is_object() || !item.contains("operation") ||
        !item["operation"].is_number_integer()) {
      return std::nullopt;
    }
    OperationProgress p;
    p.operation = item["operation"].get<int>();
    if (item.contains("rows_done") && item["rows_done"].is_number_integer()) {
      p.rows_done = item["rows_done"].get<int64_t>();
    }
    text(item, "last_key", p.last_key);
    text(item, "saved", p.saved);
    text(item, "table", p.table);
    if (item.contains("rows_total") && item["rows_total"].is_number_integer()) {
      p.rows_total = item["rows_total"].get<int64_t>();
    }
    if (item.contains("rows_per_second") && item["rows_per_second"].is_number()) {
      p.rows_per_second = item["rows_per_second"].get<double>();
    }
    text(item, "throttle", p.throttle);
    text(item, "updated_at", p.updated_at);
    if (item.contains("backfill_done") && item["backfill_done"].is_boolean()) {
      p.backfill_done = item["backfill_done"].get<bool>();
    }
    out.push_back(std::move(p));
  }
  return out;
}

std::optional<int64_t> eta_seconds(const OperationProgress& p) {
  if (p.backfill_done || p.rows_total <= p.rows_done || p.rows_per_second <= 0) {
    return std::nullopt;
  }
  return static_cast<int64_t>(
      std::ceil(static_cast<double>(p.rows_total - p.rows_done) / p.rows_per_second));
}

std::string describe_backfill(const OperationProgress& p) {
  if (p.backfill_done) {
    return fmt::format("backfill {}: done, {} rows, {:.0f} rows/s", p.table, p.rows_done,
                       p.rows_per_second);
  }
  std::string line = fmt::format("backfill {}: {} rows", p.table, p.rows_done);
  if (p.rows_total > p.rows_done) {
    line += fmt::format(" of ~{} ({}%)", p.rows_total, p.rows_done * 100 / p.rows_total);
  }
  line += fmt::format(", {:.0f} rows/s", p.rows_per_second);
  if (auto left = eta_seconds(p)) line += fmt::format(", ETA {}m{:02}s", *left / 60, *left % 60);
  if (!p.throttle.empty()) line += ", throttled: " + p.throttle;
  return line;
}

std::string default_applied_by() {
  std::string user;
  if (const char* env = std::getenv("USER"); env != nullptr && *env != '\0') {
    user = env;
  } else if (const passwd* pw = getpwuid(geteuid()); pw != nullptr) {
    user = pw->pw_name;
  } else {
    user = "uid" + std::to_string(geteuid());
  }
  std::array<char, 256> host{};
  if (gethostname(host.data(), host.size() - 1) != 0) host[0] = '\0';
  return user + "@" + (host[0] != '\0' ? std::string(host.data()) : std::string("localhost"));
}

}  // namespace keel::migrate
