#pragma once
/// @file
/// A Linux peer for netstack tests without WireGuard: a TUN device whose file descriptor stays
/// in this process while the interface lives in a network namespace made for the test, with
/// tcp_services.py listening there. Needs root. Everything is removed by the destructor.
///
/// Addresses: the namespace side is 10.77.0.2/24 and fd77::2/64; the node (lwIP) takes
/// 10.77.0.1 and fd77::1. 10.77.0.99 is a black hole; 10.77.0.200 answers ICMP unreachable.

#include <string>

namespace tsnode::test {

class tun_lab {
public:
  static constexpr int echo_port = 7007;
  static constexpr int sink_port = 9000;
  static constexpr int source_port = 9001;

  /// Creates the namespace, the TUN and the services; throws std::runtime_error (with the
  /// failing command) on any failure, after undoing what it made.
  explicit tun_lab(int mtu = 1420);
  ~tun_lab();
  tun_lab(const tun_lab&) = delete;
  tun_lab& operator=(const tun_lab&) = delete;

  /// Returns the TUN file descriptor (non-blocking, IFF_NO_PI: raw IP packets).
  int fd() const noexcept { return fd_; }
  const std::string& netns() const noexcept { return ns_; }

private:
  void teardown() noexcept;
  std::string ns_, ifname_, dir_;
  int fd_ = -1;
  int services_pid_ = -1;
};

/// Runs a shell command; throws std::runtime_error with its output when it fails.
std::string run(const std::string& cmd);

} // namespace tsnode::test
