// IP text forms of the control JSON (control/ip.hpp), as Go's net/netip parses and prints them.
#include <boost/test/unit_test.hpp>

#include "control/ip.hpp"
#include "tests/control/test_util.hpp"

using namespace tsnode::control;

BOOST_AUTO_TEST_SUITE(control_ip)

BOOST_AUTO_TEST_CASE(addresses_round_trip_in_canonical_form) {
  struct c {
    const char* in;
    const char* out;
  };
  for (auto [in, out] : {
         c{"100.64.0.1", "100.64.0.1"},
         c{"0.0.0.0", "0.0.0.0"},
         c{"255.255.255.255", "255.255.255.255"},
         c{"fd7a:115c:a1e0::1", "fd7a:115c:a1e0::1"},
         c{"FD7A:115C:A1E0:0:0:0:0:53", "fd7a:115c:a1e0::53"},
         c{"::", "::"},
         c{"::1", "::1"},
         c{"1::", "1::"},
         c{"1:0:0:2:0:0:0:3", "1:0:0:2::3"},      // the longest zero run
         c{"1:0:0:2:0:0:3:4", "1::2:0:0:3:4"},    // the first of equal runs
         c{"1:2:3:4:5:6:7:0", "1:2:3:4:5:6:7:0"}, // a single zero group is not compressed
         c{"::ffff:1.2.3.4", "::ffff:102:304"},
         c{"2001:db8::0102:0304", "2001:db8::102:304"},
       }) {
    auto a = ip_address::parse(in);
    BOOST_REQUIRE_MESSAGE(a, in);
    BOOST_TEST(a->to_string() == out);
  }
}

BOOST_AUTO_TEST_CASE(bad_addresses_are_refused) {
  for (auto in : {"", "1.2.3", "1.2.3.4.5", "256.1.1.1", "01.2.3.4", "1.2.3.-4", "1..2.3",
                  "1.2.3.4 ", ":::", "1::2::3", "1:2:3:4:5:6:7:8:9", "1:2:3:4:5:6:7::8",
                  "12345::", "g::", "fe80::1%eth0", "1.2.3.4::", "::1.2.3", ":1::", "1::2:"})
    BOOST_TEST(!ip_address::parse(in), in);
  BOOST_TEST(ip_address::parse("1:2:3:4:5:6:7::")); // :: stands for one group
}

BOOST_AUTO_TEST_CASE(prefixes) {
  auto p = ip_prefix::parse("100.64.0.0/10");
  BOOST_REQUIRE(p);
  BOOST_TEST(p->bits == 10);
  BOOST_TEST(p->contains(*ip_address::parse("100.127.255.255")));
  BOOST_TEST(!p->contains(*ip_address::parse("100.128.0.0")));
  BOOST_TEST(!p->contains(*ip_address::parse("::ffff:100.64.0.1")));
  BOOST_TEST(ip_prefix::parse("10.0.0.1/8")->to_string() == "10.0.0.1/8"); // not masked
  BOOST_TEST(
    ip_prefix::parse("fd7a:115c:a1e0::/48")->contains(*ip_address::parse("fd7a:115c:a1e0:ab::1")));
  BOOST_TEST(ip_prefix::parse("::/0")->contains(*ip_address::parse("2001:db8::1")));
  for (auto in : {"1.2.3.4", "1.2.3.4/", "1.2.3.4/33", "1.2.3.4/08", "::/129", "/8", "1.2.3.4/-1"})
    BOOST_TEST(!ip_prefix::parse(in), in);
}

BOOST_AUTO_TEST_CASE(address_ports) {
  BOOST_TEST(ip_port::parse("1.2.3.4:41641")->to_string() == "1.2.3.4:41641");
  BOOST_TEST(ip_port::parse("[2001:DB8::1]:443")->to_string() == "[2001:db8::1]:443");
  BOOST_TEST(ip_port::parse("[fe80::1%eth0]:5")->to_string() == "[fe80::1]:5");
  BOOST_TEST(ip_port::parse("1.2.3.4:0080")->port == 80);
  for (auto in : {"1.2.3.4", "1.2.3.4:", "1.2.3.4:65536", "[1.2.3.4]:5", "::1:5", "[::1]", "[::1]5",
                  ":5", "[]:5", "[::1%]:5"})
    BOOST_TEST(!ip_port::parse(in), in);
}

BOOST_AUTO_TEST_SUITE_END()
