// Wire layouts of wireguard/messages.hpp: exact-length dispatch, round trips, reserved bytes.
#include <boost/test/unit_test.hpp>

#include "tests/wireguard/print.hpp"
#include "wireguard/messages.hpp"

using namespace tsnode;
using namespace tsnode::wireguard;

BOOST_AUTO_TEST_SUITE(wireguard_messages)

BOOST_AUTO_TEST_CASE(sizes_follow_the_paper) {
  BOOST_TEST(handshake_initiation_size == 148u);
  BOOST_TEST(handshake_response_size == 92u);
  BOOST_TEST(cookie_reply_size == 64u);
  BOOST_TEST(transport_header_size == 16u);
  BOOST_TEST(transport_min_size == 32u);
}

BOOST_AUTO_TEST_CASE(initiation_round_trip) {
  handshake_initiation m;
  m.sender = 0x01020304;
  m.ephemeral.fill(0xe1);
  m.encrypted_static.fill(0x5a);
  m.encrypted_timestamp.fill(0x7e);
  m.mac1.fill(0x11);
  m.mac2.fill(0x22);
  auto wire = encode(m);
  BOOST_TEST(wire[0] == 1);
  BOOST_TEST((wire[1] | wire[2] | wire[3]) == 0);
  BOOST_TEST(wire[4] == 0x04); // little-endian sender
  BOOST_TEST(wire[initiation_offset::mac2] == 0x22);
  auto r = parse_message(wire);
  auto* msg = std::get_if<message>(&r);
  BOOST_REQUIRE(msg);
  auto* back = std::get_if<handshake_initiation>(msg);
  BOOST_REQUIRE(back);
  BOOST_TEST(back->sender == m.sender);
  BOOST_TEST((back->encrypted_timestamp == m.encrypted_timestamp));
  BOOST_TEST((back->mac1 == m.mac1));
  BOOST_TEST((back->mac2 == m.mac2));
}

BOOST_AUTO_TEST_CASE(response_and_cookie_round_trip) {
  handshake_response r;
  r.sender = 7;
  r.receiver = 9;
  r.ephemeral.fill(3);
  r.encrypted_nothing.fill(4);
  auto rw = encode(r);
  auto pr = parse_message(rw);
  auto* pm = std::get_if<message>(&pr);
  BOOST_REQUIRE(pm);
  BOOST_TEST(std::get<handshake_response>(*pm).receiver == 9u);

  cookie_reply c;
  c.receiver = 0xdeadbeef;
  c.nonce.fill(1);
  c.encrypted_cookie.fill(2);
  auto cw = encode(c);
  auto pc = parse_message(cw);
  auto* cm = std::get_if<message>(&pc);
  BOOST_REQUIRE(cm);
  BOOST_TEST(std::get<cookie_reply>(*cm).receiver == 0xdeadbeefu);
  BOOST_TEST((std::get<cookie_reply>(*cm).nonce == c.nonce));
}

BOOST_AUTO_TEST_CASE(transport_is_a_view) {
  byte_buffer d(transport_min_size + 5, 0xab);
  write_transport_header(d.data(), 0x0a0b0c0d, 0x0102030405060708ull);
  auto r = parse_message(d);
  auto& t = std::get<transport_data>(std::get<message>(r));
  BOOST_TEST(t.receiver == 0x0a0b0c0du);
  BOOST_TEST(t.counter == 0x0102030405060708ull);
  BOOST_TEST(t.encrypted_packet.size() == 21u);
  BOOST_TEST(t.encrypted_packet.data() == d.data() + 16);
}

BOOST_AUTO_TEST_CASE(exact_length_dispatch) {
  auto error_of = [](byte_view d) {
    auto r = parse_message(d);
    auto* e = std::get_if<wg_errc>(&r);
    return e ? *e : wg_errc{};
  };
  for (std::uint8_t type = 1; type <= 3; ++type) {
    const std::size_t exact = type == 1 ? 148 : type == 2 ? 92 : 64;
    for (std::size_t n : {exact - 1, exact + 1, std::size_t{4}, std::size_t{200}}) {
      byte_buffer d(n, 0);
      d[0] = type;
      BOOST_TEST(error_of(d) == wg_errc::bad_length);
    }
  }
  byte_buffer short_transport(31, 0);
  short_transport[0] = 4;
  BOOST_TEST(error_of(short_transport) == wg_errc::bad_length);
  BOOST_TEST(error_of(byte_buffer{}) == wg_errc::bad_length);
  BOOST_TEST(error_of(byte_buffer{1, 0, 0}) == wg_errc::bad_length);
  byte_buffer reserved(148, 0);
  reserved[0] = 1;
  reserved[2] = 1; // reserved bytes must be zero: the type is the whole word
  BOOST_TEST(error_of(reserved) == wg_errc::unknown_type);
  byte_buffer five(148, 0);
  five[0] = 5;
  BOOST_TEST(error_of(five) == wg_errc::unknown_type);
}

BOOST_AUTO_TEST_SUITE_END()
