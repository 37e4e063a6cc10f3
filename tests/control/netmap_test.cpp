// MapResponse decoding and the netmap delta rules (control/netmap.hpp): fixtures written from
// tailscale-protocol.md §4.3/§4.4 (tests/control/fixtures/README.md), the cases of Go's
// control/controlclient/map_test.go TestUpdatePeersStateFromResponse, TestNetmapForResponse
// (named packet filters) and TestDeltaDERPMap, and traps #9, #10 and #18.
#include <boost/test/unit_test.hpp>

#include "control/netmap.hpp"
#include "tests/control/test_util.hpp"

using namespace tsnode;
using namespace tsnode::control;
using namespace std::chrono_literals;

namespace {

const wall_time now{1755856800000ms}; // 2025-08-22T10:00:00Z

map_response decoded(std::string_view json) {
  auto r = decode_map_response(json);
  if (auto* e = std::get_if<control_error>(&r))
    BOOST_FAIL("decode failed: " << to_string(*e));
  return std::get<map_response>(r);
}

control_error decode_error(std::string_view json) {
  auto r = decode_map_response(json);
  BOOST_REQUIRE(std::holds_alternative<control_error>(r));
  return std::get<control_error>(r);
}

map_update applied(map_session& s, std::string_view json, wall_time t = now) {
  auto r = s.apply(json, t);
  if (auto* e = std::get_if<control_error>(&r))
    BOOST_FAIL("apply failed: " << to_string(*e));
  return std::get<map_update>(r);
}

/// A session whose first (full) message had self node 100 and the given peers JSON.
map_session session_with(std::string peers_json) {
  map_session s;
  std::string first = R"({"Node":{"ID":100,"Name":"self.ts.net."}})";
  if (!peers_json.empty())
    first.insert(first.size() - 1, R"(,"Peers":)" + peers_json);
  applied(s, first);
  return s;
}

std::vector<node_id> peer_ids(const map_session& s) {
  std::vector<node_id> out;
  for (auto& [id, n] : s.current().peers)
    out.push_back(id);
  return out;
}

std::string key_hex(char c) {
  return std::string(64, c);
}

} // namespace

BOOST_AUTO_TEST_SUITE(control_netmap)

// -- decoding the fixtures --------------------------------------------------------------------

BOOST_AUTO_TEST_CASE(full_fixture_decodes_every_documented_field) {
  auto m = decoded(test::fixture("map_full.json"));
  BOOST_TEST(!m.keep_alive);
  BOOST_REQUIRE(m.self);
  auto& self = *m.self;
  BOOST_TEST(self.id == 3);
  BOOST_TEST(self.stable_id == "3");
  BOOST_TEST(self.name == "tsnode-a.tailnet.test.");
  BOOST_TEST(self.user == 1);
  BOOST_TEST(self.key.to_text()
             == "nodekey:50d20b455ecf12bc453f83c2cfdb2a24925d06cf2598dcaa54e91af82ce9f765");
  BOOST_TEST(!self.key_expiry); // Go's zero time = never
  BOOST_TEST(self.machine.to_text()
             == "mkey:a4e09292b651c278b9772c569f5fa9bb13d906b46ab68c9df9dc2b4409f8a209");
  BOOST_TEST(self.disco_key.to_text() == "discokey:" + key_hex('1'));
  BOOST_REQUIRE_EQUAL(self.addresses.size(), 2u);
  BOOST_TEST(self.addresses[0].to_string() == "100.64.0.3/32");
  BOOST_TEST(self.addresses[1].to_string() == "fd7a:115c:a1e0::3/128");
  BOOST_TEST((self.allowed_ips == self.addresses));
  BOOST_TEST(self.endpoints.empty());
  BOOST_TEST(self.home_derp == 999);
  BOOST_TEST(self.hostname == "tsnode-a");
  BOOST_TEST(self.os == "linux");
  BOOST_TEST(self.cap == 130);
  BOOST_TEST(self.online == std::optional<bool>{true});
  BOOST_TEST(self.machine_authorized);
  BOOST_TEST(self.caps.at("https://tailscale.com/cap/file-sharing") == "null");
  BOOST_TEST(self.caps.at("debug-knob") == R"([{"x":1}])");

  BOOST_REQUIRE_EQUAL(m.peers.size(), 2u);
  auto& a = m.peers[0];
  BOOST_TEST(a.name == "go-a.tailnet.test.");
  BOOST_TEST(a.key_expiry == parse_rfc3339("2027-01-01T00:00:00Z"));
  // AllowedIPs absent: the same as Addresses (capability 112).
  BOOST_TEST((a.allowed_ips == a.addresses));
  BOOST_REQUIRE_EQUAL(a.endpoints.size(), 2u);
  BOOST_TEST(a.endpoints[0].to_string() == "192.168.1.10:41641");
  BOOST_TEST(a.endpoints[1].to_string() == "[2001:db8::10]:41641");
  BOOST_TEST(a.last_seen == parse_rfc3339("2026-08-22T09:59:30.123Z"));
  auto& b = m.peers[1];
  BOOST_TEST(b.disco_key.is_zero()); // JSON null key: ignored (trap #9)
  BOOST_TEST(b.home_derp == 2);      // legacy "DERP":"127.3.3.40:2"
  BOOST_TEST(!b.online);             // null = unknown
  BOOST_REQUIRE_EQUAL(b.allowed_ips.size(), 2u);
  BOOST_TEST(b.allowed_ips[1].to_string() == "10.0.0.0/24");
  BOOST_TEST(b.caps.at("https://tailscale.com/cap/ssh") == "null"); // from Capabilities

  BOOST_REQUIRE(m.derp);
  BOOST_REQUIRE(m.derp->regions);
  BOOST_TEST(m.derp->regions->size() == 1u); // the null region 1000 is dropped
  auto& r = m.derp->regions->at(999);
  BOOST_TEST(r.region_code == "hs");
  BOOST_REQUIRE_EQUAL(r.nodes.size(), 1u);
  BOOST_TEST(r.nodes[0].host_name == "127.0.0.1");
  BOOST_TEST(r.nodes[0].ipv4 == "127.0.0.1");
  BOOST_TEST(r.nodes[0].ipv6 == "none");
  BOOST_TEST(r.nodes[0].stun_port == 3478);
  BOOST_TEST(r.nodes[0].derp_port == 8080);

  BOOST_REQUIRE(m.dns);
  BOOST_TEST(m.dns->proxied);
  BOOST_TEST(m.dns->domains == (std::vector<std::string>{"tailnet.test", "search.example"}));
  BOOST_TEST(m.dns->resolvers.at(0).addr == "1.1.1.1");
  BOOST_TEST(m.dns->routes.at("corp.example.").at(0).addr == "10.0.0.53");
  BOOST_TEST(m.dns->routes.at("tailnet.test.").empty());
  BOOST_TEST(m.dns->cert_domains.at(0) == "tsnode-a.tailnet.test");
  BOOST_TEST(m.dns->extra_records.at(0).value == "100.64.0.9");

  BOOST_REQUIRE(m.packet_filters);
  BOOST_TEST(m.packet_filters->size() == 2u);
  BOOST_TEST(m.domain == "127.0.0.1");
  BOOST_TEST(m.user_profiles.at(0).login_name == "alice");
  BOOST_TEST(m.control_time == parse_rfc3339("2026-08-22T10:00:00Z"));
}

BOOST_AUTO_TEST_CASE(full_then_delta_then_keepalive_fixtures) {
  map_session s;
  BOOST_TEST(!s.has_netmap());
  auto u = applied(s, test::fixture("map_full.json"));
  BOOST_TEST(s.has_netmap());
  BOOST_TEST((u.what == map_update::kind::full));
  BOOST_TEST(u.self_changed);
  BOOST_TEST(u.peers_added == 2u);
  BOOST_TEST(u.derp_changed);
  BOOST_TEST(u.dns_changed);
  BOOST_TEST(u.packet_filter_changed);
  auto& nm = s.current();
  BOOST_TEST(nm.magic_dns_suffix() == "tailnet.test");
  BOOST_TEST(nm.packet_filter.size() == 1u);
  BOOST_TEST(nm.packet_filter[0].src_ips == std::vector<std::string>{"*"});
  BOOST_TEST(nm.packet_filter[0].dst_ports[0].ports.last == 65535);

  auto later = now + 50s;
  u = applied(s, test::fixture("map_delta.json"), later);
  BOOST_TEST((u.what == map_update::kind::delta));
  BOOST_TEST(!u.self_changed);
  BOOST_TEST(peer_ids(s) == (std::vector<node_id>{1, 5}));
  auto& p1 = nm.peers.at(1);
  BOOST_TEST(p1.home_derp == 998);
  BOOST_TEST(p1.endpoints.at(0).to_string() == "192.168.1.11:41641");
  BOOST_TEST(p1.disco_key.to_text()
             == "discokey:0707070707070707070707070707070707070707070707070707070707070707");
  BOOST_TEST(!p1.key_expiry);                          // patched to the zero time = never
  BOOST_TEST(p1.online == std::optional<bool>{false}); // OnlineChange
  auto& p5 = nm.peers.at(5);
  BOOST_TEST(p5.online == std::optional<bool>{true});
  BOOST_TEST(p5.last_seen == std::optional<wall_time>{later}); // PeerSeenChange true = now
  // HomeParams only: the regions stay.
  BOOST_TEST(nm.derp.regions.count(999) == 1u);
  BOOST_TEST(nm.derp.region_score.at(999) == 0.5);
  // Legacy PacketFilter becomes "base" and replaces the named "base".
  BOOST_TEST(nm.named_packet_filters.size() == 1u);
  BOOST_TEST(nm.packet_filter.at(0).src_ips.at(0) == "100.64.0.1");
  BOOST_TEST(nm.packet_filter.at(0).ip_proto == std::vector<int>{6});
  BOOST_TEST(nm.dns.proxied); // DNSConfig absent: unchanged

  auto before = s.current().peers;
  u = applied(s, test::fixture("map_keepalive.json"));
  BOOST_TEST((u.what == map_update::kind::keepalive));
  BOOST_TEST(!u.peers_changed);
  BOOST_TEST((s.current().peers == before));
  BOOST_TEST(s.current().control_time == parse_rfc3339("2026-08-22T10:01:40Z"));
}

// -- trap #18: the first message is the full state, per stream -------------------------------

BOOST_AUTO_TEST_CASE(first_message_needs_the_self_node) {
  map_session s;
  auto r = s.apply(R"({"Peers":[{"ID":1}]})", now);
  BOOST_REQUIRE(std::holds_alternative<control_error>(r));
  BOOST_TEST(std::get<control_error>(r).code == control_errc::missing_self_node);
  BOOST_TEST(!s.has_netmap());
  // A keep-alive before it changes nothing and is fine.
  BOOST_TEST((applied(s, R"({"KeepAlive":true})").what == map_update::kind::keepalive));
  BOOST_TEST(!s.has_netmap());
}

BOOST_AUTO_TEST_CASE(first_message_without_peers_means_no_peers) {
  // A new stream starts empty: peers of an earlier stream never leak into it.
  map_session s;
  applied(s, R"({"Node":{"ID":100}})");
  BOOST_TEST(s.current().peers.empty());
  BOOST_TEST((s.current().dns == dns_config{}));
}

BOOST_AUTO_TEST_CASE(later_message_without_node_keeps_self) {
  auto s = session_with("");
  auto u = applied(s, R"({"Domain":"x"})");
  BOOST_TEST(!u.self_changed);
  BOOST_REQUIRE(s.current().self);
  BOOST_TEST(s.current().self->id == 100);
  BOOST_TEST(s.current().domain == "x");
  applied(s, "{}");
  BOOST_TEST(s.current().domain == "x"); // empty Domain = unchanged
}

// -- Go TestUpdatePeersStateFromResponse ------------------------------------------------------

BOOST_AUTO_TEST_CASE(full_peers) {
  auto s = session_with("");
  auto u = applied(s, R"({"Peers":[{"ID":1,"Name":"foo"},{"ID":2,"Name":"bar"}]})");
  BOOST_TEST(peer_ids(s) == (std::vector<node_id>{1, 2}));
  BOOST_TEST(u.peers_added == 2u);
}

BOOST_AUTO_TEST_CASE(full_peers_ignores_deltas) {
  auto s = session_with("");
  applied(s, R"({"Peers":[{"ID":1,"Name":"foo"},{"ID":2,"Name":"bar"}],"PeersRemoved":[2]})");
  BOOST_TEST(peer_ids(s) == (std::vector<node_id>{1, 2}));
}

BOOST_AUTO_TEST_CASE(full_peers_replace_everything) {
  auto s = session_with(R"([{"ID":1,"Name":"foo"},{"ID":2,"Name":"bar"}])");
  auto u = applied(s, R"({"Peers":[{"ID":2,"Name":"bar2"},{"ID":3}]})");
  BOOST_TEST(peer_ids(s) == (std::vector<node_id>{2, 3}));
  BOOST_TEST(s.current().peers.at(2).name == "bar2");
  BOOST_TEST(u.peers_added == 1u);
  BOOST_TEST(u.peers_updated == 1u);
  BOOST_TEST(u.peers_removed == 1u);
}

BOOST_AUTO_TEST_CASE(add_and_update) {
  auto s = session_with(R"([{"ID":1,"Name":"foo"},{"ID":2,"Name":"bar"}])");
  auto u = applied(
    s,
    R"({"PeersChanged":[{"ID":0,"Name":"zero"},{"ID":2,"Name":"bar2"},{"ID":3,"Name":"three"}]})");
  BOOST_TEST(peer_ids(s) == (std::vector<node_id>{0, 1, 2, 3}));
  BOOST_TEST(s.current().peers.at(2).name == "bar2");
  BOOST_TEST(u.peers_added == 2u);
  BOOST_TEST(u.peers_updated == 1u);
}

BOOST_AUTO_TEST_CASE(remove) {
  auto s = session_with(R"([{"ID":1,"Name":"foo"},{"ID":2,"Name":"bar"}])");
  auto u = applied(s, R"({"PeersRemoved":[1,3,4]})");
  BOOST_TEST(peer_ids(s) == std::vector<node_id>{2});
  BOOST_TEST(u.peers_removed == 1u);
}

BOOST_AUTO_TEST_CASE(add_and_remove) {
  auto s = session_with(R"([{"ID":1,"Name":"foo"},{"ID":2,"Name":"bar"}])");
  auto u = applied(s, R"({"PeersChanged":[{"ID":1,"Name":"foo2"}],"PeersRemoved":[2]})");
  BOOST_TEST(peer_ids(s) == std::vector<node_id>{1});
  BOOST_TEST(s.current().peers.at(1).name == "foo2");
  BOOST_TEST(u.peers_updated == 1u);
  BOOST_TEST(u.peers_removed == 1u);
}

BOOST_AUTO_TEST_CASE(unchanged) {
  auto s = session_with(R"([{"ID":1,"Name":"foo"},{"ID":2,"Name":"bar"}])");
  auto before = s.current().peers;
  auto u = applied(s, "{}");
  BOOST_TEST((s.current().peers == before));
  BOOST_TEST(!u.peers_changed);
}

BOOST_AUTO_TEST_CASE(online_change) {
  auto s = session_with(R"([{"ID":1,"Name":"foo"},{"ID":2,"Name":"bar"}])");
  auto u = applied(s, R"({"OnlineChange":{"1":true,"404":true}})");
  BOOST_TEST(s.current().peers.at(1).online == std::optional<bool>{true});
  BOOST_TEST(!s.current().peers.at(2).online);
  BOOST_TEST(u.peers_updated == 1u);
  u = applied(s, R"({"OnlineChange":{"1":false,"2":true}})");
  BOOST_TEST(s.current().peers.at(1).online == std::optional<bool>{false});
  BOOST_TEST(s.current().peers.at(2).online == std::optional<bool>{true});
  BOOST_TEST(u.peers_updated == 2u);
}

BOOST_AUTO_TEST_CASE(peer_seen_at) {
  auto s = session_with(
    R"([{"ID":1,"Name":"foo","LastSeen":"1970-01-01T00:01:51Z"},{"ID":2,"Name":"bar"}])");
  BOOST_TEST(s.current().peers.at(1).last_seen == std::optional<wall_time>{wall_time{111s}});
  auto t = wall_time{123s};
  auto u = applied(s, R"({"PeerSeenChange":{"1":false,"2":true}})", t);
  BOOST_TEST(!s.current().peers.at(1).last_seen);
  BOOST_TEST(s.current().peers.at(2).last_seen == std::optional<wall_time>{t});
  BOOST_TEST(u.peers_updated == 2u);
}

BOOST_AUTO_TEST_CASE(patch_derp_and_endpoints) {
  auto s = session_with(R"([{"ID":1,"HomeDERP":3,"Endpoints":["1.2.3.4:111"]}])");
  applied(s, R"({"PeersChangedPatch":[{"NodeID":1,"DERPRegion":4}]})");
  BOOST_TEST(s.current().peers.at(1).home_derp == 4);
  BOOST_TEST(s.current().peers.at(1).endpoints.at(0).to_string() == "1.2.3.4:111");
  applied(s, R"({"PeersChangedPatch":[{"NodeID":1,"Endpoints":["1.2.3.4:56"]}]})");
  BOOST_TEST(s.current().peers.at(1).home_derp == 4);
  BOOST_TEST(s.current().peers.at(1).endpoints.at(0).to_string() == "1.2.3.4:56");
  applied(s, R"({"PeersChangedPatch":[{"NodeID":1,"DERPRegion":2,"Endpoints":["1.2.3.4:57"]}]})");
  BOOST_TEST(s.current().peers.at(1).home_derp == 2);
  BOOST_TEST(s.current().peers.at(1).endpoints.at(0).port == 57);
  // Zero DERPRegion and absent fields mean "unchanged".
  applied(s, R"({"PeersChangedPatch":[{"NodeID":1,"DERPRegion":0}]})");
  BOOST_TEST(s.current().peers.at(1).home_derp == 2);
}

BOOST_AUTO_TEST_CASE(patch_keys_online_times_cap) {
  auto s = session_with(R"([{"ID":1,"Name":"foo"}])");
  auto u = applied(s, R"({"PeersChangedPatch":[{"NodeID":1,
      "Key":"nodekey:)" + key_hex('a')
                        + R"(",
      "DiscoKey":"discokey:)"
                        + key_hex('b') + R"(",
      "Online":true,
      "LastSeen":"1970-01-01T00:02:03Z",
      "KeyExpiry":"1970-01-01T00:02:03Z",
      "Cap":131,
      "CapMap":{"x":null}},
    {"NodeID":2,"Online":true}]})");
  BOOST_TEST(u.peers_updated == 1u); // unknown node 2 is skipped
  auto& n = s.current().peers.at(1);
  BOOST_TEST(n.name == "foo");
  BOOST_TEST(n.key.to_text() == "nodekey:" + key_hex('a'));
  BOOST_TEST(n.disco_key.to_text() == "discokey:" + key_hex('b'));
  BOOST_TEST(n.online == std::optional<bool>{true});
  BOOST_TEST(n.last_seen == std::optional<wall_time>{wall_time{123s}});
  BOOST_TEST(n.key_expiry == std::optional<wall_time>{wall_time{123s}});
  BOOST_TEST(n.cap == 131);
  BOOST_TEST(n.caps.at("x") == "null");
}

BOOST_AUTO_TEST_CASE(delta_order_removed_before_changed_before_patch) {
  // Removed then re-added in one message survives; a patch applies to the changed node.
  auto s = session_with(R"([{"ID":1,"Name":"old"}])");
  applied(s, R"({"PeersRemoved":[1],"PeersChanged":[{"ID":1,"Name":"new"}],
                 "PeersChangedPatch":[{"NodeID":1,"DERPRegion":7}],"OnlineChange":{"1":true}})");
  auto& n = s.current().peers.at(1);
  BOOST_TEST(n.name == "new");
  BOOST_TEST(n.home_derp == 7);
  BOOST_TEST(n.online == std::optional<bool>{true});
}

// -- trap #10: PacketFilter and PacketFilters (Go TestNetmapForResponse named_packetfilter) ---

BOOST_AUTO_TEST_CASE(named_packet_filters) {
  const std::string pf_a
    = R"([{"SrcIPs":["10.0.0.1"],"DstPorts":[{"IP":"10.2.3.4","Ports":{"First":22,"Last":22}}]}])";
  const std::string pf_b
    = R"([{"SrcIPs":["10.0.0.2"],"DstPorts":[{"IP":"10.2.3.4","Ports":{"First":22,"Last":22}}]}])";
  map_session s;
  auto first_src = [&](std::size_t i) { return s.current().packet_filter.at(i).src_ips.at(0); };
  // Mix of old and new style.
  auto u = applied(s, R"({"Node":{"ID":1},"PacketFilter":)" + pf_a + R"(,"PacketFilters":{"pf-b":)"
                        + pf_b + "}}");
  BOOST_TEST(u.packet_filter_changed);
  BOOST_REQUIRE_EQUAL(s.current().packet_filter.size(), 2u);
  BOOST_TEST(first_src(0) == "10.0.0.1"); // "base" sorts before "pf-b"
  BOOST_TEST(first_src(1) == "10.0.0.2");
  // No-op: both absent (or null) keep the old filter.
  u = applied(s, R"({"Node":{"ID":1},"PacketFilter":null,"PacketFilters":null})");
  BOOST_TEST(!u.packet_filter_changed);
  BOOST_TEST(s.current().packet_filter.size() == 2u);
  // New style with the "*": null reset, whatever its position in the object.
  applied(s, R"({"PacketFilters":{"pf-b":)" + pf_b + R"(,"*":null}})");
  BOOST_REQUIRE_EQUAL(s.current().packet_filter.size(), 1u);
  BOOST_TEST(first_src(0) == "10.0.0.2");
  // pfA back under its own name, not as "base".
  applied(s, R"({"PacketFilters":{"pf-a":)" + pf_a + "}}");
  BOOST_REQUIRE_EQUAL(s.current().packet_filter.size(), 2u);
  BOOST_TEST(first_src(0) == "10.0.0.1");
  BOOST_TEST(first_src(1) == "10.0.0.2");
  // A named null deletes that entry only.
  applied(s, R"({"PacketFilters":{"pf-a":null}})");
  BOOST_REQUIRE_EQUAL(s.current().packet_filter.size(), 1u);
  // An empty legacy filter is not null: "base" becomes empty (deny all from it).
  applied(s, R"({"PacketFilter":[],"PacketFilters":{"pf-b":null}})");
  BOOST_TEST(s.current().packet_filter.empty());
  BOOST_TEST(s.current().named_packet_filters.count("base") == 1u);
}

// -- Go TestDeltaDERPMap ----------------------------------------------------------------------

BOOST_AUTO_TEST_CASE(delta_derp_map) {
  map_session s;
  applied(s, R"({"Node":{"ID":1},"DERPMap":{"Regions":{"1":{"RegionID":1,"Nodes":[
    {"Name":"derp1a","RegionID":1,"HostName":"derp1a.invalid","IPv4":"169.254.169.254","IPv6":"none"}]}},
    "HomeParams":{"RegionScore":{"1":2.0}}}})");
  BOOST_TEST(s.current().derp.regions.at(1).nodes.at(0).ipv4 == "169.254.169.254");
  // Regions null: unchanged; HomeParams absent: unchanged.
  auto u = applied(s, R"({"DERPMap":{"Regions":null}})");
  BOOST_TEST(!u.derp_changed);
  BOOST_TEST(s.current().derp.regions.size() == 1u);
  BOOST_TEST(s.current().derp.region_score.at(1) == 2.0);
  // New regions replace the old ones; RegionScore null keeps the old scores.
  u = applied(s, R"({"DERPMap":{"Regions":{"1":{"RegionID":1,"Nodes":[
    {"Name":"derp1a","RegionID":1,"HostName":"derp1a.invalid","IPv4":"127.0.0.1","IPv6":"none"}]}},
    "HomeParams":{"RegionScore":null}}})");
  BOOST_TEST(u.derp_changed);
  BOOST_TEST(s.current().derp.regions.at(1).nodes.at(0).ipv4 == "127.0.0.1");
  BOOST_TEST(s.current().derp.region_score.at(1) == 2.0);
  // An empty Regions object is not null: it empties the map.
  applied(s, R"({"DERPMap":{"Regions":{}}})");
  BOOST_TEST(s.current().derp.regions.empty());
}

BOOST_AUTO_TEST_CASE(dns_config_replaces_or_keeps) {
  map_session s;
  applied(s, R"({"Node":{"ID":1,"Name":"a.b.c."},"DNSConfig":{"Domains":["foo","bar"]}})");
  BOOST_TEST(s.current().dns.domains.size() == 2u);
  auto u = applied(s, R"({"Node":{"ID":1,"Name":"a.b.c."}})");
  BOOST_TEST(!u.dns_changed);
  BOOST_TEST(s.current().dns.domains.size() == 2u);
  applied(s, R"({"DNSConfig":{"Proxied":true}})");
  BOOST_TEST(s.current().dns.domains.empty());
  BOOST_TEST(s.current().dns.proxied);
  BOOST_TEST(s.current().magic_dns_suffix() == "b.c");
}

BOOST_AUTO_TEST_CASE(keepalive_ignores_everything_but_time_and_ping) {
  auto s = session_with(R"([{"ID":1}])");
  auto u = applied(s, R"({"KeepAlive":true,"PeersRemoved":[1],"Domain":"x",
    "ControlTime":"2026-01-01T00:00:00Z",
    "PingRequest":{"URL":"http://127.0.0.1:8080/machine/ping-response?id=5","Log":true},
    "PopBrowserURL":"http://x/"})");
  BOOST_TEST((u.what == map_update::kind::keepalive));
  BOOST_TEST(peer_ids(s) == std::vector<node_id>{1});
  BOOST_TEST(s.current().domain.empty());
  BOOST_TEST(s.current().control_time == parse_rfc3339("2026-01-01T00:00:00Z"));
  BOOST_REQUIRE(u.ping);
  BOOST_TEST(u.ping->url == "http://127.0.0.1:8080/machine/ping-response?id=5");
  BOOST_TEST(u.ping->log);
  BOOST_TEST(u.pop_browser_url == "http://x/");
}

// -- trap #9 and malformed input --------------------------------------------------------------

BOOST_AUTO_TEST_CASE(key_fields_null_ignored_empty_rejected) {
  auto m = decoded(R"({"Node":{"ID":1,"Key":null,"DiscoKey":null,"Machine":null}})");
  BOOST_TEST(m.self->key.is_zero());
  for (auto field : {"Key", "DiscoKey", "Machine"}) {
    auto e = decode_error(std::string(R"({"Node":{"ID":1,")") + field + R"(":""}})");
    BOOST_TEST(e.code == control_errc::bad_key);
    BOOST_TEST(e.detail.find(std::string("Node.") + field) == 0u, e.detail);
  }
  // Wrong prefix, wrong length, upper-case hex (accepted), all-zero key (accepted).
  BOOST_TEST(decode_error(R"({"Node":{"Key":"discokey:)" + key_hex('a') + R"("}})").code
             == control_errc::bad_key);
  BOOST_TEST(decode_error(R"({"Node":{"Key":"nodekey:abcd"}})").code == control_errc::bad_key);
  BOOST_TEST(decoded(R"({"Node":{"Key":"nodekey:)" + key_hex('A') + R"("}})").self->key.to_text()
             == "nodekey:" + key_hex('a'));
  BOOST_TEST(decoded(R"({"Node":{"Key":"nodekey:)" + key_hex('0') + R"("}})").self->key.is_zero());
  BOOST_TEST(decode_error(R"({"PeersChangedPatch":[{"NodeID":1,"Key":""}]})").code
             == control_errc::bad_key);
}

BOOST_AUTO_TEST_CASE(malformed_input_is_an_error_not_a_crash) {
  BOOST_TEST(decode_error("").code == control_errc::bad_json);
  BOOST_TEST(decode_error("{").code == control_errc::bad_json);
  BOOST_TEST(decode_error("[]").code == control_errc::bad_json);
  BOOST_TEST(decode_error("\"x\"").code == control_errc::bad_json);
  BOOST_TEST(decode_error(std::string(1000, '[') + std::string(1000, ']')).code
             == control_errc::bad_json);
  struct bad {
    const char* json;
    const char* path;
  };
  for (auto [json, path] : {
         bad{R"({"Node":{"ID":"3"}})", "Node.ID"},
         bad{R"({"Node":{"ID":1.5}})", "Node.ID"},
         bad{R"({"Node":{"ID":18446744073709551615}})", "Node.ID"},
         bad{R"({"Node":{"Addresses":["100.64.0.1"]}})", "Node.Addresses[0]"},
         bad{R"({"Node":{"Addresses":["100.64.0.1/33"]}})", "Node.Addresses[0]"},
         bad{R"({"Node":{"Addresses":"100.64.0.1/32"}})", "Node.Addresses"},
         bad{R"({"Node":{"Endpoints":["1.2.3.4"]}})", "Node.Endpoints[0]"},
         bad{R"({"Node":{"KeyExpiry":"tomorrow"}})", "Node.KeyExpiry"},
         bad{R"({"Node":{"Online":"yes"}})", "Node.Online"},
         bad{R"({"Node":{"HomeDERP":4294967296}})", "Node.HomeDERP"},
         bad{R"({"Node":[]})", "Node"},
         bad{R"({"Peers":[{"ID":1},{"Hostinfo":5}]})", "Peers[1].Hostinfo"},
         bad{R"({"PeersRemoved":["1"]})", "PeersRemoved[0]"},
         bad{R"({"OnlineChange":{"x":true}})", "OnlineChange.x"},
         bad{R"({"DERPMap":{"Regions":{"1":{"Nodes":[{"DERPPort":"443"}]}}}})",
             "DERPMap.Regions.1.Nodes[0].DERPPort"},
         bad{R"({"PacketFilters":{"base":{}}})", "PacketFilters.base"},
         bad{R"({"PacketFilter":[{"DstPorts":[{"Ports":{"First":70000}}]}]})",
             "PacketFilter[0].DstPorts[0].Ports.First"},
         bad{R"({"DNSConfig":{"Routes":{"a.":5}}})", "DNSConfig.Routes.a."},
       }) {
    auto e = decode_error(json);
    BOOST_TEST(e.code == control_errc::bad_field, json);
    BOOST_TEST(e.detail.find(path) == 0u, json << " -> " << e.detail);
  }
}

BOOST_AUTO_TEST_CASE(failed_message_leaves_the_netmap_unchanged) {
  auto s = session_with(R"([{"ID":1,"Name":"foo"}])");
  auto before = s.current().peers;
  auto r = s.apply(R"({"PeersRemoved":[1],"PeersChanged":[{"ID":"bad"}]})", now);
  BOOST_TEST(std::holds_alternative<control_error>(r));
  BOOST_TEST((s.current().peers == before));
}

BOOST_AUTO_TEST_CASE(null_array_entries_and_unknown_fields_are_tolerated) {
  auto m = decoded(R"({"Node":{"ID":1,"Tags":null,"Future":{"a":[1]}},"Peers":[null,{"ID":2}],
    "PeersChangedPatch":[null],"UserProfiles":[null],"Health":["x"],"SSHPolicy":{"rules":[]}})");
  BOOST_TEST(m.peers.size() == 1u);
  BOOST_TEST(m.self->tags.empty());
}

BOOST_AUTO_TEST_CASE(legacy_derp_string_only_when_home_derp_is_zero) {
  auto m = decoded(R"({"Node":{"DERP":"127.3.3.40:5","HomeDERP":7},
    "Peers":[{"ID":1,"DERP":"127.3.3.40:5"},{"ID":2,"DERP":"10.0.0.1:5"},{"ID":3,"DERP":"127.3.3.40:x"}]})");
  BOOST_TEST(m.self->home_derp == 7);
  BOOST_TEST(m.peers[0].home_derp == 5);
  BOOST_TEST(m.peers[1].home_derp == 0);
  BOOST_TEST(m.peers[2].home_derp == 0);
}

BOOST_AUTO_TEST_CASE(magic_dns_suffix_rules) {
  map_session s;
  applied(s, R"({"Node":{"ID":1,"Name":"Host.Tailnet.Example.ts.net."}})");
  BOOST_TEST(s.current().magic_dns_suffix() == "Tailnet.Example.ts.net");
  map_session bare;
  applied(bare, R"({"Node":{"ID":1,"Name":"host"}})");
  BOOST_TEST(bare.current().magic_dns_suffix().empty());
}

BOOST_AUTO_TEST_SUITE_END()
