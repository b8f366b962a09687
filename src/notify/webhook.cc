// Webhook delivery: the event document, its HMAC signature, and the POST with retries.
#include <curl/curl.h>
#include <fmt/format.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>

#include <algorithm>
#include <array>
#include <ctime>
#include <memory>
#include <mutex>
#include <thread>

#include "keel/connection.h"
#include "keel/notify.h"
#include "util/sha256.h"

namespace keel::notify {
namespace {

constexpr size_t kSnippetChars = 200;  // of a failed answer's body, in the error

void init_curl_once() {
  static std::once_flag once;
  std::call_once(once, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
}

struct CurlUrlDeleter {
  void operator()(CURLU* url) const { curl_url_cleanup(url); }
};
struct CurlDeleter {
  void operator()(CURL* curl) const { curl_easy_cleanup(curl); }
};
struct SlistDeleter {
  void operator()(curl_slist* list) const { curl_slist_free_all(list); }
};

std::string url_part(CURLU* url, CURLUPart part, unsigned int flags = 0) {
  char* value = nullptr;
  if (curl_url_get(url, part, &value, flags) != CURLUE_OK || value == nullptr) return {};
  std::string out = value;
  curl_free(value);
  return out;
}

// What may be printed of a webhook URL, and what must be masked wherever it shows up.
// The URL is split by curl's own parser, so what is shown is what curl connects to.
struct UrlView {
  std::string display;  // scheme://user:***@host:port/path: no password, no query, no fragment
  std::vector<std::string> secrets;  // the URL itself, its password (raw and decoded), its query
};

UrlView view_url(const std::string& raw) {
  UrlView view;
  view.secrets.push_back(raw);
  std::unique_ptr<CURLU, CurlUrlDeleter> url(curl_url());
  unsigned int flags = CURLU_NON_SUPPORT_SCHEME | CURLU_DEFAULT_SCHEME;
  if (url == nullptr || curl_url_set(url.get(), CURLUPART_URL, raw.c_str(), flags) != CURLUE_OK) {
    // Unparseable: show the scheme only; the rest may hold anything.
    size_t scheme = raw.find("://");
    view.display = scheme == std::string::npos ? "***" : raw.substr(0, scheme) + "://***";
    return view;
  }
  std::string user = url_part(url.get(), CURLUPART_USER);
  std::string password = url_part(url.get(), CURLUPART_PASSWORD);
  std::string port = url_part(url.get(), CURLUPART_PORT);
  view.display = url_part(url.get(), CURLUPART_SCHEME) + "://";
  if (!user.empty() || !password.empty()) {
    view.display += user + (password.empty() ? "" : ":***") + "@";
  }
  view.display += url_part(url.get(), CURLUPART_HOST);
  if (!port.empty()) view.display += ":" + port;
  view.display += url_part(url.get(), CURLUPART_PATH);
  if (!password.empty()) {
    view.secrets.push_back(password);
    view.secrets.push_back(url_part(url.get(), CURLUPART_PASSWORD, CURLU_URLDECODE));
  }
  if (std::string query = url_part(url.get(), CURLUPART_QUERY); !query.empty()) {
    view.secrets.push_back(query);
  }
  // Longest first, so that the whole URL is masked before its parts are.
  std::ranges::sort(view.secrets, [](const auto& a, const auto& b) { return a.size() > b.size(); });
  return view;
}

std::string utc_now() {
  std::time_t now = std::time(nullptr);
  std::tm tm{};
  gmtime_r(&now, &tm);
  std::array<char, 32> text{};
  size_t n = std::strftime(text.data(), text.size(), "%Y-%m-%dT%H:%M:%SZ", &tm);
  return std::string(text.data(), n);
}

size_t keep_snippet(char* data, size_t size, size_t count, void* user) {
  auto* snippet = static_cast<std::string*>(user);
  size_t bytes = size * count;
  if (snippet->size() < kSnippetChars) {
    snippet->append(data, std::min(bytes, kSnippetChars - snippet->size()));
  }
  return bytes;  // the rest is read and dropped: never written to stdout
}

// One line of printable text out of an answer body.
std::string printable(std::string text) {
  for (char& ch : text) {
    auto c = static_cast<unsigned char>(ch);
    if (c < 0x20 || c == 0x7f) ch = ' ';
  }
  while (!text.empty() && text.back() == ' ') text.pop_back();
  return text;
}

bool retryable(CURLcode code) {
  switch (code) {
    case CURLE_COULDNT_RESOLVE_HOST:
    case CURLE_COULDNT_CONNECT:
    case CURLE_OPERATION_TIMEDOUT:
    case CURLE_SEND_ERROR:
    case CURLE_RECV_ERROR:
    case CURLE_GOT_NOTHING:
    case CURLE_PARTIAL_FILE:
    case CURLE_SSL_CONNECT_ERROR:
    case CURLE_HTTP2:
    case CURLE_HTTP2_STREAM:
      return true;
    default:
      return false;
  }
}

bool retryable(long status) { return status >= 500 || status == 429; }

struct Attempt {
  bool delivered = false;
  bool retry = false;
  long status = 0;
  std::string error;  // unmasked
};

Attempt post_once(CURL* curl, std::chrono::milliseconds timeout) {
  Attempt attempt;
  std::array<char, CURL_ERROR_SIZE> detail{};
  std::string snippet;
  curl_easy_setopt(curl, CURLOPT_ERRORBUFFER, detail.data());
  curl_easy_setopt(curl, CURLOPT_WRITEDATA, &snippet);
  curl_easy_setopt(curl, CURLOPT_TIMEOUT_MS, static_cast<long>(timeout.count()));
  CURLcode code = curl_easy_perform(curl);
  curl_easy_setopt(curl, CURLOPT_ERRORBUFFER, nullptr);
  if (code != CURLE_OK) {
    attempt.retry = retryable(code);
    std::string text = detail[0] != '\0' ? detail.data() : curl_easy_strerror(code);
    if (code == CURLE_OPERATION_TIMEDOUT) {
      attempt.error = fmt::format("timeout: no answer within {} ms ({})", timeout.count(), text);
    } else {
      attempt.error = text;
    }
    return attempt;
  }
  curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &attempt.status);
  if (attempt.status >= 200 && attempt.status < 300) {
    attempt.delivered = true;
    return attempt;
  }
  attempt.retry = retryable(attempt.status);
  attempt.error = fmt::format("HTTP {}", attempt.status);
  if (std::string body = printable(snippet); !body.empty()) attempt.error += ": " + body;
  return attempt;
}

Delivery deliver_or_throw(const Webhook& hook, const std::string& event,
                          const nlohmann::json& body) {
  Delivery delivery;
  delivery.event = event;
  if (hook.url.empty()) return delivery;
  delivery.attempted = true;
  init_curl_once();
  UrlView url = view_url(hook.url);
  delivery.url = url.display;

  std::unique_ptr<CURL, CurlDeleter> curl(curl_easy_init());
  if (curl == nullptr) {
    delivery.error = "could not start libcurl (curl_easy_init failed)";
    return delivery;
  }
  // The exact bytes that are signed are the bytes sent, on every attempt.
  const std::string payload = body.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  std::unique_ptr<curl_slist, SlistDeleter> headers;
  auto add_header = [&headers](const std::string& line) {
    curl_slist* grown = curl_slist_append(headers.get(), line.c_str());
    if (grown != nullptr) {
      (void)headers.release();
      headers.reset(grown);
    }
  };
  add_header("Content-Type: application/json");
  add_header("X-Keel-Event: " + event);
  if (!hook.secret.empty()) add_header("X-Keel-Signature: " + signature(payload, hook.secret));
  // Bodies over 1 KiB would otherwise wait up to a second for "100 Continue".
  add_header("Expect:");
  const std::string user_agent = std::string("keel/") + KEEL_VERSION;

  CURL* handle = curl.get();
  curl_easy_setopt(handle, CURLOPT_URL, hook.url.c_str());
  curl_easy_setopt(handle, CURLOPT_PROTOCOLS_STR, "http,https");
  curl_easy_setopt(handle, CURLOPT_DEFAULT_PROTOCOL, "https");  // no scheme: not plain http
  // keel runs threads (the plan's blocker watch): no SIGALRM for timeouts.
  curl_easy_setopt(handle, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(handle, CURLOPT_POST, 1L);
  curl_easy_setopt(handle, CURLOPT_POSTFIELDS, payload.data());
  curl_easy_setopt(handle, CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(payload.size()));
  curl_easy_setopt(handle, CURLOPT_HTTPHEADER, headers.get());
  curl_easy_setopt(handle, CURLOPT_USERAGENT, user_agent.c_str());
  curl_easy_setopt(handle, CURLOPT_WRITEFUNCTION, keep_snippet);

  const int attempts = std::max(hook.attempts, 1);
  const auto timeout = std::max(hook.timeout, std::chrono::milliseconds(1));
  auto backoff = std::max(hook.backoff, std::chrono::milliseconds(0));
  for (int i = 1; i <= attempts; ++i) {
    if (i > 1) {
      std::this_thread::sleep_for(backoff);
      backoff *= 2;
    }
    Attempt attempt = post_once(handle, timeout);
    delivery.attempts = i;
    delivery.http_status = attempt.status;
    if (attempt.delivered) {
      delivery.delivered = true;
      delivery.error.clear();
      break;
    }
    delivery.error = mask_secrets(std::move(attempt.error), url.secrets);
    if (!attempt.retry) break;
  }
  return delivery;
}

}  // namespace

Webhook from_config(const NotifyConfig& config) {
  Webhook hook;
  hook.url = config.webhook_url;
  hook.secret = config.webhook_secret;
  hook.timeout = config.timeout;
  hook.attempts = config.attempts;
  return hook;
}

std::string signature(std::string_view body, std::string_view secret) {
  std::array<unsigned char, EVP_MAX_MD_SIZE> mac{};
  unsigned int length = 0;
  // HMAC() with an empty key would get a null pointer from an empty string_view.
  static constexpr unsigned char kEmpty = 0;
  const void* key = secret.empty() ? &kEmpty : static_cast<const void*>(secret.data());
  const auto* data = reinterpret_cast<const unsigned char*>(body.data());
  if (HMAC(EVP_sha256(), key, static_cast<int>(secret.size()), body.empty() ? &kEmpty : data,
           body.size(), mac.data(), &length) == nullptr) {
    return {};
  }
  return "sha256=" + util::hex(std::string_view(reinterpret_cast<const char*>(mac.data()), length));
}

std::string_view event_name(EventKind kind) {
  switch (kind) {
    case EventKind::kMigrationApplied:
      return "migration.applied";
    case EventKind::kMigrationFailed:
      return "migration.failed";
    case EventKind::kParityLocked:
      return "parity.locked";
    case EventKind::kParityDrifted:
      return "parity.drifted";
    case EventKind::kParityError:
      return "parity.error";
    case EventKind::kRollbackCompleted:
      return "rollback.completed";
    case EventKind::kRollbackAborted:
      return "rollback.aborted";
    case EventKind::kRolloutTripped:
      return "rollout.tripped";
    case EventKind::kRolloutHeld:
      return "rollout.held";
  }
  return "";
}

const std::vector<EventKind>& event_kinds() {
  static const std::vector<EventKind> kinds = {
      EventKind::kMigrationApplied, EventKind::kMigrationFailed, EventKind::kParityLocked,
      EventKind::kParityDrifted,    EventKind::kParityError,     EventKind::kRollbackCompleted,
      EventKind::kRollbackAborted,  EventKind::kRolloutTripped,  EventKind::kRolloutHeld};
  return kinds;
}

nlohmann::json event_body(const std::string& event, const std::string& environment,
                          const std::vector<std::string>& versions, const std::string& schema_hash,
                          const nlohmann::json& extra) {
  nlohmann::json body = extra.is_object() ? extra : nlohmann::json::object();
  body["event"] = event;
  body["environment"] = environment;
  body["versions"] = versions;
  body["schema_hash"] = schema_hash;
  body["keel_version"] = KEEL_VERSION;
  body["time"] = utc_now();
  return body;
}

std::string Delivery::to_string() const {
  if (!attempted) return event + " not sent: no webhook_url configured";
  std::string tries = fmt::format("{} attempt{}", attempts, attempts == 1 ? "" : "s");
  if (delivered) return fmt::format("delivered {} to {} ({})", event, url, tries);
  return fmt::format("could not deliver {} to {} after {}: {}", event, url, tries, error);
}

Delivery deliver(const Webhook& hook, const std::string& event, const nlohmann::json& body) {
  try {
    return deliver_or_throw(hook, event, body);
  } catch (const std::exception& e) {
    Delivery delivery;
    delivery.event = event;
    delivery.attempted = !hook.url.empty();
    delivery.error = std::string("internal error: ") + e.what();
    return delivery;
  } catch (...) {
    Delivery delivery;
    delivery.event = event;
    delivery.attempted = !hook.url.empty();
    delivery.error = "internal error";
    return delivery;
  }
}

}  // namespace keel::notify
