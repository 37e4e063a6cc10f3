#pragma once
/// @file
/// Loopback TCP peers for actor tests: a thread-per-connection server on 127.0.0.1 (echo with
/// half-close passed on, or a tiny HTTP server with a fixed body), and blocking client helpers
/// with receive timeouts so that no test can hang on a socket.

#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <thread>
#include <vector>

namespace tsnode::test {

using bytes = std::vector<std::uint8_t>;

/// A TCP server on 127.0.0.1 (port chosen by the kernel) that runs its handler on a thread per
/// connection. Destruction shuts every socket down and joins every thread.
class tcp_server {
public:
  /// Serves one connection; the server closes `fd` afterwards.
  using handler = std::function<void(int fd)>;

  explicit tcp_server(handler h);
  ~tcp_server();
  tcp_server(const tcp_server&) = delete;
  tcp_server& operator=(const tcp_server&) = delete;

  std::uint16_t port() const noexcept { return port_; }
  /// Returns how many connections were accepted so far.
  std::size_t accepted() const noexcept { return accepted_; }

private:
  void accept_loop();

  int listen_fd_ = -1;
  std::uint16_t port_ = 0;
  handler handler_;
  std::atomic<std::size_t> accepted_{0};
  std::atomic<bool> stopping_{false};
  std::mutex mtx_;
  std::set<int> open_; ///< connections being served (shut down on destruction)
  std::vector<std::thread> workers_;
  std::thread acceptor_;
};

/// Echoes every byte; on EOF shuts its sending side (half-close passed on).
tcp_server::handler echo_handler();

/// Reads one HTTP/1.x request head, answers `200 OK` with `body` and closes.
tcp_server::handler http_handler(std::shared_ptr<const std::string> body);

/// Returns `n` bytes of a deterministic pattern that differs for each `seed`.
bytes pattern(std::size_t n, std::uint32_t seed);

/// Connects to 127.0.0.1:port (or the Unix socket `path`) with send and receive timeouts.
/// Returns -1 with errno set on failure.
int connect_loopback(std::uint16_t port, std::chrono::milliseconds timeout);
int connect_unix(const std::string& path, std::chrono::milliseconds timeout);

/// Writes all of `data`; returns false on error.
bool send_all(int fd, const void* data, std::size_t n);
inline bool send_all(int fd, const bytes& b) {
  return send_all(fd, b.data(), b.size());
}
inline bool send_all(int fd, const std::string& s) {
  return send_all(fd, s.data(), s.size());
}

/// Reads exactly `n` bytes; nullopt on EOF, error or timeout first.
std::optional<bytes> recv_exact(int fd, std::size_t n);

/// Reads until EOF (or error / timeout); `clean` tells whether it ended with EOF.
bytes recv_all(int fd, bool* clean = nullptr);

/// Waits until the peer closes (EOF or reset). Returns false on timeout.
bool wait_closed(int fd);

/// The three SOCKS5 messages of a CONNECT with user/password auth, pipelined.
bytes socks5_hello(const std::string& user, const std::string& password);
bytes socks5_connect_name(const std::string& name, std::uint16_t port);
bytes socks5_connect_ipv4(const std::string& ip, std::uint16_t port);
bytes socks5_connect_ipv6(const std::string& ip, std::uint16_t port);

/// Runs a shell command; returns its exit status (or -1) and its standard output.
int run_command(const std::string& cmd, std::string* out = nullptr);

} // namespace tsnode::test
