// Issue 15 item 5: the policy a CLI, a rollout controller or a fleet runner
// share, called directly: the RTO verdict, the tier gates, the options built
// from keel.toml, the target's name/tier/rto, and the webhook events.
#include <gtest/gtest.h>

#include "keel/run.h"

namespace keel::run {
namespace {

using std::chrono::milliseconds;

TEST(RtoVerdictTest, WithinOverAndUnknown) {
  EXPECT_EQ(rto_verdict(900, milliseconds(1000)), RtoVerdict::kWithin);
  EXPECT_EQ(rto_verdict(1000, milliseconds(1000)), RtoVerdict::kWithin);  // at the RTO: met
  EXPECT_EQ(rto_verdict(1001, milliseconds(1000)), RtoVerdict::kOver);
  EXPECT_EQ(rto_verdict(5, std::nullopt), RtoVerdict::kUnknown);
}

TEST(TierGatesTest, DefaultsPerTier) {
  PlanConfig plan;  // keel.toml without [plan]
  for (Tier tier : {Tier::kStaging, Tier::kProd, Tier::kUnset}) {
    plan::Gates gates = tier_gates(plan, tier);
    EXPECT_TRUE(gates.require_idempotent) << tier_name(tier);
    EXPECT_TRUE(gates.require_reversible) << tier_name(tier);
    EXPECT_EQ(gates.max_lock, milliseconds(2000));
    EXPECT_EQ(gates.max_rewrite_rows, 100000);
  }
  EXPECT_FALSE(tier_gates(plan, Tier::kDev).require_idempotent);
  EXPECT_TRUE(tier_gates(plan, Tier::kDev).require_reversible);
}

TEST(TierGatesTest, KeelTomlOverridesTheTier) {
  PlanConfig plan;
  plan.require_idempotent = true;
  plan.require_reversible = false;
  plan.max_lock_ms = 250;
  plan.max_rewrite_rows = 7;
  plan::Gates dev = tier_gates(plan, Tier::kDev);
  EXPECT_TRUE(dev.require_idempotent);
  EXPECT_FALSE(dev.require_reversible);
  EXPECT_EQ(dev.max_lock, milliseconds(250));
  EXPECT_EQ(dev.max_rewrite_rows, 7);
  plan.require_idempotent = false;
  EXPECT_FALSE(tier_gates(plan, Tier::kProd).require_idempotent);
}

Config two_environments() {
  auto config = parse_config(R"([environments.prod]
url = "sqlite:prod.db"
tier = "prod"
rto = "90s"
[environments.dev]
url = "sqlite:dev.db"
tier = "dev"
[migrations]
lock_timeout = "2s"
statement_timeout = "1m"
retries = 4
retry_base = "10ms"
retry_cap = "1s"
applied_by = "bot"
schema_hash = "run"
[plan]
verify_queries = ["SELECT 1"]
[rollback]
drain_timeout = "45s"
terminate_idle_in_transaction = true
idle_in_transaction_timeout = "3s"
[[integrity.checks]]
name = "positive"
sql = "SELECT 0"
)",
                             "keel.toml");
  EXPECT_TRUE(config.has_value()) << config.error().to_string();
  return config ? *config : Config{};
}

TEST(RunTargetTest, NamedByTheEnvironmentOrTheUrlThatWins) {
  Config config = two_environments();
  auto prod = resolve(config, "prod", "");
  ASSERT_TRUE(prod.has_value()) << prod.error().to_string();
  EXPECT_EQ(prod->environment, "prod");
  EXPECT_TRUE(prod->from_env);
  EXPECT_EQ(prod->tier, Tier::kProd);
  EXPECT_EQ(prod->rto, milliseconds(90000));
  EXPECT_EQ(prod->url.path, "prod.db");

  // --url wins: named by the URL; the rto is not the URL's; the tier of the
  // environment named stays (keel plan's gates follow it).
  auto other = resolve(config, "dev", "sqlite:other.db");
  ASSERT_TRUE(other.has_value());
  EXPECT_EQ(other->environment, "sqlite:other.db");
  EXPECT_FALSE(other->from_env);
  EXPECT_EQ(other->tier, Tier::kDev);
  EXPECT_FALSE(other->rto.has_value());

  auto missing = resolve(config, "qa", "");
  ASSERT_FALSE(missing.has_value());
  EXPECT_EQ(missing.error().code, ErrorCode::kUsage);
}

TEST(RunOptionsTest, BuiltFromKeelToml) {
  Config config = two_environments();
  migrate::RunOptions run = run_options(config, milliseconds(1234), {});
  EXPECT_EQ(run.timeouts.lock_timeout, milliseconds(2000));
  EXPECT_EQ(run.timeouts.statement_timeout, milliseconds(60000));
  EXPECT_EQ(run.retry.retries, 4);
  EXPECT_EQ(run.retry.base, milliseconds(10));
  EXPECT_EQ(run.retry.cap, milliseconds(1000));
  EXPECT_EQ(run.applied_by, "bot");
  EXPECT_EQ(run.lock_wait, milliseconds(1234));

  migrate::ApplyOptions apply = apply_options(config, run, {std::string("0003"), true});
  EXPECT_EQ(apply.to, "0003");
  EXPECT_TRUE(apply.allow_out_of_order);
  EXPECT_EQ(apply.schema_hashes, migrate::SchemaHashes::kRun);
  EXPECT_EQ(apply.run.retry.retries, 4);
  EXPECT_EQ(schema_hashes(SchemaHashMode::kEach), migrate::SchemaHashes::kEach);
  EXPECT_EQ(schema_hashes(SchemaHashMode::kOff), migrate::SchemaHashes::kOff);

  migrate::RollbackOptions rollback = rollback_options(config, run, {2, std::nullopt, true, true});
  EXPECT_EQ(rollback.steps, 2);
  ASSERT_TRUE(rollback.drain.has_value());
  EXPECT_EQ(rollback.drain->timeout, milliseconds(45000));
  EXPECT_TRUE(rollback.drain->terminate_idle_in_transaction);
  EXPECT_EQ(rollback.drain->idle_in_transaction_timeout, milliseconds(3000));
  EXPECT_TRUE(rollback.drain->force);
  ASSERT_EQ(rollback.integrity.checks.size(), 1u);
  EXPECT_EQ(rollback.integrity.checks[0].name, "positive");
  RollbackRequest no_drain;
  no_drain.drain = false;
  EXPECT_FALSE(rollback_options(config, run, no_drain).drain.has_value());

  plan::Options plan = plan_options(config, Tier::kDev, run);
  EXPECT_FALSE(plan.gates.require_idempotent);
  EXPECT_EQ(plan.timeouts.lock_timeout, milliseconds(2000));
  EXPECT_EQ(plan.verify_queries, std::vector<std::string>{"SELECT 1"});
  EXPECT_FALSE(plan.lint.has_value());  // the caller's (it needs a server catalog)
}

TEST(RunOptionsTest, DriftAndVerifyOptions) {
  Config config;
  EXPECT_FALSE(drift_options(config, false, false).strict_server_version);
  EXPECT_TRUE(drift_options(config, true, false).strict_server_version);
  EXPECT_TRUE(drift_options(config, false, true).include_index_stats);
  config.strict_server_version = true;
  config.migrations.applied_by = "ci";
  EXPECT_TRUE(drift_options(config, false, false).strict_server_version);
  verify::Options v = verify_options(config, true, {});
  EXPECT_TRUE(v.drift.strict_server_version);
  EXPECT_FALSE(v.drift.include_index_stats);
  EXPECT_EQ(v.baseline_path, "baselines/{env}.json");
  EXPECT_EQ(v.verified_by, "ci");
  EXPECT_EQ(verify_options(config, false, {}).baseline_path, "");
}

TEST(RecordsInTargetTest, ChangingRunsAlwaysReadOnlyOnesWhenAsked) {
  Config config;
  EXPECT_TRUE(records_in_target(config, true));
  EXPECT_FALSE(records_in_target(config, false));
  config.log.record_read_only_in_target = true;
  EXPECT_TRUE(records_in_target(config, false));
}

TEST(WebhookEventsTest, EveryKindHasItsName) {
  std::vector<std::string> names;
  for (notify::EventKind kind : notify::event_kinds()) {
    names.emplace_back(notify::event_name(kind));
  }
  EXPECT_EQ(names,
            (std::vector<std::string>{"migration.applied", "migration.failed", "parity.locked",
                                      "parity.drifted", "parity.error", "rollback.completed",
                                      "rollback.aborted", "rollout.tripped", "rollout.held"}));
}

TEST(WebhookEventsTest, MigrationEvents) {
  migrate::Migration m;
  m.version = "0004";
  m.name = "add_email";
  m.checksum = "sha256:c";
  migrate::Applied a{"0004", "add_email", 12, 3, 2, "sha256:h"};
  Event applied = migration_applied("prod", m, a);
  EXPECT_EQ(applied.kind, notify::EventKind::kMigrationApplied);
  EXPECT_EQ(applied.body["event"], "migration.applied");
  EXPECT_EQ(applied.body["environment"], "prod");
  EXPECT_EQ(applied.body["versions"], nlohmann::json({"0004"}));
  EXPECT_EQ(applied.body["schema_hash"], "sha256:h");
  EXPECT_EQ(applied.body["name"], "add_email");
  EXPECT_EQ(applied.body["checksum"], "sha256:c");
  EXPECT_EQ(applied.body["execution_ms"], 12);
  EXPECT_EQ(applied.body["attempts"], 2);

  Error error{ErrorCode::kSql, "boom", "0004_add_email.up.sql:3", "42P01"};
  Event failed = migration_failed("prod", m, error);
  EXPECT_EQ(failed.kind, notify::EventKind::kMigrationFailed);
  EXPECT_EQ(failed.body["event"], "migration.failed");
  EXPECT_EQ(failed.body["schema_hash"], "");
  EXPECT_EQ(failed.body["error"], error.to_string());
  EXPECT_EQ(failed.body["sqlstate"], "42P01");

  // observe() wires both into apply's hooks.
  std::vector<Event> seen;
  migrate::ApplyOptions options;
  observe(options, "stage", [&](const Event& e) { seen.push_back(e); });
  options.on_applied(m, a);
  options.on_failed(m, error);
  ASSERT_EQ(seen.size(), 2u);
  EXPECT_EQ(seen[0].body["environment"], "stage");
  EXPECT_EQ(seen[1].kind, notify::EventKind::kMigrationFailed);
}

TEST(WebhookEventsTest, RollbackEventsCarryTheRtoVerdict) {
  Target target;
  target.environment = "prod";
  target.rto = milliseconds(1000);
  migrate::RollbackReport report;
  EXPECT_FALSE(rollback_event(target, report).has_value());  // nothing rolled back

  report.rolled_back.push_back({"0004", "add_email", 1, 1, 1, ""});
  report.rolled_back.push_back({"0003", "x", 1, 1, 1, ""});
  report.elapsed_ms = 1500;
  report.actual_hash = "sha256:a";
  report.expected_hash = "sha256:a";
  report.target_version = "0002";
  auto completed = rollback_event(target, report);
  ASSERT_TRUE(completed.has_value());
  EXPECT_EQ(completed->kind, notify::EventKind::kRollbackCompleted);
  EXPECT_EQ(completed->body["event"], "rollback.completed");
  EXPECT_EQ(completed->body["versions"], nlohmann::json({"0004", "0003"}));
  EXPECT_EQ(completed->body["schema_hash"], "sha256:a");
  EXPECT_EQ(completed->body["target_version"], "0002");
  EXPECT_EQ(completed->body["restored"], true);
  EXPECT_EQ(completed->body["rto_ms"], 1000);
  EXPECT_EQ(completed->body["rto_breached"], true);
  target.rto.reset();
  EXPECT_EQ(rollback_event(target, report)->body["rto_breached"], false);
  EXPECT_EQ(rollback_event(target, report)->body["rto_ms"], 0);

  report.aborted = true;
  report.abort_reason = "1 integrity check failed";
  report.findings.push_back({"check", "positive", "SELECT 0", 1, 0, ""});
  auto aborted = rollback_event(target, report);
  ASSERT_TRUE(aborted.has_value());
  EXPECT_EQ(aborted->kind, notify::EventKind::kRollbackAborted);
  EXPECT_EQ(aborted->body["reason"], "1 integrity check failed");
  ASSERT_EQ(aborted->body["findings"].size(), 1u);
  EXPECT_EQ(aborted->body["findings"][0]["ok"], false);

  Event failed = rollback_failed("prod", Error{ErrorCode::kConnection, "down", {}, {}});
  EXPECT_EQ(failed.body["event"], "rollback.aborted");
  EXPECT_EQ(failed.body["reason"], "down");
}

TEST(WebhookEventsTest, ParityEventsPerVerdict) {
  verify::Verdict locked;
  locked.environment = "prod";
  locked.reference = "env:staging";
  locked.schema_hash = "sha256:p";
  locked.locked = true;
  Event e = parity_event(locked, {});
  EXPECT_EQ(e.kind, notify::EventKind::kParityLocked);
  EXPECT_EQ(e.body["event"], "parity.locked");
  EXPECT_EQ(e.body["reference"], "env:staging");
  EXPECT_EQ(e.body["drift_count"], 0);
  EXPECT_EQ(e.body["differences"], nlohmann::json::array());

  verify::Verdict drifted = locked;
  drifted.locked = false;
  Difference d;
  d.category = "schema";
  d.kind = "table";
  d.object = "public.users";
  d.property = "presence";
  d.expected = "present";
  d.actual = "missing";
  drifted.differences = {d};
  Event de = parity_event(drifted, {});
  EXPECT_EQ(de.kind, notify::EventKind::kParityDrifted);
  EXPECT_EQ(de.body["drift_count"], 1);
  EXPECT_EQ(de.body["differences"], nlohmann::json({verify::describe(d)}));

  verify::Verdict broken = locked;
  broken.error = Error{ErrorCode::kConnection, "password s3cret refused", {}, {}};
  Event be = parity_event(broken, {"s3cret"});
  EXPECT_EQ(be.kind, notify::EventKind::kParityError);
  EXPECT_EQ(be.body["event"], "parity.error");
  EXPECT_EQ(be.body["error_code"], "connection");
  EXPECT_EQ(be.body["error"].get<std::string>().find("s3cret"), std::string::npos);
  EXPECT_EQ(parity_error("qa", "env:staging", *broken.error, {"s3cret"}).body["environment"], "qa");
}

}  // namespace
}  // namespace keel::run
