// A tiny HTTP/1.1 server on 127.0.0.1 for webhook tests: it records every request and
// answers with a scripted sequence of statuses (and delays). POSIX sockets only.
//
//   keel::testing::WebhookReceiver receiver({{.status = 500}, {.status = 200}});
//   deliver({.url = receiver.url("/hook")}, ...);
//   ASSERT_TRUE(receiver.wait_for(2, 5s));
//   receiver.requests()[1].body ...
//
// One request per connection (answers carry "Connection: close"); bodies need a
// Content-Length (no chunked encoding). Each connection is served on its own thread, so
// a delayed answer does not hold back the next connection.
#pragma once

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <chrono>
#include <condition_variable>
#include <cstdlib>
#include <cstring>
#include <map>
#include <mutex>
#include <set>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

namespace keel::testing {

struct ReceivedRequest {
  std::string method;
  std::string path;                            // the request target: "/hook?token=abc"
  std::map<std::string, std::string> headers;  // names lower-case, values trimmed
  std::string body;

  // The header's value, empty if absent. `name` in lower case.
  std::string header(const std::string& name) const {
    auto it = headers.find(name);
    return it == headers.end() ? std::string() : it->second;
  }
};

struct ScriptedAnswer {
  int status = 200;
  std::chrono::milliseconds delay{0};  // wait before answering; longer than the client's
                                       // timeout: a server that never answers
  std::string body = "ok\n";
};

class WebhookReceiver {
 public:
  // Request i gets answers[i]; once the script runs out, its last answer repeats.
  explicit WebhookReceiver(std::vector<ScriptedAnswer> answers = {ScriptedAnswer{}})
      : answers_(std::move(answers)) {
    if (answers_.empty()) answers_.push_back(ScriptedAnswer{});
    listen_fd_ = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (listen_fd_ < 0) throw std::runtime_error(error_text("socket"));
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    address.sin_port = 0;
    socklen_t length = sizeof(address);
    if (::bind(listen_fd_, reinterpret_cast<sockaddr*>(&address), sizeof(address)) != 0 ||
        ::listen(listen_fd_, 16) != 0 ||
        ::getsockname(listen_fd_, reinterpret_cast<sockaddr*>(&address), &length) != 0 ||
        ::pipe2(wake_, O_CLOEXEC) != 0) {
      std::string error = error_text("bind/listen on 127.0.0.1");
      ::close(listen_fd_);
      throw std::runtime_error(error);
    }
    port_ = ntohs(address.sin_port);
    acceptor_ = std::thread([this] { accept_loop(); });
  }

  ~WebhookReceiver() {
    {
      std::lock_guard lock(mutex_);
      stop_ = true;
      for (int fd : open_) ::shutdown(fd, SHUT_RDWR);  // wakes a blocked recv
    }
    changed_.notify_all();  // wakes a delayed answer
    char byte = 0;
    (void)!::write(wake_[1], &byte, 1);
    acceptor_.join();
    for (auto& thread : connections_) thread.join();
    ::close(listen_fd_);
    ::close(wake_[0]);
    ::close(wake_[1]);
  }

  WebhookReceiver(const WebhookReceiver&) = delete;
  WebhookReceiver& operator=(const WebhookReceiver&) = delete;

  int port() const { return port_; }

  // "http://127.0.0.1:<port><path>".
  std::string url(const std::string& path = "/hook") const {
    return "http://127.0.0.1:" + std::to_string(port_) + path;
  }

  // True once `count` requests have been received (fully read), false after `timeout`.
  bool wait_for(size_t count, std::chrono::milliseconds timeout) {
    std::unique_lock lock(mutex_);
    return changed_.wait_for(lock, timeout, [&] { return requests_.size() >= count; });
  }

  std::vector<ReceivedRequest> requests() const {
    std::lock_guard lock(mutex_);
    return requests_;
  }

 private:
  static std::string error_text(const std::string& what) {
    return "webhook receiver: " + what + ": " + std::strerror(errno);
  }

  static std::string reason(int status) {
    switch (status) {
      case 200:
        return "OK";
      case 204:
        return "No Content";
      case 400:
        return "Bad Request";
      case 404:
        return "Not Found";
      case 429:
        return "Too Many Requests";
      case 500:
        return "Internal Server Error";
      case 503:
        return "Service Unavailable";
      default:
        return "Status";
    }
  }

  static std::string trim(const std::string& text) {
    size_t begin = text.find_first_not_of(" \t");
    if (begin == std::string::npos) return {};
    size_t end = text.find_last_not_of(" \t");
    return text.substr(begin, end - begin + 1);
  }

  static void send_all(int fd, const std::string& data) {
    size_t sent = 0;
    while (sent < data.size()) {
      ssize_t n = ::send(fd, data.data() + sent, data.size() - sent, MSG_NOSIGNAL);
      if (n <= 0) return;  // the client went away
      sent += static_cast<size_t>(n);
    }
  }

  void accept_loop() {
    while (true) {
      pollfd fds[2] = {{listen_fd_, POLLIN, 0}, {wake_[0], POLLIN, 0}};
      if (::poll(fds, 2, -1) < 0) {
        if (errno == EINTR) continue;
        return;
      }
      if (fds[1].revents != 0) return;
      int fd = ::accept4(listen_fd_, nullptr, nullptr, SOCK_CLOEXEC);
      if (fd < 0) continue;
      std::lock_guard lock(mutex_);
      if (stop_) {
        ::close(fd);
        return;
      }
      open_.insert(fd);
      connections_.emplace_back([this, fd] { serve(fd); });
    }
  }

  // Reads one request; false if the client closed first or it is not HTTP.
  bool read_request(int fd, ReceivedRequest& request) {
    std::string data;
    char buffer[4096];
    size_t header_end = std::string::npos;
    while ((header_end = data.find("\r\n\r\n")) == std::string::npos) {
      ssize_t n = ::recv(fd, buffer, sizeof(buffer), 0);
      if (n <= 0) return false;
      data.append(buffer, static_cast<size_t>(n));
    }
    std::string head = data.substr(0, header_end);
    std::string rest = data.substr(header_end + 4);
    size_t line_end = head.find("\r\n");
    std::string request_line = head.substr(0, line_end);
    size_t space1 = request_line.find(' ');
    size_t space2 = request_line.find(' ', space1 == std::string::npos ? 0 : space1 + 1);
    if (space1 == std::string::npos || space2 == std::string::npos) return false;
    request.method = request_line.substr(0, space1);
    request.path = request_line.substr(space1 + 1, space2 - space1 - 1);
    while (line_end != std::string::npos) {
      size_t begin = line_end + 2;
      line_end = head.find("\r\n", begin);
      std::string line =
          head.substr(begin, line_end == std::string::npos ? std::string::npos : line_end - begin);
      size_t colon = line.find(':');
      if (colon == std::string::npos) continue;
      std::string name = line.substr(0, colon);
      std::transform(name.begin(), name.end(), name.begin(),
                     [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
      request.headers[name] = trim(line.substr(colon + 1));
    }
    if (request.header("expect") == "100-continue") send_all(fd, "HTTP/1.1 100 Continue\r\n\r\n");
    size_t length = std::strtoul(request.header("content-length").c_str(), nullptr, 10);
    while (rest.size() < length) {
      ssize_t n = ::recv(fd, buffer, sizeof(buffer), 0);
      if (n <= 0) return false;
      rest.append(buffer, static_cast<size_t>(n));
    }
    request.body = rest.substr(0, length);
    return true;
  }

  void serve(int fd) {
    ReceivedRequest request;
    if (read_request(fd, request)) {
      std::unique_lock lock(mutex_);
      ScriptedAnswer answer = answers_[std::min(requests_.size(), answers_.size() - 1)];
      requests_.push_back(std::move(request));
      changed_.notify_all();
      bool stopped = changed_.wait_for(lock, answer.delay, [this] { return stop_; });
      lock.unlock();
      if (!stopped) {
        send_all(fd, "HTTP/1.1 " + std::to_string(answer.status) + " " + reason(answer.status) +
                         "\r\nContent-Type: text/plain\r\nContent-Length: " +
                         std::to_string(answer.body.size()) + "\r\nConnection: close\r\n\r\n" +
                         answer.body);
      }
    }
    std::lock_guard lock(mutex_);
    open_.erase(fd);
    ::close(fd);
  }

  std::vector<ScriptedAnswer> answers_;
  int listen_fd_ = -1;
  int wake_[2] = {-1, -1};  // written once by the destructor: the acceptor stops
  int port_ = 0;
  std::thread acceptor_;

  mutable std::mutex mutex_;
  std::condition_variable changed_;  // a request arrived, or stop_
  bool stop_ = false;
  std::set<int> open_;                    // connections being served
  std::vector<std::thread> connections_;  // joined by the destructor
  std::vector<ReceivedRequest> requests_;
};

}  // namespace keel::testing
