#pragma once
/// @file
/// Pure IP/TCP/UDP packet helpers: header views with checked lengths, the Internet checksum,
/// and builders for whole packets (tests synthesize segments with them; the data path uses the
/// views to route and filter). No lwIP, no sockets.

#include <cstdint>
#include <optional>
#include <span>
#include <vector>

#include "netstack/ip.hpp"

namespace tsnode::netstack {

inline constexpr std::uint8_t proto_icmp = 1;
inline constexpr std::uint8_t proto_tcp = 6;
inline constexpr std::uint8_t proto_udp = 17;
inline constexpr std::uint8_t proto_icmpv6 = 58;

/// The IP header fields the node needs, over a packet's bytes.
struct ip_view {
  ip_address src;
  ip_address dst;
  std::uint8_t protocol = 0;             ///< IPv4 protocol / IPv6 next header
  std::span<const std::uint8_t> payload; ///< trimmed to the header's total length
  std::size_t total_length = 0;          ///< header + payload, as the header says
};

/// Returns the IP header of an IPv4 or IPv6 packet, or nullopt when the version, header length
/// or total length is inconsistent with the bytes (RFC 791 §3.1, RFC 8200 §3).
std::optional<ip_view> parse_ip(std::span<const std::uint8_t> packet) noexcept;

/// Like parse_ip, for the truncated datagram an ICMP error quotes (RFC 792: header + 8 bytes):
/// the payload is whatever is present, up to the header's total length.
std::optional<ip_view> parse_ip_quoted(std::span<const std::uint8_t> packet) noexcept;

namespace tcp_flags {
inline constexpr std::uint8_t fin = 0x01, syn = 0x02, rst = 0x04, psh = 0x08, ack = 0x10;
}

/// A TCP segment's header fields (RFC 793 §3.1).
struct tcp_view {
  std::uint16_t src_port = 0, dst_port = 0;
  std::uint32_t seq = 0, ack = 0;
  std::uint8_t flags = 0;
  std::uint16_t window = 0;
  std::span<const std::uint8_t> options;
  std::span<const std::uint8_t> payload;

  /// Returns the MSS option's value, if present.
  std::optional<std::uint16_t> mss() const noexcept;
  /// Returns the window-scale option's shift, if present.
  std::optional<std::uint8_t> window_scale() const noexcept;
  /// Returns whether SACK-permitted was offered.
  bool sack_permitted() const noexcept;
};

/// Returns the TCP header inside an IP payload, or nullopt when too short or inconsistent.
std::optional<tcp_view> parse_tcp(std::span<const std::uint8_t> ip_payload) noexcept;

/// Returns the 16-bit one's-complement sum used by IP, TCP, UDP and ICMP (RFC 1071), folded,
/// not inverted, starting from `initial`.
std::uint32_t checksum_add(std::span<const std::uint8_t> data, std::uint32_t initial = 0) noexcept;

/// Returns the final checksum (inverted fold) of a sum.
std::uint16_t checksum_finish(std::uint32_t sum) noexcept;

/// What build_tcp() puts in a segment.
struct tcp_segment {
  ip_address src, dst;
  std::uint16_t src_port = 0, dst_port = 0;
  std::uint32_t seq = 0, ack = 0;
  std::uint8_t flags = 0;
  std::uint16_t window = 0xFFFF;
  std::vector<std::uint8_t> options; ///< raw options, padded to 4 bytes by build_tcp
  std::vector<std::uint8_t> payload;
};

/// Returns a whole IPv4 or IPv6 packet carrying `s`, with valid checksums.
/// @pre s.src.v6 == s.dst.v6
std::vector<std::uint8_t> build_tcp(const tcp_segment& s);

/// Returns a whole IPv4 or IPv6 UDP packet with valid checksums.
/// @pre src.v6 == dst.v6
std::vector<std::uint8_t> build_udp(const ip_address& src, std::uint16_t src_port,
                                    const ip_address& dst, std::uint16_t dst_port,
                                    std::span<const std::uint8_t> payload);

/// UDP header fields and payload (RFC 768).
struct udp_view {
  std::uint16_t src_port = 0, dst_port = 0;
  std::span<const std::uint8_t> payload;
};

/// Returns the UDP header inside an IP payload, or nullopt when inconsistent.
std::optional<udp_view> parse_udp(std::span<const std::uint8_t> ip_payload) noexcept;

} // namespace tsnode::netstack
