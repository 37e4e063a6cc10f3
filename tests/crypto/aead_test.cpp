#include <boost/test/unit_test.hpp>

#include "crypto/aead.hpp"
#include "tests/support/hex.hpp"

using namespace tsnode;
using namespace tsnode::crypto;
using tsnode::test::hex;
using tsnode::test::hex_array;
using tsnode::test::hex_of;

namespace {

key32 rfc8439_key() {
  byte_array<32> k;
  for (int i = 0; i < 32; ++i)
    k[i] = static_cast<std::uint8_t>(0x80 + i);
  return key32{k};
}
constexpr std::string_view sunscreen = "Ladies and Gentlemen of the class of '99: If I could offer "
                                       "you only one tip for the future, sunscreen would be it.";
// RFC 8439 §2.8.2: ciphertext then tag.
const char* rfc8439_sealed
  = "d31a8d34648e60db7b86afbc53ef7ec2a4aded51296e08fea9e2b5a736ee62d63dbea45e8ca9671282fafb69da9272"
    "8b1a71de0a9e060b2905d6a5b67ecd3b3692ddbd7f2d778b8c9803aee328091b58fab324e4fad675945585808b4831"
    "d7bc3ff4def08e4b7a9de576d26586cec64b6116"
    "1ae10b594f09e26a7e902ecbd0600691";

} // namespace

BOOST_AUTO_TEST_SUITE(crypto_aead)

// RFC 8439 §2.8.2: nonce 07000000 4041424344454647, AAD 50515253c0c1c2c3c4c5c6c7.
BOOST_AUTO_TEST_CASE(rfc8439_section_2_8_2) {
  auto nonce = hex_array<12>("070000004041424344454647");
  auto ad = hex("50515253c0c1c2c3c4c5c6c7");
  auto sealed = seal(rfc8439_key(), nonce, ad, as_bytes(sunscreen));
  BOOST_TEST(hex_of(sealed) == rfc8439_sealed);

  byte_buffer opened(sunscreen.size());
  BOOST_REQUIRE(open(rfc8439_key(), nonce, ad, sealed, opened));
  BOOST_CHECK(std::equal(opened.begin(), opened.end(), sunscreen.begin()));
}

BOOST_AUTO_TEST_CASE(tampering_is_rejected) {
  auto nonce = hex_array<12>("070000004041424344454647");
  auto ad = hex("50515253c0c1c2c3c4c5c6c7");
  auto sealed = hex(rfc8439_sealed);
  byte_buffer out(sealed.size() - aead_tag_size);
  for (std::size_t i : {std::size_t{0}, sealed.size() / 2, sealed.size() - 1}) {
    auto bad = sealed;
    bad[i] ^= 0x01;
    BOOST_CHECK(!open(rfc8439_key(), nonce, ad, bad, out));
  }
  auto bad_ad = ad;
  bad_ad[0] ^= 1;
  BOOST_CHECK(!open(rfc8439_key(), nonce, bad_ad, sealed, out));
  BOOST_CHECK(!open(rfc8439_key(), nonce_le64(1), ad, sealed, out));
  // Shorter than a tag: refused, not read out of bounds.
  byte_buffer none;
  BOOST_CHECK(!open(rfc8439_key(), nonce, ad, byte_view{sealed.data(), 15}, none));
}

BOOST_AUTO_TEST_CASE(nonce_layouts) {
  BOOST_TEST(hex_of(nonce_le64(0x0102030405060708)) == "000000000807060504030201");
  BOOST_TEST(hex_of(nonce_be64(0x0102030405060708)) == "000000000102030405060708");
  BOOST_TEST(hex_of(nonce_le64(1)) != hex_of(nonce_be64(1)));
}

BOOST_AUTO_TEST_CASE(in_place_seal_and_open) {
  byte_buffer buf(64 + aead_tag_size, 0xab);
  byte_buffer copy(buf.begin(), buf.begin() + 64);
  seal(rfc8439_key(), nonce_le64(7), {}, byte_view{buf.data(), 64}, buf);
  BOOST_REQUIRE(open(rfc8439_key(), nonce_le64(7), {}, buf, std::span{buf.data(), 64}));
  BOOST_CHECK(std::equal(copy.begin(), copy.end(), buf.begin()));
}

BOOST_AUTO_TEST_CASE(xchacha_round_trip_and_tamper) {
  xaead_nonce n;
  n.fill(0x24);
  auto msg = as_bytes("cookie");
  byte_buffer sealed(msg.size() + aead_tag_size);
  xseal(rfc8439_key(), n, as_bytes("ad"), msg, sealed);
  byte_buffer out(msg.size());
  BOOST_REQUIRE(xopen(rfc8439_key(), n, as_bytes("ad"), sealed, out));
  BOOST_CHECK(std::equal(out.begin(), out.end(), msg.begin()));
  sealed[0] ^= 0x80;
  BOOST_CHECK(!xopen(rfc8439_key(), n, as_bytes("ad"), sealed, out));
}

BOOST_AUTO_TEST_SUITE_END()
