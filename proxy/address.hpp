#pragma once
/// @file
/// Addresses as SOCKS5 and HTTP CONNECT clients spell them: IPv4 and IPv6 values with strict text
/// parsing and RFC 5952 printing, and the `destination` a client asks to reach. Pure values: no
/// resolver, no sockets (the session actor resolves names through the resolver actor).

#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace tsnode::proxy {

/// Read-only bytes; the same type as tsnode::byte_view, redeclared so proxy/ includes nothing.
using byte_view = std::span<const std::uint8_t>;
/// Owned bytes; the same type as tsnode::byte_buffer.
using byte_buffer = std::vector<std::uint8_t>;

/// The two IP families.
enum class ip_family : std::uint8_t { v4 = 4, v6 = 6 };

/// An IPv4 or IPv6 address held by value. Default-constructed it is 0.0.0.0.
class ip_address {
public:
  constexpr ip_address() = default;

  /// Returns the IPv4 address a.b.c.d.
  static constexpr ip_address v4(std::uint8_t a, std::uint8_t b, std::uint8_t c, std::uint8_t d) {
    ip_address x;
    x.bytes_ = {a, b, c, d};
    return x;
  }

  /// Returns the IPv4 address with these four network-order bytes.
  static constexpr ip_address v4(const std::array<std::uint8_t, 4>& b) {
    return v4(b[0], b[1], b[2], b[3]);
  }

  /// Returns the IPv6 address with these sixteen network-order bytes.
  static constexpr ip_address v6(const std::array<std::uint8_t, 16>& b) {
    ip_address x;
    x.family_ = ip_family::v6;
    x.bytes_ = b;
    return x;
  }

  /// Returns the address parsed from strict text: dotted-quad IPv4 (no leading zeros, exactly four
  /// parts) or RFC 4291 §2.2 IPv6 (with `::` and an IPv4 tail; no brackets, no zone). Otherwise
  /// nullopt, so the text is a name.
  static std::optional<ip_address> parse(std::string_view text) noexcept;

  /// Returns the family.
  constexpr ip_family family() const noexcept { return family_; }

  /// Returns whether this is an IPv4 address.
  constexpr bool is_v4() const noexcept { return family_ == ip_family::v4; }

  /// Returns the network-order bytes: 4 for IPv4, 16 for IPv6.
  byte_view bytes() const noexcept { return {bytes_.data(), is_v4() ? 4u : 16u}; }

  /// Returns whether this is 0.0.0.0 or ::.
  bool is_unspecified() const noexcept;

  /// Returns whether this is 127.0.0.0/8 or ::1.
  bool is_loopback() const noexcept;

  /// Returns the IPv4 address inside an IPv4-mapped IPv6 address (::ffff:a.b.c.d), else *this.
  /// Dual-stack sockets report IPv4 peers this way; compare addresses after unmapping.
  ip_address unmapped() const noexcept;

  /// Returns the text form: dotted quad, or RFC 5952 IPv6 (lowercase, longest zero run as `::`,
  /// `::ffff:a.b.c.d` for mapped addresses). `parse(to_string())` gives back the same address.
  std::string to_string() const;

  friend constexpr bool operator==(const ip_address&, const ip_address&) = default;

private:
  ip_family family_ = ip_family::v4;
  std::array<std::uint8_t, 16> bytes_{};
};

/// SOCKS5 address types (RFC 1928 §4/§5). HTTP CONNECT targets use the same values for the form
/// the client wrote: a name, an IPv4 literal or a bracketed IPv6 literal.
enum class address_type : std::uint8_t { ipv4 = 0x01, domain = 0x03, ipv6 = 0x04 };

/// The longest name SOCKS5 can carry (one length octet, RFC 1928 §5).
inline constexpr std::size_t max_name_size = 255;

/// Where a client asked to go: an IP address or a name, and a port.
struct destination {
  /// The form on the wire. A domain-typed request whose text is an IP literal keeps `domain`
  /// here but has `ip` set: clients such as old curl send literals as ATYP 3 (anchors.md §4.3).
  address_type atyp = address_type::ipv4;
  /// The name as sent (not lowercased, not resolved), or `ip->to_string()` when `ip` is set.
  std::string host;
  /// The address, when the client gave one (any ATYP); nullopt when `host` is a name to resolve.
  std::optional<ip_address> ip;
  /// The port, host order. SOCKS5 passes 0 through (UDP ASSOCIATE uses it, RFC 1928 §7).
  std::uint16_t port = 0;

  /// Returns whether the host is a name the caller must resolve (MagicDNS), not an address.
  bool is_name() const noexcept { return !ip.has_value(); }

  /// Returns `host:port`, with IPv6 in brackets; for logs and tests.
  std::string to_string() const;

  friend bool operator==(const destination&, const destination&) = default;
};

/// Returns a destination for an address.
destination make_destination(const ip_address& ip, std::uint16_t port);

/// Returns a destination for a name sent as text (SOCKS5 ATYP 3, HTTP authority), or nullopt
/// when the text cannot be a name. An IP literal (also a bracketed `[IPv6]`) yields a destination
/// with `ip` set and `atyp` kept as `domain`. A name must be 1..255 bytes of valid UTF-8 without
/// control characters, spaces or NUL.
std::optional<destination> make_destination(std::string_view text, std::uint16_t port);

/// Returns whether `text` is valid UTF-8 (RFC 3629: no overlongs, no surrogates, <= U+10FFFF).
bool is_valid_utf8(std::string_view text) noexcept;

} // namespace tsnode::proxy
