// Longest-prefix match of wireguard/allowed_ips.hpp, with the semantics of wireguard-go
// device/allowedips.go (host bits masked, re-insertion moves a prefix, removal by peer), checked
// against a brute-force reference on random tables.
#include <boost/test/unit_test.hpp>

#include <map>

#include "tests/wireguard/test_random.hpp"
#include "wireguard/allowed_ips.hpp"

using namespace tsnode;
using namespace tsnode::wireguard;

namespace {

ip_prefix P(std::string_view s) {
  return *ip_prefix::parse(s);
}
ip_address A(std::string_view s) {
  return *ip_address::parse(s);
}

} // namespace

BOOST_AUTO_TEST_SUITE(wireguard_allowed_ips)

BOOST_AUTO_TEST_CASE(longest_prefix_wins) {
  allowed_ips t;
  t.insert(P("0.0.0.0/0"), 1);
  t.insert(P("10.0.0.0/8"), 2);
  t.insert(P("10.1.0.0/16"), 3);
  t.insert(P("10.1.2.3/32"), 4);
  t.insert(P("::/0"), 5);
  t.insert(P("fd7a:115c:a1e0::/48"), 6);
  t.insert(P("fd7a:115c:a1e0::1/128"), 7);
  BOOST_TEST(*t.lookup(A("8.8.8.8")) == 1u);
  BOOST_TEST(*t.lookup(A("10.9.9.9")) == 2u);
  BOOST_TEST(*t.lookup(A("10.1.9.9")) == 3u);
  BOOST_TEST(*t.lookup(A("10.1.2.3")) == 4u);
  BOOST_TEST(*t.lookup(A("10.1.2.4")) == 3u);
  BOOST_TEST(*t.lookup(A("2001:db8::1")) == 5u);
  BOOST_TEST(*t.lookup(A("fd7a:115c:a1e0::2")) == 6u);
  BOOST_TEST(*t.lookup(A("fd7a:115c:a1e0::1")) == 7u);
  BOOST_TEST(t.size() == 7u);
}

BOOST_AUTO_TEST_CASE(families_are_separate) {
  allowed_ips t;
  t.insert(P("0.0.0.0/0"), 1);
  BOOST_TEST(!t.lookup(A("::1")));
  // An IPv4-mapped IPv6 address is IPv6 here.
  BOOST_TEST(!t.lookup(A("::ffff:10.0.0.1")));
}

BOOST_AUTO_TEST_CASE(reinsert_moves_and_remove_by_peer) {
  allowed_ips t;
  t.insert(P("10.0.0.0/24"), 1);
  t.insert(P("10.0.0.77/24"), 2); // same prefix once masked: moves to peer 2
  BOOST_TEST(*t.lookup(A("10.0.0.1")) == 2u);
  BOOST_TEST(t.size() == 1u);
  BOOST_TEST(!t.remove(P("10.0.0.0/24"), 1)); // not peer 1's any more
  t.insert(P("10.0.1.0/24"), 1);
  t.insert(P("fd00::/8"), 1);
  auto of1 = t.prefixes_of(1);
  BOOST_TEST(of1.size() == 2u);
  t.remove_peer(1);
  BOOST_TEST(!t.lookup(A("10.0.1.1")));
  BOOST_TEST(!t.lookup(A("fd00::1")));
  BOOST_TEST(*t.lookup(A("10.0.0.1")) == 2u);
  BOOST_TEST(t.remove(P("10.0.0.0/24"), 2));
  BOOST_TEST(t.size() == 0u);
}

BOOST_AUTO_TEST_CASE(prefixes_of_round_trip) {
  allowed_ips t;
  t.insert(P("100.64.0.7/32"), 9);
  t.insert(P("fd7a:115c:a1e0:ab12:4843:cd96:6258:b240/128"), 9);
  t.insert(P("192.168.0.0/16"), 9);
  auto got = t.prefixes_of(9);
  std::sort(got.begin(), got.end());
  std::vector<ip_prefix> want{P("100.64.0.7/32"), P("192.168.0.0/16"),
                              P("fd7a:115c:a1e0:ab12:4843:cd96:6258:b240/128")};
  std::sort(want.begin(), want.end());
  BOOST_TEST((got == want));
}

BOOST_AUTO_TEST_CASE(matches_brute_force_on_random_tables) {
  test::deterministic_random rng{7};
  for (auto family : {ip_family::v4, ip_family::v6}) {
    allowed_ips t;
    std::map<ip_prefix, peer_id> reference;
    const std::uint8_t width = family == ip_family::v4 ? 32 : 128;
    auto random_address = [&] {
      ip_address a;
      a.family = family;
      rng.fill(std::span{a.bytes.data(), family == ip_family::v4 ? 4u : 16u});
      // Cluster addresses so that prefixes overlap often.
      a.bytes[0] = static_cast<std::uint8_t>(a.bytes[0] & 0x03);
      return a;
    };
    for (int i = 0; i < 300; ++i) {
      auto bits = static_cast<std::uint8_t>(rng.uniform(width + 1u));
      auto p = *ip_prefix::make(random_address(), bits);
      auto peer = static_cast<peer_id>(rng.uniform(20) + 1);
      t.insert(p, peer);
      reference[p] = peer;
    }
    for (int i = 0; i < 3000; ++i) {
      auto a = random_address();
      std::optional<peer_id> want;
      int best = -1;
      for (auto& [p, peer] : reference)
        if (p.contains(a) && p.bits > best) {
          best = p.bits;
          want = peer;
        }
      BOOST_TEST((t.lookup(a) == want));
    }
  }
}

BOOST_AUTO_TEST_SUITE_END()
