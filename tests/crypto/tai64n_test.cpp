#include <boost/test/unit_test.hpp>

#include "crypto/tai64n.hpp"
#include "tests/support/hex.hpp"

using namespace tsnode::crypto;
using tsnode::test::hex_of;

BOOST_AUTO_TEST_SUITE(crypto_tai64n)

// TAI64N of the UNIX epoch is label 2^62 + 10 (cr.yp.to/libtai/tai64.html: "2^62+10 = 1970-01-01
// 00:00:00 TAI"), then nanoseconds.
BOOST_AUTO_TEST_CASE(epoch_and_layout) {
  BOOST_TEST(hex_of(make_tai64n(0, 0)) == "400000000000000a00000000");
  BOOST_TEST(hex_of(make_tai64n(1, 0)) == "400000000000000b00000000");
}

// Nanoseconds are rounded down to 2^24 ns, as wireguard-go's tai64n.go (whitenerMask) does.
BOOST_AUTO_TEST_CASE(nanoseconds_are_whitened) {
  BOOST_TEST(hex_of(make_tai64n(0, 0x00ffffff)) == "400000000000000a00000000");
  BOOST_TEST(hex_of(make_tai64n(0, 0x01000001)) == "400000000000000a01000000");
  BOOST_TEST(hex_of(make_tai64n(0, 999'999'999)) == "400000000000000a3b000000");
}

BOOST_AUTO_TEST_CASE(after_is_strict_time_order) {
  auto a = make_tai64n(100, 0);
  auto b = make_tai64n(100, 0x2000000);
  auto c = make_tai64n(101, 0);
  BOOST_CHECK(tai64n_after(b, a));
  BOOST_CHECK(tai64n_after(c, b));
  BOOST_CHECK(!tai64n_after(a, a)); // equal is not newer: a replayed initiation is refused
  BOOST_CHECK(!tai64n_after(a, c));
}

BOOST_AUTO_TEST_SUITE_END()
