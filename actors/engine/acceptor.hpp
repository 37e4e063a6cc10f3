#pragma once
/// @file
/// The proxy's listening socket, on the engine thread: 127.0.0.1 (or another loopback address)
/// or a Unix socket created 0600. It accepts only while it holds credits, one per session slot,
/// so at the session cap new clients wait in the kernel's backlog (accept back-pressure).

#include <asio/io_context.hpp>
#include <asio/ip/tcp.hpp>
#include <asio/local/stream_protocol.hpp>
#include <asio/steady_timer.hpp>

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <variant>

namespace tsnode::engine {

struct listen_address {
  /// A loopback IP and port (port 0 picks one)...
  std::string ip = "127.0.0.1";
  std::uint16_t port = 0;
  /// ...or a Unix socket path, when set.
  std::optional<std::string> unix_path;
};

/// Lives in a shared_ptr: pending accepts and retry timers keep it alive, so the last reference
/// may go anywhere (the handle, the listener, the engine) without a handler outliving it.
class acceptor : public std::enable_shared_from_this<acceptor> {
public:
  /// Receives each accepted socket (the callee owns the descriptor) and the peer's text form.
  using accept_fn = std::function<void(int fd, std::string peer)>;

  /// Binds, listens and accepts while it has credits; call on the engine thread. Throws
  /// std::system_error (bind failure, or a Unix path taken by a live socket or by something
  /// that is not a socket) or std::invalid_argument (a non-loopback IP: the proxy never listens
  /// beyond the host).
  static std::shared_ptr<acceptor> make(asio::io_context& io, const listen_address& where,
                                        std::size_t credits, accept_fn f);
  /// Use make().
  acceptor(asio::io_context& io, const listen_address& where, std::size_t credits, accept_fn f);
  ~acceptor();

  /// Replaces the accept callback (before credits are given).
  void set_on_accept(accept_fn f) { on_accept_ = std::move(f); }
  /// Returns one slot (a session ended); accepting resumes if it had stopped.
  void add_credit();
  /// Stops accepting for good: closes the socket (the Unix path is removed), drops a connection
  /// whose accept completed but was not yet handed on, and releases the callback (and whatever
  /// it holds).
  void stop();
  /// Returns the bound address: "127.0.0.1:PORT" or the Unix path.
  std::string local_text() const;
  std::uint16_t port() const noexcept { return port_; }
  std::size_t credits() const noexcept { return credits_; }

private:
  void accept_next();

  asio::io_context& io_;
  std::variant<asio::ip::tcp::acceptor, asio::local::stream_protocol::acceptor> sock_;
  std::optional<std::string> unix_path_;
  std::uint16_t port_ = 0;
  std::string ip_;
  std::size_t credits_;
  bool accepting_ = false;
  bool stopped_ = false;
  accept_fn on_accept_;
};

} // namespace tsnode::engine
