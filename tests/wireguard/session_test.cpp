// Keypair slots, padding and transport sealing of wireguard/session.hpp.
#include <boost/test/unit_test.hpp>

#include "tests/support/hex.hpp"
#include "wireguard/session.hpp"

using namespace tsnode;
using namespace tsnode::wireguard;
using tsnode::test::filled;

namespace {

time_point t0{std::chrono::seconds{100}};

std::unique_ptr<keypair> make_kp(std::uint32_t index, bool initiator, std::uint8_t key = 1) {
  session_keys k;
  k.send = crypto::key32{filled<32>(key)};
  k.receive = crypto::key32{filled<32>(key)};
  k.initiator = initiator;
  k.local_index = index;
  k.remote_index = index + 1000;
  return keypair::make(std::move(k), t0);
}

} // namespace

BOOST_AUTO_TEST_SUITE(wireguard_session)

BOOST_AUTO_TEST_CASE(padding) {
  BOOST_TEST(padded_size(0, 1420) == 0u);
  BOOST_TEST(padded_size(1, 1420) == 16u);
  BOOST_TEST(padded_size(16, 1420) == 16u);
  BOOST_TEST(padded_size(17, 1420) == 32u);
  BOOST_TEST(padded_size(1419, 1420) == 1420u);
  BOOST_TEST(padded_size(1420, 1420) == 1420u);
  BOOST_TEST(padded_size(1279, 1280) == 1280u);
  BOOST_TEST(padded_size(1500, 1420) == 1500u);
  BOOST_TEST(padded_size(1500, 0) == 1504u);
}

BOOST_AUTO_TEST_CASE(seal_open_round_trip_in_reused_buffers) {
  auto kp = make_kp(5, true);
  byte_buffer wire;
  byte_buffer plain;
  for (std::size_t n : {0u, 1u, 15u, 16u, 100u, 1400u}) {
    byte_buffer msg(n, 0x5a);
    BOOST_REQUIRE(seal_transport(*kp, msg, 1420, wire));
    BOOST_TEST(wire.size() == 32u + padded_size(n, 1420));
    auto parsed = std::get<transport_data>(std::get<message>(parse_message(wire)));
    BOOST_TEST(parsed.receiver == 1005u);
    BOOST_REQUIRE(open_transport(*kp, parsed, plain));
    BOOST_TEST(plain.size() == padded_size(n, 1420));
    BOOST_TEST(std::equal(msg.begin(), msg.end(), plain.begin()));
    BOOST_TEST(std::all_of(plain.begin() + static_cast<std::ptrdiff_t>(n), plain.end(),
                           [](auto b) { return b == 0; }));
    BOOST_TEST(kp->replay.validate(parsed.counter));
  }
  BOOST_TEST(kp->send_counter == 6u);
  auto other = make_kp(6, true, 2);
  BOOST_REQUIRE(seal_transport(*kp, byte_buffer(10, 1), 1420, wire));
  auto parsed = std::get<transport_data>(std::get<message>(parse_message(wire)));
  BOOST_TEST(!open_transport(*other, parsed, plain));
}

BOOST_AUTO_TEST_CASE(refuses_after_reject_after_messages) {
  auto kp = make_kp(5, true);
  kp->send_counter = reject_after_messages - 1;
  BOOST_TEST(kp->can_send(t0));
  byte_buffer wire;
  BOOST_TEST(seal_transport(*kp, byte_buffer(4, 0), 1420, wire));
  BOOST_TEST(load_le64(wire.data() + 8) == reject_after_messages - 1);
  BOOST_TEST(!kp->can_send(t0));
  BOOST_TEST(!seal_transport(*kp, byte_buffer(4, 0), 1420, wire));
  BOOST_TEST(wire.empty());
  // The receiver rejects that counter too (replay_window's limit).
  BOOST_TEST(!kp->replay.validate(reject_after_messages));
  BOOST_TEST(kp->can_send(t0) == false);
  auto fresh = make_kp(6, true);
  BOOST_TEST(!fresh->can_send(t0 + reject_after_time));
  BOOST_TEST(fresh->can_send(t0 + reject_after_time - std::chrono::seconds{1}));
}

BOOST_AUTO_TEST_CASE(slot_rotation_follows_wireguard_go) {
  keypair_slots s;
  std::vector<std::uint32_t> retired;
  // Responder: the new keypair waits in next.
  s.install(make_kp(1, false), retired);
  BOOST_TEST(s.current() == nullptr);
  BOOST_TEST(s.next()->local_index == 1u);
  BOOST_TEST(!s.confirm(nullptr, retired));
  BOOST_TEST(s.confirm(s.next(), retired));
  BOOST_TEST(s.current()->local_index == 1u);
  BOOST_TEST(s.next() == nullptr);
  // Initiator: the new keypair is current at once; the old one becomes previous.
  s.install(make_kp(2, true), retired);
  BOOST_TEST(s.current()->local_index == 2u);
  BOOST_TEST(s.previous()->local_index == 1u);
  s.install(make_kp(3, true), retired);
  BOOST_TEST(s.previous()->local_index == 2u);
  BOOST_TEST(retired == std::vector<std::uint32_t>{1});
  // Responder again: previous is dropped, current stays until confirmation.
  s.install(make_kp(4, false), retired);
  BOOST_TEST(s.previous() == nullptr);
  BOOST_TEST(s.current()->local_index == 3u);
  BOOST_TEST(s.find(4) == s.next());
  // An initiator session while next is unconfirmed: next becomes previous, current is dropped.
  s.install(make_kp(5, true), retired);
  BOOST_TEST(s.current()->local_index == 5u);
  BOOST_TEST(s.previous()->local_index == 4u);
  BOOST_TEST(s.next() == nullptr);
  BOOST_TEST(retired == (std::vector<std::uint32_t>{1, 2, 3}));
  s.clear(retired);
  BOOST_TEST(s.empty());
  BOOST_TEST(retired.size() == 5u);
}

BOOST_AUTO_TEST_SUITE_END()
