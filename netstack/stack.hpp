#pragma once
/// @file
/// The node's userspace TCP/IP stack: lwIP (NO_SYS=1) behind a pure-IP interface whose packets
/// go to and come from the tunnel. No sockets, no clock reads: the owner feeds packets in, takes
/// packets out, and calls poll() when next_poll_in_ms() says so. lwIP keeps global state, so at
/// most one stack exists per process, and every call must come from the thread that owns it.

#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <span>
#include <vector>

#include "netstack/errors.hpp"
#include "netstack/ip.hpp"

struct netif;

namespace tsnode::netstack {

class tcp_connection;
class tcp_handler;
class tcp_listener;
class udp_socket;

/// An overlay address and port.
struct endpoint_address {
  ip_address ip;
  std::uint16_t port = 0;
  friend auto operator<=>(const endpoint_address&, const endpoint_address&) = default;
};

struct stack_config {
  /// The node's own overlay addresses (at most one IPv4 and three IPv6 are used).
  std::vector<ip_prefix> addresses;
  /// The tunnel MTU: 1280 in a tailnet, 1420 for plain WireGuard by default.
  std::uint16_t mtu = 1280;
};

/// Counters for status output and tests.
struct stack_stats {
  std::uint64_t packets_in = 0;
  std::uint64_t packets_out = 0;
  std::uint64_t bytes_in = 0;
  std::uint64_t bytes_out = 0;
  std::uint64_t looped_back = 0;
  std::uint64_t dropped_in = 0; ///< malformed or unallocatable input packets
};

class stack {
public:
  /// Receives each IP packet lwIP sends toward the tunnel. Called synchronously from inside
  /// stack calls; the span is valid only during the call.
  using output_fn = std::function<void(std::span<const std::uint8_t>)>;
  /// Called when the stack has work queued for poll() (a packet to its own address).
  using wake_fn = std::function<void()>;

  /// Initialises lwIP and the interface. @pre no other stack exists in this process.
  stack(stack_config cfg, output_fn out, wake_fn wake = {});
  ~stack();
  stack(const stack&) = delete;
  stack& operator=(const stack&) = delete;

  /// Feeds one IP packet from the tunnel into lwIP. Bad packets are dropped and counted.
  void input(std::span<const std::uint8_t> packet);

  /// Opens an input batch: until end_batch(), the input() of several packets (one receive
  /// batch of the tunnel) defers the TCP connections' events (readable, writable, remote
  /// closed) and their acknowledgments. Each connection then gets its events once and at most
  /// one ACK for the whole batch (instead of an event per segment and an ACK every second
  /// segment); out-of-order segments are still answered at once (duplicate ACKs with SACK).
  /// Nesting is not supported; input() outside a batch delivers at once.
  void begin_batch() noexcept { batching_ = true; }
  /// Closes the batch: delivers the deferred events, then sends the deferred ACKs that neither
  /// data nor a window update carried.
  void end_batch();
  /// Returns whether an input batch is open.
  bool batching() const noexcept { return batching_; }

  /// Runs due lwIP timers and delivers packets addressed to the node itself.
  void poll();

  /// Returns the milliseconds until poll() is next needed (UINT32_MAX: only on input).
  std::uint32_t next_poll_in_ms() const;

  /// Opens a TCP connection to `to`; `h` gets its events. The SYN leaves synchronously.
  /// Returns nullptr and sets `err` on immediate failure (no local address of that family,
  /// out of memory).
  std::unique_ptr<tcp_connection> connect(const endpoint_address& to, tcp_handler& h,
                                          netstack_errc& err);

  /// Listens on an overlay TCP port of every local address; `on_accept` gets each new
  /// connection and must give it a handler before returning.
  std::unique_ptr<tcp_listener>
  listen(std::uint16_t port, std::function<void(std::unique_ptr<tcp_connection>)> on_accept,
         netstack_errc& err);

  /// Binds an overlay UDP socket on `port` (0: an ephemeral port).
  std::unique_ptr<udp_socket> udp_bind(std::uint16_t port, netstack_errc& err);

  /// Returns the local address of the given family, if the node has one.
  const ip_address* local_address(bool v6) const noexcept;

  const stack_config& config() const noexcept { return cfg_; }
  const stack_stats& stats() const noexcept { return stats_; }

  // -- called by the lwIP glue only -----------------------------------------------------------
  void on_output(std::span<const std::uint8_t> packet);
  /// Queues `c` for end_batch() (once per batch).
  void defer(tcp_connection* c) { deferred_.push_back(c); }
  /// Drops `c` from the deferred queue (it is being destroyed).
  void forget(tcp_connection* c) noexcept;

private:
  bool is_local(std::span<const std::uint8_t> packet) const noexcept;
  void drain_loopback();

  stack_config cfg_;
  output_fn out_;
  wake_fn wake_;
  std::unique_ptr<::netif> netif_;
  std::deque<std::vector<std::uint8_t>> loopback_;
  std::vector<ip_address> local_v4_, local_v6_;
  stack_stats stats_;
  bool draining_ = false;
  bool batching_ = false;
  std::vector<tcp_connection*> deferred_; ///< connections with events held for end_batch()
};

} // namespace tsnode::netstack
