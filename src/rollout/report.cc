// `keel report RUN`: one self-contained HTML page of a rollout's journal (keel/rollout.h),
// with SVG charts drawn here (no script, no file or font from elsewhere).
#include <fmt/format.h>

#include <algorithm>
#include <cmath>

#include "keel/rollout.h"

namespace keel::rollout {
namespace {

using nlohmann::json;

std::string escape(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (char c : text) {
    switch (c) {
      case '&':
        out += "&amp;";
        break;
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '"':
        out += "&quot;";
        break;
      case '\'':
        out += "&#39;";
        break;
      default:
        out += c;
    }
  }
  return out;
}

struct Point {
  double x, y;
};
struct Series {
  std::string name;
  std::string color;
  std::vector<Point> points;
  bool dashed = false;
  bool steps = false;  // drawn as a step function (the routed share)
};
struct Marker {
  double x;
  std::string label;
  std::string color;
  int row = 0;  // label line: steps on the first, a trip on the second (it often follows a step
                // within a second, and the labels would overlap)
};

constexpr double kWidth = 880, kHeight = 220, kLeft = 64, kRight = 16, kTop = 28, kBottom = 34;

// A "nice" upper bound for the y axis.
double nice_max(double value) {
  if (value <= 0) return 1;
  const double magnitude = std::pow(10.0, std::floor(std::log10(value)));
  for (double f : {1.0, 2.0, 2.5, 5.0, 10.0}) {
    if (value <= f * magnitude) return f * magnitude;
  }
  return 10 * magnitude;
}

std::string chart(const std::string& title, const std::string& unit,
                  const std::vector<Series>& series, const std::vector<Marker>& markers,
                  double x_max) {
  double y_max = 0;
  for (const Series& s : series) {
    for (const Point& p : s.points) y_max = std::max(y_max, p.y);
  }
  y_max = nice_max(y_max * 1.05);
  x_max = std::max(x_max, 1.0);
  const double w = kWidth - kLeft - kRight, h = kHeight - kTop - kBottom;
  auto X = [&](double x) { return kLeft + x / x_max * w; };
  auto Y = [&](double y) { return kTop + h - std::min(y, y_max) / y_max * h; };
  std::string svg = fmt::format(
      "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 {} {}\" width=\"{}\" "
      "height=\"{}\" role=\"img\" aria-label=\"{}\">\n"
      "<text x=\"{}\" y=\"18\" class=\"title\">{}</text>\n",
      kWidth, kHeight, kWidth, kHeight, escape(title), kLeft, escape(title));
  for (int i = 0; i <= 4; ++i) {
    const double v = y_max * i / 4;
    svg += fmt::format(
        "<line x1=\"{:.1f}\" y1=\"{:.1f}\" x2=\"{:.1f}\" y2=\"{:.1f}\" class=\"grid\"/>"
        "<text x=\"{:.1f}\" y=\"{:.1f}\" class=\"tick\" text-anchor=\"end\">{:g}</text>\n",
        kLeft, Y(v), kWidth - kRight, Y(v), kLeft - 6, Y(v) + 4, v);
  }
  // Time ticks at a round step (1, 2, 2.5, 5, 10 ... s), about six of them.
  const double step = nice_max(x_max / 6);
  for (double v = 0; v <= x_max + 1e-9; v += step) {
    svg += fmt::format(
        "<text x=\"{:.1f}\" y=\"{:.1f}\" class=\"tick\" text-anchor=\"middle\">{:g} s</text>\n",
        X(v), kHeight - 14, v);
  }
  svg += fmt::format(
      "<text x=\"12\" y=\"{:.1f}\" class=\"tick\" transform=\"rotate(-90 12 "
      "{:.1f})\" text-anchor=\"middle\">{}</text>\n",
      kTop + h / 2, kTop + h / 2, escape(unit));
  for (const Marker& m : markers) {
    svg += fmt::format(
        "<line x1=\"{0:.1f}\" y1=\"{1:.1f}\" x2=\"{0:.1f}\" y2=\"{2:.1f}\" stroke=\"{3}\" "
        "class=\"marker\"/><text x=\"{4:.1f}\" y=\"{5:.1f}\" class=\"mlabel\" "
        "fill=\"{3}\" text-anchor=\"{7}\">{6}</text>\n",
        X(m.x), kTop, kTop + h, m.color, X(m.x) + (m.x > x_max * 0.85 ? -3 : 3),
        kTop + 10 + 12 * m.row, escape(m.label), m.x > x_max * 0.85 ? "end" : "start");
  }
  for (const Series& s : series) {
    if (s.points.empty()) continue;
    std::string path;
    for (size_t i = 0; i < s.points.size(); ++i) {
      const Point& p = s.points[i];
      if (i > 0 && s.steps) path += fmt::format(" L{:.1f},{:.1f}", X(p.x), Y(s.points[i - 1].y));
      path += fmt::format("{}{:.1f},{:.1f}", i == 0 ? "M" : " L", X(p.x), Y(p.y));
    }
    if (s.steps) path += fmt::format(" L{:.1f},{:.1f}", X(x_max), Y(s.points.back().y));
    svg += fmt::format("<path d=\"{}\" fill=\"none\" stroke=\"{}\" stroke-width=\"2\"{}/>\n", path,
                       s.color, s.dashed ? " stroke-dasharray=\"6 4\"" : "");
  }
  // The legend at the top right, after the title.
  double legend_width = 0;
  for (const Series& s : series) legend_width += 30 + 6.0 * static_cast<double>(s.name.size());
  double legend_x = kWidth - kRight - legend_width;
  for (const Series& s : series) {
    svg += fmt::format(
        "<line x1=\"{0:.1f}\" y1=\"14\" x2=\"{1:.1f}\" y2=\"14\" stroke=\"{2}\" "
        "stroke-width=\"2\"{3}/><text x=\"{4:.1f}\" y=\"18\" class=\"tick\">{5}</text>\n",
        legend_x, legend_x + 18, s.color, s.dashed ? " stroke-dasharray=\"6 4\"" : "",
        legend_x + 22, escape(s.name));
    legend_x += 30 + 6.0 * static_cast<double>(s.name.size());
  }
  return svg + "</svg>\n";
}

double number(const json& j, const char* key) {
  auto it = j.find(key);
  return it != j.end() && it->is_number() ? it->get<double>() : 0.0;
}

// The journal read into what the page shows; x is seconds since the rollout began, a resumed
// run's times continuing after the last event before it.
struct Read {
  json begin, done;
  std::vector<json> samples;
  std::vector<std::pair<double, json>> events;  // routing, steps, trips (x, event)
  Series share{"share on the new version", "#1f6feb", {}, false, true};
  double x_max = 0;
};

Read read(const std::vector<json>& events) {
  Read r;
  double offset = 0, last = 0;
  for (const json& e : events) {
    const std::string kind = e.value("event", "");
    if (kind == "resumed") offset = last;
    const double x = offset + number(e, "t");
    last = std::max(last, x);
    r.x_max = std::max(r.x_max, x);
    if (kind == "begin") r.begin = e;
    if (kind == "done") r.done = e;
    if (kind == "sample") {
      r.samples.push_back(e);
      r.samples.back()["x"] = x;
    }
    if (kind == "routed") r.share.points.push_back({x, number(e, "percent")});
    if (kind == "routed" || kind == "step" || kind == "trip" || kind == "route_failed" ||
        kind == "resumed") {
      r.events.emplace_back(x, e);
    }
  }
  return r;
}

std::vector<Marker> markers(const Read& r) {
  std::vector<Marker> out;
  for (const auto& [x, e] : r.events) {
    const std::string kind = e.value("event", "");
    if (kind == "step") out.push_back({x, fmt::format("{}%", e.value("percent", 0)), "#6e7781"});
    if (kind == "trip") {
      out.push_back({x, "trip: " + e.value("breaker", std::string()), "#cf222e", 1});
    }
  }
  return out;
}

std::string summary(const Read& r) {
  const std::string result = r.done.is_object() ? r.done.value("result", "?") : "unfinished";
  std::string text =
      fmt::format("<p class=\"result {}\">Result: <b>{}</b>", escape(result),
                  result == "held"         ? "every step held: 100 % of sessions on the new version"
                  : result == "tripped"    ? "breaker tripped, routed back to the old version"
                  : result == "unfinished" ? "not finished (keel rollout --resume goes on)"
                                           : escape(result));
  if (r.done.is_object() && r.done.contains("reason")) {
    text += fmt::format(" &mdash; {}: {}", escape(r.done.value("breaker", std::string())),
                        escape(r.done.value("reason", std::string())));
  }
  text += "</p>\n<ul>\n";
  text += fmt::format("<li>Migration: <code>{}</code>, environment <code>{}</code></li>\n",
                      escape(r.begin.value("migration", std::string())),
                      escape(r.begin.value("environment", std::string())));
  text += fmt::format("<li>Routing: <code>{}</code></li>\n",
                      escape(r.begin.value("router", std::string())));
  if (r.done.is_object()) {
    text += fmt::format("<li>Highest step reached: {}%</li>\n", r.done.value("reached_percent", 0));
    if (r.done.contains("restore_ms")) {
      text += fmt::format("<li>Time to route everything back: {:.0f} ms</li>\n",
                          number(r.done, "restore_ms"));
    }
  }
  const json plan = r.begin.value("plan", json::object());
  text += fmt::format(
      "<li>Plan: steps {}, hold {} ms per step, a sample every {} ms over a {} ms window, "
      "judged after {} probes; breakers: p99 &gt; {:.0f}% of max(SLO, old p99), errors &gt; "
      "{:.2f}%, lag &gt; {} ms, saturation &gt; {:.0f}%</li>\n</ul>\n",
      escape(plan.value("steps", json::array()).dump()), plan.value("hold_ms", 0),
      plan.value("sample_interval_ms", 0), plan.value("window_ms", 0), plan.value("min_samples", 0),
      number(plan, "p99_tolerance") * 100, number(plan, "max_error_rate") * 100,
      plan.value("max_lag_ms", 0), number(plan, "max_saturation") * 100);
  return text;
}

std::string decisions(const Read& r) {
  std::string rows;
  for (const auto& [x, e] : r.events) {
    const std::string kind = e.value("event", "");
    std::string what;
    if (kind == "step")
      what = fmt::format("step {}: {}%", e.value("index", 0) + 1, e.value("percent", 0));
    if (kind == "routed") {
      what = fmt::format("routed {}% to the new version ({:.0f} ms)", e.value("percent", 0),
                         number(e, "took_ms"));
    }
    if (kind == "trip") {
      what = fmt::format("breaker {} tripped: {}", e.value("breaker", std::string()),
                         e.value("reason", std::string()));
    }
    if (kind == "route_failed") what = "routing failed: " + e.value("error", std::string());
    if (kind == "resumed") what = "resumed by keel rollout --resume";
    rows += fmt::format("<tr><td>{:.1f} s</td><td>{}</td></tr>\n", x, escape(what));
  }
  return "<table><tr><th>time</th><th>decision</th></tr>\n" + rows + "</table>\n";
}

Result<std::string> render(const std::vector<json>& events) {
  Read r = read(events);
  if (!r.begin.is_object()) {
    return fail(ErrorCode::kUsage, "this is not a rollout journal: it has no begin line");
  }
  Series p99_old{"old version p99", "#8250df"}, p99_new{"new version p99", "#bf8700"},
      limit{"p99 limit", "#cf222e", {}, true};
  Series err_old{"old version", "#8250df"}, err_new{"new version", "#bf8700"},
      err_limit{"limit", "#cf222e", {}, true};
  Series lag{"max standby lag", "#1a7f37"}, lag_limit{"limit", "#cf222e", {}, true};
  const json plan = r.begin.value("plan", json::object());
  for (const json& s : r.samples) {
    const double x = number(s, "x");
    const json o = s.value("old", json::object()), n = s.value("new", json::object());
    p99_old.points.push_back({x, number(o, "p99_ms")});
    p99_new.points.push_back({x, number(n, "p99_ms")});
    limit.points.push_back({x, number(s, "p99_limit_ms")});
    auto rate = [](const json& route) {
      const double probes = number(route, "probes");
      return probes > 0 ? number(route, "errors") / probes * 100 : 0.0;
    };
    err_old.points.push_back({x, rate(o)});
    err_new.points.push_back({x, rate(n)});
    err_limit.points.push_back({x, number(plan, "max_error_rate") * 100});
    if (s.contains("lag_ms") && s["lag_ms"].is_number())
      lag.points.push_back({x, number(s, "lag_ms")});
    lag_limit.points.push_back({x, number(plan, "max_lag_ms")});
  }
  const std::vector<Marker> marks = markers(r);
  std::string page =
      "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\n<title>keel rollout " +
      escape(r.begin.value("migration", std::string())) +
      "</title>\n<style>\nbody{font-family:system-ui,sans-serif;margin:24px;color:#1f2328}\n"
      "svg{display:block;margin:12px 0;background:#fff;border:1px solid #d0d7de}\n"
      ".title{font-size:14px;font-weight:600}.tick{font-size:11px;fill:#57606a}\n"
      ".grid{stroke:#eaeef2}.marker{stroke-dasharray:3 3}.mlabel{font-size:10px}\n"
      ".result.held{color:#1a7f37}.result.tripped,.result.failed{color:#cf222e}\n"
      "table{border-collapse:collapse}td,th{border:1px solid #d0d7de;padding:3px 8px;"
      "text-align:left;font-size:13px}\n</style></head><body>\n<h1>keel rollout</h1>\n";
  page += summary(r);
  page += chart("p99 latency of keel's probes per version", "ms", {p99_old, p99_new, limit}, marks,
                r.x_max);
  page += chart("probe error rate", "%", {err_old, err_new, err_limit}, marks, r.x_max);
  page += chart("standby replay lag", "ms", {lag, lag_limit}, marks, r.x_max);
  page += chart("sessions routed to the new version", "%", {r.share}, marks, r.x_max);
  page += "<h2>Decisions</h2>\n" + decisions(r) + "</body></html>\n";
  return page;
}

}  // namespace

Result<std::string> report_html(const std::vector<json>& events) {
  try {
    return render(events);
  } catch (const json::exception& e) {
    return fail(ErrorCode::kIo,
                fmt::format("the rollout journal holds a malformed line ({})", e.what()));
  }
}

}  // namespace keel::rollout
