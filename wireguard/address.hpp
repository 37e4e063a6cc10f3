#pragma once
/// @file
/// Address value types of the core, free of socket headers: an IP address (IPv4 or IPv6 in 16
/// bytes plus a family), a prefix, and a UDP address (IP + port) for peer endpoints. Text forms
/// follow RFC 4291 §2.2 / RFC 5952 for IPv6 and dotted quads for IPv4.

#include <compare>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "crypto/bytes.hpp"

namespace tsnode::wireguard {

/// IPv4 or IPv6.
enum class ip_family : std::uint8_t { v4 = 4, v6 = 6 };

/// An IP address. IPv4 addresses use bytes[0..4) and keep the other 12 bytes zero, so that
/// equal addresses compare equal byte for byte.
struct ip_address {
  ip_family family = ip_family::v4;
  byte_array<16> bytes{};

  /// Returns the IPv4 address a.b.c.d.
  static ip_address v4(std::uint8_t a, std::uint8_t b, std::uint8_t c, std::uint8_t d) noexcept;
  /// Returns the IPv4 address in the 4 bytes at `p` (network order).
  static ip_address v4_from(const std::uint8_t* p) noexcept;
  /// Returns the IPv6 address in the 16 bytes at `p` (network order).
  static ip_address v6_from(const std::uint8_t* p) noexcept;
  /// Parses a dotted quad or an IPv6 text form (with `::` and an optional trailing dotted quad).
  static std::optional<ip_address> parse(std::string_view text) noexcept;

  /// Returns the number of address bits: 32 or 128.
  std::uint8_t bit_width() const noexcept { return family == ip_family::v4 ? 32 : 128; }
  /// Returns the address bytes in network order: 4 or 16 of them.
  byte_view view() const noexcept { return {bytes.data(), family == ip_family::v4 ? 4u : 16u}; }
  /// Returns the text form (RFC 5952 for IPv6).
  std::string to_string() const;

  friend auto operator<=>(const ip_address&, const ip_address&) = default;
};

/// An address prefix such as 10.0.0.0/8 or fd7a:115c:a1e0::/48.
struct ip_prefix {
  ip_address address;
  std::uint8_t bits = 0;

  /// Returns `a`/`bits` with the host bits cleared, or nullopt when bits exceeds the width.
  static std::optional<ip_prefix> make(const ip_address& a, std::uint8_t bits) noexcept;
  /// Parses `addr/bits` (or a bare address, as a host prefix).
  static std::optional<ip_prefix> parse(std::string_view text) noexcept;
  /// Returns whether `a` is inside this prefix.
  bool contains(const ip_address& a) const noexcept;
  std::string to_string() const;

  friend auto operator<=>(const ip_prefix&, const ip_prefix&) = default;
};

/// A UDP address: where a peer's datagrams come from and go to.
struct udp_address {
  ip_address ip;
  std::uint16_t port = 0;

  /// Parses `1.2.3.4:51820` or `[fd00::1]:51820`.
  static std::optional<udp_address> parse(std::string_view text) noexcept;
  /// Returns the text form, with brackets around IPv6.
  std::string to_string() const;

  /// Returns the bytes that bind a cookie to this address (WireGuard paper §5.4.7: "A = the
  /// source IP address and UDP port"): the address bytes then the big-endian port, as Linux.
  struct cookie_bytes {
    byte_array<18> bytes{};
    std::size_t size = 0;
    byte_view view() const noexcept { return {bytes.data(), size}; }
  };
  cookie_bytes cookie_source() const noexcept;

  friend auto operator<=>(const udp_address&, const udp_address&) = default;
};

} // namespace tsnode::wireguard
