// keel: signed webhooks announcing what a command did.
//
// deliver() POSTs one JSON document (event_body) to the configured URL:
//
//   POST /path HTTP/1.1
//   Content-Type: application/json
//   User-Agent: keel/<version>
//   X-Keel-Event: parity.locked
//   X-Keel-Signature: sha256=<hex HMAC-SHA256(secret, body)>   (when a secret is set)
//
//   {"event":"parity.locked","environment":"prod","versions":[...],"schema_hash":"...",
//    "keel_version":"...","time":"2026-11-25T06:30:00Z", ...extra}
//
// A receiver verifies the signature over the raw body bytes it received.
// Events: migration.applied, migration.failed, parity.locked, parity.drifted,
// parity.error (an environment keel verify could not read: "reference",
// "error" (masked) and "error_code" in the body, schema_hash empty),
// rollback.completed, rollback.aborted.
//
// Only http and https are allowed. The URL may hold user:password and a
// ?token=...; neither is ever printed: the URL is shown as scheme://user:***@host/path
// (no query string) and curl's messages are masked the same way.
#pragma once

#include <chrono>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "keel/config.h"

namespace keel::notify {

// The events keel sends, one per outcome a receiver may act on.
enum class EventKind {
  kMigrationApplied,   // a migration committed (apply)
  kMigrationFailed,    // a migration failed (apply)
  kParityLocked,       // an environment has the reference's schema (verify)
  kParityDrifted,      // it differs (verify)
  kParityError,        // it could not be read (verify)
  kRollbackCompleted,  // down scripts committed (rollback)
  kRollbackAborted,    // nothing (or not everything) was rolled back
  kRolloutTripped,     // a rollout's breaker tripped and routed back (rollout)
  kRolloutHeld,        // every step of a rollout held (rollout)
};

// The name of each event, as in X-Keel-Event and the body's "event":
// "migration.applied", "migration.failed", "parity.locked",
// "parity.drifted", "parity.error", "rollback.completed", "rollback.aborted",
// "rollout.tripped", "rollout.held".
std::string_view event_name(EventKind kind);

// Every event kind, in the order above.
const std::vector<EventKind>& event_kinds();

struct Webhook {
  std::string url;     // empty: disabled. May hold user:password; never print it unmasked
  std::string secret;  // empty: no X-Keel-Signature header
  std::chrono::milliseconds timeout{5000};  // per attempt (connect + transfer)
  int attempts = 3;
  std::chrono::milliseconds backoff{500};  // wait before attempt 2; doubles after
};

// [notify] of keel.toml; backoff keeps its default.
Webhook from_config(const NotifyConfig& config);

// "sha256=" + lower-case hex of HMAC-SHA256(secret, body).
std::string signature(std::string_view body, std::string_view secret);

// The event document: {"event", "environment", "versions": [...], "schema_hash",
// "keel_version" (KEEL_VERSION), "time" (UTC, "2026-11-25T06:30:00Z")} merged with
// `extra`'s keys. The fixed keys win over extra's; a non-object extra is ignored.
nlohmann::json event_body(const std::string& event, const std::string& environment,
                          const std::vector<std::string>& versions, const std::string& schema_hash,
                          const nlohmann::json& extra = nlohmann::json::object());

struct Delivery {
  bool attempted = false;  // false when url is empty
  bool delivered = false;  // a 2xx answer
  int attempts = 0;
  long http_status = 0;  // of the last attempt, 0 when it got no answer
  std::string error;     // last failure, with the URL masked (never the secret); empty if delivered
  std::string event;     // as passed to deliver()
  std::string url;       // the masked URL: scheme://user:***@host/path, no query string

  // "delivered parity.locked to https://h/x (1 attempt)",
  // "could not deliver parity.locked to https://h/x after 3 attempts: HTTP 500 ...",
  // "parity.locked not sent: no webhook_url configured".
  std::string to_string() const;
};

// POSTs body.dump() (invalid UTF-8 replaced by U+FFFD) with Content-Type: application/json,
// X-Keel-Event: <event>, X-Keel-Signature (if secret) and User-Agent: keel/<version>.
// Retries on connection errors, timeouts, 5xx and 429 (not on other 4xx, nor on a refused
// protocol or a bad URL), waiting backoff, 2*backoff, ... between attempts. Each attempt
// gets at most hook.timeout. Redirects are not followed. Never throws.
Delivery deliver(const Webhook& hook, const std::string& event, const nlohmann::json& body);

}  // namespace keel::notify
