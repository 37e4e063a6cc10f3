#pragma once
/// @file
/// An IP address / prefix value type for the overlay (IPv4 or IPv6), free of socket headers.

#include <array>
#include <compare>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace tsnode::netstack {

/// An IPv4 or IPv6 address. IPv4 uses the first 4 bytes.
struct ip_address {
  bool v6 = false;
  std::array<std::uint8_t, 16> bytes{};

  /// Parses dotted IPv4 or RFC 4291 IPv6 text (no zone, no brackets); nullopt otherwise.
  static std::optional<ip_address> parse(std::string_view text);
  /// Returns an IPv4 address from its 4 bytes in network order.
  static ip_address v4(std::uint8_t a, std::uint8_t b, std::uint8_t c, std::uint8_t d);
  /// Returns the canonical text form (RFC 5952 for IPv6).
  std::string to_string() const;
  /// Returns the number of address bytes: 4 or 16.
  std::size_t size() const noexcept { return v6 ? 16 : 4; }
  friend auto operator<=>(const ip_address&, const ip_address&) = default;
};

/// An address with a prefix length, e.g. 100.64.0.1/32 or fd7a:115c:a1e0::1/128.
struct ip_prefix {
  ip_address address;
  std::uint8_t length = 0;

  /// Parses `addr/len` (or a bare address, taken as a host prefix); nullopt on bad input.
  static std::optional<ip_prefix> parse(std::string_view text);
  /// Returns whether `a` lies inside this prefix (same family).
  bool contains(const ip_address& a) const noexcept;
  std::string to_string() const;
  friend auto operator<=>(const ip_prefix&, const ip_prefix&) = default;
};

} // namespace tsnode::netstack
