// A throwaway HAProxy (Debian's haproxy) on a free loopback port: one TCP backend `postgres`
// with two servers, `old` (weight 100) and `new` (weight 0), and its runtime API on another
// loopback port at level admin. Started as Debian's postgres user when the tests run as root;
// stopped on destruction.
#pragma once

#include <gtest/gtest.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <string>

#include "integration/pgbouncer.h"
#include "integration/run.h"

namespace keel::test {

class HaProxy {
 public:
  HaProxy(int old_port, int new_port)
      : port_(free_loopback_port()), admin_port_(free_loopback_port()) {
    const char* binary = "/usr/sbin/haproxy";
    if (access(binary, X_OK) != 0) {
      ADD_FAILURE() << binary << " not found: run make deps (it installs Debian's haproxy)";
      return;
    }
    chmod(dir_.path.c_str(), 0755);
    dir_.write("haproxy.cfg",
               "global\n"
               "  stats socket ipv4@127.0.0.1:" +
                   std::to_string(admin_port_) +
                   " level admin\n"
                   "defaults\n"
                   "  mode tcp\n"
                   "  log stderr format raw local0\n"
                   "  option tcplog\n"
                   "  timeout connect 2s\n"
                   "  timeout client 60s\n"
                   "  timeout server 60s\n"
                   "frontend pg\n"
                   "  bind 127.0.0.1:" +
                   std::to_string(port_) +
                   "\n"
                   "  default_backend postgres\n"
                   "backend postgres\n"
                   "  balance roundrobin\n"
                   "  server old 127.0.0.1:" +
                   std::to_string(old_port) +
                   " weight 100\n"
                   "  server new 127.0.0.1:" +
                   std::to_string(new_port) + " weight 0\n");
    chmod(dir_.file("haproxy.cfg").c_str(), 0644);
    pid_ = spawn_unprivileged({binary, "-db", "-f", dir_.file("haproxy.cfg")},
                              dir_.file("haproxy.log"));
    if (wait_accepting({admin_port_, port_})) return;
    ADD_FAILURE() << "haproxy did not start: " << slurp(dir_.file("haproxy.log"));
  }
  ~HaProxy() {
    if (pid_ > 0) {
      kill(pid_, SIGTERM);
      waitpid(pid_, nullptr, 0);
    }
    if (::testing::Test::HasFailure())
      std::cout << "haproxy's log:\n" << slurp(dir_.file("haproxy.log"));
  }
  HaProxy(const HaProxy&) = delete;
  HaProxy& operator=(const HaProxy&) = delete;

  int port() const { return port_; }
  std::string admin() const { return "127.0.0.1:" + std::to_string(admin_port_); }
  // A client URL through HAProxy for `database`.
  std::string url(const std::string& database) const {
    return "postgresql://postgres@127.0.0.1:" + std::to_string(port_) + "/" + database;
  }

 private:
  TempDir dir_;
  int port_;
  int admin_port_;
  pid_t pid_ = -1;
};

}  // namespace keel::test
