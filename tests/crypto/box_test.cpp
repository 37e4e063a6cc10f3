#include <boost/test/unit_test.hpp>

#include "crypto/box.hpp"
#include "crypto/x25519.hpp"
#include "tests/support/hex.hpp"

using namespace tsnode;
using namespace tsnode::crypto;
using tsnode::test::filled;
using tsnode::test::hex;
using tsnode::test::hex_of;

// ../shared/vectors/ts2021-derp-disco.txt, "== disco": sender disco priv 0a×32, recipient
// 0b×32, Ping TxID 01..0c with node key 50a6…495d, nonce 0c×24. Derived for this project with
// standard libraries (tailscale-protocol.md §9.2); the packet is "TS💬" || sender pub || nonce ||
// box.
namespace {
const char* disco_packet
  = "5453f09f92acf77ff4b10788bfdca62ca0bb160d427cf5762d85f2b5cad6807ec9c3febbde090c0c0c0c0c0c0c0c0c"
    "0c0c0c0c0c0c0c0c0c0c0c0c0c0c0c4d193a47baafb8cd46a793e14cd13b2f66348d83659a73e5e22b6b1e66a012d"
    "211761fd0f8d41897987873c16df7f1eb38443e6a380e8fae175ba0676bf5";
const char* ping_plaintext
  = "01000102030405060708090a0b0c50a61409b1ddd0325e9b16b700e719e9772c07000b1bd7786e907c653d20495d";
} // namespace

BOOST_AUTO_TEST_SUITE(crypto_box)

BOOST_AUTO_TEST_CASE(disco_vector_precomputed) {
  secret<32> sender{filled<32>(0x0a)};
  secret<32> recipient{filled<32>(0x0b)};
  auto sender_pub = x25519_public(sender);
  auto recipient_pub = x25519_public(recipient);
  BOOST_TEST(hex_of(sender_pub)
             == "f77ff4b10788bfdca62ca0bb160d427cf5762d85f2b5cad6807ec9c3febbde09");
  BOOST_TEST(hex_of(recipient_pub)
             == "73b2d8b76aa9b53660032bc8f5d8bee3a3ae4e3b3a7fd49ade81f7347a34aa68");
  auto shared = box_precompute(recipient_pub, sender);
  BOOST_REQUIRE(shared);
  BOOST_TEST(hex_of(shared->view())
             == "e363947cf5ac235f5d719258f63cb77002231abd6503372f76b118fe1e81d157");

  auto nonce = filled<24>(0x0c);
  auto sealed = box_seal_afternm(nonce, *shared, hex(ping_plaintext));
  auto packet = hex(disco_packet);
  byte_view tail{packet.data() + 6 + 32 + 24, packet.size() - 6 - 32 - 24};
  BOOST_TEST(hex_of(sealed) == hex_of(tail));
  BOOST_CHECK_EQUAL(packet.size(), 124u);

  // The recipient opens it with its own precomputation.
  auto shared_r = box_precompute(sender_pub, recipient);
  BOOST_REQUIRE(shared_r);
  auto opened = box_open_afternm(nonce, *shared_r, tail);
  BOOST_REQUIRE(opened);
  BOOST_TEST(hex_of(*opened) == ping_plaintext);
}

BOOST_AUTO_TEST_CASE(box_easy_matches_precomputed_and_rejects_tampering) {
  secret<32> sender{filled<32>(0x0a)};
  secret<32> recipient{filled<32>(0x0b)};
  auto nonce = filled<24>(0x0c);
  auto boxed = box_seal(nonce, x25519_public(recipient), sender, hex(ping_plaintext));
  BOOST_REQUIRE(boxed);
  auto packet = hex(disco_packet);
  BOOST_TEST(hex_of(*boxed) == hex_of(byte_view{packet.data() + 62, packet.size() - 62}));
  auto opened = box_open(nonce, x25519_public(sender), recipient, *boxed);
  BOOST_REQUIRE(opened);
  (*boxed)[20] ^= 1;
  BOOST_CHECK(!box_open(nonce, x25519_public(sender), recipient, *boxed));
  BOOST_CHECK(!box_open(nonce, x25519_public(sender), recipient, byte_view{boxed->data(), 15}));
}

BOOST_AUTO_TEST_SUITE_END()
