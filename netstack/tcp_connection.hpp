#pragma once
/// @file
/// An overlay TCP connection over an lwIP pcb, with flow control both ways:
/// - receive: data stays in lwIP's pbufs until the consumer takes it with consume(); only then
///   is the window reopened (tcp_recved), so a slow reader closes the window instead of
///   growing memory;
/// - send: write() takes only what fits in the send buffer and says how much; on_writable()
///   tells when more fits, so a fast writer is held back.
/// An idle connection holds no buffers of its own: a pcb and this object.
/// Every call must come from the stack's thread.

#include <cstdint>
#include <span>
#include <vector>

#include "netstack/errors.hpp"
#include "netstack/stack.hpp"

struct tcp_pcb;
struct pbuf;

namespace tsnode::netstack {

/// Events of one connection. They run inside stack calls (input, poll, connect, write...).
/// A handler must not destroy the connection from inside an event; defer that.
class tcp_handler {
public:
  virtual ~tcp_handler() = default;
  /// The three-way handshake completed.
  virtual void on_connected(tcp_connection&) {}
  /// New data is available to peek()/consume().
  virtual void on_readable(tcp_connection&) {}
  /// The peer acknowledged data: write() may take more.
  virtual void on_writable(tcp_connection&) {}
  /// The peer sent FIN: after what is queued, no more data will come.
  virtual void on_remote_closed(tcp_connection&) {}
  /// The connection failed or was reset; the pcb is gone. Only destruction remains.
  virtual void on_error(tcp_connection&, netstack_errc) {}
};

class tcp_connection {
public:
  enum class state : std::uint8_t { connecting, established, closed };

  /// Takes ownership of `pcb` and registers the lwIP callbacks. Used by stack and listener.
  tcp_connection(stack& owner, ::tcp_pcb* pcb, tcp_handler* h, state s);
  /// Closes gracefully (queued data is still sent) if still open; detaches every callback first.
  ~tcp_connection();
  tcp_connection(const tcp_connection&) = delete;
  tcp_connection& operator=(const tcp_connection&) = delete;

  void set_handler(tcp_handler* h) noexcept { handler_ = h; }

  // -- receive side ---------------------------------------------------------------------------
  /// Returns the number of received bytes not yet consumed.
  std::size_t readable() const noexcept { return rx_bytes_; }
  /// Returns the first contiguous run of unconsumed bytes (empty when none).
  std::span<const std::uint8_t> peek() const noexcept;
  /// Fills `out` with successive runs of unconsumed bytes (for vectored writes); returns how
  /// many runs were filled.
  std::size_t peek_many(std::span<std::span<const std::uint8_t>> out) const noexcept;
  /// Drops `n` bytes from the front and reopens the receive window by as much.
  /// @pre n <= readable()
  void consume(std::size_t n);
  /// Copies up to out.size() bytes out and consumes them; returns the count.
  std::size_t read(std::span<std::uint8_t> out);
  /// Returns whether the peer sent FIN.
  bool remote_closed() const noexcept { return remote_closed_; }

  // -- send side ------------------------------------------------------------------------------
  /// Returns how many bytes write() would take now.
  std::size_t writable() const noexcept;
  /// Queues as much of `data` as fits (copied) and sends; returns the number taken.
  std::size_t write(std::span<const std::uint8_t> data);
  /// Returns the bytes written but not yet acknowledged by the peer.
  std::size_t unacked() const noexcept;
  /// Sends FIN after queued data (half-close); reading continues.
  void shutdown_write();

  // -- lifetime -------------------------------------------------------------------------------
  /// Closes both directions gracefully: queued data is still delivered, then FIN.
  void close();
  /// Resets the connection (RST) and frees the pcb at once.
  void abort();

  state current_state() const noexcept { return state_; }
  /// Returns the local and remote addresses (valid until closed).
  endpoint_address local() const;
  endpoint_address remote() const;

  // -- lwIP glue (static trampolines call these) ----------------------------------------------
  void on_lwip_connected();
  void on_lwip_recv(::pbuf* p);
  void on_lwip_sent();
  void on_lwip_err(std::int8_t err);
  bool take_abort_request() noexcept;
  void remember_addresses();
  /// Delivers the events and the ACK held during an input batch (stack::end_batch()).
  void flush_deferred();

private:
  void detach() noexcept;
  /// Holds event bits for stack::end_batch(); returns false outside a batch.
  bool defer(std::uint8_t bits);

  enum : std::uint8_t { ev_readable = 1, ev_writable = 2, ev_closed = 4, ev_ack = 8 };

  stack& owner_;
  ::tcp_pcb* pcb_;
  tcp_handler* handler_;
  state state_;
  std::vector<::pbuf*> rx_;  ///< received chains, oldest first (from rx_head_)
  std::size_t rx_head_ = 0;  ///< first unconsumed chain in rx_
  std::size_t rx_bytes_ = 0; ///< unconsumed bytes
  endpoint_address local_, remote_;
  bool remote_closed_ = false;
  bool write_shut_ = false;
  int in_callback_ = 0;
  bool abort_requested_ = false;
  std::uint8_t deferred_ = 0; ///< ev_* bits held until the end of the input batch
};

/// A listening overlay TCP port.
class tcp_listener {
public:
  tcp_listener(stack& owner, ::tcp_pcb* pcb,
               std::function<void(std::unique_ptr<tcp_connection>)> on_accept);
  ~tcp_listener();
  tcp_listener(const tcp_listener&) = delete;
  tcp_listener& operator=(const tcp_listener&) = delete;
  std::uint16_t port() const noexcept;
  void on_lwip_accept(::tcp_pcb* newpcb);

private:
  stack& owner_;
  ::tcp_pcb* pcb_;
  std::function<void(std::unique_ptr<tcp_connection>)> on_accept_;
};

} // namespace tsnode::netstack
