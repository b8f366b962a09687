// keel apply|rollback --mark-statement-done VERSION:N: the explicit way out
// when keel cannot tell whether a statement of a stopped no-transaction run
// took effect.
#include <fmt/format.h>

#include <charconv>

#include "keel/migrate.h"
#include "migrate/runner.h"

namespace keel::migrate {
namespace {

constexpr int kMaxStatements = 1000000;

Error usage(std::string message) { return Error{ErrorCode::kUsage, std::move(message), {}, {}}; }

// N of "VERSION:N" (the part after `colon`); -1 when it is not a count.
int parse_count(const std::string& spec, size_t colon) {
  int n = -1;
  if (colon != std::string::npos && colon > 0 && colon + 1 < spec.size()) {
    const char* first = spec.data() + colon + 1;
    const char* last = spec.data() + spec.size();
    auto [end, ec] = std::from_chars(first, last, n);
    if (ec != std::errc() || end != last || n < 0 || n > kMaxStatements) n = -1;
  }
  return n;
}

// The one history row of `version`, which must be of a run of that
// direction's script that stopped part-way.
Result<HistoryRow> stopped_row(const std::vector<HistoryRow>& history, const std::string& spec,
                               const std::string& version, bool up) {
  std::vector<const HistoryRow*> rows;
  for (const HistoryRow& row : history) {
    if (compare_versions(row.version, version) == 0) rows.push_back(&row);
  }
  if (rows.empty()) {
    return std::unexpected(usage(fmt::format(
        "--mark-statement-done {}: version {} has no history row (no run of it started); "
        "nothing was marked",
        spec, version)));
  }
  if (rows.size() > 1) {
    return std::unexpected(
        usage(fmt::format("--mark-statement-done {}: the history holds version {} more than once "
                          "({} and {}); nothing was marked",
                          spec, version, rows[0]->version, rows[1]->version)));
  }
  const HistoryRow& row = *rows.front();
  const bool in_progress =
      up ? row.status == RowStatus::kRunning || row.status == RowStatus::kFailed
         : row.status == RowStatus::kRollingBack;
  if (!in_progress) {
    std::string why =
        row.status == RowStatus::kRollingBack
            ? "its down script stopped part-way: use `keel rollback "
              "--mark-statement-done`"
        : row.status == RowStatus::kRunning || row.status == RowStatus::kFailed
            ? "its up script stopped part-way: use `keel apply --mark-statement-done`"
            : "no run of its " + std::string(up ? "up" : "down") + " script stopped part-way";
    return std::unexpected(
        usage(fmt::format("--mark-statement-done {}: version {} is {}: {}; "
                          "nothing was marked",
                          spec, row.version, row_status_name(row.status), why)));
  }
  return row;
}

}  // namespace

Result<Marked> mark_statements_done(const Roles& db, const std::vector<Migration>& files,
                                    const std::string& spec, MarkDirection direction,
                                    const RunOptions& options) {
  const bool up = direction == MarkDirection::kUp;
  const size_t colon = spec.rfind(':');
  const int n = parse_count(spec, colon);
  if (n < 0) {
    return std::unexpected(usage(fmt::format(
        "--mark-statement-done {}: expected VERSION:N, e.g. 0004:2 (statements 1 to 2 of "
        "version 0004's {} script are done)",
        spec, up ? "up" : "down")));
  }
  const std::string version = spec.substr(0, colon);
  const Migration* file = nullptr;
  for (const Migration& m : files) {
    if (compare_versions(m.version, version) == 0) file = &m;
  }
  if (file == nullptr) {
    return std::unexpected(usage(
        fmt::format("--mark-statement-done {}: no migration file has version {}; run `keel status`",
                    spec, version)));
  }
  if (file->format == Format::kOperations) {
    return std::unexpected(usage(fmt::format(
        "--mark-statement-done {}: {} is an operation migration, not a script; `keel abort` "
        "undoes a start that stopped part-way",
        spec, file->up.path)));
  }
  if (!up && !file->down) {
    return std::unexpected(
        usage(fmt::format("--mark-statement-done {}: {} has no down script", spec, file->up.path)));
  }
  const Script& script = up ? file->up : *file->down;
  auto statements = split_statements(db.rules.dialect(), script);
  if (!statements) return std::unexpected(statements.error());
  const int total = static_cast<int>(statements->size());

  LockGuard guard(db.lock);
  auto history = lock_and_read(db, options);
  if (!history) return std::unexpected(history.error());
  auto found = stopped_row(*history, spec, version, up);
  if (!found) return std::unexpected(found.error());
  HistoryRow row = *found;
  if (n > total) {
    return std::unexpected(
        usage(fmt::format("--mark-statement-done {}: {} has {} statement{}; nothing was marked",
                          spec, script.path, total, total == 1 ? "" : "s")));
  }
  const int applied = std::max(row.statements_applied, 0);
  if (n > applied + 1) {
    return std::unexpected(usage(fmt::format(
        "--mark-statement-done {}: {} statement{} of it completed, so statement {} is the next "
        "to run; statements {} to {} never ran and cannot be marked done (mark {}:{} first, "
        "once you have checked it); nothing was marked",
        spec, applied, applied == 1 ? "" : "s", applied + 1, applied + 2, n, version,
        applied + 1)));
  }
  row.completed = std::vector<CompletedStatement>{};
  for (int i = 0; i < n; ++i) {
    const Statement& st = (*statements)[i];
    row.completed->push_back({st.line, statement_hash(st), abbreviate_statement(st.sql)});
  }
  row.statements_applied = n;
  row.statements_total = total;
  row.checksum = file->checksum;
  row.applied_by = options.applied_by.empty() ? default_applied_by() : options.applied_by;
  row.keel_version = KEEL_VERSION;
  row.error.clear();
  if (auto ok = db.history.record(row); !ok) return std::unexpected(ok.error());
  Marked marked{row.version, script.path, n, total, {}};
  if (n < total) {
    marked.next = fmt::format("line {}: {}", (*statements)[n].line,
                              abbreviate_statement((*statements)[n].sql));
  }
  return marked;
}

}  // namespace keel::migrate
