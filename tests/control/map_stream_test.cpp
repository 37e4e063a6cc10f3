// MapResponse stream framing (control/map_stream.hpp; tailscale-protocol.md §4.2, trap #6):
// 4-byte little-endian lengths, plain JSON or zstd bodies, any chunking, bounded.
#include <boost/test/unit_test.hpp>

#include <zstd.h>

#include "control/map_stream.hpp"
#include "tests/control/test_util.hpp"
#include "tests/support/hex.hpp"

using namespace tsnode;
using namespace tsnode::control;
using tsnode::test::hex;

namespace {

byte_buffer frame(byte_view body) {
  byte_buffer out(4 + body.size());
  store_le32(out.data(), static_cast<std::uint32_t>(body.size()));
  std::copy(body.begin(), body.end(), out.begin() + 4);
  return out;
}

byte_buffer zstd(std::string_view text, int level = 3) {
  byte_buffer out(ZSTD_compressBound(text.size()));
  out.resize(ZSTD_compress(out.data(), out.size(), text.data(), text.size(), level));
  return out;
}

/// A MapResponse-like JSON text of about `n` bytes.
std::string big_json(std::size_t n) {
  std::string s = R"({"Peers":[)";
  for (int i = 0; s.size() < n; ++i) {
    if (i)
      s += ',';
    s += R"({"ID":)";
    s += std::to_string(i);
    s += R"(,"Name":"peer-)";
    s += std::to_string(i);
    s += R"(.tailnet.test."})";
  }
  s += "]}";
  return s;
}

struct collected {
  std::vector<std::string> messages;
  std::optional<control_error> error;
};

collected run(map_stream_reader& r, byte_view stream, std::size_t chunk) {
  collected c;
  test::feed_chunked(stream, chunk, [&](byte_view b) {
    auto out = r.feed(b);
    for (auto& m : out.messages)
      c.messages.push_back(std::move(m));
    if (out.error && !c.error)
      c.error = out.error;
  });
  return c;
}

} // namespace

BOOST_AUTO_TEST_SUITE(control_map_stream)

BOOST_AUTO_TEST_CASE(length_prefix_is_little_endian) {
  map_stream_reader r{map_compression::none};
  // 0x12 bytes: {"KeepAlive":true} is 18 bytes long.
  auto stream = hex("12 00 00 00");
  std::string text = R"({"KeepAlive":true})";
  stream.insert(stream.end(), text.begin(), text.end());
  auto out = r.feed(stream);
  BOOST_REQUIRE(!out.error);
  BOOST_REQUIRE_EQUAL(out.messages.size(), 1u);
  BOOST_TEST(out.messages[0] == R"({"KeepAlive":true})");
  BOOST_TEST(r.at_boundary());
}

BOOST_AUTO_TEST_CASE(plain_messages_in_any_chunking) {
  std::vector<std::string> texts{R"({"KeepAlive":true})", big_json(100000), "{}"};
  byte_buffer stream;
  for (auto& t : texts) {
    auto f = frame(as_bytes(t));
    stream.insert(stream.end(), f.begin(), f.end());
  }
  for (std::size_t chunk : {0, 1, 3, 4, 5, 977, 16384}) {
    map_stream_reader r{map_compression::none};
    auto c = run(r, stream, chunk);
    BOOST_TEST(!c.error);
    BOOST_TEST(c.messages == texts, "chunk " << chunk);
    BOOST_TEST(r.at_boundary());
  }
}

BOOST_AUTO_TEST_CASE(zstd_round_trip_in_any_chunking) {
  std::vector<std::string> texts{R"({"KeepAlive":true})", big_json(300000), big_json(5000)};
  byte_buffer stream;
  for (auto& t : texts) {
    auto f = frame(zstd(t));
    stream.insert(stream.end(), f.begin(), f.end());
  }
  BOOST_TEST(stream.size() < 100000u); // it did compress
  for (std::size_t chunk : {0, 1, 7, 977}) {
    map_stream_reader r{map_compression::zstd};
    auto c = run(r, stream, chunk);
    BOOST_TEST(!c.error);
    BOOST_TEST(c.messages == texts, "chunk " << chunk);
  }
}

BOOST_AUTO_TEST_CASE(zstd_body_of_two_frames_is_one_message) {
  auto a = zstd(R"({"KeepAlive":)");
  auto b = zstd("true}");
  a.insert(a.end(), b.begin(), b.end());
  map_stream_reader r{map_compression::zstd};
  auto out = r.feed(frame(a));
  BOOST_REQUIRE(!out.error);
  BOOST_TEST(out.messages.at(0) == R"({"KeepAlive":true})");
}

BOOST_AUTO_TEST_CASE(partial_message_is_held_back) {
  map_stream_reader r{map_compression::none};
  auto f = frame(as_bytes("{\"a\":1}"));
  BOOST_TEST(r.feed(byte_view{f}.first(6)).messages.empty());
  BOOST_TEST(!r.at_boundary());
  BOOST_TEST(r.feed(byte_view{f}.subspan(6)).messages.size() == 1u);
}

BOOST_AUTO_TEST_CASE(bounds_and_errors) {
  {
    map_stream_reader r{map_compression::none};
    auto out = r.feed(hex("01 00 00 04")); // 64 MiB + 1
    BOOST_REQUIRE(out.error);
    BOOST_TEST(out.error->code == control_errc::map_message_too_large);
    BOOST_TEST(r.feed(frame(as_bytes("{}"))).error->code == control_errc::map_message_too_large);
  }
  {
    map_stream_reader r{map_compression::none};
    BOOST_TEST(r.feed(hex("00 00 00 00")).error->code == control_errc::empty_map_message);
  }
  {
    // A decompression bomb: a small frame that inflates beyond max_decoded.
    std::string zeros(1 << 20, '0');
    map_stream_reader r{map_compression::zstd, map_stream_limits{1 << 20, 100000}};
    BOOST_TEST(r.feed(frame(zstd(zeros))).error->code == control_errc::map_message_too_large);
  }
  {
    map_stream_reader r{map_compression::zstd};
    BOOST_TEST(r.feed(frame(as_bytes("{\"not\":\"zstd\"}"))).error->code == control_errc::bad_zstd);
  }
  {
    // A body that ends inside the zstd frame.
    auto z = zstd(big_json(10000));
    z.resize(z.size() / 2);
    map_stream_reader r{map_compression::zstd};
    BOOST_TEST(r.feed(frame(z)).error->code == control_errc::bad_zstd);
  }
  {
    // Messages before a bad one are still delivered.
    auto stream = frame(as_bytes("{}"));
    auto bad = hex("00 00 00 00");
    stream.insert(stream.end(), bad.begin(), bad.end());
    map_stream_reader r{map_compression::none};
    auto out = r.feed(stream);
    BOOST_TEST(out.messages.size() == 1u);
    BOOST_TEST(out.error->code == control_errc::empty_map_message);
  }
}

BOOST_AUTO_TEST_SUITE_END()
