// Standard base64 of crypto/base64.hpp: RFC 4648 vectors, strictness, WireGuard keys, and a
// cross-check against libsodium's own codec.
#include <boost/test/unit_test.hpp>

#include <sodium.h>

#include <string>
#include <string_view>

#include "crypto/base64.hpp"
#include "crypto/keys.hpp"
#include "tests/support/hex.hpp"

using namespace tsnode;
using namespace tsnode::crypto;
using tsnode::test::hex;
using tsnode::test::hex_of;

namespace {

// wg(8) man page, "CONFIGURATION FILE FORMAT EXAMPLE" (wireguard-tools v1.0.20210914): the
// example's PrivateKey, and its public key as `wg pubkey` of that version prints it. The hex
// forms were decoded with coreutils `base64 -d | xxd -p`.
constexpr std::string_view wg_doc_private = "yAnz5TF+lXXJte14tji3zlMNq+hd2rYUIgJBgB3fBmk=";
constexpr std::string_view wg_doc_private_hex
  = "c809f3e5317e9575c9b5ed78b638b7ce530dabe85ddab614220241801ddf0669";
constexpr std::string_view wg_doc_public = "HIgo9xNzJMWLKASShiTqIybxZ0U3wGLiUeJ1PKf8ykw=";
constexpr std::string_view wg_doc_public_hex
  = "1c8828f7137324c58b2804928624ea2326f1674537c062e251e2753ca7fcca4c";

std::string text_of(const byte_buffer& b) {
  return {b.begin(), b.end()};
}

} // namespace

BOOST_AUTO_TEST_SUITE(crypto_base64)

BOOST_AUTO_TEST_CASE(rfc4648_section10_vectors) {
  // RFC 4648 §10 "Test Vectors", BASE64 column.
  struct {
    std::string_view in;
    std::string_view out;
  } cases[] = {
    {"", ""},
    {"f", "Zg=="},
    {"fo", "Zm8="},
    {"foo", "Zm9v"},
    {"foob", "Zm9vYg=="},
    {"fooba", "Zm9vYmE="},
    {"foobar", "Zm9vYmFy"},
  };
  for (auto& c : cases) {
    BOOST_TEST(base64_encode(as_bytes(c.in)) == c.out);
    auto back = base64_decode(c.out);
    BOOST_REQUIRE_MESSAGE(back, c.out);
    BOOST_TEST(text_of(*back) == c.in);
  }
}

BOOST_AUTO_TEST_CASE(whole_alphabet) {
  // 48 bytes whose 64 six-bit groups count 0..63 (checked with coreutils `base64`).
  auto bytes = hex("00108310518720928b30d38f41149351559761969b71d79f8218a39259a7a29aabb2dbaf"
                   "c31cb3d35db7e39ebbf3dfbf");
  constexpr std::string_view text
    = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  BOOST_TEST(base64_encode(bytes) == text);
  auto back = base64_decode(text);
  BOOST_REQUIRE(back);
  BOOST_TEST(hex_of(*back) == hex_of(bytes));
  BOOST_TEST(base64_encode(hex("fbefbe")) == "++++");
  BOOST_TEST(base64_encode(hex("ffffff")) == "////");
  BOOST_TEST(base64_encode(hex("fbff")) == "+/8=");
}

BOOST_AUTO_TEST_CASE(strict_decoding_rejects) {
  for (std::string_view bad : {
         "Zg",        // padding missing
         "Zg=",       // length not a multiple of 4
         "Zm8",       //
         "Z",         //
         "Zh==",      // non-canonical: pad bits of 'h' are 0001 (RFC 4648 §3.5)
         "Zm9=",      // non-canonical: pad bits of '9' are 01
         "Zg==Zg==",  // padding inside
         "Zm=v",      //
         "====",      // only padding
         "Z===",      // three pad characters
         "=Zg=",      //
         "Zm 8=",     // whitespace is not skipped
         "Zm8=\n",    //
         " Zm8=",     //
         "Zm9v-_==",  // the URL-safe alphabet (RFC 4648 §5) is another encoding
         "Zm9vYg\0=", // a NUL
         "Zm9v\xc3\xa9==",
       })
    BOOST_TEST(!base64_decode(bad), "accepted: " << bad);
  // The embedded NUL above would end a C string: check it with an explicit length too.
  BOOST_TEST(!base64_decode(std::string_view{"Zm9v\0\0==", 8}));
}

BOOST_AUTO_TEST_CASE(decode_exact_checks_the_size_and_zeroes_on_failure) {
  byte_array<3> out{1, 2, 3};
  BOOST_TEST(base64_decode_exact("Zm9v", out));
  BOOST_TEST(hex_of(out) == "666f6f");
  byte_array<2> two{9, 9};
  BOOST_TEST(!base64_decode_exact("Zm9v", two)); // decodes to 3 bytes, not 2
  BOOST_TEST(hex_of(two) == "0000");
  byte_array<3> three{9, 9, 9};
  BOOST_TEST(!base64_decode_exact("Zm9*", three)); // bad digit in the last position
  BOOST_TEST(hex_of(three) == "000000");
  std::span<std::uint8_t> none;
  BOOST_TEST(base64_decode_exact("", none));
}

BOOST_AUTO_TEST_CASE(wireguard_documentation_keys) {
  auto priv = key_from_base64(wg_doc_private);
  BOOST_REQUIRE(priv);
  BOOST_TEST(hex_of(*priv) == wg_doc_private_hex);
  BOOST_TEST(key_to_base64(*priv) == wg_doc_private);

  auto pub = key_from_base64(wg_doc_public);
  BOOST_REQUIRE(pub);
  BOOST_TEST(hex_of(*pub) == wg_doc_public_hex);
  // X25519 of the documented private key gives the public key `wg pubkey` prints.
  node_private key{*priv};
  BOOST_TEST(key_to_base64(key.public_key().bytes) == wg_doc_public);

  // The wg(8) example's peer keys decode and print back unchanged.
  for (std::string_view peer : {"xTIBA5rboUvnH4htodjb6e697QjLERt1NAB4mZqp8Dg=",
                                "TrMvSoP4jYQlY6RIzBgbssQqY3vxI2Pi+y71lOWWXX0=",
                                "gN65BkIKy1eCE9pP1wdc8ROUtkHLF2PfAqYdyYBz6EA="}) {
    auto k = key_from_base64(peer);
    BOOST_REQUIRE_MESSAGE(k, peer);
    BOOST_TEST(key_to_base64(*k) == peer);
  }
}

BOOST_AUTO_TEST_CASE(key_text_must_be_exactly_32_bytes) {
  const std::string good{wg_doc_public};
  BOOST_TEST(!key_from_base64(good.substr(0, 43)));                // '=' dropped
  BOOST_TEST(!key_from_base64(good + "="));                        // 45 characters
  BOOST_TEST(!key_from_base64(base64_encode(byte_buffer(31, 7)))); // 44 characters, 31 bytes
  BOOST_TEST(!key_from_base64(base64_encode(byte_buffer(33, 7)))); // 44 characters, 33 bytes
  BOOST_TEST(!key_from_base64(std::string{wg_doc_private_hex}));   // the hex form
  BOOST_TEST(!key_from_base64("HIgo9xNzJMWLKASShiTqIybxZ0U3wGLiUeJ1PKf8ykx=")); // 'x' pad bits
  BOOST_TEST(!key_from_base64(""));
  BOOST_TEST(key_to_base64(byte_array<32>{}) == "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=");
}

BOOST_AUTO_TEST_CASE(agrees_with_libsodium) {
  // libsodium's sodium_bin2base64/sodium_base642bin (ORIGINAL variant) is an independent codec.
  BOOST_REQUIRE(sodium_init() >= 0);
  for (std::size_t n = 0; n <= 70; ++n) {
    byte_buffer bytes(n);
    for (std::size_t i = 0; i < n; ++i)
      bytes[i] = static_cast<std::uint8_t>(i * 37 + n * 11 + 5);
    std::string theirs(sodium_base64_ENCODED_LEN(n, sodium_base64_VARIANT_ORIGINAL), '\0');
    sodium_bin2base64(theirs.data(), theirs.size(), bytes.data(), n,
                      sodium_base64_VARIANT_ORIGINAL);
    theirs.resize(theirs.size() - 1); // the terminating NUL
    BOOST_TEST(base64_encode(bytes) == theirs);
    BOOST_TEST(base64_encoded_size(n) == theirs.size());
    auto back = base64_decode(theirs);
    BOOST_REQUIRE(back);
    BOOST_TEST(hex_of(*back) == hex_of(bytes));
  }
}

BOOST_AUTO_TEST_CASE(round_trips_every_byte_value_in_every_position) {
  for (std::size_t shift = 0; shift < 3; ++shift) {
    byte_buffer bytes(shift);
    for (int v = 0; v < 256; ++v)
      bytes.push_back(static_cast<std::uint8_t>(v));
    auto back = base64_decode(base64_encode(bytes));
    BOOST_REQUIRE(back);
    BOOST_TEST(hex_of(*back) == hex_of(bytes));
  }
}

BOOST_AUTO_TEST_SUITE_END()
