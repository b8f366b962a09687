// A throwaway PgBouncer (Debian's pgbouncer) on a free loopback port in front of the test
// server, in transaction pooling mode, with the [databases] entries a test gives. Started as
// Debian's postgres user when the tests run as root (PgBouncer refuses root); stopped on
// destruction.
#pragma once

#include <gtest/gtest.h>
#include <netinet/in.h>
#include <pwd.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <string>
#include <thread>
#include <vector>

#include "integration/pg_fixture.h"
#include "integration/run.h"

namespace keel::test {

inline int free_loopback_port() {
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  addr.sin_port = 0;
  bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr);
  socklen_t len = sizeof addr;
  getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len);
  int port = ntohs(addr.sin_port);
  close(fd);
  return port;
}

// Whether something accepts TCP connections on 127.0.0.1:port.
inline bool accepts_on(int port) {
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  addr.sin_port = htons(static_cast<uint16_t>(port));
  bool up = connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0;
  close(fd);
  return up;
}

// Waits up to 5 s until every port accepts connections.
inline bool wait_accepting(std::initializer_list<int> ports) {
  for (int i = 0; i < 100; ++i) {
    bool all = true;
    for (int port : ports) all = all && accepts_on(port);
    if (all) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  return false;
}

// Forks and runs `argv` (argv[0] the binary) as Debian's postgres user when we are root
// (PgBouncer and HAProxy refuse root), its stderr into `log` when given. The child's pid.
inline pid_t spawn_unprivileged(std::vector<std::string> argv, const std::string& log = "") {
  const passwd* postgres = geteuid() == 0 ? getpwnam("postgres") : nullptr;
  pid_t pid = fork();
  if (pid == 0) {
    if (!log.empty()) {  // opened before giving up root: the folder may be root's
      FILE* out = freopen(log.c_str(), "w", stderr);
      (void)out;
    }
    if (geteuid() == 0) {
      if (postgres == nullptr || setgid(postgres->pw_gid) != 0 || setuid(postgres->pw_uid) != 0) {
        _exit(127);
      }
    }
    std::vector<char*> args;
    for (auto& a : argv) args.push_back(a.data());
    args.push_back(nullptr);
    execv(args[0], args.data());
    _exit(127);
  }
  return pid;
}

class PgBouncer {
 public:
  // `databases`: the lines of the [databases] section ("v1 = host=... connect_query=...").
  explicit PgBouncer(const std::string& databases) : port_(free_loopback_port()) {
    const char* binary = "/usr/sbin/pgbouncer";
    if (access(binary, X_OK) != 0) {
      ADD_FAILURE() << binary << " not found: run make deps (it installs Debian's pgbouncer)";
      return;
    }
    // PgBouncer writes its log into the folder, as the postgres user when we are root.
    const passwd* postgres = geteuid() == 0 ? getpwnam("postgres") : nullptr;
    if (postgres != nullptr && chown(dir_.path.c_str(), postgres->pw_uid, postgres->pw_gid) != 0) {
      ADD_FAILURE() << "cannot give " << dir_.path << " to the postgres user";
    }
    chmod(dir_.path.c_str(), 0755);
    dir_.write("users.txt", "\"postgres\" \"\"\n");
    dir_.write("pgbouncer.ini", "[databases]\n" + databases +
                                    "\n[pgbouncer]\n"
                                    "listen_addr = 127.0.0.1\n"
                                    "listen_port = " +
                                    std::to_string(port_) +
                                    "\n"
                                    "unix_socket_dir =\n"
                                    "auth_type = trust\n"
                                    "admin_users = postgres\n"
                                    "auth_file = " +
                                    dir_.file("users.txt") +
                                    "\n"
                                    "pool_mode = transaction\n"
                                    "default_pool_size = 2\n"
                                    "logfile = " +
                                    dir_.file("pgbouncer.log") + "\n");
    for (const char* f : {"users.txt", "pgbouncer.ini"}) chmod(dir_.file(f).c_str(), 0644);
    pid_ = spawn_unprivileged({binary, "-q", dir_.file("pgbouncer.ini")});
    if (!wait_accepting({port_})) {
      ADD_FAILURE() << "pgbouncer did not start: " << slurp(dir_.file("pgbouncer.log"));
    }
  }
  ~PgBouncer() {
    if (pid_ > 0) {
      kill(pid_, SIGTERM);
      waitpid(pid_, nullptr, 0);
    }
  }
  PgBouncer(const PgBouncer&) = delete;
  PgBouncer& operator=(const PgBouncer&) = delete;

  int port() const { return port_; }
  // A client URL for database entry `name` ("pgbouncer": its admin console).
  std::string url(const std::string& name) const {
    return "postgresql://postgres@127.0.0.1:" + std::to_string(port_) + "/" + name;
  }
  // The server's host and port, for [databases] lines.
  static std::string server() {
    std::string base = pg_base_url();
    size_t at = base.find('@') + 1;
    size_t colon = base.find(':', at);
    size_t slash = base.find('/', colon);
    return "host=" + base.substr(at, colon - at) +
           " port=" + base.substr(colon + 1, slash - colon - 1);
  }

 private:
  TempDir dir_;
  int port_;
  pid_t pid_ = -1;
};

}  // namespace keel::test
