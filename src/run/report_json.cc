// Each report's JSON, as --format json prints it.
#include <map>

#include "keel/archive.h"
#include "keel/run.h"

namespace keel::run {
namespace {

// What the checks covered: every key of the database or the relations the
// down scripts name, and how many checks of each kind ran.
nlohmann::json scope_json(const migrate::IntegrityScope& scope,
                          const std::vector<migrate::IntegrityFinding>& findings) {
  std::map<std::string, int> by_kind;
  for (const auto& f : findings) ++by_kind[f.kind];
  nlohmann::json j = {{"whole", scope.whole},
                      {"relations", scope.relations},
                      {"checks", findings.size()},
                      {"by_kind", by_kind},
                      {"text", scope.to_string()}};
  if (!scope.why.empty()) j["reason"] = scope.why;
  return j;
}

nlohmann::json statement_json(const plan::StatementReport& s) {
  nlohmann::json locks = nlohmann::json::array();
  for (const auto& l : s.locks) locks.push_back({{"relation", l.relation}, {"mode", l.mode}});
  nlohmann::json j = {{"line", s.line}, {"sql", s.sql},   {"elapsed_ms", s.elapsed_ms},
                      {"rows", s.rows}, {"locks", locks}, {"rewrites", s.rewrites}};
  if (!s.ran.empty()) j["ran"] = s.ran;
  if (!s.note.empty()) j["note"] = s.note;
  if (!s.error.empty()) {
    j["error"] = s.error;
    nlohmann::json blockers = nlohmann::json::array();
    for (const auto& b : s.blockers) {
      blockers.push_back({{"pid", b.pid},
                          {"state", b.state},
                          {"query", b.query},
                          {"application", b.application},
                          {"transaction_ms", b.transaction_ms}});
    }
    j["blockers"] = blockers;
  }
  return j;
}

const char* problem_kind_name(migrate::ProblemKind kind) {
  switch (kind) {
    case migrate::ProblemKind::kChanged:
      return "changed";
    case migrate::ProblemKind::kMissing:
      return "missing";
    case migrate::ProblemKind::kOutOfOrder:
      return "out_of_order";
    case migrate::ProblemKind::kRollingBack:
      return "rolling_back";
  }
  return "changed";
}

nlohmann::json verdict_json(const verify::Verdict& v) {
  nlohmann::json j = {{"environment", v.environment},
                      {"url", v.label},
                      {"status", v.status()},
                      {"reference", v.reference},
                      {"is_reference", v.is_reference},
                      {"schema_hash", v.schema_hash},
                      {"drift_count", drift_count(v.differences)},
                      {"differences", differences_json(v.differences)},
                      {"baseline_written", v.baseline_written}};
  if (!v.warning.empty()) j["warning"] = v.warning;
  if (v.error) j["error"] = v.error->to_string();
  return j;
}

}  // namespace

nlohmann::json applied_json(const std::vector<migrate::Applied>& applied) {
  nlohmann::json list = nlohmann::json::array();
  for (const auto& a : applied) {
    list.push_back({{"version", a.version},
                    {"name", a.name},
                    {"execution_ms", a.execution_ms},
                    {"statements", a.statements},
                    {"attempts", a.attempts}});
  }
  return list;
}

nlohmann::json apply_json(const Target& target, const std::vector<migrate::Applied>& applied) {
  return {{"url", target.url.masked}, {"applied", applied_json(applied)}};
}

nlohmann::json expand_json(const Target& target, const expand::Report& r) {
  nlohmann::json operations = nlohmann::json::array();
  for (const auto& o : r.operations) {
    operations.push_back(
        {{"index", o.index}, {"operation", o.name}, {"what", o.what}, {"rows_backfilled", o.rows}});
  }
  return {{"url", target.url.masked},
          {"action", expand::action_name(r.action)},
          {"version", r.version},
          {"name", r.name},
          {"file", r.path},
          {"phase_before", r.phase_before},
          {"phase", r.phase_after},
          {"schema", r.schemas.schema},
          {"old_version_schema", r.schemas.previous},
          {"new_version_schema", r.schemas.next},
          {"operations", operations},
          {"elapsed_ms", r.elapsed_ms}};
}

nlohmann::json findings_json(const std::vector<migrate::IntegrityFinding>& findings) {
  nlohmann::json list = nlohmann::json::array();
  for (const auto& f : findings) {
    nlohmann::json j = {{"kind", f.kind},   {"name", f.name},     {"detail", f.detail},
                        {"count", f.count}, {"expect", f.expect}, {"ok", f.ok()}};
    if (!f.error.empty()) j["error"] = f.error;
    list.push_back(j);
  }
  return list;
}

nlohmann::json rollback_json(const Target& target, const migrate::RollbackReport& r) {
  nlohmann::json j = {{"url", target.url.masked},
                      {"environment", target.environment},
                      {"aborted", r.aborted},
                      {"rolled_back", applied_json(r.rolled_back)},
                      {"one_transaction", r.one_transaction},
                      {"integrity", findings_json(r.findings)},
                      {"integrity_scope", scope_json(r.integrity_scope, r.findings)},
                      {"target_version", r.target_version},
                      {"expected_hash", r.expected_hash},
                      {"schema_hash", r.actual_hash},
                      {"restored", r.restored()},
                      {"restoration_differences", r.restoration_differences},
                      {"elapsed_ms", r.elapsed_ms},
                      {"rto_breached", rto_verdict(r.elapsed_ms, target.rto) == RtoVerdict::kOver}};
  if (!r.unchecked_reason.empty()) j["restoration_unchecked"] = r.unchecked_reason;
  if (r.aborted) j["reason"] = r.abort_reason;
  if (r.aborted) j["partial"] = r.partial;
  if (target.rto) j["rto_ms"] = target.rto->count();
  if (r.drained) {
    nlohmann::json ended = nlohmann::json::array();
    for (const auto& s : r.drained->terminated) ended.push_back(s.to_string());
    j["drain"] = {{"relations", r.drained->relations},
                  {"waited_ms", r.drained->waited_ms},
                  {"terminated", ended}};
  }
  return j;
}

nlohmann::json plan_json(const plan::Report& report, const std::string& url,
                         const std::optional<std::string>& saved) {
  nlohmann::json migrations = nlohmann::json::array();
  for (const auto& m : report.migrations) {
    nlohmann::json statements = nlohmann::json::array();
    for (const auto& s : m.statements) statements.push_back(statement_json(s));
    nlohmann::json j = {
        {"version", m.version},
        {"name", m.name},
        {"path", m.path},
        {"checksum", m.checksum},
        {"verdict", plan::verdict(m)},
        {"reasons", m.reasons},
        {"unproven", m.unproven},
        {"notes", m.notes},
        {"changed", m.changed},
        {"expect", m.expect_path.empty() ? nlohmann::json(nullptr) : nlohmann::json(m.expect_path)},
        {"statements", statements}};
    nlohmann::json explains = nlohmann::json::array();
    for (const auto& [query, text] : m.explains) {
      explains.push_back({{"query", query}, {"plan", text}});
    }
    j["explains"] = explains;
    j["idempotent"] = m.idempotent ? nlohmann::json(*m.idempotent) : nlohmann::json(nullptr);
    j["reversible"] = m.reversible ? nlohmann::json(*m.reversible) : nlohmann::json(nullptr);
    migrations.push_back(std::move(j));
  }
  return {{"url", url},
          {"verdict", plan::verdict(report)},
          {"sequences_advanced", report.sequences_advanced},
          {"temp_files", report.temp_files},
          {"temp_bytes", report.temp_bytes},
          {"schema_hash_before", report.hash_before},
          {"schema_hash_after", report.hash_after},
          {"migrations", migrations},
          {"saved", saved ? nlohmann::json(*saved) : nlohmann::json(nullptr)}};
}

nlohmann::json status_json(const std::string& url, const std::string& schema_hash,
                           const std::vector<migrate::VersionStatus>& versions) {
  nlohmann::json list = nlohmann::json::array();
  for (const auto& v : versions) {
    nlohmann::json j = {{"version", v.version},
                        {"name", v.name},
                        {"state", migrate::state_name(v.state)},
                        {"out_of_order", v.out_of_order},
                        {"path", v.path}};
    if (v.row) {
      j["applied_at"] = v.row->applied_at;
      j["applied_by"] = v.row->applied_by;
      j["checksum"] = v.row->checksum;
      j["execution_ms"] = v.row->execution_ms;
      j["statements_applied"] = v.row->statements_applied;
      j["statements_total"] = v.row->statements_total;
      j["error"] = v.row->error;
      if (v.row->phase) {
        j["phase"] = *v.row->phase;
        nlohmann::json progress = nlohmann::json::array();
        for (const auto& p : v.row->operations) {
          nlohmann::json item = migrate::progress_json(p);
          item.erase("saved");  // an operation's own memo, not progress
          if (!p.table.empty()) {
            const auto eta = migrate::eta_seconds(p);
            item["eta_seconds"] = eta ? nlohmann::json(*eta) : nlohmann::json();
          }
          progress.push_back(std::move(item));
        }
        j["operation_progress"] = std::move(progress);
      }
      if (v.row->completed &&
          (v.state == migrate::State::kPartial || v.state == migrate::State::kFailed ||
           v.state == migrate::State::kRollingBack)) {
        nlohmann::json done = nlohmann::json::array();
        for (const auto& c : *v.row->completed) {
          done.push_back({{"line", c.line}, {"statement", c.text}});
        }
        j["completed_statements"] = std::move(done);
      }
    }
    list.push_back(std::move(j));
  }
  return {{"url", url}, {"schema_hash", schema_hash}, {"migrations", std::move(list)}};
}

nlohmann::json validate_json(const std::string& url, size_t migrations,
                             const std::vector<migrate::Problem>& problems) {
  nlohmann::json list = nlohmann::json::array();
  for (const auto& p : problems) {
    list.push_back({{"kind", problem_kind_name(p.kind)},
                    {"version", p.version},
                    {"path", p.path},
                    {"detail", p.detail}});
  }
  return {{"url", url},
          {"valid", problems.empty()},
          {"migrations", migrations},
          {"problems", std::move(list)}};
}

nlohmann::json marked_json(const std::string& url, const migrate::Marked& marked) {
  return {{"url", url},
          {"version", marked.version},
          {"path", marked.path},
          {"statements_done", marked.done},
          {"statements_total", marked.total},
          {"next", marked.next}};
}

nlohmann::json log_json(const std::vector<ledger::RunRow>& runs) {
  nlohmann::json list = nlohmann::json::array();
  for (const auto& run : runs) list.push_back(archive::run_to_json(run));
  return list;
}

nlohmann::json differences_json(const std::vector<Difference>& differences, Sides sides) {
  bool diff = sides == Sides::kDiff;
  nlohmann::json list = nlohmann::json::array();
  for (const auto& d : differences) {
    list.push_back({{"category", d.category},
                    {"object", d.object},
                    {"kind", d.kind},
                    {"property", d.property},
                    {diff ? "from" : "expected", d.expected},
                    {diff ? "to" : "actual", d.actual},
                    {"severity", d.info ? "info" : "drift"}});
  }
  return list;
}

nlohmann::json drift_json(const std::string& expected, const std::string& actual,
                          const std::vector<Difference>& differences) {
  size_t n = drift_count(differences);
  return {{"drift", n > 0},
          {"count", n},
          {"expected", expected},
          {"actual", actual},
          {"differences", differences_json(differences)}};
}

nlohmann::json verify_json(const std::vector<verify::Verdict>& verdicts, bool locked) {
  nlohmann::json list = nlohmann::json::array();
  for (const auto& v : verdicts) list.push_back(verdict_json(v));
  return {{"locked", locked}, {"environments", std::move(list)}};
}

}  // namespace keel::run
