#pragma once
/// @file
/// The WireGuard data plane on the engine thread: owns the UDP sockets (IPv4 and IPv6), feeds
/// datagrams to the sans-I/O wireguard::endpoint, hands decrypted packets to the overlay, and
/// keeps one timer re-armed from the endpoint's next deadline (style.md §5.4). Datagrams are
/// read with recvmmsg and sent with sendmmsg in batches: no per-packet actor message.

#include <asio/io_context.hpp>
#include <asio/ip/udp.hpp>
#include <asio/ip/v6_only.hpp>
#include <asio/steady_timer.hpp>

#include <cstdint>
#include <functional>
#include <optional>
#include <span>
#include <vector>

#include "crypto/keys.hpp"
#include "crypto/random.hpp"
#include "netstack/ip.hpp"
#include "wireguard/allowed_ips.hpp"
#include "wireguard/endpoint.hpp"

namespace tsnode::engine {

struct dataplane_config {
  crypto::node_private private_key;
  /// UDP port for both families; 0 picks one.
  std::uint16_t listen_port = 0;
  std::size_t mtu = 1420;
  std::vector<wireguard::peer_config> peers;
};

/// Counters for `status`.
struct dataplane_stats {
  std::uint64_t datagrams_in = 0, datagrams_out = 0;
  std::uint64_t send_errors = 0;
  std::uint64_t packets_to_stack = 0, packets_from_stack = 0;
  std::uint64_t no_route = 0; ///< packets from the stack no peer covers (dropped)
};

class dataplane {
public:
  /// Receives each decrypted IP packet (the overlay's input).
  using deliver_fn = std::function<void(std::span<const std::uint8_t>)>;
  /// Receives handshake events, for logs.
  using event_fn = std::function<void(const wireguard::endpoint_event&)>;
  /// Called after the packets of one receive batch (one recvmmsg) were delivered.
  using batch_end_fn = std::function<void()>;

  /// Creates the endpoint and binds the sockets. Throws std::system_error when the port
  /// cannot be bound, std::invalid_argument for a bad peer configuration.
  dataplane(asio::io_context& io, dataplane_config cfg, deliver_fn deliver, event_fn events = {},
            batch_end_fn batch_end = {});
  ~dataplane();

  /// Starts receiving and the timers (keepalives, initial handshakes of keepalive peers).
  void start();

  /// Encrypts and sends one IP packet from the stack (routed by allowed IPs).
  void send(std::span<const std::uint8_t> ip_packet);

  /// Returns whether some peer's allowed IPs cover `a`.
  bool has_route(const netstack::ip_address& a) const;

  /// Returns the bound UDP port.
  std::uint16_t port() const noexcept { return port_; }
  /// Returns a status snapshot of every peer.
  std::vector<wireguard::peer_status> peer_status() const;
  const dataplane_stats& stats() const noexcept { return stats_; }
  wireguard::endpoint& endpoint() noexcept { return ep_; }

private:
  void wait_readable(asio::ip::udp::socket& s);
  void drain(asio::ip::udp::socket& s);
  void handle(wireguard::endpoint_result& r);
  void queue(const wireguard::outbound_datagram& d);
  void flush();
  void arm();

  asio::io_context& io_;
  crypto::random_source& rng_;
  wireguard::endpoint ep_;
  deliver_fn deliver_;
  event_fn events_;
  batch_end_fn batch_end_;
  asio::ip::udp::socket sock4_, sock6_;
  std::uint16_t port_ = 0;
  asio::steady_timer timer_;
  bool timer_armed_ = false;
  wireguard::time_point armed_at_{};
  wireguard::endpoint_result recv_out_, send_out_, timer_out_;
  /// Datagrams waiting for the next flush (sendmmsg).
  struct pending_datagram {
    wireguard::udp_address to;
    std::vector<std::uint8_t> bytes;
  };
  std::vector<pending_datagram> outq_;
  std::size_t outq_size_ = 0;
  bool flush_posted_ = false;
  dataplane_stats stats_;
};

} // namespace tsnode::engine
