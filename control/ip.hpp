#pragma once
/// @file
/// The IP vocabulary of the control JSON: addresses, prefixes (`100.64.0.1/32`,
/// `fd7a:115c:a1e0::1/128`) and address-port pairs (`1.2.3.4:41641`, `[::1]:41641`), parsed and
/// printed as Go's net/netip does (tailcfg Node.Addresses, AllowedIPs, Endpoints). Written here
/// because the pure cores may not include the socket headers that declare inet_pton.

#include <compare>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "crypto/bytes.hpp"

namespace tsnode::control {

/// An IPv4 or IPv6 address; IPv4 lives in the first four bytes.
struct ip_address {
  byte_array<16> bytes{};
  bool v6 = false;

  /// Parses dotted-quad IPv4 (no leading zeros, as netip) or IPv6 text (with `::` and an
  /// optional dotted-quad tail). A zone (`%eth0`) is refused.
  static std::optional<ip_address> parse(std::string_view text);
  /// Returns IPv4 dotted-quad, or RFC 5952 IPv6 (lowercase, longest zero run as `::`).
  std::string to_string() const;
  /// Returns the address length in bits: 32 or 128.
  int bit_length() const noexcept { return v6 ? 128 : 32; }

  friend auto operator<=>(const ip_address&, const ip_address&) = default;
};

/// An address with a prefix length; the address is kept as written (netip does not mask).
struct ip_prefix {
  ip_address addr;
  std::uint8_t bits = 0;

  /// Parses `address/bits`; bits must not exceed the address length.
  static std::optional<ip_prefix> parse(std::string_view text);
  std::string to_string() const;
  /// Returns whether `a` (of the same family) lies inside the prefix.
  bool contains(const ip_address& a) const noexcept;

  friend auto operator<=>(const ip_prefix&, const ip_prefix&) = default;
};

/// An address and a UDP/TCP port.
struct ip_port {
  ip_address addr;
  std::uint16_t port = 0;

  /// Parses `a.b.c.d:port` or `[v6]:port`; a zone inside the brackets is accepted and dropped
  /// (Go's netip.AddrPort keeps it; a node's endpoints never need it).
  static std::optional<ip_port> parse(std::string_view text);
  std::string to_string() const;

  friend auto operator<=>(const ip_port&, const ip_port&) = default;
};

} // namespace tsnode::control
