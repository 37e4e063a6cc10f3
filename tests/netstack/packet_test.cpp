#include <boost/test/unit_test.hpp>

#include "netstack/packet.hpp"

using namespace tsnode::netstack;

BOOST_AUTO_TEST_SUITE(netstack_packet)

// RFC 1071 §3 worked example: 00 01 f2 03 f4 f5 f6 f7 sums to ddf2 (checksum 220d).
BOOST_AUTO_TEST_CASE(rfc1071_example) {
  std::vector<std::uint8_t> d{0x00, 0x01, 0xf2, 0x03, 0xf4, 0xf5, 0xf6, 0xf7};
  BOOST_CHECK_EQUAL(checksum_add(d), 0xddf2u);
  BOOST_CHECK_EQUAL(checksum_finish(checksum_add(d)), 0x220du);
}

BOOST_AUTO_TEST_CASE(built_packets_parse_back_and_verify) {
  tcp_segment s{ip_address::v4(10, 0, 0, 1),
                ip_address::v4(10, 0, 0, 2),
                1234,
                80,
                7,
                9,
                tcp_flags::syn,
                1000,
                {2, 4, 0x05, 0xb4, 3, 3, 6},
                {'x'}};
  auto pkt = build_tcp(s);
  auto ip = parse_ip(pkt);
  BOOST_REQUIRE(ip);
  BOOST_CHECK_EQUAL(checksum_finish(checksum_add({pkt.data(), 20})), 0); // header verifies
  auto t = parse_tcp(ip->payload);
  BOOST_REQUIRE(t);
  BOOST_CHECK_EQUAL(t->src_port, 1234);
  BOOST_CHECK_EQUAL(t->seq, 7u);
  BOOST_CHECK_EQUAL(t->mss().value_or(0), 1460);
  BOOST_CHECK_EQUAL(t->window_scale().value_or(0), 6);
  BOOST_CHECK_EQUAL(t->payload.size(), 1u);

  auto u6 = build_udp(*ip_address::parse("fd00::1"), 5, *ip_address::parse("fd00::2"), 6,
                      std::vector<std::uint8_t>{1, 2, 3});
  auto ip6 = parse_ip(u6);
  BOOST_REQUIRE(ip6 && ip6->src.v6);
  auto u = parse_udp(ip6->payload);
  BOOST_REQUIRE(u);
  BOOST_CHECK_EQUAL(u->payload.size(), 3u);
}

BOOST_AUTO_TEST_CASE(inconsistent_headers_are_rejected) {
  auto pkt = build_udp(ip_address::v4(1, 2, 3, 4), 1, ip_address::v4(5, 6, 7, 8), 2, {});
  BOOST_CHECK(parse_ip(std::span{pkt}.first(19)) == std::nullopt);
  auto longer = pkt;
  longer[3] = 200; // total length beyond the bytes
  BOOST_CHECK(parse_ip(longer) == std::nullopt);
  auto bad_ihl = pkt;
  bad_ihl[0] = 0x44;
  BOOST_CHECK(parse_ip(bad_ihl) == std::nullopt);
  auto bad_version = pkt;
  bad_version[0] = 0x55;
  BOOST_CHECK(parse_ip(bad_version) == std::nullopt);
  // Trailing bytes past the total length are trimmed, not delivered.
  auto padded = pkt;
  padded.resize(pkt.size() + 5, 0xee);
  auto ip = parse_ip(padded);
  BOOST_REQUIRE(ip);
  BOOST_CHECK_EQUAL(ip->total_length, pkt.size());
}

BOOST_AUTO_TEST_CASE(ip_text_forms) {
  BOOST_CHECK(ip_address::parse("100.64.0.1").has_value());
  BOOST_CHECK(!ip_address::parse("100.64.1").has_value());
  BOOST_CHECK(!ip_address::parse("0x64.1.1.1").has_value());
  BOOST_CHECK(!ip_address::parse("").has_value());
  BOOST_CHECK_EQUAL(ip_address::parse("FD7A:115C:A1E0:0:0:0:0:1")->to_string(),
                    "fd7a:115c:a1e0::1");
  auto p = ip_prefix::parse("10.99.0.0/24");
  BOOST_REQUIRE(p);
  BOOST_CHECK(p->contains(ip_address::v4(10, 99, 0, 200)));
  BOOST_CHECK(!p->contains(ip_address::v4(10, 99, 1, 1)));
  BOOST_CHECK(!ip_prefix::parse("10.0.0.0/33"));
  BOOST_CHECK(ip_prefix::parse("::/0")->contains(*ip_address::parse("fd00::1")));
}

BOOST_AUTO_TEST_SUITE_END()
