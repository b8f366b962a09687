#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <regex>
#include <string>

#include "../tests/integration/webhook_receiver.h"
#include "keel/notify.h"

namespace keel::notify {
namespace {

using std::chrono::milliseconds;
using testing::ScriptedAnswer;
using testing::WebhookReceiver;

constexpr auto kWait = std::chrono::seconds(5);

// Fast retries for tests.
Webhook hook_to(const std::string& url, const std::string& secret = "") {
  Webhook hook;
  hook.url = url;
  hook.secret = secret;
  hook.timeout = milliseconds(2000);
  hook.attempts = 3;
  hook.backoff = milliseconds(10);
  return hook;
}

nlohmann::json sample_body() {
  return event_body("parity.locked", "prod", {"20260101_init", "20260102_users"}, "ab12cd",
                    {{"note", "caf\u00e9 \"quoted\" \\ /"}});
}

TEST(NotifyFromConfigTest, CopiesTheConfigAndKeepsTheDefaultBackoff) {
  NotifyConfig config;
  config.webhook_url = "https://hooks.example.com/keel";
  config.webhook_secret = "s";
  config.timeout = milliseconds(1500);
  config.attempts = 5;
  Webhook hook = from_config(config);
  EXPECT_EQ(hook.url, "https://hooks.example.com/keel");
  EXPECT_EQ(hook.secret, "s");
  EXPECT_EQ(hook.timeout, milliseconds(1500));
  EXPECT_EQ(hook.attempts, 5);
  EXPECT_EQ(hook.backoff, milliseconds(500));
}

TEST(WebhookSignatureTest, MatchesRfc4231TestCase2) {
  EXPECT_EQ(signature("what do ya want for nothing?", "Jefe"),
            "sha256=5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
}

TEST(WebhookSignatureTest, DependsOnEveryByteOfBodyAndSecret) {
  std::string base = signature("{\"a\":1}", "key");
  EXPECT_EQ(base.size(), 7u + 64u);
  EXPECT_NE(signature("{\"a\":2}", "key"), base);
  EXPECT_NE(signature("{\"a\":1}", "kez"), base);
  EXPECT_NE(signature("{\"a\":1} ", "key"), base);
}

TEST(WebhookEventBodyTest, HoldsTheFixedKeysAndExtra) {
  nlohmann::json body = event_body("migration.applied", "staging", {"1", "2"}, "hash",
                                   {{"duration_ms", 42}, {"applied_by", "ci"}});
  EXPECT_EQ(body["event"], "migration.applied");
  EXPECT_EQ(body["environment"], "staging");
  EXPECT_EQ(body["versions"], nlohmann::json::array({"1", "2"}));
  EXPECT_EQ(body["schema_hash"], "hash");
  EXPECT_EQ(body["keel_version"], KEEL_VERSION);
  EXPECT_TRUE(std::regex_match(body["time"].get<std::string>(),
                               std::regex(R"(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ)")))
      << body["time"];
  EXPECT_EQ(body["duration_ms"], 42);
  EXPECT_EQ(body["applied_by"], "ci");
  EXPECT_EQ(body.size(), 8u);
}

TEST(WebhookEventBodyTest, FixedKeysWinOverExtra) {
  nlohmann::json body =
      event_body("rollback.completed", "prod", {}, "h", {{"event", "forged"}, {"rto_ms", 10}});
  EXPECT_EQ(body["event"], "rollback.completed");
  EXPECT_EQ(body["versions"], nlohmann::json::array());
  EXPECT_EQ(body["rto_ms"], 10);
}

TEST(WebhookDeliveryTest, BodyHeadersAndSignatureArriveIntact) {
  WebhookReceiver receiver;
  nlohmann::json body = sample_body();
  Delivery delivery = deliver(hook_to(receiver.url("/hook"), "hook-secret"), "parity.locked", body);
  ASSERT_TRUE(delivery.delivered) << delivery.to_string();
  EXPECT_TRUE(delivery.attempted);
  EXPECT_EQ(delivery.attempts, 1);
  EXPECT_EQ(delivery.http_status, 200);
  EXPECT_EQ(delivery.error, "");
  EXPECT_EQ(delivery.to_string(),
            "delivered parity.locked to " + receiver.url("/hook") + " (1 attempt)");

  ASSERT_EQ(receiver.requests().size(), 1u);
  testing::ReceivedRequest request = receiver.requests()[0];
  EXPECT_EQ(request.method, "POST");
  EXPECT_EQ(request.path, "/hook");
  EXPECT_EQ(request.body, body.dump());
  EXPECT_EQ(nlohmann::json::parse(request.body), body);
  EXPECT_EQ(request.header("content-type"), "application/json");
  EXPECT_EQ(request.header("x-keel-event"), "parity.locked");
  EXPECT_EQ(request.header("user-agent"), std::string("keel/") + KEEL_VERSION);
  EXPECT_EQ(request.header("x-keel-signature"), signature(request.body, "hook-secret"));
  EXPECT_NE(request.header("x-keel-signature"), signature(request.body, "other-secret"));
  EXPECT_EQ(request.header("expect"), "");
}

TEST(WebhookDeliveryTest, NoSignatureHeaderWithoutSecret) {
  WebhookReceiver receiver;
  Delivery delivery = deliver(hook_to(receiver.url()), "parity.drifted", sample_body());
  ASSERT_TRUE(delivery.delivered) << delivery.to_string();
  ASSERT_EQ(receiver.requests().size(), 1u);
  EXPECT_EQ(receiver.requests()[0].headers.count("x-keel-signature"), 0u);
  EXPECT_EQ(receiver.requests()[0].header("x-keel-event"), "parity.drifted");
}

TEST(WebhookDeliveryTest, LargeBodyIsSentWhole) {
  WebhookReceiver receiver;
  nlohmann::json body = sample_body();
  body["statements"] = std::string(200000, 'x');
  Delivery delivery = deliver(hook_to(receiver.url(), "k"), "migration.applied", body);
  ASSERT_TRUE(delivery.delivered) << delivery.to_string();
  ASSERT_EQ(receiver.requests().size(), 1u);
  EXPECT_EQ(receiver.requests()[0].body, body.dump());
  EXPECT_EQ(receiver.requests()[0].header("x-keel-signature"),
            signature(receiver.requests()[0].body, "k"));
}

TEST(WebhookDeliveryTest, A500ThenA200IsDeliveredOnTheSecondAttempt) {
  WebhookReceiver receiver({{.status = 500, .body = "busy"}, {.status = 200}});
  Delivery delivery = deliver(hook_to(receiver.url(), "k"), "migration.applied", sample_body());
  EXPECT_TRUE(delivery.delivered) << delivery.to_string();
  EXPECT_EQ(delivery.attempts, 2);
  EXPECT_EQ(delivery.http_status, 200);
  EXPECT_EQ(delivery.error, "");
  EXPECT_EQ(delivery.to_string(),
            "delivered migration.applied to " + receiver.url() + " (2 attempts)");
  std::vector<testing::ReceivedRequest> requests = receiver.requests();
  ASSERT_EQ(requests.size(), 2u);
  EXPECT_EQ(requests[0].body, requests[1].body);  // the same signed bytes
  EXPECT_EQ(requests[0].header("x-keel-signature"), requests[1].header("x-keel-signature"));
}

TEST(WebhookDeliveryTest, A429IsRetried) {
  WebhookReceiver receiver({{.status = 429}, {.status = 204}});
  Delivery delivery = deliver(hook_to(receiver.url()), "rollback.completed", sample_body());
  EXPECT_TRUE(delivery.delivered) << delivery.to_string();
  EXPECT_EQ(delivery.attempts, 2);
  EXPECT_EQ(delivery.http_status, 204);
}

TEST(WebhookDeliveryTest, Always500GivesUpAfterTheAttemptsWithBackoff) {
  WebhookReceiver receiver({{.status = 500, .body = "database on fire\r\n"}});
  Webhook hook = hook_to(receiver.url());
  hook.backoff = milliseconds(50);
  auto start = std::chrono::steady_clock::now();
  Delivery delivery = deliver(hook, "migration.failed", sample_body());
  auto elapsed = std::chrono::steady_clock::now() - start;
  EXPECT_TRUE(delivery.attempted);
  EXPECT_FALSE(delivery.delivered);
  EXPECT_EQ(delivery.attempts, 3);
  EXPECT_EQ(delivery.http_status, 500);
  EXPECT_EQ(delivery.error, "HTTP 500: database on fire");
  EXPECT_EQ(delivery.to_string(), "could not deliver migration.failed to " + receiver.url() +
                                      " after 3 attempts: HTTP 500: database on fire");
  EXPECT_EQ(receiver.requests().size(), 3u);
  EXPECT_GE(elapsed, milliseconds(50 + 100));  // backoff, then twice the backoff
}

TEST(WebhookDeliveryTest, A404IsNotRetried) {
  WebhookReceiver receiver({{.status = 404, .body = "no such hook"}, {.status = 200}});
  Delivery delivery = deliver(hook_to(receiver.url("/wrong")), "parity.locked", sample_body());
  EXPECT_FALSE(delivery.delivered);
  EXPECT_EQ(delivery.attempts, 1);
  EXPECT_EQ(delivery.http_status, 404);
  EXPECT_EQ(delivery.error, "HTTP 404: no such hook");
  EXPECT_EQ(receiver.requests().size(), 1u);
}

TEST(WebhookDeliveryTest, ServerThatNeverAnswersTimesOutOnEveryAttempt) {
  WebhookReceiver receiver({{.status = 200, .delay = std::chrono::seconds(30)}});
  Webhook hook = hook_to(receiver.url());
  hook.timeout = milliseconds(300);
  auto start = std::chrono::steady_clock::now();
  Delivery delivery = deliver(hook, "parity.locked", sample_body());
  auto elapsed = std::chrono::steady_clock::now() - start;
  EXPECT_FALSE(delivery.delivered);
  EXPECT_EQ(delivery.attempts, 3);
  EXPECT_EQ(delivery.http_status, 0);
  EXPECT_NE(delivery.error.find("timeout"), std::string::npos) << delivery.error;
  EXPECT_EQ(receiver.requests().size(), 3u);  // every attempt reached the server
  // attempts * timeout + the backoffs (10 + 20 ms), with room for a slow sanitizer build.
  EXPECT_GE(elapsed, milliseconds(3 * 300));
  EXPECT_LT(elapsed, milliseconds(3 * 300 + 30 + 1500));
}

// A port that refuses connections: bound, never listening, held for the test.
class ClosedPort {
 public:
  ClosedPort() {
    fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t length = sizeof(address);
    EXPECT_EQ(::bind(fd_, reinterpret_cast<sockaddr*>(&address), sizeof(address)), 0);
    EXPECT_EQ(::getsockname(fd_, reinterpret_cast<sockaddr*>(&address), &length), 0);
    port_ = ntohs(address.sin_port);
  }
  ~ClosedPort() { ::close(fd_); }
  int port() const { return port_; }

 private:
  int fd_ = -1;
  int port_ = 0;
};

TEST(WebhookDeliveryTest, NothingListeningIsAConnectionErrorAfterEveryAttempt) {
  ClosedPort closed;
  std::string url = "http://127.0.0.1:" + std::to_string(closed.port()) + "/hook";
  Delivery delivery = deliver(hook_to(url), "rollback.aborted", sample_body());
  EXPECT_TRUE(delivery.attempted);
  EXPECT_FALSE(delivery.delivered);
  EXPECT_EQ(delivery.attempts, 3);
  EXPECT_EQ(delivery.http_status, 0);
  EXPECT_NE(delivery.error.find("onnect"), std::string::npos) << delivery.error;
  EXPECT_TRUE(delivery.to_string().starts_with("could not deliver rollback.aborted to " + url +
                                               " after 3 attempts: "))
      << delivery.to_string();
}

void expect_no_secrets(const Delivery& delivery) {
  for (const std::string& text : {delivery.to_string(), delivery.error, delivery.url}) {
    EXPECT_EQ(text.find("s3cr3t"), std::string::npos) << text;
    EXPECT_EQ(text.find("tok-abc123"), std::string::npos) << text;
    EXPECT_EQ(text.find("token"), std::string::npos) << text;
  }
}

TEST(WebhookDeliveryTest, PasswordAndQueryTokenAreNeverShown) {
  WebhookReceiver receiver({{.status = 500, .body = "no"}});
  std::string port = std::to_string(receiver.port());
  Delivery delivery =
      deliver(hook_to("http://deploy:s3cr3t%21pw@127.0.0.1:" + port + "/hook?token=tok-abc123"),
              "parity.locked", sample_body());
  EXPECT_FALSE(delivery.delivered);
  EXPECT_EQ(delivery.url, "http://deploy:***@127.0.0.1:" + port + "/hook");
  EXPECT_NE(delivery.to_string().find("http://deploy:***@127.0.0.1:" + port + "/hook after"),
            std::string::npos)
      << delivery.to_string();
  expect_no_secrets(delivery);
  // The credentials and the token are still sent.
  ASSERT_FALSE(receiver.requests().empty());
  EXPECT_EQ(receiver.requests()[0].path, "/hook?token=tok-abc123");
  EXPECT_EQ(receiver.requests()[0].header("authorization"),
            "Basic ZGVwbG95OnMzY3IzdCFwdw==");  // deploy:s3cr3t!pw
}

TEST(WebhookDeliveryTest, CurlErrorsDoNotLeakTheUrl) {
  ClosedPort closed;
  std::string port = std::to_string(closed.port());
  expect_no_secrets(
      deliver(hook_to("http://deploy:s3cr3t@127.0.0.1:" + port + "/h?token=tok-abc123"),
              "parity.locked", sample_body()));
  // Unparseable (port out of range): nothing but the scheme is shown.
  Delivery bad = deliver(hook_to("http://deploy:s3cr3t@127.0.0.1:99999/h?token=tok-abc123"),
                         "parity.locked", sample_body());
  EXPECT_FALSE(bad.delivered);
  EXPECT_EQ(bad.attempts, 1);
  EXPECT_EQ(bad.url, "http://***");
  expect_no_secrets(bad);
  // A host that cannot be resolved: curl names the host, not the credentials.
  Webhook unresolvable = hook_to("https://deploy:s3cr3t@keel-webhook.invalid/h?token=tok-abc123");
  unresolvable.attempts = 1;
  Delivery dns = deliver(unresolvable, "parity.locked", sample_body());
  EXPECT_FALSE(dns.delivered);
  EXPECT_EQ(dns.url, "https://deploy:***@keel-webhook.invalid/h");
  expect_no_secrets(dns);
}

TEST(WebhookDeliveryTest, OnlyHttpAndHttpsAreAllowed) {
  WebhookReceiver receiver;
  std::string port = std::to_string(receiver.port());
  for (const std::string& url : {"ftp://u:s3cr3t@127.0.0.1:" + port + "/x?token=tok-abc123",
                                 std::string("file:///etc/hostname")}) {
    Delivery delivery = deliver(hook_to(url), "parity.locked", sample_body());
    EXPECT_TRUE(delivery.attempted);
    EXPECT_FALSE(delivery.delivered) << url;
    EXPECT_EQ(delivery.attempts, 1) << url;  // not worth retrying
    EXPECT_NE(delivery.error.find("rotocol"), std::string::npos) << delivery.error;
    expect_no_secrets(delivery);
  }
  EXPECT_TRUE(receiver.requests().empty());
}

TEST(WebhookDeliveryTest, EmptyUrlIsNotAttempted) {
  Delivery delivery = deliver(Webhook{}, "migration.applied", sample_body());
  EXPECT_FALSE(delivery.attempted);
  EXPECT_FALSE(delivery.delivered);
  EXPECT_EQ(delivery.attempts, 0);
  EXPECT_EQ(delivery.http_status, 0);
  EXPECT_EQ(delivery.to_string(), "migration.applied not sent: no webhook_url configured");
}

}  // namespace
}  // namespace keel::notify
