// The routers of a rollout (keel/rollout.h): HAProxy's runtime API, keel's flag table, a hook
// command.
#include <fmt/format.h>
#include <netdb.h>
#include <poll.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

#include "keel/flags.h"
#include "keel/rollout.h"
#include "rollout/process.h"

namespace keel::rollout {
namespace {

constexpr int kAnswerMs = 1000;
constexpr int kAttempts = 3;

// A connected socket to "host:port" or a unix socket path; -1 and `why` when it fails.
int connect_admin(const std::string& admin, std::string& why) {
  if (admin.starts_with("/")) {
    sockaddr_un addr{};
    addr.sun_family = AF_UNIX;
    if (admin.size() >= sizeof addr.sun_path) {
      why = "the socket path is too long";
      return -1;
    }
    std::memcpy(addr.sun_path, admin.c_str(), admin.size() + 1);
    int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd >= 0 && connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0) return fd;
    why = std::strerror(errno);
    if (fd >= 0) close(fd);
    return -1;
  }
  const size_t colon = admin.rfind(':');
  if (colon == std::string::npos || colon == 0) {
    why = "expected host:port or an absolute unix socket path";
    return -1;
  }
  std::string host = admin.substr(0, colon);
  if (host.size() > 2 && host.front() == '[' && host.back() == ']')
    host = host.substr(1, host.size() - 2);
  const std::string port = admin.substr(colon + 1);
  addrinfo hints{};
  hints.ai_socktype = SOCK_STREAM;
  addrinfo* found = nullptr;
  if (int rc = getaddrinfo(host.c_str(), port.c_str(), &hints, &found); rc != 0) {
    why = gai_strerror(rc);
    return -1;
  }
  int fd = -1;
  for (addrinfo* a = found; a != nullptr; a = a->ai_next) {
    fd = socket(a->ai_family, a->ai_socktype | SOCK_CLOEXEC, a->ai_protocol);
    if (fd < 0) continue;
    if (connect(fd, a->ai_addr, a->ai_addrlen) == 0) break;
    why = std::strerror(errno);
    close(fd);
    fd = -1;
  }
  freeaddrinfo(found);
  return fd;
}

// A name HAProxy's runtime API takes as one word: no space, no control character, no '/'
// (which splits backend from server), no ';' (which chains commands).
bool plain_name(const std::string& name) {
  return !name.empty() && std::none_of(name.begin(), name.end(), [](unsigned char c) {
    return c <= ' ' || c == 0x7f || c == '/' || c == ';' || c == '#';
  });
}

class HaproxyRouter final : public Router {
 public:
  explicit HaproxyRouter(HaproxyRoute route) : route_(std::move(route)) {}
  std::string describe() const override {
    return fmt::format("haproxy {} {}/{},{}", route_.admin, route_.backend, route_.old_server,
                       route_.new_server);
  }
  Result<void> route(int percent_new) override {
    for (const std::string* name : {&route_.backend, &route_.old_server, &route_.new_server}) {
      if (!plain_name(*name)) {
        return fail(ErrorCode::kConfig,
                    fmt::format("'{}' is not a HAProxy backend or server name (one word without "
                                "'/', ';' or '#'); fix [rollout] in keel.toml",
                                *name));
      }
    }
    // The server whose weight rises goes first: never both at 0, which would refuse sessions.
    std::pair<const std::string*, int> old_weight{&route_.old_server, 100 - percent_new};
    std::pair<const std::string*, int> new_weight{&route_.new_server, percent_new};
    auto first = new_weight, second = old_weight;
    if (percent_new < current_) std::swap(first, second);
    for (const auto& [server, weight] : {first, second}) {
      const std::string command =
          fmt::format("set weight {}/{} {}", route_.backend, *server, weight);
      auto answer = haproxy_command(route_.admin, command);
      if (!answer) return std::unexpected(answer.error());
      if (answer->find_first_not_of(" \r\n") != std::string::npos) {
        std::string text = *answer;
        while (!text.empty() && (text.back() == '\n' || text.back() == '\r')) text.pop_back();
        return fail(ErrorCode::kConfig,
                    fmt::format("HAProxy refused '{}': {}; check [rollout] haproxy_backend, "
                                "old_server and new_server against haproxy.cfg",
                                command, text),
                    route_.admin);
      }
    }
    current_ = percent_new;
    return {};
  }

 private:
  HaproxyRoute route_;
  int current_ = 100;  // unknown at first: assume the new share falls, so old rises first
};

class FlagRouter final : public Router {
 public:
  FlagRouter(ConnectionUrl url, std::string flag, std::string by)
      : url_(std::move(url)), flag_(std::move(flag)), by_(std::move(by)) {}
  std::string describe() const override {
    return fmt::format("flag '{}' in {}", flag_, url_.masked);
  }
  Result<void> route(int percent_new) override {
    if (!store_) {
      auto store = flags::open_flags(url_);
      if (!store) return std::unexpected(store.error());
      store_ = std::move(*store);
    }
    auto changed =
        store_->set({.name = flag_, .percent = percent_new, .description = {}, .by = by_});
    if (!changed) {
      store_.reset();  // a lost session is opened again next time
      return std::unexpected(changed.error());
    }
    return {};
  }

 private:
  ConnectionUrl url_;
  std::string flag_;
  std::string by_;
  std::unique_ptr<flags::Store> store_;
};

class CommandRouter final : public Router {
 public:
  CommandRouter(std::string command, std::string migration)
      : command_(std::move(command)), migration_(std::move(migration)) {}
  std::string describe() const override { return "command " + command_; }
  Result<void> route(int percent_new) override {
    auto result = run_command(command_, percent_new, migration_, 60);
    if (!result) return std::unexpected(result.error());
    if (result->status != 0) {
      return fail(ErrorCode::kIo,
                  fmt::format("the routing command exited with status {} at {}%: {}",
                              result->status, percent_new, result->output),
                  command_);
    }
    return {};
  }

 private:
  std::string command_;
  std::string migration_;
};

}  // namespace

namespace {

Result<std::string> haproxy_once(const std::string& admin, const std::string& command) {
  std::string why;
  int fd = connect_admin(admin, why);
  if (fd < 0) {
    return fail(ErrorCode::kConnection,
                fmt::format("cannot reach HAProxy's runtime API: {}; check [rollout] "
                            "haproxy_admin and the 'stats socket ... level admin' line",
                            why),
                admin);
  }
  std::string out = command + "\n";
  bool sent = ::send(fd, out.data(), out.size(), MSG_NOSIGNAL) == static_cast<ssize_t>(out.size());
  // One command, then end of input: HAProxy answers it and closes (it may otherwise wait for
  // the next line).
  if (sent) ::shutdown(fd, SHUT_WR);
  std::string answer;
  while (sent) {
    pollfd p{fd, POLLIN, 0};
    int ready = ::poll(&p, 1, kAnswerMs);
    if (ready < 0 && errno == EINTR) continue;
    if (ready <= 0) {
      close(fd);
      return fail(ErrorCode::kConnection, "HAProxy's runtime API did not answer within 2 s", admin);
    }
    char buffer[4096];
    ssize_t n = ::recv(fd, buffer, sizeof buffer, 0);
    if (n <= 0) break;  // HAProxy closes after answering one command
    answer.append(buffer, static_cast<size_t>(n));
  }
  close(fd);
  if (!sent) {
    return fail(ErrorCode::kConnection, "cannot send to HAProxy's runtime API", admin);
  }
  return answer;
}

}  // namespace

// Every command keel sends is idempotent (set weight, get weight): one that got no answer is
// sent again on a new connection.
Result<std::string> haproxy_command(const std::string& admin, const std::string& command) {
  Result<std::string> answer;
  for (int attempt = 1; attempt <= kAttempts; ++attempt) {
    answer = haproxy_once(admin, command);
    if (answer) return answer;
  }
  return answer;
}

std::unique_ptr<Router> haproxy_router(HaproxyRoute route) {
  return std::make_unique<HaproxyRouter>(std::move(route));
}

std::unique_ptr<Router> flag_router(const ConnectionUrl& url, std::string flag, std::string by) {
  return std::make_unique<FlagRouter>(url, std::move(flag), std::move(by));
}

std::unique_ptr<Router> command_router(std::string command, std::string migration) {
  return std::make_unique<CommandRouter>(std::move(command), std::move(migration));
}

}  // namespace keel::rollout
