// Inner packet sanity of wireguard/ip_packet.hpp: versions, header and total lengths, padding.
#include <boost/test/unit_test.hpp>

#include "tests/wireguard/packets.hpp"
#include "wireguard/ip_packet.hpp"

using namespace tsnode;
using namespace tsnode::wireguard;

BOOST_AUTO_TEST_SUITE(wireguard_ip_packet)

BOOST_AUTO_TEST_CASE(ipv4) {
  auto p = test::ipv4_packet("10.0.0.1", "10.0.0.2", 13);
  auto h = parse_ip_header(p);
  BOOST_REQUIRE(h);
  BOOST_TEST(h->source.to_string() == "10.0.0.1");
  BOOST_TEST(h->destination.to_string() == "10.0.0.2");
  BOOST_TEST(h->length == 33u);
  p.resize(48, 0); // WireGuard padding after the packet is fine
  BOOST_TEST(parse_ip_header(p)->length == 33u);
  auto shorter = p;
  store_be16(shorter.data() + 2, 19); // total length below the header
  BOOST_TEST(!parse_ip_header(shorter));
  auto longer = p;
  store_be16(longer.data() + 2, 49); // beyond the bytes we have
  BOOST_TEST(!parse_ip_header(longer));
  auto ihl = p;
  ihl[0] = 0x44; // IHL 4 words
  BOOST_TEST(!parse_ip_header(ihl));
  BOOST_TEST(!parse_ip_header(byte_view{p}.first(19)));
}

BOOST_AUTO_TEST_CASE(ipv6) {
  auto p = test::ipv6_packet("fd00::1", "fd00::2", 8);
  auto h = parse_ip_header(p);
  BOOST_REQUIRE(h);
  BOOST_TEST(h->source.to_string() == "fd00::1");
  BOOST_TEST(h->length == 48u);
  BOOST_TEST(!parse_ip_header(byte_view{p}.first(47)));
  BOOST_TEST(!parse_ip_header(byte_view{p}.first(39)));
}

BOOST_AUTO_TEST_CASE(other_versions) {
  for (std::uint8_t v : {0x00, 0x50, 0x70, 0xf0}) {
    byte_buffer p(60, 0);
    p[0] = v;
    BOOST_TEST(!parse_ip_header(p));
  }
  BOOST_TEST(!parse_ip_header(byte_view{}));
}

BOOST_AUTO_TEST_SUITE_END()
