#pragma once
/// @file
/// The UDP relay of one SOCKS5 UDP ASSOCIATE (RFC 1928 §7), on the engine thread: a UDP socket
/// on the loopback address the client connected to, and an overlay UDP socket. Datagrams from
/// the associating client alone (proxy::udp_association: source check, FRAG != 0 dropped, size
/// limit) go into the overlay; answers come back wrapped in the SOCKS5 UDP header. Destinations
/// must be IP addresses inside some peer's allowed IPs (fail closed); names are dropped.
/// The relay lives as long as the client's TCP connection (the session stops it).

#include <asio/io_context.hpp>
#include <asio/ip/udp.hpp>

#include <cstdint>
#include <memory>
#include <vector>

#include "actors/engine/overlay.hpp"
#include "netstack/udp_socket.hpp"
#include "proxy/udp_relay.hpp"

namespace tsnode::engine {

struct udp_relay_stats {
  std::uint64_t to_overlay = 0, to_client = 0, dropped = 0;
};

class udp_relay : public std::enable_shared_from_this<udp_relay> {
public:
  /// Binds the loopback relay socket (same family as `client`) and an overlay UDP socket.
  /// Throws std::system_error when either cannot be bound.
  udp_relay(asio::io_context& io, overlay& net, const proxy::ip_address& client,
            std::uint16_t requested_port, std::size_t max_payload);
  ~udp_relay();

  /// Starts relaying.
  void start();
  /// Closes both sockets.
  void stop();
  /// Returns the relay's address and port, for the ASSOCIATE reply (BND.ADDR/BND.PORT).
  proxy::ip_address address() const;
  std::uint16_t port() const;
  const udp_relay_stats& stats() const noexcept { return stats_; }

private:
  void receive_from_client();

  asio::io_context& io_;
  overlay& net_;
  proxy::udp_association assoc_;
  asio::ip::udp::socket host_;
  std::unique_ptr<netstack::udp_socket> overlay_sock_;
  asio::ip::udp::endpoint from_;
  std::vector<std::uint8_t> buf_ = std::vector<std::uint8_t>(65536);
  udp_relay_stats stats_;
  bool stopped_ = false;
};

} // namespace tsnode::engine
