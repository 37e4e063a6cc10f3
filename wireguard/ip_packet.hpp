#pragma once
/// @file
/// The little of IPv4 (RFC 791) and IPv6 (RFC 8200) that WireGuard reads from inner packets:
/// the version, the length, and the source and destination addresses (WireGuard paper §4:
/// cryptokey routing). Used to route outbound packets and to check inbound ones.

#include <cstddef>
#include <optional>

#include "crypto/bytes.hpp"
#include "wireguard/address.hpp"

namespace tsnode::wireguard {

inline constexpr std::size_t ipv4_header_min = 20;
inline constexpr std::size_t ipv6_header_size = 40;

/// What the core needs from an inner packet's header.
struct ip_header_info {
  ip_address source;
  ip_address destination;
  /// The packet's length according to its header; the bytes after it are padding.
  std::size_t length = 0;
};

/// Returns the header facts of the IP packet at the start of `packet`, or nullopt when it is
/// not a sane IPv4/IPv6 packet: unknown version, shorter than its header, an IPv4 IHL below 5 or
/// beyond the packet, or a total length (IPv4) / payload length + 40 (IPv6) outside
/// [header, packet.size()]. Trailing bytes beyond that length (WireGuard's padding) are allowed.
std::optional<ip_header_info> parse_ip_header(byte_view packet) noexcept;

} // namespace tsnode::wireguard
