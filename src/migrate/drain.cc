// Connection draining before a rollback, and the texts of what it and the
// integrity checks report. Dialect-neutral: the sessions come from
// LockObserver::sessions_in_lock.
#include <fmt/format.h>

#include <algorithm>
#include <chrono>
#include <map>

#include "keel/migrate.h"

namespace keel::migrate {
namespace {

using TimePoint = std::chrono::steady_clock::time_point;
using std::chrono::milliseconds;

constexpr milliseconds kPoll{100};
// A session still in the way is named again after this long.
constexpr milliseconds kRepeat{5000};

std::string seconds_text(int64_t ms) {
  if (ms < 10000) return fmt::format("{:.1f} s", static_cast<double>(ms) / 1000.0);
  return fmt::format("{} s", ms / 1000);
}

std::string one_line(std::string text, size_t max) {
  for (char& c : text) {
    if (c == '\n' || c == '\r' || c == '\t') c = ' ';
  }
  if (text.size() > max) text = text.substr(0, max) + "...";
  return text;
}

std::string join(const std::vector<std::string>& items) {
  std::string out;
  for (const std::string& item : items) out += (out.empty() ? "" : ", ") + item;
  return out;
}

}  // namespace

std::string IntegrityFinding::to_string() const {
  if (!error.empty()) return fmt::format("{} {}: could not run: {}", kind, name, error);
  std::string what =
      kind == "check"
          ? fmt::format("returned {}", count)
          : fmt::format("{} {} row{}", count, kind == "check constraint" ? "violating" : "orphaned",
                        count == 1 ? "" : "s");
  std::string text = fmt::format("{} {}: {} (expected {})", kind, name, what, expect);
  if (!detail.empty() && detail != name) text += fmt::format(" [{}]", detail);
  return text;
}

std::string IntegrityScope::to_string() const {
  if (whole) {
    return "every foreign key and NOT VALID CHECK of the database" +
           (why.empty() ? std::string() : " (" + why + ")");
  }
  if (relations.empty()) return "no relation (the down scripts name none)";
  constexpr size_t kShown = 10;
  std::vector<std::string> shown(relations.begin(),
                                 relations.begin() + std::min(relations.size(), kShown));
  std::string more = relations.size() > kShown
                         ? fmt::format(" and {} more", relations.size() - kShown)
                         : std::string();
  return fmt::format(
      "foreign keys on or referencing, and NOT VALID CHECKs on, the {} relation{} "
      "the down scripts name: {}{}",
      relations.size(), relations.size() == 1 ? "" : "s", join(shown), more);
}

std::string SessionInLock::to_string() const {
  return fmt::format("pid {} ({}{}, {} for {}) {} {}: {}", pid, user.empty() ? "" : user + ", ",
                     application.empty() ? "no application name" : application, state,
                     seconds_text(state_ms), waiting ? "waits for a lock on" : "holds a lock on",
                     join(relations), one_line(query, 120));
}

Result<DrainReport> drain(LockObserver& locks, const std::vector<std::string>& relations,
                          const DrainOptions& options, const Progress& progress,
                          const Clock& clock) {
  auto say = [&](const std::string& line) {
    if (progress) progress(line);
  };
  DrainReport report;
  report.relations = relations;
  const TimePoint start = clock.read();
  const TimePoint deadline = start + options.timeout;
  std::map<int, TimePoint> named;  // pid -> when it was last printed
  bool announced = false;
  for (;;) {
    auto sessions = locks.sessions_in_lock(relations);
    if (!sessions) return std::unexpected(sessions.error());
    const TimePoint now = clock.read();
    report.waited_ms = std::chrono::duration_cast<milliseconds>(now - start).count();
    if (sessions->empty()) {
      if (announced) say(fmt::format("drained after {}", seconds_text(report.waited_ms)));
      return report;
    }
    if (!announced) {
      say(fmt::format("draining: waiting up to {} for other sessions to release {}",
                      seconds_text(options.timeout.count()), join(relations)));
      announced = true;
    }
    bool ended_any = false;
    for (const SessionInLock& s : *sessions) {
      auto it = named.find(s.pid);
      if (it == named.end() || now - it->second >= kRepeat) {
        say("  in the way: " + s.to_string());
        named[s.pid] = now;
      }
      if (options.terminate_idle_in_transaction && s.state.starts_with("idle in transaction") &&
          s.state_ms >= options.idle_in_transaction_timeout.count()) {
        auto ended = locks.terminate(s.pid);
        if (!ended) return std::unexpected(ended.error());
        if (*ended) {
          say(fmt::format("  ended pid {}: idle in transaction for {} (over {})", s.pid,
                          seconds_text(s.state_ms),
                          seconds_text(options.idle_in_transaction_timeout.count())));
          report.terminated.push_back(s);
          ended_any = true;
        }
      }
    }
    if (ended_any) continue;
    if (now >= deadline) {
      if (options.force) {
        for (const SessionInLock& s : *sessions) {
          auto ended = locks.terminate(s.pid);
          if (!ended) return std::unexpected(ended.error());
          if (*ended) {
            say(fmt::format("  --force-drain: ended pid {} ({})", s.pid, s.state));
            report.terminated.push_back(s);
          }
        }
        // Sessions that arrive after this meet the rollback's lock_timeout.
        return report;
      }
      std::string who;
      for (const SessionInLock& s : *sessions) who += "\n  " + s.to_string();
      return fail(ErrorCode::kGateFailed,
                  fmt::format("draining timed out after {}: these sessions still hold or wait "
                              "for locks on the tables the rollback changes; nothing was rolled "
                              "back. End them, raise [rollback] drain_timeout, set "
                              "terminate_idle_in_transaction, or pass --force-drain:{}",
                              seconds_text(options.timeout.count()), who));
    }
    clock.wait(std::min<milliseconds>(kPoll, std::chrono::ceil<milliseconds>(deadline - now)));
  }
}

}  // namespace keel::migrate
