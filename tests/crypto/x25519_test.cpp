#include <boost/test/unit_test.hpp>

#include "crypto/x25519.hpp"
#include "tests/support/hex.hpp"

using namespace tsnode;
using namespace tsnode::crypto;
using tsnode::test::hex_array;
using tsnode::test::hex_of;

BOOST_AUTO_TEST_SUITE(crypto_x25519)

// RFC 7748 §6.1 (Alice and Bob).
BOOST_AUTO_TEST_CASE(rfc7748_section_6_1) {
  secret<32> alice{
    hex_array<32>("77076d0a7318a57d3c16c17251b26645df4c2f87ebc0992ab177fba51db92c2a")};
  secret<32> bob{hex_array<32>("5dab087e624a8a4b79e17f8b83800ee66f3bb1292618b6fd1c2f8b27ff88e0eb")};
  auto alice_pub = x25519_public(alice);
  auto bob_pub = x25519_public(bob);
  BOOST_TEST(hex_of(alice_pub)
             == "8520f0098930a754748b7ddcb43ef75a0dbf3a0d26381af4eba4a98eaa9b4e6a");
  BOOST_TEST(hex_of(bob_pub) == "de9edb7d7b7dc1b4d35b61c2ece435373f8343c85b78674dadfc7e146f882b4f");
  auto k1 = x25519(alice, bob_pub);
  auto k2 = x25519(bob, alice_pub);
  BOOST_REQUIRE(k1 && k2);
  BOOST_TEST(hex_of(k1->view())
             == "4a5d9d5ba4ce2de1728e3bf480350f25e07e21c947d19e3376f09b3c1e161742");
  BOOST_TEST(hex_of(k2->view()) == hex_of(k1->view()));
}

// RFC 7748 §6.1: "check that the result is not the all-zero value"; the zero point and a
// low-order point (order 8, from the list in the Curve25519 paper's "Which public keys" FAQ) both
// give it.
BOOST_AUTO_TEST_CASE(all_zero_shared_secret_is_rejected) {
  secret<32> k{hex_array<32>("77076d0a7318a57d3c16c17251b26645df4c2f87ebc0992ab177fba51db92c2a")};
  BOOST_CHECK(!x25519(k, byte_array<32>{}));
  auto low_order
    = hex_array<32>("e0eb7a7c3b41b8ae1656e3faf19fc46ada098deb9c32b1fd866205165f49b800");
  BOOST_CHECK(!x25519(k, low_order));
}

BOOST_AUTO_TEST_CASE(clamp_sets_the_rfc7748_bits) {
  byte_array<32> b;
  b.fill(0xff);
  x25519_clamp(b);
  BOOST_CHECK_EQUAL(b[0], 0xf8);
  BOOST_CHECK_EQUAL(b[31], 0x7f);
  b.fill(0);
  x25519_clamp(b);
  BOOST_CHECK_EQUAL(b[31], 0x40);
}

BOOST_AUTO_TEST_SUITE_END()
