// SOCKS5 UDP ASSOCIATE helpers (RFC 1928 §7) against proxy/udp_relay.hpp.
#include <boost/test/unit_test.hpp>

#include "proxy/udp_relay.hpp"
#include "tests/proxy/conversation.hpp"

using namespace tsnode;
using namespace tsnode::proxy;
using namespace tsnode::test;

namespace {

const ip_address loopback = ip_address::v4(127, 0, 0, 1);
constexpr std::size_t mtu_payload = 1280 - 40 - 8; // IPv6 minimum MTU minus IPv6 and UDP headers

udp_datagram parse_ok(const byte_buffer& in, std::size_t max = mtu_payload) {
  auto r = parse_udp_datagram(in, max);
  auto* d = std::get_if<udp_datagram>(&r);
  if (d == nullptr)
    BOOST_FAIL("parse failed: " << to_string(std::get<udp_errc>(r)));
  return *d;
}

udp_errc parse_err(const byte_buffer& in, std::size_t max = mtu_payload) {
  auto r = parse_udp_datagram(in, max);
  auto* e = std::get_if<udp_errc>(&r);
  BOOST_TEST_REQUIRE(e != nullptr, "parse should fail");
  return *e;
}

} // namespace

BOOST_AUTO_TEST_SUITE(proxy_udp_relay)

BOOST_AUTO_TEST_CASE(parse_ipv4) {
  auto in = hex("00 00 00 01 64 40 00 05 00 35 de ad be ef");
  auto d = parse_ok(in);
  BOOST_TEST(d.dst.to_string() == "100.64.0.5:53");
  BOOST_TEST(d.dst.atyp == address_type::ipv4);
  BOOST_TEST(to_hex(d.data) == "deadbeef");
  BOOST_TEST(d.data.data() == in.data() + udp_header_v4_size); // a view, no copy
}

BOOST_AUTO_TEST_CASE(parse_ipv6_and_domain) {
  auto d6 = parse_ok(hex("00 00 00 04 fd 7a 11 5c a1 e0 00 00 00 00 00 00 00 00 00 01 00 35 01"));
  BOOST_TEST(d6.dst.to_string() == "[fd7a:115c:a1e0::1]:53");
  auto dn = parse_ok(hex("00 00 00 03 04" + text_hex("peer") + "00 35"));
  BOOST_TEST(dn.dst.is_name());
  BOOST_TEST(dn.dst.to_string() == "peer:53");
  BOOST_TEST(dn.data.empty());
  auto dl = parse_ok(hex("00 00 00 03 0a" + text_hex("100.64.0.1") + "00 35"));
  BOOST_TEST(!dl.dst.is_name());
  BOOST_TEST((dl.dst.ip == ip_address::v4(100, 64, 0, 1)));
}

BOOST_AUTO_TEST_CASE(nonzero_rsv_is_ignored) {
  BOOST_TEST(parse_ok(hex("ff ff 00 01 64 40 00 05 00 35")).dst.port == 53);
}

BOOST_AUTO_TEST_CASE(round_trips) {
  std::vector<destination> dsts = {make_destination(ip_address::v4(100, 64, 0, 5), 53),
                                   make_destination(*ip_address::parse("fd7a:115c:a1e0::1"), 443),
                                   *make_destination("peer.tail-net.ts.net", 9),
                                   *make_destination(std::string(255, 'n'), 65535)};
  auto data = hex("00 01 02 03 04 05");
  for (const auto& d : dsts) {
    BOOST_TEST_CONTEXT(d.to_string()) {
      auto built = build_udp_datagram(d, data);
      auto* bytes = std::get_if<byte_buffer>(&built);
      BOOST_REQUIRE(bytes != nullptr);
      auto back = parse_ok(*bytes);
      BOOST_TEST((back.dst == d));
      BOOST_TEST(to_hex(back.data) == to_hex(data));
    }
  }
  // The relay's direction: a reply from an overlay address, byte-exact.
  BOOST_TEST(to_hex(build_udp_datagram(ip_address::v4(100, 64, 0, 5), 53, hex("ab")))
             == "00000001644000050035ab");
  BOOST_TEST(build_udp_datagram(*ip_address::parse("::1"), 53, {}).size() == udp_header_v6_size);
}

BOOST_AUTO_TEST_CASE(build_rejects_bad_names) {
  destination empty;
  empty.atyp = address_type::domain;
  BOOST_TEST(std::get<udp_errc>(build_udp_datagram(empty, {})) == udp_errc::bad_domain);
  destination longer = empty;
  longer.host = std::string(256, 'n');
  BOOST_TEST(std::get<udp_errc>(build_udp_datagram(longer, {})) == udp_errc::bad_domain);
}

BOOST_AUTO_TEST_CASE(fragments_are_dropped) {
  for (auto frag : {"01", "7f", "80", "ff"})
    BOOST_TEST(parse_err(hex(std::string{"00 00 "} + frag + " 01 64 40 00 05 00 35 aa"))
               == udp_errc::fragmented);
}

BOOST_AUTO_TEST_CASE(truncated_headers_are_too_short) {
  for (auto full : {hex("00 00 00 01 64 40 00 05 00 35"),
                    hex("00 00 00 04 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 01 00 35"),
                    hex("00 00 00 03 04" + text_hex("peer") + "00 35")}) {
    for (std::size_t cut = 0; cut < full.size(); ++cut) {
      byte_buffer part(full.begin(), full.begin() + static_cast<std::ptrdiff_t>(cut));
      BOOST_TEST(parse_err(part) == udp_errc::too_short, "cut at " << cut);
    }
  }
}

BOOST_AUTO_TEST_CASE(bad_address_types_and_names) {
  BOOST_TEST(parse_err(hex("00 00 00 02 00 00")) == udp_errc::address_type_not_supported);
  BOOST_TEST(parse_err(hex("00 00 00 03 00 00 35")) == udp_errc::bad_domain);
  BOOST_TEST(parse_err(hex("00 00 00 03 02 61 00 00 35")) == udp_errc::bad_domain);
}

BOOST_AUTO_TEST_CASE(oversize_is_dropped) {
  auto header = hex("00 00 00 01 64 40 00 05 00 35");
  byte_buffer at_limit = header;
  at_limit.resize(header.size() + mtu_payload, 0xaa);
  BOOST_TEST(parse_ok(at_limit).data.size() == mtu_payload);
  byte_buffer over = at_limit;
  over.push_back(0xaa);
  BOOST_TEST(parse_err(over) == udp_errc::too_large);
  BOOST_TEST(parse_ok(header, 0).data.empty()); // an empty datagram fits any limit
  over = header;
  over.push_back(0xaa);
  BOOST_TEST(parse_err(over, 0) == udp_errc::too_large);
}

BOOST_AUTO_TEST_CASE(filter_accepts_only_the_client) {
  udp_client_filter f{loopback, 5000};
  BOOST_TEST(f.accept(loopback, 5000));
  BOOST_TEST(!f.accept(loopback, 5001));                              // another local process
  BOOST_TEST(!f.accept(ip_address::v4(127, 0, 0, 2), 5000));          // another address
  BOOST_TEST(!f.accept(*ip_address::parse("::1"), 5000));             // another family
  BOOST_TEST(f.accept(*ip_address::parse("::ffff:127.0.0.1"), 5000)); // dual-stack form
  BOOST_TEST(*f.client_port() == 5000);
}

BOOST_AUTO_TEST_CASE(filter_pins_the_first_port_when_none_was_requested) {
  udp_client_filter f{loopback, 0};
  BOOST_TEST(!f.client_port().has_value());
  BOOST_TEST(!f.accept(ip_address::v4(10, 0, 0, 1), 6000)); // a stranger pins nothing
  BOOST_TEST(!f.client_port().has_value());
  BOOST_TEST(f.accept(loopback, 6001));
  BOOST_TEST(*f.client_port() == 6001);
  BOOST_TEST(f.accept(loopback, 6001));
  BOOST_TEST(!f.accept(loopback, 6002));
}

BOOST_AUTO_TEST_CASE(association_drops_in_order) {
  udp_association a{loopback, 0, 4};
  auto good = hex("00 00 00 01 64 40 00 05 00 35 01 02");
  // A stranger is dropped before parsing.
  auto r = a.on_client_datagram(ip_address::v4(10, 0, 0, 1), 7000, good);
  BOOST_TEST(std::get<udp_errc>(r) == udp_errc::wrong_source);
  // The client's malformed or oversize datagrams are dropped and pin nothing.
  r = a.on_client_datagram(loopback, 7001, hex("00 00 01 01 64 40 00 05 00 35"));
  BOOST_TEST(std::get<udp_errc>(r) == udp_errc::fragmented);
  r = a.on_client_datagram(loopback, 7001, hex("00 00 00 01 64 40 00 05 00 35 01 02 03 04 05"));
  BOOST_TEST(std::get<udp_errc>(r) == udp_errc::too_large);
  BOOST_TEST(!a.filter().client_port().has_value());
  // Replies cannot go anywhere yet.
  BOOST_TEST(!a.on_overlay_datagram(ip_address::v4(100, 64, 0, 5), 53, hex("aa")).has_value());
  // The first good one pins the port.
  r = a.on_client_datagram(loopback, 7001, good);
  BOOST_REQUIRE(std::holds_alternative<udp_datagram>(r));
  BOOST_TEST(std::get<udp_datagram>(r).dst.to_string() == "100.64.0.5:53");
  BOOST_TEST(*a.filter().client_port() == 7001);
  r = a.on_client_datagram(loopback, 7002, good);
  BOOST_TEST(std::get<udp_errc>(r) == udp_errc::wrong_source);
  // Replies are wrapped; oversize ones dropped.
  auto back = a.on_overlay_datagram(ip_address::v4(100, 64, 0, 5), 53, hex("aa bb"));
  BOOST_REQUIRE(back.has_value());
  BOOST_TEST(to_hex(*back) == "00000001644000050035aabb");
  BOOST_TEST(!a.on_overlay_datagram(ip_address::v4(100, 64, 0, 5), 53, hex("01 02 03 04 05")));
}

BOOST_AUTO_TEST_CASE(errc_names) {
  BOOST_TEST(to_string(udp_errc::fragmented) == "fragmented");
  BOOST_TEST(to_string(udp_errc::wrong_source) == "wrong_source");
  BOOST_TEST(static_cast<int>(udp_errc::too_short) == 1);
}

BOOST_AUTO_TEST_SUITE_END()
