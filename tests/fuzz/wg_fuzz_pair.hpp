#pragma once
/// @file
/// The deterministic two-endpoint setup shared by the wg_recv_fuzz target and its seed generator
/// (tests/fuzz/wg_recv_seeds.cpp): same keys, same random streams, same clock, so a seed
/// generated from it decrypts in the fuzzer. Both allow every address (0.0.0.0/0, ::/0) for the
/// other side, so that any routable packet A sends must come out of B unchanged.

#include <chrono>
#include <cstdint>
#include <vector>

#include "tests/wireguard/test_random.hpp"
#include "wireguard/endpoint.hpp"

namespace tsnode::fuzz {

using namespace tsnode::wireguard;

/// Returns an IPv4 UDP packet from 10.0.0.1 to 10.0.0.2 with `payload` bytes.
inline byte_buffer sample_ipv4(std::size_t payload, std::uint8_t fill) {
  byte_buffer p(20 + payload, fill);
  p[0] = 0x45;
  store_be16(p.data() + 2, static_cast<std::uint16_t>(p.size()));
  p[8] = 64;
  p[9] = 17;
  const std::uint8_t src[4] = {10, 0, 0, 1};
  const std::uint8_t dst[4] = {10, 0, 0, 2};
  std::copy_n(src, 4, p.data() + 12);
  std::copy_n(dst, 4, p.data() + 16);
  return p;
}

struct fuzz_pair {
  test::deterministic_random rng_a{11};
  test::deterministic_random rng_b{22};
  endpoint a;
  endpoint b;
  udp_address a_addr = *udp_address::parse("192.0.2.1:51820");
  udp_address b_addr = *udp_address::parse("[2001:db8::2]:51821");
  time_point now = time_point{} + std::chrono::hours{1};
  wall_time wall = wall_time{} + std::chrono::seconds{1700000000};
  endpoint_result out;

  fuzz_pair()
    : a(crypto::node_private{filled(0x11)}, rng_a)
    , b(crypto::node_private{filled(0x22)}, rng_b) {
    add(a, b.public_key(), b_addr);
    add(b, a.public_key(), a_addr);
  }

  static byte_array<32> filled(std::uint8_t x) {
    byte_array<32> k;
    k.fill(x);
    return k;
  }

  static void add(endpoint& e, const crypto::node_public& key, const udp_address& where) {
    peer_config cfg;
    cfg.public_key = key;
    cfg.endpoint = where;
    cfg.allowed_ips = {*ip_prefix::parse("0.0.0.0/0"), *ip_prefix::parse("::/0")};
    e.add_peer(std::move(cfg));
  }

  /// Moves the clock (both monotonic and wall) forward.
  void advance(std::chrono::milliseconds d) {
    now += d;
    wall += d;
  }

  /// Delivers every datagram of `from_out` to `to`, collecting into `out` (cleared first).
  std::vector<byte_buffer> deliver(endpoint& to, const udp_address& source,
                                   const endpoint_result& from_out) {
    std::vector<byte_buffer> datagrams;
    for (const auto& d : from_out.to_network)
      datagrams.push_back(d.bytes);
    out.clear();
    for (const auto& d : datagrams)
      to.recv(now, wall, source, d, out);
    return datagrams;
  }

  /// Runs the handshake A -> B (A's first packet carries `first`); returns the datagrams A sent,
  /// in order: the initiation, then the transport message with `first`.
  std::vector<byte_buffer> handshake() {
    std::vector<byte_buffer> from_a;
    auto r = a.send(now, wall, sample_ipv4(16, 0x42));
    auto sent = deliver(b, a_addr, r); // initiation -> response
    from_a.insert(from_a.end(), sent.begin(), sent.end());
    auto response = out.to_network.size() == 1 ? out.to_network[0].bytes : byte_buffer{};
    endpoint_result at_a;
    a.recv(now, wall, b_addr, response, at_a); // response -> staged data
    sent = deliver(b, a_addr, at_a);           // data confirms B's session
    from_a.insert(from_a.end(), sent.begin(), sent.end());
    return from_a;
  }
};

} // namespace tsnode::fuzz
