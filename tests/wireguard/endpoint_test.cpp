// The endpoint façade walked through the in-memory endpoint_pair (style.md §5.17) on a virtual
// clock: handshake, data both ways, rekeying, loss, replay, cookies, roaming, keepalives, key
// zeroing and cryptokey routing. Timer values are the WireGuard paper's §6.1 constants.
#include <boost/test/unit_test.hpp>

#include <algorithm>

#include "tests/wireguard/endpoint_pair.hpp"

using namespace tsnode;
using namespace tsnode::test;
using namespace tsnode::wireguard;
using namespace std::chrono_literals;

namespace {

byte_buffer a_to_b_packet(std::size_t payload = 100, std::uint8_t fill = 0xab) {
  return ipv4_packet(endpoint_pair::a_ip, endpoint_pair::b_ip, payload, fill);
}
byte_buffer b_to_a_packet(std::size_t payload = 100, std::uint8_t fill = 0xba) {
  return ipv4_packet(endpoint_pair::b_ip, endpoint_pair::a_ip, payload, fill);
}

std::uint32_t receiver_of(const outbound_datagram& d) {
  return load_le32(d.bytes.data() + 4);
}

bool contains(const std::vector<wg_errc>& v, wg_errc e) {
  return std::find(v.begin(), v.end(), e) != v.end();
}

} // namespace

BOOST_AUTO_TEST_SUITE(wireguard_endpoint)

BOOST_AUTO_TEST_CASE(handshake_then_data_both_ways) {
  endpoint_pair p;
  auto first = a_to_b_packet();
  p.send_from_a(first);
  p.expect_a_to_b({shape::initiation}); // no session yet: the packet waits, A initiates
  BOOST_TEST(p.status_at_a().staged_packets == 1u);
  p.deliver_to_b();
  p.expect_b_to_a({shape::response});
  BOOST_TEST(p.b_to_a.front().to == p.a_addr);
  p.deliver_to_a();
  BOOST_TEST(endpoint_pair::count(p.events_a, event_kind::handshake_completed) == 1u);
  p.expect_a_to_b({shape::data}); // the staged packet goes out with the new session
  BOOST_TEST(p.status_at_a().staged_packets == 0u);
  p.deliver_to_b();
  BOOST_REQUIRE(p.delivered_at_b.size() == 1u);
  BOOST_TEST(p.delivered_at_b[0] == first);
  BOOST_TEST(endpoint_pair::count(p.events_b, event_kind::handshake_completed) == 1u);
  BOOST_TEST(p.b_to_a.empty());

  // B answers straight away with its now-confirmed session.
  auto reply = b_to_a_packet(300);
  p.send_from_b(reply);
  p.expect_b_to_a({shape::data});
  p.deliver_to_a();
  BOOST_REQUIRE(p.delivered_at_a.size() == 1u);
  BOOST_TEST(p.delivered_at_a[0] == reply);

  auto sa = p.status_at_a();
  auto sb = p.status_at_b();
  BOOST_TEST(sa.has_session);
  BOOST_TEST(sb.has_session);
  BOOST_TEST(sa.last_handshake.has_value());
  BOOST_TEST(sb.last_handshake.has_value());
  // Bytes on the wire: A sent 148 + (16 + 128 + 16), B sent 92 + (16 + 320 + 16).
  BOOST_TEST(sa.tx_bytes == 148u + 160u);
  BOOST_TEST(sa.rx_bytes == 92u + 352u);
  BOOST_TEST(sb.tx_bytes == sa.rx_bytes);
  BOOST_TEST(sb.rx_bytes == sa.tx_bytes);
  BOOST_TEST(p.drops_at_a.empty());
  BOOST_TEST(p.drops_at_b.empty());
}

BOOST_AUTO_TEST_CASE(route_follows_peers_added_changed_and_removed) {
  // The data plane asks route() before it dials (no route = fail closed); a tailnet's netmaps
  // change peers at run time, so the answer must follow them.
  endpoint_pair p;
  auto ip = [](const char* s) { return *ip_address::parse(s); };
  auto b_id = p.a.find_peer(p.b.public_key());
  BOOST_REQUIRE(b_id.has_value());
  BOOST_TEST((p.a.route(ip("10.0.0.2")) == b_id));
  BOOST_TEST(!p.a.route(ip("10.0.0.9")).has_value());
  wireguard::peer_config cfg;
  cfg.public_key = p.b.public_key();
  cfg.allowed_ips = {*ip_prefix::parse("10.0.0.0/24"), *ip_prefix::parse("fd7a::/16")};
  BOOST_TEST(!p.a.update_peer(std::move(cfg)).has_value());
  BOOST_TEST((p.a.route(ip("10.0.0.9")) == b_id));
  BOOST_TEST((p.a.route(ip("fd7a::5")) == b_id));
  BOOST_TEST(!p.a.route(ip("10.0.1.1")).has_value());
  BOOST_TEST(p.a.remove_peer(*b_id));
  BOOST_TEST(!p.a.route(ip("10.0.0.9")).has_value());
}

BOOST_AUTO_TEST_CASE(ipv6_inner_packets) {
  endpoint_pair p;
  wireguard::peer_config cfg;
  cfg.public_key = p.b.public_key();
  cfg.endpoint = p.b_addr;
  cfg.allowed_ips = {*ip_prefix::parse("10.0.0.2/32"), *ip_prefix::parse("fd7a:115c:a1e0::2/128")};
  BOOST_TEST(!p.a.update_peer(std::move(cfg)).has_value());
  wireguard::peer_config cfg_b;
  cfg_b.public_key = p.a.public_key();
  cfg_b.allowed_ips = {*ip_prefix::parse("fd7a:115c:a1e0::/48")};
  BOOST_TEST(!p.b.update_peer(std::move(cfg_b)).has_value());
  auto pkt = ipv6_packet("fd7a:115c:a1e0::1", "fd7a:115c:a1e0::2", 77);
  p.handshake_from_a(pkt);
  BOOST_REQUIRE(p.delivered_at_b.size() == 1u);
  BOOST_TEST(p.delivered_at_b[0] == pkt);
}

BOOST_AUTO_TEST_CASE(padding_to_16_capped_at_mtu_and_trimmed_on_receipt) {
  endpoint_pair p;
  p.handshake_from_a(a_to_b_packet());
  // 21 bytes of IP pad to 32: 16 + 32 + 16 on the wire; B delivers exactly 21.
  auto small = a_to_b_packet(1);
  p.send_from_a(small);
  BOOST_REQUIRE(p.a_to_b.size() == 1u);
  BOOST_TEST(p.a_to_b.front().bytes.size() == 64u);
  // 1419 bytes with the default MTU of 1420 pad to 1420, not 1424.
  auto big = a_to_b_packet(1399);
  p.send_from_a(big);
  BOOST_TEST(p.a_to_b.back().bytes.size() == 16u + 1420u + 16u);
  p.deliver_to_b();
  BOOST_REQUIRE(p.delivered_at_b.size() == 3u);
  BOOST_TEST(p.delivered_at_b[1] == small);
  BOOST_TEST(p.delivered_at_b[2] == big);
}

BOOST_AUTO_TEST_CASE(keepalives_are_accepted_and_not_delivered) {
  endpoint_pair p;
  p.send_from_a(a_to_b_packet());
  p.deliver_to_b();
  p.lose_a_to_b();
  p.deliver_to_a(); // A has the session; the staged packet goes out...
  p.lose_a_to_b();  // ...and is lost, so B has no confirmation yet
  BOOST_TEST(!p.status_at_b().has_session);
  // Dispatching nothing but time: after KEEPALIVE_TIMEOUT + REKEY_TIMEOUT + jitter without an
  // answer A would rekey; before that, send B a bare keepalive by hand-made persistent keepalive.
  auto cfg = wireguard::peer_config{};
  cfg.public_key = p.b.public_key();
  cfg.allowed_ips = {*ip_prefix::parse("10.0.0.2/32")};
  cfg.persistent_keepalive = 1s;
  BOOST_TEST(!p.a.update_peer(std::move(cfg)).has_value());
  p.advance(0s);
  p.expect_a_to_b({shape::keepalive});
  p.deliver_to_b();
  BOOST_TEST(p.delivered_at_b.empty());
  BOOST_TEST(p.drops_at_b.empty());
  // The keepalive confirmed B's session.
  BOOST_TEST(p.status_at_b().has_session);
  BOOST_TEST(endpoint_pair::count(p.events_b, event_kind::handshake_completed) == 1u);
}

BOOST_AUTO_TEST_CASE(responder_waits_for_confirmation_before_sending) {
  endpoint_pair p;
  p.send_from_a(a_to_b_packet());
  p.deliver_to_b();
  p.expect_b_to_a({shape::response});
  // B has keys in "next" only: its packet is staged, and no initiation goes out because B just
  // sent a response (one handshake message per REKEY_TIMEOUT).
  auto early = b_to_a_packet(10);
  auto saved = std::move(p.b_to_a);
  p.b_to_a.clear();
  p.send_from_b(early);
  BOOST_TEST(p.b_to_a.empty());
  BOOST_TEST(p.status_at_b().staged_packets == 1u);
  p.b_to_a = std::move(saved);
  p.deliver_to_a();
  p.expect_a_to_b({shape::data});
  p.deliver_to_b(); // confirmation: B flushes its staged packet
  p.expect_b_to_a({shape::data});
  p.deliver_to_a();
  BOOST_REQUIRE(p.delivered_at_a.size() == 1u);
  BOOST_TEST(p.delivered_at_a[0] == early);
}

BOOST_AUTO_TEST_CASE(rekey_after_time_by_the_initiator) {
  endpoint_pair p;
  p.handshake_from_a(a_to_b_packet());
  // Keep traffic flowing both ways every 10 s for two minutes.
  std::uint32_t old_index = 0;
  for (int i = 0; i < 12; ++i) {
    p.advance(10s);
    p.exchange(); // passive keepalives
    p.send_from_a(a_to_b_packet(20, static_cast<std::uint8_t>(i)));
    p.expect_a_to_b({shape::data});
    old_index = receiver_of(p.a_to_b.front());
    p.exchange();
    p.send_from_b(b_to_a_packet(20));
    p.exchange();
  }
  // 120 s have passed: A's next send also starts a new handshake (paper §6.2, REKEY_AFTER_TIME);
  // the data still goes out under the old session.
  p.advance(1s);
  p.send_from_a(a_to_b_packet(30));
  p.expect_a_to_b({shape::data, shape::initiation});
  BOOST_TEST(receiver_of(p.a_to_b.front()) == old_index);
  p.deliver_to_b();
  p.expect_b_to_a({shape::response});
  p.deliver_to_a();
  BOOST_TEST(endpoint_pair::count(p.events_a, event_kind::handshake_completed) == 2u);
  p.expect_a_to_b({shape::keepalive}); // confirms the new session to B
  p.deliver_to_b();
  BOOST_TEST(endpoint_pair::count(p.events_b, event_kind::handshake_completed) == 2u);
  p.send_from_a(a_to_b_packet(40));
  p.expect_a_to_b({shape::data});
  BOOST_TEST(receiver_of(p.a_to_b.front()) != old_index);
  p.deliver_to_b();
  BOOST_TEST(p.delivered_at_b.size() == 15u);
  // B, the responder, never initiated: REKEY_AFTER_TIME applies to the initiator only.
  BOOST_TEST(p.drops_at_b.empty());
}

BOOST_AUTO_TEST_CASE(responder_rekeys_when_its_session_is_too_old_to_send) {
  endpoint_pair p;
  p.handshake_from_a(a_to_b_packet());
  p.send_from_b(b_to_a_packet());
  p.exchange();
  // Silence for REJECT_AFTER_TIME (timers only exchange keepalives, which are lost).
  p.advance(181s, /*lose=*/true);
  p.send_from_b(b_to_a_packet(5));
  p.expect_b_to_a({shape::initiation}); // B may not use the expired session: it initiates
  p.exchange();
  BOOST_REQUIRE(!p.delivered_at_a.empty());
  BOOST_TEST(p.delivered_at_a.back() == b_to_a_packet(5));
}

BOOST_AUTO_TEST_CASE(lost_response_is_retried_after_rekey_timeout_with_jitter) {
  endpoint_pair p;
  const auto t0 = p.clock.now;
  p.send_from_a(a_to_b_packet());
  p.deliver_to_b();
  p.lose_b_to_a();
  // The retransmission is due REKEY_TIMEOUT plus 0..333 ms later.
  auto due = p.a.next_deadline();
  BOOST_REQUIRE(due.has_value());
  BOOST_TEST((*due - t0 >= 5s));
  BOOST_TEST((*due - t0 < 5s + 334ms));
  p.advance(4999ms);
  BOOST_TEST(p.a_to_b.empty());
  p.advance(335ms);
  p.expect_a_to_b({shape::initiation});
  BOOST_TEST(p.status_at_a().handshake_attempts == 1u);
  p.exchange();
  BOOST_REQUIRE(p.delivered_at_b.size() == 1u);
  BOOST_TEST(p.delivered_at_b[0] == a_to_b_packet());
  BOOST_TEST(p.status_at_a().handshake_attempts == 0u);
}

BOOST_AUTO_TEST_CASE(jitter_varies_between_attempts) {
  endpoint_pair p;
  p.send_from_a(a_to_b_packet());
  std::vector<std::chrono::milliseconds> gaps;
  auto last = p.clock.now;
  for (int i = 0; i < 6; ++i) {
    p.lose_a_to_b();
    auto due = *p.a.next_deadline();
    gaps.push_back(std::chrono::duration_cast<std::chrono::milliseconds>(due - last));
    p.advance(due - p.clock.now);
    p.expect_a_to_b({shape::initiation});
    last = p.clock.now;
  }
  for (auto g : gaps) {
    BOOST_TEST(g.count() >= 5000);
    BOOST_TEST(g.count() <= 5333);
  }
  std::sort(gaps.begin(), gaps.end());
  BOOST_TEST((gaps.front() != gaps.back()));
}

BOOST_AUTO_TEST_CASE(gives_up_after_rekey_attempt_time) {
  endpoint_pair p;
  const auto t0 = p.clock.now;
  p.send_from_a(a_to_b_packet());
  p.lose_a_to_b();
  std::size_t initiations = 1;
  while (p.events_a.empty() && p.clock.now - t0 < 200s) {
    p.advance(100ms);
    initiations += p.a_to_b.size();
    p.lose_a_to_b();
  }
  BOOST_REQUIRE(endpoint_pair::count(p.events_a, event_kind::handshake_failed) == 1u);
  // As Linux and wireguard-go: the first initiation plus MAX_TIMER_HANDSHAKES + 1 = 19 retries,
  // each REKEY_TIMEOUT + jitter apart, then one last timeout: 20 attempts in about 100 s.
  BOOST_TEST(initiations == 20u);
  BOOST_TEST((p.clock.now - t0 >= 100s));
  BOOST_TEST((p.clock.now - t0 < 107s));
  BOOST_TEST(p.status_at_a().staged_packets == 0u);
  BOOST_TEST(p.a.drops()[static_cast<std::size_t>(wg_errc::gave_up)] == 1u);
  // Nothing more is sent until new traffic.
  p.advance(60s);
  BOOST_TEST(p.a_to_b.empty());
  p.send_from_a(a_to_b_packet());
  p.expect_a_to_b({shape::initiation});
}

BOOST_AUTO_TEST_CASE(replayed_and_reordered_transport) {
  endpoint_pair p;
  p.handshake_from_a(a_to_b_packet(10, 0));
  for (std::uint8_t i = 1; i <= 4; ++i)
    p.send_from_a(a_to_b_packet(10, i));
  auto d = std::vector<outbound_datagram>(p.a_to_b.begin(), p.a_to_b.end());
  p.a_to_b.clear();
  BOOST_REQUIRE(d.size() == 4u);
  for (int i : {2, 0, 3, 1})
    p.a_to_b.push_back(d[static_cast<std::size_t>(i)]);
  p.deliver_to_b();
  BOOST_REQUIRE(p.delivered_at_b.size() == 5u);
  BOOST_TEST(p.delivered_at_b[1] == a_to_b_packet(10, 3));
  BOOST_TEST(p.delivered_at_b[4] == a_to_b_packet(10, 2));
  BOOST_TEST(p.drops_at_b.empty());
  // Every one of them again: all replays, none delivered, nothing sent back.
  for (const auto& x : d)
    p.a_to_b.push_back(x);
  p.deliver_to_b();
  BOOST_TEST(p.delivered_at_b.size() == 5u);
  BOOST_TEST(p.drops_at_b.size() == 4u);
  BOOST_TEST(std::all_of(p.drops_at_b.begin(), p.drops_at_b.end(),
                         [](wg_errc e) { return e == wg_errc::replayed; }));
  BOOST_TEST(p.b_to_a.empty());
}

BOOST_AUTO_TEST_CASE(stale_initiation_is_dropped) {
  endpoint_pair p;
  p.send_from_a(a_to_b_packet());
  auto captured = p.a_to_b.front();
  p.exchange();
  BOOST_TEST(p.status_at_b().has_session);
  // The captured initiation replayed later: its TAI64N is not newer, so no response.
  p.advance(30s, true);
  p.a_to_b.push_back(captured);
  p.deliver_to_b();
  BOOST_TEST(p.b_to_a.empty());
  BOOST_TEST(contains(p.drops_at_b, wg_errc::stale_timestamp));
  // A's wall clock jumping backwards makes its own new initiations stale too.
  p.clock.wall_base -= std::chrono::hours{1};
  p.advance(200s, true); // the session expires
  p.drops_at_b.clear();
  p.send_from_a(a_to_b_packet());
  p.expect_a_to_b({shape::initiation});
  p.deliver_to_b();
  BOOST_TEST(p.b_to_a.empty());
  BOOST_TEST(contains(p.drops_at_b, wg_errc::stale_timestamp));
}

BOOST_AUTO_TEST_CASE(cookie_path_under_load) {
  endpoint_pair p;
  p.b.set_under_load(true);
  p.send_from_a(a_to_b_packet());
  p.expect_a_to_b({shape::initiation});
  p.deliver_to_b();
  // mac2 missing: B answers with a cookie reply to the source address only.
  p.expect_b_to_a({shape::cookie_reply});
  BOOST_TEST(p.b_to_a.front().to == p.a_addr);
  BOOST_TEST(p.b_to_a.front().peer == 0u);
  BOOST_TEST(contains(p.drops_at_b, wg_errc::cookie_sent));
  BOOST_TEST(!p.status_at_b().holds_keys); // no DH was spent
  p.deliver_to_a();
  BOOST_TEST(p.a_to_b.empty()); // the cookie alone triggers nothing
  BOOST_TEST(p.drops_at_a.empty());
  // The retransmission carries mac2 and passes.
  p.advance(5334ms);
  p.expect_a_to_b({shape::initiation});
  p.deliver_to_b();
  p.expect_b_to_a({shape::response});
  p.exchange();
  BOOST_TEST(p.delivered_at_b.size() == 1u);

  // The same cookie does not help from another address: another cookie reply.
  auto elsewhere = *udp_address::parse("192.0.2.99:4000");
  p.advance(10s, true);
  auto stale = p.drops_at_b.size();
  p.clock.now += 120s; // force a rekey by time
  p.send_from_a(a_to_b_packet());
  p.expect_a_to_b({shape::data, shape::initiation});
  p.a_to_b.pop_front();
  p.deliver_to_b(elsewhere);
  p.expect_b_to_a({shape::cookie_reply});
  BOOST_TEST(p.b_to_a.front().to == elsewhere);
  BOOST_TEST(p.drops_at_b.size() == stale + 1);
}

BOOST_AUTO_TEST_CASE(roaming_follows_the_last_authenticated_source) {
  endpoint_pair p;
  p.handshake_from_a(a_to_b_packet());
  BOOST_TEST(p.status_at_b().endpoint == p.a_addr);
  auto moved = *udp_address::parse("203.0.113.7:40000");
  p.send_from_a(a_to_b_packet(50));
  p.deliver_to_b(moved);
  BOOST_TEST(p.status_at_b().endpoint == moved);
  p.send_from_b(b_to_a_packet());
  BOOST_REQUIRE(p.b_to_a.size() == 1u);
  BOOST_TEST(p.b_to_a.front().to == moved);
  // An unauthenticated datagram from yet another address does not move it.
  auto forged = p.b_to_a.front().bytes;
  forged.back() ^= 1;
  p.b.recv(p.clock.now, p.clock.wall(), *udp_address::parse("198.51.100.66:1"), forged);
  BOOST_TEST(p.status_at_b().endpoint == moved);
}

BOOST_AUTO_TEST_CASE(peer_without_endpoint_learns_it_from_the_handshake) {
  endpoint_pair p{{}, side_options{0s, false}};
  BOOST_TEST(!p.status_at_b().endpoint.has_value());
  // B cannot start anything: its packet waits.
  p.send_from_b(b_to_a_packet());
  BOOST_TEST(p.b_to_a.empty());
  BOOST_TEST(contains(p.drops_at_b, wg_errc::no_endpoint));
  p.handshake_from_a(a_to_b_packet());
  BOOST_TEST(p.status_at_b().endpoint == p.a_addr);
  BOOST_REQUIRE(p.delivered_at_a.size() == 1u); // B's staged packet went out on confirmation
  BOOST_TEST(p.delivered_at_a[0] == b_to_a_packet());
}

BOOST_AUTO_TEST_CASE(keys_are_zeroed_after_three_reject_after_times) {
  endpoint_pair p;
  p.handshake_from_a(a_to_b_packet());
  BOOST_TEST(p.status_at_a().holds_keys);
  BOOST_TEST(p.status_at_b().holds_keys);
  p.advance(539s, /*lose=*/true);
  BOOST_TEST(p.status_at_b().holds_keys);
  p.advance(2s, /*lose=*/true);
  BOOST_TEST(!p.status_at_a().holds_keys);
  BOOST_TEST(!p.status_at_b().holds_keys);
  BOOST_TEST(endpoint_pair::count(p.events_a, event_kind::keys_zeroed) == 1u);
  BOOST_TEST(endpoint_pair::count(p.events_b, event_kind::keys_zeroed) == 1u);
  // Nothing pending any more, and a new packet starts afresh.
  p.advance(1000s);
  BOOST_TEST(p.a_to_b.empty());
  p.handshake_from_a(a_to_b_packet(9));
  BOOST_TEST(p.delivered_at_b.back() == a_to_b_packet(9));
}

BOOST_AUTO_TEST_CASE(persistent_keepalive) {
  endpoint_pair p{side_options{25s, true}, {}};
  // Configuring a persistent keepalive sends one right away, which needs a handshake first.
  BOOST_REQUIRE(p.a.next_deadline().has_value());
  p.advance(0s);
  p.expect_a_to_b({shape::initiation});
  p.exchange();
  BOOST_TEST(p.status_at_b().has_session);
  BOOST_TEST(p.delivered_at_b.empty());
  // Then one keepalive per 25 s of silence from A.
  for (int i = 0; i < 3; ++i) {
    p.advance(24s);
    BOOST_TEST(p.a_to_b.empty());
    p.advance(1s);
    p.expect_a_to_b({shape::keepalive});
    p.deliver_to_b();
    BOOST_TEST(p.b_to_a.empty()); // keepalives are not answered
  }
  // Traffic resets the interval: here B's passive keepalive, 10 s after A's data.
  p.advance(20s);
  p.send_from_a(a_to_b_packet());
  p.deliver_to_b();
  p.advance(10s);
  p.expect_b_to_a({shape::keepalive});
  p.deliver_to_a();
  p.advance(24s);
  BOOST_TEST(p.a_to_b.empty());
  p.advance(1s);
  // 130 s into the session, so the keepalive also triggers the initiator's rekey (paper §6.2).
  p.expect_a_to_b({shape::keepalive, shape::initiation});
}

BOOST_AUTO_TEST_CASE(passive_keepalive_after_keepalive_timeout) {
  endpoint_pair p;
  p.handshake_from_a(a_to_b_packet());
  // B received data and has sent nothing back: after KEEPALIVE_TIMEOUT it sends a keepalive.
  p.advance(9s);
  BOOST_TEST(p.b_to_a.empty());
  p.advance(1s);
  p.expect_b_to_a({shape::keepalive});
  p.deliver_to_a();
  BOOST_TEST(p.delivered_at_a.empty());
  // When B answers with data in time, no keepalive is needed.
  p.send_from_a(a_to_b_packet());
  p.deliver_to_b();
  p.advance(3s);
  p.send_from_b(b_to_a_packet());
  p.deliver_to_a();
  p.advance(10s);
  p.expect_b_to_a({});
  // A, having received data from B, sends its own passive keepalive.
  p.expect_a_to_b({shape::keepalive});
}

BOOST_AUTO_TEST_CASE(new_handshake_when_data_gets_no_answer) {
  endpoint_pair p;
  p.handshake_from_a(a_to_b_packet());
  p.advance(10s);
  p.expect_b_to_a({shape::keepalive}); // B's passive keepalive answers the handshake's data
  p.deliver_to_a();
  p.send_from_a(a_to_b_packet());
  p.lose_a_to_b();
  // KEEPALIVE_TIMEOUT + REKEY_TIMEOUT (+ jitter) without any authenticated packet back.
  p.advance(15s);
  BOOST_TEST(p.a_to_b.empty());
  p.advance(334ms);
  p.expect_a_to_b({shape::initiation});
}

BOOST_AUTO_TEST_CASE(spoofed_inner_source_is_dropped) {
  endpoint_pair p;
  p.handshake_from_a(a_to_b_packet());
  // A's allowed IPs at B are 10.0.0.1/32 only.
  p.send_from_a(ipv4_packet("10.0.0.99", endpoint_pair::b_ip, 10));
  p.expect_a_to_b({shape::data});
  p.deliver_to_b();
  BOOST_TEST(p.delivered_at_b.size() == 1u);
  BOOST_TEST(contains(p.drops_at_b, wg_errc::disallowed_source));
  // A source of another peer is no better: add C with 10.0.0.3 at B.
  wireguard::peer_config c;
  c.public_key = crypto::node_private{filled<32>(0x33)}.public_key();
  c.allowed_ips = {*ip_prefix::parse("10.0.0.3/32")};
  BOOST_TEST(std::holds_alternative<peer_id>(p.b.add_peer(std::move(c))));
  p.send_from_a(ipv4_packet("10.0.0.3", endpoint_pair::b_ip, 10));
  p.deliver_to_b();
  BOOST_TEST(p.delivered_at_b.size() == 1u);
  BOOST_TEST(p.b.drops()[static_cast<std::size_t>(wg_errc::disallowed_source)] == 2u);
}

BOOST_AUTO_TEST_CASE(wrong_keys_and_garbage_are_dropped_silently) {
  endpoint_pair p;
  p.handshake_from_a(a_to_b_packet());
  // C knows B's public key (so mac1 is right) but B does not know C.
  test::deterministic_random rng_c{303};
  endpoint c{crypto::node_private{filled<32>(0x33)}, rng_c};
  wireguard::peer_config cfg;
  cfg.public_key = p.b.public_key();
  cfg.endpoint = p.b_addr;
  cfg.allowed_ips = {*ip_prefix::parse("0.0.0.0/0")};
  BOOST_TEST(std::holds_alternative<peer_id>(c.add_peer(std::move(cfg))));
  auto out = c.send(p.clock.now, p.clock.wall(), ipv4_packet("10.0.0.3", "10.0.0.2", 5));
  BOOST_REQUIRE(out.to_network.size() == 1u);
  auto r = p.b.recv(p.clock.now, p.clock.wall(), p.a_addr, out.to_network[0].bytes);
  BOOST_TEST(r.to_network.empty());
  BOOST_TEST(r.dropped == wg_errc::unknown_peer);

  // A transport packet sealed with the wrong key under a valid index.
  p.send_from_a(a_to_b_packet());
  auto good = p.a_to_b.front().bytes;
  p.lose_a_to_b();
  auto bad = good;
  bad[20] ^= 0x40;
  r = p.b.recv(p.clock.now, p.clock.wall(), p.a_addr, bad);
  BOOST_TEST(r.dropped == wg_errc::bad_tag);
  BOOST_TEST(r.to_local.empty());
  BOOST_TEST(r.to_network.empty());
  bad = good;
  bad[4] ^= 1; // unknown receiver index
  r = p.b.recv(p.clock.now, p.clock.wall(), p.a_addr, bad);
  BOOST_TEST(r.dropped == wg_errc::unknown_index);
  // Truncations and unknown types.
  for (std::size_t n = 0; n < good.size(); n += 7) {
    r = p.b.recv(p.clock.now, p.clock.wall(), p.a_addr, byte_view{good}.first(n));
    BOOST_TEST(r.to_network.empty());
    BOOST_TEST(r.to_local.empty());
    BOOST_TEST(r.dropped.has_value());
  }
  // The genuine packet still gets through afterwards.
  r = p.b.recv(p.clock.now, p.clock.wall(), p.a_addr, good);
  BOOST_TEST(r.to_local.size() == 1u);
}

BOOST_AUTO_TEST_CASE(simultaneous_initiations_converge) {
  endpoint_pair p;
  p.send_from_a(a_to_b_packet());
  p.send_from_b(b_to_a_packet());
  p.expect_a_to_b({shape::initiation});
  p.expect_b_to_a({shape::initiation});
  // Each side answers the other's initiation, and each response finds its initiation replaced:
  // a collision. The retransmission jitter breaks the tie once a round trip is shorter than
  // the jitter difference, as on a real network: deliver every 10 ms.
  const auto t0 = p.clock.now;
  while (p.clock.now - t0 < 30s && (p.delivered_at_a.empty() || p.delivered_at_b.empty())) {
    p.exchange();
    p.advance(10ms);
  }
  BOOST_TEST((p.clock.now - t0 < 6s));
  BOOST_TEST(p.delivered_at_a.size() == 1u);
  BOOST_TEST(p.delivered_at_b.size() == 1u);
}

BOOST_AUTO_TEST_CASE(preshared_key_must_match) {
  endpoint_pair p{{}, {}, crypto::key32{filled<32>(0x77)}};
  p.handshake_from_a(a_to_b_packet());
  BOOST_TEST(p.delivered_at_b.size() == 1u);

  wireguard::peer_config cfg;
  cfg.public_key = p.a.public_key();
  cfg.preshared_key = crypto::key32{filled<32>(0x78)};
  cfg.allowed_ips = {*ip_prefix::parse("10.0.0.1/32")};
  BOOST_TEST(!p.b.update_peer(std::move(cfg)).has_value());
  p.advance(200s, true);
  p.send_from_a(a_to_b_packet());
  p.deliver_to_b();
  p.expect_b_to_a({shape::response}); // B cannot tell: the psk only enters at the response
  p.deliver_to_a();
  BOOST_TEST(contains(p.drops_at_a, wg_errc::bad_handshake));
  BOOST_TEST(p.a_to_b.empty());
}

BOOST_AUTO_TEST_CASE(staging_is_bounded) {
  endpoint_pair p;
  for (int i = 0; i < 200; ++i)
    p.send_from_a(a_to_b_packet(8, static_cast<std::uint8_t>(i)));
  BOOST_TEST(p.status_at_a().staged_packets == 128u);
  BOOST_TEST(p.a.drops()[static_cast<std::size_t>(wg_errc::staged_overflow)] == 72u);
  p.exchange();
  BOOST_REQUIRE(p.delivered_at_b.size() == 128u);
  BOOST_TEST(p.delivered_at_b.front() == a_to_b_packet(8, 72)); // the oldest were dropped
}

BOOST_AUTO_TEST_CASE(configuration_errors) {
  endpoint_pair p;
  wireguard::peer_config dup;
  dup.public_key = p.b.public_key();
  BOOST_TEST(std::get<wg_errc>(p.a.add_peer(std::move(dup))) == wg_errc::duplicate_peer);
  wireguard::peer_config self;
  self.public_key = p.a.public_key();
  BOOST_TEST(std::get<wg_errc>(p.a.add_peer(std::move(self))) == wg_errc::invalid_key);
  wireguard::peer_config zero; // X25519 with the zero point is zero
  BOOST_TEST(std::get<wg_errc>(p.a.add_peer(std::move(zero))) == wg_errc::invalid_key);
  wireguard::peer_config prefix;
  prefix.public_key = crypto::node_private{filled<32>(0x44)}.public_key();
  prefix.allowed_ips = {ip_prefix{*ip_address::parse("10.0.0.0"), 33}};
  BOOST_TEST(std::get<wg_errc>(p.a.add_peer(std::move(prefix))) == wg_errc::bad_prefix);
  wireguard::peer_config unknown;
  unknown.public_key = crypto::node_private{filled<32>(0x45)}.public_key();
  BOOST_TEST(p.a.update_peer(std::move(unknown)) == wg_errc::no_such_peer);
  BOOST_TEST(p.a.peers().size() == 1u);
}

BOOST_AUTO_TEST_CASE(removing_a_peer_forgets_its_sessions_and_routes) {
  endpoint_pair p;
  p.handshake_from_a(a_to_b_packet());
  p.send_from_a(a_to_b_packet());
  auto in_flight = p.a_to_b.front().bytes;
  BOOST_TEST(p.b.remove_peer(p.a_at_b));
  BOOST_TEST(!p.b.remove_peer(p.a_at_b));
  BOOST_TEST(!p.b.status(p.a_at_b).has_value());
  auto r = p.b.recv(p.clock.now, p.clock.wall(), p.a_addr, in_flight);
  BOOST_TEST(r.dropped == wg_errc::unknown_index);
  r = p.b.send(p.clock.now, p.clock.wall(), b_to_a_packet());
  BOOST_TEST(r.dropped == wg_errc::no_route);
  BOOST_TEST(!p.b.find_peer(p.a.public_key()).has_value());
}

BOOST_AUTO_TEST_CASE(outbound_packets_are_checked) {
  endpoint_pair p;
  auto r = p.a.send(p.clock.now, p.clock.wall(), byte_buffer{0x45, 0});
  BOOST_TEST(r.dropped == wg_errc::bad_ip_packet);
  r = p.a.send(p.clock.now, p.clock.wall(), ipv4_packet("10.0.0.1", "10.9.9.9", 4));
  BOOST_TEST(r.dropped == wg_errc::no_route);
  r = p.a.send(p.clock.now, p.clock.wall(), byte_buffer(70000, 0x45));
  BOOST_TEST(r.dropped == wg_errc::packet_too_large);
  BOOST_TEST(r.to_network.empty());
}

BOOST_AUTO_TEST_CASE(results_reuse_their_buffers) {
  endpoint_pair p;
  p.handshake_from_a(a_to_b_packet());
  endpoint_result out;
  p.a.send(p.clock.now, p.clock.wall(), a_to_b_packet(1200), out);
  BOOST_REQUIRE(out.to_network.size() == 1u);
  const auto* storage = out.to_network[0].bytes.data();
  out.clear();
  p.a.send(p.clock.now, p.clock.wall(), a_to_b_packet(1100), out);
  BOOST_TEST(out.to_network[0].bytes.data() == storage);
}

BOOST_AUTO_TEST_CASE(deadlines_are_driven_by_now_only) {
  endpoint_pair p;
  // Idle peers without a persistent keepalive need no timer at all.
  BOOST_TEST(!p.a.next_deadline().has_value());
  BOOST_TEST(!p.b.next_deadline().has_value());
  p.send_from_a(a_to_b_packet());
  auto due = *p.a.next_deadline();
  // Dispatching early does nothing (and is allowed); at the deadline the retry goes out.
  auto early = p.a.dispatch_events(due - 1ms, p.clock.wall());
  BOOST_TEST(early.to_network.empty());
  BOOST_TEST((*p.a.next_deadline() == due));
  auto on_time = p.a.dispatch_events(due, p.clock.wall());
  BOOST_REQUIRE(on_time.to_network.size() == 1u);
  BOOST_TEST((shape_of(on_time.to_network[0].bytes) == shape::initiation));
  BOOST_TEST((*p.a.next_deadline() > due));
}

BOOST_AUTO_TEST_SUITE_END()
