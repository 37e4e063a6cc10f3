// ts2021 transport records (control/record.hpp): big-endian counter nonces byte-exact against
// ../shared/vectors/ts2021-derp-disco.txt at counters 0, 1 and 256 (a little-endian nonce gets
// 1 and 256 wrong: trap #1), the 4096-byte record cap (trap #3; Go conn_test.go TestMessageSize),
// chunked reading, and the fatal errors of §2.4.
#include <boost/test/unit_test.hpp>

#include <limits>

#include "control/record.hpp"
#include "tests/control/test_util.hpp"
#include "tests/support/hex.hpp"

using namespace tsnode;
using namespace tsnode::control;
using tsnode::test::hex;
using tsnode::test::hex_of;
namespace v = tsnode::test::ts2021;

namespace {

crypto::key32 key(const char* h) {
  return crypto::key32{test::hex_array<32>(h)};
}

byte_buffer sealed(record_writer& w, byte_view plaintext) {
  auto r = w.seal(plaintext);
  BOOST_REQUIRE(std::holds_alternative<byte_buffer>(r));
  return std::get<byte_buffer>(r);
}

/// Returns the sizes of the records in a well-formed stream.
std::vector<std::size_t> record_sizes(byte_view stream) {
  std::vector<std::size_t> out;
  for (std::size_t off = 0; off + 3 <= stream.size();) {
    auto n = 3 + load_be16(stream.data() + off + 1);
    out.push_back(n);
    off += n;
  }
  return out;
}

byte_buffer pattern(std::size_t n) {
  byte_buffer out(n);
  for (std::size_t i = 0; i < n; ++i)
    out[i] = static_cast<std::uint8_t>(i * 7 + 3);
  return out;
}

} // namespace

BOOST_AUTO_TEST_SUITE(control_record)

BOOST_AUTO_TEST_CASE(writer_counters_0_1_256_match_the_vectors) {
  record_writer w{key(v::k1)};
  BOOST_TEST(hex_of(sealed(w, as_bytes("hello"))) == v::c2s_hello_0);
  BOOST_TEST(hex_of(sealed(w, as_bytes("hello"))) == v::c2s_hello_1);
  for (int i = 2; i < 256; ++i)
    sealed(w, as_bytes("hello"));
  BOOST_TEST(w.next_counter() == 256u);
  BOOST_TEST(hex_of(sealed(w, as_bytes("hello"))) == v::c2s_hello_256);
}

BOOST_AUTO_TEST_CASE(reader_opens_the_vectors) {
  record_reader r{key(v::k2)};
  auto out = r.feed(hex(v::s2c_world_0));
  BOOST_REQUIRE(!out.error);
  BOOST_TEST(std::string(out.plaintext.begin(), out.plaintext.end()) == "world");

  // The c2s vectors read back with k1 at their counters, 1-byte chunks included.
  record_reader r1{key(v::k1), 1};
  byte_buffer got;
  test::feed_chunked(hex(v::c2s_hello_1), 1, [&](byte_view b) {
    auto o = r1.feed(b);
    BOOST_REQUIRE(!o.error);
    got.insert(got.end(), o.plaintext.begin(), o.plaintext.end());
  });
  BOOST_TEST(std::string(got.begin(), got.end()) == "hello");
  record_reader r256{key(v::k1), 256};
  BOOST_TEST(!r256.feed(hex(v::c2s_hello_256)).error);
}

BOOST_AUTO_TEST_CASE(writes_are_split_into_records_of_at_most_4096_bytes) {
  record_writer w{key(v::k1)};
  BOOST_TEST(sealed(w, {}).empty());
  BOOST_TEST(w.next_counter() == 0u);
  BOOST_TEST(record_sizes(sealed(w, pattern(max_plaintext_size))) == std::vector<std::size_t>{4096},
             boost::test_tools::per_element());
  BOOST_TEST(record_sizes(sealed(w, pattern(max_plaintext_size + 1)))
               == (std::vector<std::size_t>{4096, 3 + 1 + 16}),
             boost::test_tools::per_element());
  BOOST_TEST(record_sizes(sealed(w, pattern(10000)))
               == (std::vector<std::size_t>{4096, 4096, 3 + 10000 - 2 * 4077 + 16}),
             boost::test_tools::per_element());
  BOOST_TEST(w.next_counter() == 6u);
}

BOOST_AUTO_TEST_CASE(reader_round_trips_any_chunking) {
  auto plain = pattern(50000);
  for (std::size_t chunk : {0, 1, 2, 3, 17, 4095, 4096, 4097, 9000}) {
    record_writer w{key(v::k2)};
    byte_buffer stream;
    // Several writes of uneven sizes, so records of many lengths follow one another.
    for (std::size_t off = 0; off < plain.size(); off += 7001) {
      auto part
        = sealed(w, byte_view{plain}.subspan(off, std::min<std::size_t>(7001, plain.size() - off)));
      stream.insert(stream.end(), part.begin(), part.end());
    }
    record_reader r{key(v::k2)};
    byte_buffer got;
    test::feed_chunked(stream, chunk, [&](byte_view b) {
      auto o = r.feed(b);
      BOOST_REQUIRE(!o.error);
      got.insert(got.end(), o.plaintext.begin(), o.plaintext.end());
    });
    BOOST_TEST(got == plain, "chunk " << chunk);
    BOOST_TEST(r.next_counter() == w.next_counter());
  }
}

BOOST_AUTO_TEST_CASE(empty_records_are_accepted) {
  // Our writer never makes one, but a peer may: a record with only a tag carries no bytes.
  byte_buffer rec{4, 0, 16};
  auto tag = crypto::seal(key(v::k2), crypto::nonce_be64(0), {}, {});
  rec.insert(rec.end(), tag.begin(), tag.end());
  auto world = hex(v::s2c_world_0); // sealed at counter 0: now out of order
  record_reader r{key(v::k2)};
  auto out = r.feed(rec);
  BOOST_TEST(!out.error);
  BOOST_TEST(out.plaintext.empty());
  BOOST_TEST(r.next_counter() == 1u);
  BOOST_TEST(r.feed(world).error->code == control_errc::bad_record);
}

BOOST_AUTO_TEST_CASE(oversized_header_is_fatal) {
  record_reader r{key(v::k2)};
  auto out = r.feed(hex("04 0f fe")); // 3 + 4094 = 4097 bytes on the wire
  BOOST_REQUIRE(out.error);
  BOOST_TEST(out.error->code == control_errc::record_too_large);
  BOOST_TEST(r.failed());
  BOOST_TEST(r.feed(hex(v::s2c_world_0)).error->code == control_errc::direction_dead);

  record_reader ok{key(v::k2)};
  BOOST_TEST(!ok.feed(hex("04 0f fd")).error); // exactly 4096: fine, waits for the body
}

BOOST_AUTO_TEST_CASE(other_frame_types_are_fatal_after_the_handshake) {
  for (auto header : {"03 00 05", "02 00 30", "01 00 60", "00 00 10", "ff 00 10"}) {
    record_reader r{key(v::k2)};
    auto out = r.feed(hex(header));
    BOOST_REQUIRE(out.error);
    BOOST_TEST(out.error->code == control_errc::unexpected_record_type);
  }
}

BOOST_AUTO_TEST_CASE(short_or_tampered_records_are_fatal) {
  record_reader shorty{key(v::k2)};
  BOOST_TEST(shorty.feed(hex("04 00 0f")).error->code == control_errc::bad_record);

  auto good = hex(v::s2c_world_0);
  for (std::size_t bit = 3 * 8; bit < good.size() * 8; ++bit) {
    auto bad = good;
    bad[bit / 8] ^= static_cast<std::uint8_t>(1u << (bit % 8));
    record_reader r{key(v::k2)};
    auto out = r.feed(bad);
    BOOST_REQUIRE_MESSAGE(out.error, "bit " << bit);
    BOOST_TEST(out.error->code == control_errc::bad_record);
    BOOST_TEST(out.plaintext.empty());
  }
  // A record replayed out of order fails: the counter moved on.
  record_reader r{key(v::k2)};
  BOOST_TEST(!r.feed(good).error);
  BOOST_TEST(r.feed(good).error->code == control_errc::bad_record);
}

BOOST_AUTO_TEST_CASE(plaintext_before_a_bad_record_is_delivered) {
  record_writer w{key(v::k2)};
  auto stream = sealed(w, as_bytes("first"));
  auto second = sealed(w, as_bytes("second"));
  second.back() ^= 1;
  stream.insert(stream.end(), second.begin(), second.end());
  record_reader r{key(v::k2)};
  auto out = r.feed(stream);
  BOOST_TEST(std::string(out.plaintext.begin(), out.plaintext.end()) == "first");
  BOOST_REQUIRE(out.error);
  BOOST_TEST(out.error->code == control_errc::bad_record);
}

BOOST_AUTO_TEST_CASE(counter_never_reaches_2_pow_64_minus_1) {
  constexpr auto max = std::numeric_limits<std::uint64_t>::max();
  record_writer w{key(v::k1), max - 2};
  auto last = sealed(w, as_bytes("x"));                   // uses max - 2
  auto refused = w.seal(pattern(max_plaintext_size + 1)); // would need max - 1 and max
  BOOST_REQUIRE(std::holds_alternative<control_error>(refused));
  BOOST_TEST(std::get<control_error>(refused).code == control_errc::counter_exhausted);
  BOOST_TEST(std::get<control_error>(w.seal(as_bytes("y"))).code == control_errc::direction_dead);

  record_writer w2{key(v::k1), max - 1};
  auto final_record = sealed(w2, as_bytes("z")); // max - 1 is the last usable counter
  BOOST_TEST(std::get<control_error>(w2.seal(as_bytes("z"))).code
             == control_errc::counter_exhausted);

  record_reader r{key(v::k1), max - 1};
  BOOST_TEST(!r.feed(final_record).error);
  BOOST_TEST(r.feed(final_record).error->code == control_errc::counter_exhausted);
  (void)last;
}

BOOST_AUTO_TEST_SUITE_END()
