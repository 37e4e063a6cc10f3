// The netmap -> engine mapping (actors/netmap_sink.hpp): which peers become WireGuard peers and
// with what, and the node's overlay addresses. Keys are the netmap fixture's peers' shapes
// (headscale sends "nodekey:<hex>", AllowedIPs as prefixes, Endpoints as ip:port).
#include <boost/test/unit_test.hpp>

#include "actors/netmap_sink.hpp"

using namespace tsnode;

namespace {

tailnet_node peer(std::int64_t id, char key_digit) {
  tailnet_node p;
  p.id = id;
  p.name = "peer" + std::to_string(id) + ".tsnode.test";
  p.node_key = "nodekey:" + std::string(64, key_digit);
  p.disco_key = "discokey:" + std::string(64, 'd');
  p.addresses = {"100.64.0." + std::to_string(id), "fd7a:115c:a1e0::" + std::to_string(id)};
  p.allowed_ips = {"100.64.0." + std::to_string(id) + "/32",
                   "fd7a:115c:a1e0::" + std::to_string(id) + "/128", "10.9.0.0/16"};
  return p;
}

} // namespace

BOOST_AUTO_TEST_SUITE(actor_netmap_sink)

BOOST_AUTO_TEST_CASE(usable_peers_become_wireguard_peers) {
  tailnet_map m;
  auto a = peer(2, 'a');
  a.endpoints = {"[2001:db8::1]:41641", "192.168.1.5:41641", "10.0.0.5:41641"};
  m.peers.push_back(a);
  auto b = peer(3, 'b'); // no endpoints: learnt when it calls (roaming)
  m.peers.push_back(b);
  std::vector<std::string> skipped;
  auto out = wireguard_peers(m, &skipped);
  BOOST_REQUIRE_EQUAL(out.size(), 2u);
  BOOST_CHECK(skipped.empty());
  auto want_key = std::get<crypto::node_public>(crypto::node_public::parse(a.node_key));
  BOOST_CHECK(out[0].public_key == want_key);
  BOOST_REQUIRE_EQUAL(out[0].allowed_ips.size(), 3u);
  BOOST_CHECK_EQUAL(out[0].allowed_ips[0].to_string(), "100.64.0.2/32");
  BOOST_CHECK_EQUAL(out[0].allowed_ips[1].to_string(), "fd7a:115c:a1e0::2/128");
  BOOST_CHECK_EQUAL(out[0].allowed_ips[2].to_string(), "10.9.0.0/16");
  // IPv4 endpoints first (the data plane's IPv4 socket is the one every host has).
  BOOST_REQUIRE(out[0].endpoint.has_value());
  BOOST_CHECK_EQUAL(out[0].endpoint->to_string(), "192.168.1.5:41641");
  BOOST_CHECK(!out[1].endpoint.has_value());
}

BOOST_AUTO_TEST_CASE(expired_keyless_and_discoless_peers_are_skipped_with_reasons) {
  tailnet_map m;
  auto expired = peer(2, 'a');
  expired.expired = true;
  auto no_disco = peer(3, 'b');
  no_disco.disco_key.clear();
  auto bad_key = peer(4, 'c');
  bad_key.node_key = "nodekey:zz";
  m.peers = {expired, no_disco, bad_key, peer(5, 'e')};
  std::vector<std::string> skipped;
  auto out = wireguard_peers(m, &skipped);
  BOOST_REQUIRE_EQUAL(out.size(), 1u);
  BOOST_CHECK_EQUAL(out[0].allowed_ips[0].to_string(), "100.64.0.5/32");
  BOOST_REQUIRE_EQUAL(skipped.size(), 3u);
  BOOST_CHECK_EQUAL(skipped[0], "peer2.tsnode.test: node key expired");
  BOOST_CHECK_EQUAL(skipped[1], "peer3.tsnode.test: no disco key");
  BOOST_CHECK_EQUAL(skipped[2], "peer4.tsnode.test: unusable node key");
}

BOOST_AUTO_TEST_CASE(overlay_addresses_are_host_prefixes_of_the_self_node) {
  tailnet_node self = peer(1, 'f');
  self.addresses.push_back("not-an-ip");
  auto a = overlay_addresses(self);
  BOOST_REQUIRE_EQUAL(a.size(), 2u);
  BOOST_CHECK_EQUAL(a[0].address.to_string(), "100.64.0.1");
  BOOST_CHECK_EQUAL(a[0].length, 32);
  BOOST_CHECK_EQUAL(a[1].address.to_string(), "fd7a:115c:a1e0::1");
  BOOST_CHECK_EQUAL(a[1].length, 128);
}

BOOST_AUTO_TEST_SUITE_END()
