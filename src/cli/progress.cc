// Backfill progress on stderr: a bar on a terminal, JSON lines otherwise (see progress.h).
#include "cli/progress.h"

#include <sys/ioctl.h>
#include <unistd.h>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <iostream>

namespace keel::cli {
namespace {

// Whether the bar is on the terminal's last line now (one process draws one bar at a time).
bool bar_shown = false;

int terminal_width() {
  winsize size{};
  if (ioctl(STDERR_FILENO, TIOCGWINSZ, &size) == 0 && size.ws_col > 0) return size.ws_col;
  return 80;
}

int percent(const migrate::OperationProgress& p) {
  if (p.backfill_done) return 100;
  if (p.rows_total <= 0) return -1;
  return static_cast<int>(std::min<int64_t>(100, p.rows_done * 100 / p.rows_total));
}

}  // namespace

std::string backfill_bar(const migrate::OperationProgress& p, int width) {
  width = std::max(width, 20);
  const int pct = percent(p);
  std::string tail;
  if (pct >= 0) tail += fmt::format(" {:>3}%", pct);
  tail += fmt::format(" {}", p.rows_done);
  if (!p.backfill_done && p.rows_total > p.rows_done) tail += fmt::format("/~{}", p.rows_total);
  tail += fmt::format(" rows {:.0f} rows/s", p.rows_per_second);
  if (auto eta = migrate::eta_seconds(p))
    tail += fmt::format(" ETA {}m{:02}s", *eta / 60, *eta % 60);
  if (p.backfill_done) tail += " done";
  if (!p.throttle.empty()) tail += " throttled: " + p.throttle;
  const int cells = 20;
  const int filled = pct < 0 ? 0 : pct * cells / 100;
  std::string line = p.table + " [" + std::string(static_cast<size_t>(filled), '#') +
                     std::string(static_cast<size_t>(cells - filled), '-') + "]" + tail;
  if (line.size() > static_cast<size_t>(width - 1)) line.resize(static_cast<size_t>(width - 1));
  return line;
}

std::string backfill_json_line(const migrate::OperationProgress& p) {
  const auto eta = migrate::eta_seconds(p);
  const int pct = percent(p);
  nlohmann::json j = {
      {"event", "backfill"},
      {"table", p.table},
      {"rows_done", p.rows_done},
      {"rows_total", p.rows_total},
      {"percent", pct < 0 ? nlohmann::json() : nlohmann::json(pct)},
      {"rows_per_second", static_cast<int64_t>(p.rows_per_second + 0.5)},
      {"eta_seconds", eta ? nlohmann::json(*eta) : nlohmann::json()},
      {"throttle", p.throttle.empty() ? nlohmann::json() : nlohmann::json(p.throttle)},
      {"done", p.backfill_done}};
  return j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

void clear_bar() {
  if (!bar_shown) return;
  std::cerr << "\r\033[K" << std::flush;
  bar_shown = false;
}

std::function<void(const migrate::OperationProgress&)> backfill_view(const GlobalOptions& options) {
  if (options.quiet) return nullptr;
  if (isatty(STDERR_FILENO) == 1 && !options.json()) {
    return [](const migrate::OperationProgress& p) {
      std::cerr << "\r\033[K" << backfill_bar(p, terminal_width());
      if (p.backfill_done) {
        std::cerr << "\n";
        bar_shown = false;
      } else {
        bar_shown = true;
      }
      std::cerr << std::flush;
    };
  }
  return
      [](const migrate::OperationProgress& p) { std::cerr << backfill_json_line(p) << std::endl; };
}

}  // namespace keel::cli
