// Text forms and masking of wireguard/address.hpp (RFC 4291 §2.2, RFC 5952).
#include <boost/test/unit_test.hpp>

#include "wireguard/address.hpp"

using namespace tsnode;
using namespace tsnode::wireguard;

BOOST_AUTO_TEST_SUITE(wireguard_address)

BOOST_AUTO_TEST_CASE(ipv4_text) {
  auto a = ip_address::parse("100.64.0.1");
  BOOST_REQUIRE(a);
  BOOST_TEST((a->family == ip_family::v4));
  BOOST_TEST(a->to_string() == "100.64.0.1");
  BOOST_TEST((*a == ip_address::v4(100, 64, 0, 1)));
  for (auto bad : {"", "1.2.3", "1.2.3.4.5", "256.1.1.1", "1.2.3.04", "a.b.c.d", "1..2.3",
                   "1.2.3.4 ", "-1.2.3.4", "1.2.3."})
    BOOST_TEST(!ip_address::parse(bad), bad);
}

BOOST_AUTO_TEST_CASE(ipv6_text) {
  struct {
    const char* in;
    const char* out;
  } cases[] = {
    {"::", "::"},
    {"::1", "::1"},
    {"fd7a:115c:a1e0::53", "fd7a:115c:a1e0::53"},
    {"2001:DB8:0:0:0:0:0:1", "2001:db8::1"},
    {"2001:db8:0:0:1:0:0:1", "2001:db8::1:0:0:1"},
    {"1:0:0:2:0:0:0:3", "1:0:0:2::3"},
    {"1:2:3:4:5:6:7:8", "1:2:3:4:5:6:7:8"},
    {"1:0:3:4:5:6:7:8", "1:0:3:4:5:6:7:8"},
    {"::ffff:1.2.3.4", "::ffff:102:304"},
    {"1::", "1::"},
  };
  for (auto& c : cases) {
    auto a = ip_address::parse(c.in);
    BOOST_REQUIRE_MESSAGE(a, c.in);
    BOOST_TEST(a->to_string() == c.out);
    BOOST_TEST((ip_address::parse(a->to_string()) == a));
  }
  for (auto bad : {":", ":::", "1:::2", "1::2::3", "1:2:3:4:5:6:7", "1:2:3:4:5:6:7:8:9",
                   "12345::", "g::", "1::2:3:4:5:6:7:8", "::1.2.3", ":1", "1:"})
    BOOST_TEST(!ip_address::parse(bad), bad);
}

BOOST_AUTO_TEST_CASE(prefixes_mask_host_bits) {
  auto p = ip_prefix::parse("10.1.2.3/8");
  BOOST_REQUIRE(p);
  BOOST_TEST(p->to_string() == "10.0.0.0/8");
  BOOST_TEST(p->contains(*ip_address::parse("10.255.0.1")));
  BOOST_TEST(!p->contains(*ip_address::parse("11.0.0.1")));
  BOOST_TEST(!p->contains(*ip_address::parse("::a00:1")));
  BOOST_TEST(ip_prefix::parse("fd7a:115c:a1e0:ab12::1/48")->to_string() == "fd7a:115c:a1e0::/48");
  BOOST_TEST(ip_prefix::parse("1.2.3.4")->bits == 32);
  BOOST_TEST(ip_prefix::parse("0.0.0.0/0")->contains(*ip_address::parse("8.8.8.8")));
  BOOST_TEST(!ip_prefix::parse("1.2.3.4/33"));
  BOOST_TEST(!ip_prefix::parse("::/129"));
  BOOST_TEST(!ip_prefix::parse("1.2.3.4/"));
  BOOST_TEST(ip_prefix::parse("1.2.3.4/31")->to_string() == "1.2.3.4/31");
  BOOST_TEST(ip_prefix::parse("1.2.3.5/31")->to_string() == "1.2.3.4/31");
}

BOOST_AUTO_TEST_CASE(udp_addresses) {
  auto v4 = udp_address::parse("192.0.2.1:51820");
  BOOST_REQUIRE(v4);
  BOOST_TEST(v4->port == 51820);
  BOOST_TEST(v4->to_string() == "192.0.2.1:51820");
  auto v6 = udp_address::parse("[2001:db8::2]:443");
  BOOST_REQUIRE(v6);
  BOOST_TEST(v6->to_string() == "[2001:db8::2]:443");
  BOOST_TEST(v6->cookie_source().size == 18u);
  BOOST_TEST(v4->cookie_source().size == 6u);
  BOOST_TEST(v4->cookie_source().bytes[4] == 0xca); // 51820 = 0xca6c, big-endian
  for (auto bad : {"192.0.2.1", "192.0.2.1:", "192.0.2.1:65536", "2001:db8::2:443", "[2001:db8::2]",
                   "[1.2.3.4]:80", "[::1]80"})
    BOOST_TEST(!udp_address::parse(bad), bad);
}

BOOST_AUTO_TEST_SUITE_END()
