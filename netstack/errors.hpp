#pragma once
/// @file
/// Why an overlay socket operation failed (style.md §5.12).

#include <cstdint>
#include <string_view>

namespace tsnode::netstack {

enum class netstack_errc : std::uint8_t {
  refused = 1,   ///< the peer answered the SYN with RST
  timeout,       ///< no answer within the connect timeout
  no_route,      ///< no WireGuard peer's allowed IPs cover the destination
  unreachable,   ///< an ICMP destination-unreachable came back
  reset,         ///< an established connection was reset by the peer
  aborted,       ///< the stack gave up on the connection (retransmission limit)
  out_of_memory, ///< lwIP could not allocate
  closed,        ///< the connection is closed
  bad_address,   ///< not a usable address for this node (family without a local address)
  in_use,        ///< the local port is taken
};

/// Returns a short English description of `x`.
std::string_view to_string(netstack_errc x) noexcept;

} // namespace tsnode::netstack
