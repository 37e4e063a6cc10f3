#pragma once
/// @file
/// Pure helpers for SOCKS5 UDP ASSOCIATE (RFC 1928 §7): the per-datagram header, and a value-only
/// policy that admits datagrams from the associating client alone. The session actor owns the
/// 127.0.0.1 relay socket and the overlay sockets; nothing here does I/O.

#include <cstddef>
#include <cstdint>
#include <optional>
#include <variant>

#include "proxy/address.hpp"
#include "proxy/errors.hpp"

namespace tsnode::proxy {

/// The fixed part of the header: RSV(2) FRAG(1) ATYP(1).
inline constexpr std::size_t udp_header_fixed_size = 4;
/// The header with an IPv4 address: fixed + ADDR(4) + PORT(2).
inline constexpr std::size_t udp_header_v4_size = 10;
static_assert(udp_header_fixed_size + 4 + 2 == udp_header_v4_size);
/// The header with an IPv6 address: fixed + ADDR(16) + PORT(2).
inline constexpr std::size_t udp_header_v6_size = 22;
static_assert(udp_header_fixed_size + 16 + 2 == udp_header_v6_size);

/// A parsed client datagram: where it goes and what it carries.
struct udp_datagram {
  destination dst; ///< DST.ADDR/DST.PORT; a name (ATYP 3) must be resolved by the caller
  byte_view data;  ///< DATA, a view into the buffer given to `parse_udp_datagram`
};

/// Returns the datagram in `in` (RSV RSV FRAG ATYP DST.ADDR DST.PORT DATA), or why it must be
/// dropped: too_short, fragmented (FRAG != 0; RFC 1928 §7 lets a server without fragmentation
/// drop these), address_type_not_supported, bad_domain, or too_large when DATA exceeds
/// `max_payload` (the overlay MTU minus IP and UDP headers, given by the caller). RSV is ignored.
std::variant<udp_datagram, udp_errc> parse_udp_datagram(byte_view in, std::size_t max_payload);

/// Returns the header plus `data` for a datagram that came from `src` in the overlay, to be sent
/// to the client (RFC 1928 §7: the relay wraps replies the same way, with FRAG 0).
byte_buffer build_udp_datagram(const ip_address& src, std::uint16_t src_port, byte_view data);

/// Returns the header plus `data` for any destination, names included (for clients and tests);
/// bad_domain when a name is empty or longer than 255 bytes.
std::variant<byte_buffer, udp_errc> build_udp_datagram(const destination& dst, byte_view data);

/// Admits datagrams only from the associating client (anchors.md §4.5): its IP must equal the TCP
/// control connection's peer address (IPv4-mapped IPv6 compares as IPv4), and its port must equal
/// the DST.PORT of the ASSOCIATE request, or, when that was 0, the first port seen, which is then
/// pinned. Go's net/socks5 does no such filtering.
class udp_client_filter {
public:
  /// `client` is the peer address of the TCP connection that sent UDP ASSOCIATE; `requested_port`
  /// is that request's DST.PORT (0 when the client did not know it yet).
  udp_client_filter(const ip_address& client, std::uint16_t requested_port);

  /// Returns whether a datagram from `src`:`src_port` belongs to the association; the first
  /// accepted one pins the port when none was requested.
  bool accept(const ip_address& src, std::uint16_t src_port) noexcept;

  /// Returns the client's UDP port once known: where replies go.
  std::optional<std::uint16_t> client_port() const noexcept { return port_; }

  /// Returns the client's address.
  const ip_address& client() const noexcept { return client_; }

private:
  ip_address client_;
  std::optional<std::uint16_t> port_;
};

/// One UDP association: the filter plus the payload limit, applied in the order a relay needs.
class udp_association {
public:
  /// See udp_client_filter and parse_udp_datagram.
  udp_association(const ip_address& client, std::uint16_t requested_port, std::size_t max_payload);

  /// Returns the datagram to forward into the overlay, or why to drop it (wrong_source first, so
  /// a stranger's datagram is never parsed and never pins the port).
  std::variant<udp_datagram, udp_errc> on_client_datagram(const ip_address& src,
                                                          std::uint16_t src_port, byte_view in);

  /// Returns the bytes to send to the client for a datagram from `src` in the overlay, or nullopt
  /// while the client's port is unknown (no datagram from it yet) or `data` exceeds the limit.
  std::optional<byte_buffer> on_overlay_datagram(const ip_address& src, std::uint16_t src_port,
                                                 byte_view data) const;

  /// Returns the filter (the client's address and port).
  const udp_client_filter& filter() const noexcept { return filter_; }

private:
  udp_client_filter filter_;
  std::size_t max_payload_;
};

} // namespace tsnode::proxy
