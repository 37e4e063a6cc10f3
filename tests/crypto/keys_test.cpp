#include <boost/test/unit_test.hpp>

#include "crypto/keys.hpp"
#include "tests/support/hex.hpp"

using namespace tsnode;
using namespace tsnode::crypto;
using tsnode::test::hex_of;

namespace {

// tailscale/tailscale types/key/node_test.go TestNodeSerialization (also machine_test.go and
// disco_test.go with other prefixes); tailscale-protocol.md §1 checked the pair with X25519.
constexpr std::string_view go_priv
  = "privkey:40ab1b58e9076c7a4d9d07291f5edf9d1aa017eb949624ba683317f48a640369";
constexpr std::string_view go_pub_hex
  = "50d20b455ecf12bc453f83c2cfdb2a24925d06cf2598dcaa54e91af82ce9f765";

/// A deterministic random_source: byte i of the stream is seed + i.
struct counting_random final : random_source {
  std::uint8_t next;
  explicit counting_random(std::uint8_t seed)
    : next(seed) {}
  void fill(std::span<std::uint8_t> out) override {
    for (auto& b : out)
      b = next++;
  }
};

template <class T>
const T& value(const std::variant<T, key_errc>& v) {
  if (auto* e = std::get_if<key_errc>(&v))
    BOOST_FAIL("parse failed: " << to_string(*e));
  return std::get<T>(v);
}

} // namespace

BOOST_AUTO_TEST_SUITE(crypto_keys)

BOOST_AUTO_TEST_CASE(go_vector_node_machine_disco) {
  auto node = node_private::parse(go_priv);
  BOOST_TEST(hex_of(value(node).public_key().bytes) == go_pub_hex);
  BOOST_TEST(value(node).public_key().to_text() == "nodekey:" + std::string{go_pub_hex});
  BOOST_TEST(value(node).to_text() == go_priv);

  auto machine = machine_private::parse(go_priv);
  BOOST_TEST(value(machine).public_key().to_text() == "mkey:" + std::string{go_pub_hex});
  auto disco = disco_private::parse(go_priv);
  BOOST_TEST(value(disco).public_key().to_text() == "discokey:" + std::string{go_pub_hex});
}

BOOST_AUTO_TEST_CASE(public_text_round_trips_and_accepts_upper_case) {
  auto lower = node_public::parse("nodekey:" + std::string{go_pub_hex});
  std::string upper{"nodekey:"};
  for (char c : go_pub_hex)
    upper.push_back(static_cast<char>(std::toupper(c)));
  auto up = node_public::parse(upper);
  BOOST_CHECK(value(lower) == value(up));
  BOOST_TEST(value(up).to_text() == "nodekey:" + std::string{go_pub_hex}); // output is lowercase
}

BOOST_AUTO_TEST_CASE(zero_keys_parse) {
  auto z = disco_public::parse("discokey:" + std::string(64, '0'));
  BOOST_CHECK(value(z).is_zero());
}

BOOST_AUTO_TEST_CASE(malformed_texts_say_why) {
  auto err = [](std::string_view t) {
    auto r = node_public::parse(t);
    BOOST_REQUIRE(std::holds_alternative<key_errc>(r));
    return std::get<key_errc>(r);
  };
  const std::string hex64{go_pub_hex};
  BOOST_CHECK(err("mkey:" + hex64) == key_errc::bad_prefix); // another kind's prefix
  BOOST_CHECK(err(hex64) == key_errc::bad_prefix);
  BOOST_CHECK(err("") == key_errc::bad_prefix);
  BOOST_CHECK(err("nodekey:") == key_errc::bad_length);
  BOOST_CHECK(err("nodekey:" + hex64.substr(1)) == key_errc::bad_length);
  BOOST_CHECK(err("nodekey:" + hex64 + "0") == key_errc::bad_length);
  BOOST_CHECK(err("nodekey:" + hex64.substr(1) + "g") == key_errc::bad_hex);
  BOOST_CHECK(err(" nodekey:" + hex64) == key_errc::bad_prefix);
  auto p = node_private::parse("nodekey:" + hex64); // a public text is not a private key
  BOOST_CHECK(std::get<key_errc>(p) == key_errc::bad_prefix);
}

BOOST_AUTO_TEST_CASE(generate_clamps_and_uses_the_injected_source) {
  counting_random a{0}, b{0}, c{1};
  auto k1 = node_private::generate(a);
  auto k2 = node_private::generate(b);
  auto k3 = node_private::generate(c);
  BOOST_CHECK(k1.public_key() == k2.public_key()); // same stream, same key
  BOOST_CHECK(k1.public_key() != k3.public_key());
  BOOST_CHECK_EQUAL(k1.raw().bytes()[0] & 7, 0);
  BOOST_CHECK_EQUAL(k1.raw().bytes()[31] & 0xc0, 0x40);
}

BOOST_AUTO_TEST_CASE(private_keys_wipe_on_move_and_clear) {
  auto k = value(node_private::parse(go_priv)).clone();
  auto moved = std::move(k);
  BOOST_CHECK(k.public_key().bytes != moved.public_key().bytes);
  secret<32> s{byte_array<32>{1, 2, 3}};
  s.clear();
  BOOST_CHECK(s.bytes() == byte_array<32>{});
}

BOOST_AUTO_TEST_SUITE_END()
