// Address parsing and printing (RFC 4291 §2.2, RFC 5952) against proxy/address.hpp.
#include <boost/test/unit_test.hpp>

#include "proxy/address.hpp"
#include "proxy/credentials.hpp"
#include "tests/proxy/conversation.hpp"

using namespace tsnode;
using namespace tsnode::proxy;
using namespace tsnode::test;

BOOST_AUTO_TEST_SUITE(proxy_address)

BOOST_AUTO_TEST_CASE(ipv4_parse) {
  auto a = ip_address::parse("100.64.0.1");
  BOOST_REQUIRE(a.has_value());
  BOOST_TEST(a->is_v4());
  BOOST_TEST(to_hex(a->bytes()) == "64400001");
  BOOST_TEST(ip_address::parse("0.0.0.0")->is_unspecified());
  BOOST_TEST(ip_address::parse("255.255.255.255").has_value());
  for (std::string bad :
       {"", "1", "1.2.3", "1.2.3.4.", ".1.2.3.4", "1.2.3.4.5", "256.0.0.1", "01.2.3.4", "1.2.3.04",
        "1..2.3", "1.2.3.-4", "1.2.3.4 ", " 1.2.3.4", "1.2.3.1000", "0x1.2.3.4", "1.2.3.4/8"}) {
    BOOST_TEST(!ip_address::parse(bad).has_value(), "'" << bad << "' should not parse");
  }
}

BOOST_AUTO_TEST_CASE(ipv6_parse_and_rfc5952_print) {
  struct row {
    std::string in;
    std::string out;
  };
  for (const auto& r :
       std::vector<row>{{"::", "::"},
                        {"::1", "::1"},
                        {"1::", "1::"},
                        {"fd7a:115c:a1e0::1", "fd7a:115c:a1e0::1"},
                        {"FD7A:115C:A1E0:0000:0000:0000:0000:0001", "fd7a:115c:a1e0::1"},
                        // RFC 5952 §4.2.2: a single zero group is not compressed.
                        {"2001:db8:0:1:1:1:1:1", "2001:db8:0:1:1:1:1:1"},
                        // §4.2.3: the longest run is compressed; the first on a tie.
                        {"2001:0:0:1:0:0:0:1", "2001:0:0:1::1"},
                        {"2001:db8:0:0:1:0:0:1", "2001:db8::1:0:0:1"},
                        {"1:2:3:4:5:6:7:8", "1:2:3:4:5:6:7:8"},
                        {"1:2:3:4:5:6:7::", "1:2:3:4:5:6:7:0"},
                        {"::2:3:4:5:6:7:8", "0:2:3:4:5:6:7:8"},
                        // §5: IPv4-mapped addresses keep their dotted quad.
                        {"::ffff:100.64.0.1", "::ffff:100.64.0.1"},
                        {"::FFFF:6440:1", "::ffff:100.64.0.1"},
                        {"64:ff9b::1.2.3.4", "64:ff9b::102:304"},
                        {"1:2:3:4:5:6:1.2.3.4", "1:2:3:4:5:6:102:304"}}) {
    BOOST_TEST_CONTEXT(r.in) {
      auto a = ip_address::parse(r.in);
      BOOST_REQUIRE(a.has_value());
      BOOST_TEST(!a->is_v4());
      BOOST_TEST(a->to_string() == r.out);
      BOOST_TEST((ip_address::parse(a->to_string()) == a));
    }
  }
  for (std::string bad :
       {":", ":::", "1:::2", "1::2::3", ":1::2", "1::2:", "1:2:3:4:5:6:7", "1:2:3:4:5:6:7:8:9",
        "1:2:3:4:5:6:7:8::", "12345::", "g::", "::1.2.3", "::1.2.3.4:1", "1:2:3:4:5:6:7:1.2.3.4",
        "fe80::1%eth0", "[::1]", "::01.2.3.4", "1:2:3:4:5:6:7:8:"}) {
    BOOST_TEST(!ip_address::parse(bad).has_value(), "'" << bad << "' should not parse");
  }
}

BOOST_AUTO_TEST_CASE(predicates) {
  BOOST_TEST(ip_address::v4(127, 1, 2, 3).is_loopback());
  BOOST_TEST(ip_address::parse("::1")->is_loopback());
  BOOST_TEST(!ip_address::parse("::2")->is_loopback());
  BOOST_TEST(ip_address::parse("::")->is_unspecified());
  BOOST_TEST((ip_address::parse("::ffff:127.0.0.1")->unmapped() == ip_address::v4(127, 0, 0, 1)));
  BOOST_TEST((ip_address::parse("::1")->unmapped() == *ip_address::parse("::1")));
  BOOST_TEST((ip_address{} == ip_address::v4(0, 0, 0, 0)));
  BOOST_TEST(!(ip_address::v4(0, 0, 0, 0) == *ip_address::parse("::")));
}

BOOST_AUTO_TEST_CASE(destinations_from_text) {
  auto name = make_destination("peer", 22);
  BOOST_REQUIRE(name.has_value());
  BOOST_TEST(name->is_name());
  BOOST_TEST(name->to_string() == "peer:22");
  auto v6 = make_destination("[::1]", 443);
  BOOST_REQUIRE(v6.has_value());
  BOOST_TEST(v6->to_string() == "[::1]:443");
  BOOST_TEST(v6->atyp == address_type::domain);
  BOOST_TEST(make_destination("bücher.example", 80).has_value()); // UTF-8 passes to the resolver
  for (std::string bad : {std::string{}, std::string(256, 'a'), std::string{"a b"},
                          std::string{"a\tb"}, std::string{"a\x7f"}, std::string{"a\0b", 3},
                          std::string{"\xc3\x28"}, std::string{"\xed\xa0\x80"}, std::string{"[a]"},
                          std::string{"[::1"}, std::string{"::1]"}, std::string{"[1.2.3.4]"}}) {
    BOOST_TEST(!make_destination(bad, 1).has_value(), "'" << to_hex(text_bytes(bad)) << "'");
  }
  BOOST_TEST(make_destination(ip_address::v4(1, 2, 3, 4), 5).atyp == address_type::ipv4);
}

BOOST_AUTO_TEST_CASE(utf8) {
  BOOST_TEST(is_valid_utf8(""));
  BOOST_TEST(is_valid_utf8("plain"));
  BOOST_TEST(is_valid_utf8("\xc3\xa9\xe2\x82\xac\xf0\x9f\x98\x80"));
  BOOST_TEST(!is_valid_utf8("\x80"));
  BOOST_TEST(!is_valid_utf8("\xc0\x80"));         // overlong NUL
  BOOST_TEST(!is_valid_utf8("\xe0\x80\xaf"));     // overlong '/'
  BOOST_TEST(!is_valid_utf8("\xed\xa0\x80"));     // surrogate
  BOOST_TEST(!is_valid_utf8("\xf4\x90\x80\x80")); // > U+10FFFF
  BOOST_TEST(!is_valid_utf8("\xe2\x82"));         // truncated
  BOOST_TEST(!is_valid_utf8("\xf8\x88\x80\x80\x80"));
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(proxy_credentials)

BOOST_AUTO_TEST_CASE(ct_equal_compares_whole_strings) {
  BOOST_TEST(ct_equal("", ""));
  BOOST_TEST(ct_equal(test_password, test_password));
  BOOST_TEST(!ct_equal(test_password, "0123456789abcdef0123456789abcdeF"));
  BOOST_TEST(!ct_equal("x123456789abcdef0123456789abcdef", test_password));
  BOOST_TEST(!ct_equal(test_password.substr(0, 31), test_password));
  BOOST_TEST(!ct_equal(test_password + "0", test_password));
  BOOST_TEST(!ct_equal("", test_password));
  BOOST_TEST(!ct_equal(test_password, ""));
  // A prefix repeated is not the secret (the loop wraps around the shorter string).
  BOOST_TEST(!ct_equal("abab", "ab"));
}

BOOST_AUTO_TEST_CASE(credentials_check_user_and_password) {
  credentials c{test_password};
  BOOST_TEST(c("tsnet", test_password));
  BOOST_TEST(!c("tsnet ", test_password));
  BOOST_TEST(!c("TSNET", test_password));
  BOOST_TEST(!c("tsnet", ""));
  BOOST_TEST(!c("", test_password));
  credentials other{"alice", "pw"};
  BOOST_TEST(other("alice", "pw"));
  BOOST_TEST(!other("tsnet", "pw"));
  credential_check as_function = c; // what the sessions take
  BOOST_TEST(as_function("tsnet", test_password));
}

BOOST_AUTO_TEST_SUITE_END()
