#pragma once
/// @file
/// Inner IP packets for wireguard/ tests: minimal, well-formed IPv4/IPv6 UDP packets.

#include <cstdint>
#include <string_view>

#include "crypto/bytes.hpp"
#include "wireguard/address.hpp"

namespace tsnode::test {

/// Returns an IPv4 packet (protocol 17) from `src` to `dst` carrying `payload` bytes of `fill`.
inline byte_buffer ipv4_packet(std::string_view src, std::string_view dst, std::size_t payload,
                               std::uint8_t fill = 0xab) {
  byte_buffer p(20 + payload, fill);
  p[0] = 0x45;
  p[1] = 0;
  store_be16(p.data() + 2, static_cast<std::uint16_t>(p.size()));
  store_be16(p.data() + 4, 0x1234);
  store_be16(p.data() + 6, 0);
  p[8] = 64;
  p[9] = 17;
  store_be16(p.data() + 10, 0);
  auto s = *wireguard::ip_address::parse(src);
  auto d = *wireguard::ip_address::parse(dst);
  std::copy_n(s.bytes.data(), 4, p.data() + 12);
  std::copy_n(d.bytes.data(), 4, p.data() + 16);
  return p;
}

/// Returns an IPv6 packet (next header 17) from `src` to `dst` carrying `payload` bytes.
inline byte_buffer ipv6_packet(std::string_view src, std::string_view dst, std::size_t payload,
                               std::uint8_t fill = 0xcd) {
  byte_buffer p(40 + payload, fill);
  p[0] = 0x60;
  p[1] = p[2] = p[3] = 0;
  store_be16(p.data() + 4, static_cast<std::uint16_t>(payload));
  p[6] = 17;
  p[7] = 64;
  auto s = *wireguard::ip_address::parse(src);
  auto d = *wireguard::ip_address::parse(dst);
  std::copy_n(s.bytes.data(), 16, p.data() + 8);
  std::copy_n(d.bytes.data(), 16, p.data() + 24);
  return p;
}

} // namespace tsnode::test
