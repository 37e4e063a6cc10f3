// The ts2021 early payload (control/early_payload.hpp; tailscale-protocol.md §2.5, trap #4):
// stripped in any chunking, HTTP/2 bytes passed through untouched, EarlyNoise JSON parsed.
#include <boost/test/unit_test.hpp>

#include "control/early_payload.hpp"
#include "tests/control/test_util.hpp"
#include "tests/support/hex.hpp"

using namespace tsnode;
using namespace tsnode::control;
using tsnode::test::hex;

namespace {

const std::string challenge = "chalpub:" + std::string(64, 'c');

byte_buffer early(std::string_view json) {
  byte_buffer out(early_payload_header_size + json.size());
  std::copy(early_payload_magic.begin(), early_payload_magic.end(), out.begin());
  store_be32(out.data() + 5, static_cast<std::uint32_t>(json.size()));
  std::copy(json.begin(), json.end(), out.begin() + early_payload_header_size);
  return out;
}

// The server's first HTTP/2 frame: an empty SETTINGS (length 0, type 4, flags 0, stream 0).
const byte_buffer settings = hex("000000 04 00 00000000");

struct collected {
  byte_buffer http2;
  std::vector<early_noise> payloads;
  std::optional<control_error> error;
};

collected run(byte_view stream, std::size_t chunk) {
  early_payload_stripper s;
  collected c;
  test::feed_chunked(stream, chunk, [&](byte_view b) {
    auto r = s.feed(b);
    c.http2.insert(c.http2.end(), r.http2.begin(), r.http2.end());
    if (r.payload)
      c.payloads.push_back(*r.payload);
    if (r.error && !c.error)
      c.error = r.error;
  });
  return c;
}

} // namespace

BOOST_AUTO_TEST_SUITE(control_early_payload)

BOOST_AUTO_TEST_CASE(payload_is_stripped_in_any_chunking) {
  auto stream = early(R"({"nodeKeyChallenge":")" + challenge + R"("})");
  stream.insert(stream.end(), settings.begin(), settings.end());
  for (std::size_t chunk : {0, 1, 2, 5, 9, 10, 64}) {
    auto c = run(stream, chunk);
    BOOST_TEST(!c.error);
    BOOST_TEST(c.http2 == settings, "chunk " << chunk);
    BOOST_REQUIRE_EQUAL(c.payloads.size(), 1u);
    BOOST_REQUIRE(c.payloads[0].node_key_challenge);
    BOOST_TEST(c.payloads[0].node_key_challenge->to_text() == challenge);
  }
}

BOOST_AUTO_TEST_CASE(no_payload_passes_everything_through) {
  // Bytes that diverge from the magic at once, late (after FF FF FF 'T'), and a short stream.
  byte_buffer tricky = hex("ff ff ff 54 00 00 00 00 00 01 02");
  for (auto& stream : {settings, tricky, hex("ff ff")}) {
    for (std::size_t chunk : {0, 1, 3}) {
      auto c = run(stream, chunk);
      BOOST_TEST(!c.error);
      BOOST_TEST(c.payloads.empty());
      if (stream.size() > 2)
        BOOST_TEST(c.http2 == stream, "chunk " << chunk);
    }
  }
  // "ff ff" could still become the magic: nothing is released yet.
  early_payload_stripper s;
  BOOST_TEST(s.feed(hex("ff ff")).http2.empty());
  BOOST_TEST(!s.passthrough());
  BOOST_TEST(s.feed(hex("00")).http2 == hex("ff ff 00"));
  BOOST_TEST(s.passthrough());
}

BOOST_AUTO_TEST_CASE(empty_and_null_challenges) {
  auto c = run(early("{}"), 0);
  BOOST_REQUIRE_EQUAL(c.payloads.size(), 1u);
  BOOST_TEST(!c.payloads[0].node_key_challenge);
  auto n = std::get<early_noise>(parse_early_noise(R"({"nodeKeyChallenge":null,"x":1})"));
  BOOST_TEST(!n.node_key_challenge);
  // A zero-length payload (length 0, then no JSON) is not valid JSON.
  BOOST_TEST(run(early(""), 1).error->code == control_errc::bad_early_payload);
}

BOOST_AUTO_TEST_CASE(bad_payloads_are_errors) {
  BOOST_TEST(run(early("not json"), 0).error->code == control_errc::bad_early_payload);
  BOOST_TEST(run(early("[]"), 0).error->code == control_errc::bad_early_payload);
  BOOST_TEST(run(early(R"({"nodeKeyChallenge":5})"), 0).error->code
             == control_errc::bad_early_payload);
  // Trap #9: "" is not a key.
  BOOST_TEST(run(early(R"({"nodeKeyChallenge":""})"), 0).error->code == control_errc::bad_key);
  BOOST_TEST(
    run(early(R"({"nodeKeyChallenge":"nodekey:)" + std::string(64, 'c') + "\"}"), 0).error->code
    == control_errc::bad_key);
}

BOOST_AUTO_TEST_CASE(oversized_payload_is_refused_before_buffering) {
  early_payload_stripper s;
  auto r = s.feed(hex("ff ff ff 54 53 00 a0 00 01")); // 10 MiB + 1
  BOOST_REQUIRE(r.error);
  BOOST_TEST(r.error->code == control_errc::early_payload_too_large);
  auto again = s.feed(settings);
  BOOST_TEST(again.error->code == control_errc::early_payload_too_large);
  BOOST_TEST(again.http2.empty());
  // Exactly 10 MiB is allowed (and waits for its body).
  early_payload_stripper ok;
  BOOST_TEST(!ok.feed(hex("ff ff ff 54 53 00 a0 00 00")).error);
}

BOOST_AUTO_TEST_SUITE_END()
