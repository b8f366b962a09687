// The run archive around a run: the newest applied version read before and
// after it, a line in <[log] dir>/<env>.jsonl when the run starts (outcome
// "running") and one when it ends, with the same run id. Runs recorded in
// the target (apply, rollback; read-only ones under [log]
// record_read_only_in_target) also get a row in its keel.runs / keel_runs,
// inserted at the start and closed at the end, so a killed run leaves a
// trace there too. Recording never changes the run's outcome: a failure is
// a warning.
#include <fmt/format.h>

#include "keel/archive.h"
#include "keel/dialect.h"
#include "keel/run.h"

namespace keel::run {

// One environment the run acts on.
struct Recorder::Recorded {
  Target target;
  std::string log_name;
  std::unique_ptr<ledger::Ledger> ledger;
  std::optional<Error> ledger_error;  // why there is no row in the table
  std::string version_before;
};

namespace {

std::string table_name(Dialect dialect) { return dialect->keel.display(dialect->keel.runs); }

std::string warning(const std::string& where, const Error& error) {
  return fmt::format("could not record the run in {}: {}", where, error.to_string());
}

}  // namespace

Recorder::Recorder(const Config& config, std::string command, std::vector<std::string> arguments,
                   std::vector<Target> targets, bool in_target, Warn warn)
    : config_(config), command_(std::move(command)), in_target_(in_target), warn_(std::move(warn)) {
  secrets_ = archive::config_secrets(config_);
  for (const Target& t : targets) secrets_.push_back(t.url.password);
  row_ = archive::make_run_row("", command_, arguments, secrets_);
  for (Target& t : targets) {
    auto r = std::make_unique<Recorded>();
    r->log_name = archive::log_name(t.from_env ? t.env : "", t.url);
    r->target = std::move(t);
    // Opens the ledger (a missing SQLite file stays missing: the ledger
    // never creates it, keel apply may, and finish() opens it then; a reading
    // ledger cannot write) and reads the version before the run.
    auto ledger = ledger::open_ledger(r->target.url,
                                      in_target_ ? ledger::Access::kWrite : ledger::Access::kRead);
    if (!ledger) {
      r->ledger_error = ledger.error();
    } else {
      r->ledger = std::move(*ledger);
      auto version = r->ledger->latest_version();
      if (version) {
        r->version_before = version->value_or("");
      } else {
        r->ledger_error = version.error();
        r->ledger.reset();
      }
    }
    targets_.push_back(std::move(r));
  }
}

Recorder::~Recorder() = default;

void Recorder::start() {
  row_.started_at = archive::utc_now();
  row_.outcome = std::string(archive::kRunning);
  row_.exit_code = -1;
  for (auto& r : targets_) {
    ledger::RunRow row = row_;
    row.environment = r->target.environment;
    row.version_before = r->version_before;
    if (in_target_ && r->ledger) {
      // A failure here is said at the end, unless closing the row works.
      if (auto ok = r->ledger->record_run(row); !ok) r->ledger_error = ok.error();
    }
    if (auto ok = archive::append_run(config_.log.dir, r->log_name, row); !ok) {
      warn_(warning(archive::log_path(config_.log.dir, r->log_name), ok.error()));
    }
  }
}

void Recorder::finish(int exit_code, int64_t duration_ms, const ErrorOf& error_of) {
  row_.duration_ms = duration_ms;
  row_.exit_code = exit_code;
  row_.outcome = archive::outcome_name(command_, exit_code);
  for (auto& r : targets_) {
    ledger::RunRow row = row_;
    row.environment = r->target.environment;
    row.version_before = r->version_before;
    if (exit_code != kExitOk && error_of) {
      if (const Error* error = error_of(r->target.environment)) {
        row.error = mask_secrets(error->to_string(), secrets_);
        row.error_code = archive::error_code_name(error->code);
      }
    }
    if (!r->ledger && in_target_) {
      // The run may have made the database (keel apply creates a missing SQLite file).
      if (auto made = ledger::open_ledger(r->target.url, ledger::Access::kWrite)) {
        r->ledger = std::move(*made);
        r->ledger_error.reset();
      }
    }
    if (r->ledger) {
      auto version = r->ledger->latest_version();
      if (version) {
        row.version_after = version->value_or("");
        if (in_target_) {
          auto ok = r->ledger->finish_run(row);
          r->ledger_error = ok ? std::nullopt : std::optional<Error>(ok.error());
        }
      } else if (in_target_) {
        r->ledger_error = version.error();
      }
    }
    // When the ledger could not even open and the run failed, the run's own
    // error already says why the database was out of reach.
    bool said = !r->ledger && row.exit_code == kExitOperational;
    if (in_target_ && r->ledger_error && !said) {
      warn_(warning(table_name(r->target.url.dialect), *r->ledger_error));
    }
    if (auto ok = archive::append_run(config_.log.dir, r->log_name, row); !ok) {
      warn_(warning(archive::log_path(config_.log.dir, r->log_name), ok.error()));
    }
  }
}

}  // namespace keel::run
