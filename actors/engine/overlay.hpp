#pragma once
/// @file
/// The overlay side of the engine: owns the netstack (lwIP) on the engine thread, dials overlay
/// TCP connections with a timeout, and splices them with host sockets. Packets leave through
/// `packet_out` (the tunnel) and arrive through input(). Every method runs on the engine thread.

#include <asio/io_context.hpp>
#include <asio/steady_timer.hpp>

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <unordered_map>
#include <variant>
#include <vector>

#include "actors/engine/splice.hpp"
#include "netstack/stack.hpp"
#include "netstack/tcp_connection.hpp"

namespace tsnode::engine {

/// A connected overlay TCP connection waiting to be spliced.
struct dialed {
  std::uint64_t id = 0;
  netstack::endpoint_address local; ///< the node's side: SOCKS5 BND.ADDR/BND.PORT
  netstack::endpoint_address remote;
};

using dial_outcome = std::variant<dialed, netstack::netstack_errc>;

struct overlay_stats {
  std::uint64_t dials = 0, dial_failures = 0;
  std::uint64_t splices_active = 0, splices_done = 0;
  std::uint64_t bytes_to_overlay = 0, bytes_to_host = 0;
};

class overlay {
public:
  using packet_out = std::function<void(std::span<const std::uint8_t>)>;
  /// Returns whether a destination is covered by some peer's allowed IPs.
  using route_check = std::function<bool(const netstack::ip_address&)>;

  overlay(asio::io_context& io, netstack::stack_config cfg, packet_out out,
          route_check has_route = {});
  ~overlay();

  /// Feeds a packet from the tunnel into the stack.
  void input(std::span<const std::uint8_t> packet);
  /// Feeds one packet of a receive batch: connection events and ACKs wait for end_batch(), so
  /// a splice writes to its host socket once per batch and the peer gets one ACK per batch.
  void input_batched(std::span<const std::uint8_t> packet);
  /// Ends the batch input_batched() opened (nothing happens when none is open).
  void end_batch();

  /// Dials `to`; `done` runs exactly once (possibly before dial() returns) with the connection
  /// or the reason it failed. A connection nobody splices within `idle_timeout` is closed.
  void dial(const netstack::endpoint_address& to, std::chrono::milliseconds timeout,
            std::function<void(dial_outcome)> done);

  /// Splices dialed connection `id` with host socket `fd` (taken). `leftover` goes first.
  /// Returns false (and closes fd) when `id` is unknown.
  bool splice_with(std::uint64_t id, int fd, std::vector<std::uint8_t> leftover,
                   splice::done_fn done);

  /// Closes a dialed (not yet spliced) connection.
  void close(std::uint64_t id);

  /// Returns whether `a` may be reached (no route check configured: everything may).
  bool has_route(const netstack::ip_address& a) const { return !has_route_ || has_route_(a); }
  /// Returns the stack, for UDP sockets and listeners.
  netstack::stack& stack() noexcept { return stack_; }
  const overlay_stats& stats() const noexcept { return stats_; }
  /// Re-arms lwIP's timer from its next deadline. Cheap; call after any lwIP work.
  void kick();

  /// Unspliced connections idle longer than this are closed.
  std::chrono::milliseconds idle_timeout{30000};

private:
  struct pending;
  /// Removes a pending connection from the table and stops its timer; nullptr if unknown.
  std::shared_ptr<pending> take_pending(std::uint64_t id);
  void handle_icmp_unreachable(std::span<const std::uint8_t> packet);
  void finish_pending(std::uint64_t id, dial_outcome outcome);

  asio::io_context& io_;
  netstack::stack stack_;
  route_check has_route_;
  asio::steady_timer timer_;
  bool timer_armed_ = false;
  std::chrono::steady_clock::time_point armed_at_{};
  std::uint64_t next_id_ = 1;
  std::unordered_map<std::uint64_t, std::shared_ptr<pending>> pending_;
  std::unordered_map<std::uint64_t, std::shared_ptr<splice>> splices_;
  overlay_stats stats_;
};

} // namespace tsnode::engine
