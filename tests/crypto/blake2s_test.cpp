#include <boost/test/unit_test.hpp>

#include "crypto/blake2s.hpp"
#include "tests/support/hex.hpp"

using namespace tsnode;
using namespace tsnode::crypto;
using tsnode::test::hex_of;

namespace {

byte_array<32> zero_to_31() {
  byte_array<32> k;
  for (int i = 0; i < 32; ++i)
    k[i] = static_cast<std::uint8_t>(i);
  return k;
}

} // namespace

BOOST_AUTO_TEST_SUITE(crypto_blake2s)

// RFC 7693 Appendix B: BLAKE2s-256("abc").
BOOST_AUTO_TEST_CASE(rfc7693_appendix_b) {
  BOOST_TEST(hex_of(blake2s(as_bytes("abc")))
             == "508c5e8c327c14e2e1a72ba34eeb452f37458b209ed63a294d999b4c86675982");
  // Split input hashes the same as the whole.
  BOOST_TEST(hex_of(blake2s({as_bytes("a"), as_bytes(""), as_bytes("bc")}))
             == hex_of(blake2s(as_bytes("abc"))));
}

// Noise_IKpsk2 initial chaining key (WireGuard paper §5.4.2: Ci = HASH(CONSTRUCTION)), as
// wireguard-go and Linux derive it; value also in dependencies.md §4.
BOOST_AUTO_TEST_CASE(noise_ikpsk2_initial_chaining_key) {
  BOOST_TEST(hex_of(blake2s(as_bytes("Noise_IKpsk2_25519_ChaChaPoly_BLAKE2s")))
             == "60e26daef327efc02ec335e2a025d2d016eb4206f87277f52d38d1988b78cd36");
}

// Keyed BLAKE2s-128 (WireGuard's MAC): Python hashlib.blake2s(b"hello", key=bytes(range(32)),
// digest_size=16), also quoted in dependencies.md §4.
BOOST_AUTO_TEST_CASE(keyed_mac16) {
  BOOST_TEST(hex_of(blake2s_mac16(zero_to_31(), {as_bytes("hel"), as_bytes("lo")}))
             == "1f946dc212a39570bc06fd378517a91e");
}

// HMAC-BLAKE2s: Python hmac.new(bytes(range(32)), b"WireGuard", hashlib.blake2s).
BOOST_AUTO_TEST_CASE(hmac_matches_python_hmac_module) {
  BOOST_TEST(hex_of(hmac_blake2s(zero_to_31(), {as_bytes("WireGuard")}))
             == "5415924543576b3f5ee867c94e1aab70586d33b32fae3fccd2c635b3e1d7198d");
}

// HMAC with a key longer than the 64-byte block hashes the key first (RFC 2104 §2).
BOOST_AUTO_TEST_CASE(hmac_long_key_is_hashed) {
  byte_buffer long_key(100, 0x61);
  auto hk = blake2s(long_key);
  BOOST_TEST(hex_of(hmac_blake2s(long_key, {as_bytes("x")}))
             == hex_of(hmac_blake2s(hk, {as_bytes("x")})));
}

// KDF outputs chain: KDF1 is KDF2's first output is KDF3's first output.
BOOST_AUTO_TEST_CASE(kdf_outputs_are_prefixes_of_each_other) {
  key32 ck{zero_to_31()};
  auto in = as_bytes("input");
  auto k1 = kdf1(ck, in);
  auto k2 = kdf2(ck, in);
  auto k3 = kdf3(ck, in);
  BOOST_TEST(hex_of(k1.view()) == hex_of(k2.first.view()));
  BOOST_TEST(hex_of(k2.first.view()) == hex_of(k3.first.view()));
  BOOST_TEST(hex_of(k2.second.view()) == hex_of(k3.second.view()));
  BOOST_TEST(hex_of(k3.third.view()) != hex_of(k3.second.view()));
  // T1 = HMAC(HMAC(ck, in), 0x01)
  auto t0 = hmac_blake2s(ck.view(), {in});
  const std::uint8_t one = 1;
  BOOST_TEST(hex_of(k1.view()) == hex_of(hmac_blake2s(t0, {byte_view{&one, 1}})));
}

BOOST_AUTO_TEST_SUITE_END()
