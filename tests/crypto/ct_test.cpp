#include <boost/test/unit_test.hpp>

#include "crypto/ct.hpp"
#include "crypto/random.hpp"

using namespace tsnode;
using namespace tsnode::crypto;

BOOST_AUTO_TEST_SUITE(crypto_ct)

BOOST_AUTO_TEST_CASE(equal_and_unequal) {
  BOOST_CHECK(ct_equal(as_bytes("0123456789abcdef"), as_bytes("0123456789abcdef")));
  BOOST_CHECK(!ct_equal(as_bytes("0123456789abcdef"), as_bytes("0123456789abcdeF")));
  BOOST_CHECK(!ct_equal(as_bytes("x123456789abcdef"), as_bytes("0123456789abcdef")));
  BOOST_CHECK(!ct_equal(as_bytes("short"), as_bytes("shorter")));
  BOOST_CHECK(ct_equal(as_bytes(""), as_bytes("")));
  BOOST_CHECK(ct_is_zero(byte_array<8>{}));
  BOOST_CHECK(!ct_is_zero(byte_array<8>{0, 0, 0, 1}));
}

BOOST_AUTO_TEST_CASE(system_random_fills_and_uniform_stays_in_range) {
  byte_array<32> a{}, b{};
  system_random::instance().fill(a);
  system_random::instance().fill(b);
  BOOST_CHECK(a != b); // 2^-256 chance of a false failure
  for (int i = 0; i < 1000; ++i)
    BOOST_CHECK_LT(system_random::instance().uniform(7), 7u);
}

BOOST_AUTO_TEST_SUITE_END()
