// keel plan's real-server tests (plan_pg_test.cc, plan_gates_pg_test.cc):
// a fresh database made by some SQL with a migrations folder on it, keel
// plan's JSON, and a substring test for the output.
#pragma once

#include <nlohmann/json.hpp>

#include <string>

#include "integration/migrate_helpers.h"
#include "integration/pg_fixture.h"

namespace keel::test {

// A fresh database made by `schema` and a migrations folder targeting it;
// tests bind both: `auto& [db, folder] = target;`.
struct PlanSetup {
  PgDatabase db;
  MigrationFolder folder;
  explicit PlanSetup(const std::string& schema) : folder(db.url()) { db.sql(schema); }
};

class PlanFixture : public PgTest {
 protected:
  // keel --url DB --format json plan in `folder`, into `r`; its output
  // parsed (discarded when it is not JSON).
  static nlohmann::json plan_json(const PgDatabase& db, const MigrationFolder& folder,
                                  RunResult& r) {
    r = run_keel({"--url", db.url(), "--format", "json", "plan"}, folder.dir.path);
    return nlohmann::json::parse(r.out, nullptr, false);
  }
  static bool has(const std::string& text, const std::string& part) {
    return text.find(part) != std::string::npos;
  }
};

}  // namespace keel::test
