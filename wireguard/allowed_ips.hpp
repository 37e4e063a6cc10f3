#pragma once
/// @file
/// Cryptokey routing's table (WireGuard paper §2): allowed-IP prefixes per peer with longest-
/// prefix match, for IPv4 and IPv6. Outbound, the destination picks the peer; inbound, the
/// decrypted packet's source must map back to the peer that sent it. Semantics as wireguard-go
/// device/allowedips.go and Linux allowedips.c: host bits are masked off on insert, and inserting
/// a prefix another peer holds moves it.
///
/// Layout: one hash table per prefix length in use, searched from the longest length down, so a
/// lookup costs one hash probe per distinct length (a handful in practice: /32, /128, a subnet
/// route or two, /0).

#include <cstdint>
#include <optional>
#include <unordered_map>
#include <vector>

#include "wireguard/address.hpp"
#include "wireguard/constants.hpp"

namespace tsnode::wireguard {

/// Longest-prefix match from IP addresses to peers.
class allowed_ips {
public:
  /// Maps `prefix` (host bits ignored) to `peer`, replacing any previous owner.
  void insert(const ip_prefix& prefix, peer_id peer);

  /// Removes `prefix` if `peer` owns it; returns whether it did.
  bool remove(const ip_prefix& prefix, peer_id peer);

  /// Removes every prefix of `peer`.
  void remove_peer(peer_id peer);

  /// Returns the peer whose longest prefix contains `a`, if any.
  std::optional<peer_id> lookup(const ip_address& a) const noexcept;

  /// Returns the prefixes `peer` owns (unordered).
  std::vector<ip_prefix> prefixes_of(peer_id peer) const;

  /// Returns the number of prefixes held.
  std::size_t size() const noexcept;

private:
  struct key {
    std::uint64_t hi = 0;
    std::uint64_t lo = 0;
    friend bool operator==(const key&, const key&) = default;
  };
  struct key_hash {
    std::size_t operator()(const key& k) const noexcept {
      // A cheap mix: prefixes differ in the masked bits, which splitmix-style mixing spreads.
      std::uint64_t x = k.hi * 0x9e3779b97f4a7c15ULL ^ (k.lo + 0x632be59bd9b4e019ULL);
      x ^= x >> 29;
      x *= 0xbf58476d1ce4e5b9ULL;
      return static_cast<std::size_t>(x ^ (x >> 32));
    }
  };
  struct table {
    std::uint8_t bits = 0;
    std::unordered_map<key, peer_id, key_hash> entries;
  };
  using family_tables = std::vector<table>; // sorted by bits, longest first; never empty tables

  static key masked(const ip_address& a, std::uint8_t bits) noexcept;
  family_tables& tables_for(ip_family f) noexcept { return f == ip_family::v4 ? v4_ : v6_; }
  const family_tables& tables_for(ip_family f) const noexcept {
    return f == ip_family::v4 ? v4_ : v6_;
  }

  family_tables v4_;
  family_tables v6_;
};

} // namespace tsnode::wireguard
