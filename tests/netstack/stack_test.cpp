// lwIP behind netstack::stack, driven by synthesized segments into a capturing output with a
// virtual clock (the lwIP unit-test style, style.md §5.17): SYN / SYN-ACK, data, window
// updates, FIN both ways, RST, retransmission on the virtual clock, own-address loopback, UDP.
#include <boost/test/unit_test.hpp>

#include <deque>
#include <string>

#include "netstack/packet.hpp"
#include "netstack/stack.hpp"
#include "netstack/tcp_connection.hpp"
#include "netstack/udp_socket.hpp"

extern "C" {
#include "lwip/opt.h"
#include "tsnode_lwip_port.h"
}

using namespace tsnode::netstack;

namespace {

/// Records every event of one connection.
struct recorder : tcp_handler {
  int connected = 0, readable = 0, writable = 0, remote_closed = 0;
  std::optional<netstack_errc> error;
  void on_connected(tcp_connection&) override { ++connected; }
  void on_readable(tcp_connection&) override { ++readable; }
  void on_writable(tcp_connection&) override { ++writable; }
  void on_remote_closed(tcp_connection&) override { ++remote_closed; }
  void on_error(tcp_connection&, netstack_errc e) override { error = e; }
};

std::uint32_t virtual_now_ms = 0;
std::uint32_t read_virtual_clock(void*) {
  return virtual_now_ms;
}

const ip_address self4 = ip_address::v4(100, 64, 0, 1);
const ip_address peer4 = ip_address::v4(100, 64, 0, 2);
const ip_address self6 = *ip_address::parse("fd7a:115c:a1e0::1");
const ip_address peer6 = *ip_address::parse("fd7a:115c:a1e0::2");

/// A stack at 100.64.0.1 / fd7a:115c:a1e0::1 whose output is captured, on a virtual clock.
struct stack_fixture {
  std::deque<std::vector<std::uint8_t>> sent;
  stack net;

  stack_fixture()
    : net(
      stack_config{{*ip_prefix::parse("100.64.0.1/32"), *ip_prefix::parse("fd7a:115c:a1e0::1/128")},
                   1280},
      [this](std::span<const std::uint8_t> p) { sent.emplace_back(p.begin(), p.end()); }) {
    tsnode_lwip_set_clock(read_virtual_clock, nullptr);
  }
  ~stack_fixture() { tsnode_lwip_set_clock(nullptr, nullptr); }

  /// Removes and returns the oldest output packet's TCP view (and keeps its bytes alive).
  std::vector<std::uint8_t> last_bytes;
  tcp_view take_tcp() {
    BOOST_REQUIRE(!sent.empty());
    last_bytes = std::move(sent.front());
    sent.pop_front();
    auto ip = parse_ip(last_bytes);
    BOOST_REQUIRE(ip);
    BOOST_REQUIRE_EQUAL(ip->protocol, proto_tcp);
    auto t = parse_tcp(ip->payload);
    BOOST_REQUIRE(t);
    return *t;
  }

  void advance(std::uint32_t ms) {
    // Step in lwIP's 250 ms TCP timer grain so every timer fires at its time.
    for (std::uint32_t t = 0; t < ms; t += 50) {
      virtual_now_ms += 50;
      net.poll();
    }
  }

  /// Connects to peer:80 and completes the handshake; returns the connection and our ISN+1.
  std::unique_ptr<tcp_connection> establish(recorder& r, std::uint32_t& our_next,
                                            std::uint32_t peer_isn = 1000,
                                            bool window_scaling = false) {
    netstack_errc err{};
    auto c = net.connect({peer4, 80}, r, err);
    BOOST_REQUIRE(c);
    auto syn = take_tcp();
    our_next = syn.seq + 1;
    tcp_segment synack{peer4,
                       self4,
                       80,
                       syn.src_port,
                       peer_isn,
                       our_next,
                       tcp_flags::syn | tcp_flags::ack,
                       65535,
                       {2, 4, 0x05, 0xb4},
                       {}};
    if (window_scaling)
      synack.options = {2, 4, 0x05, 0xb4, 1, 3, 3, 6}; // MSS, NOP, window scale 6
    net.input(build_tcp(synack));
    auto ack = take_tcp();
    BOOST_CHECK_EQUAL(ack.flags & tcp_flags::ack, tcp_flags::ack);
    BOOST_CHECK_EQUAL(ack.ack, peer_isn + 1);
    return c;
  }
};

std::vector<std::uint8_t> bytes_of(const std::string& s) {
  return {s.begin(), s.end()};
}

} // namespace

BOOST_FIXTURE_TEST_SUITE(netstack_stack, stack_fixture)

BOOST_AUTO_TEST_CASE(syn_carries_mss_for_the_mtu_window_scale_and_sack) {
  recorder r;
  netstack_errc err{};
  auto c = net.connect({peer4, 80}, r, err);
  BOOST_REQUIRE(c);
  auto syn = take_tcp();
  BOOST_CHECK_EQUAL(syn.flags, tcp_flags::syn);
  BOOST_CHECK_EQUAL(syn.dst_port, 80);
  BOOST_CHECK_EQUAL(syn.mss().value_or(0), 1240); // 1280 - 40 (IPv4 + TCP headers)
  BOOST_CHECK(syn.window_scale().has_value());
  BOOST_CHECK(syn.sack_permitted());
  BOOST_CHECK(c->current_state() == tcp_connection::state::connecting);
}

BOOST_AUTO_TEST_CASE(ipv6_syn_uses_the_v6_address_and_mss) {
  recorder r;
  netstack_errc err{};
  auto c = net.connect({peer6, 443}, r, err);
  BOOST_REQUIRE(c);
  auto bytes = sent.front();
  auto ip = parse_ip(bytes);
  BOOST_REQUIRE(ip);
  BOOST_CHECK(ip->src == self6);
  BOOST_CHECK(ip->dst == peer6);
  auto syn = take_tcp();
  BOOST_CHECK_EQUAL(syn.mss().value_or(0), 1220); // 1280 - 60
}

BOOST_AUTO_TEST_CASE(handshake_data_both_ways_and_fin_both_ways) {
  recorder r;
  std::uint32_t our_next = 0;
  auto c = establish(r, our_next);
  BOOST_CHECK_EQUAL(r.connected, 1);
  BOOST_CHECK(c->local().ip == self4);
  BOOST_CHECK(c->remote().ip == peer4 && c->remote().port == 80);

  // Peer -> us: data is queued until consumed.
  auto port = c->local().port;
  tcp_segment data{peer4,
                   self4,
                   80,
                   port,
                   1001,
                   our_next,
                   tcp_flags::ack | tcp_flags::psh,
                   65535,
                   {},
                   bytes_of("hello from peer")};
  net.input(build_tcp(data));
  BOOST_CHECK_EQUAL(r.readable, 1);
  BOOST_CHECK_EQUAL(c->readable(), 15u);
  std::vector<std::uint8_t> buf(64);
  auto n = c->read(buf);
  BOOST_CHECK_EQUAL(std::string(buf.begin(), buf.begin() + n), "hello from peer");

  // Us -> peer.
  sent.clear();
  BOOST_CHECK_EQUAL(c->write(bytes_of("hello from tsnode")), 17u);
  bool saw_data = false;
  while (!sent.empty()) {
    auto t = take_tcp();
    if (!t.payload.empty()) {
      BOOST_CHECK_EQUAL(std::string(t.payload.begin(), t.payload.end()), "hello from tsnode");
      BOOST_CHECK_EQUAL(t.seq, our_next);
      saw_data = true;
    }
  }
  BOOST_CHECK(saw_data);
  our_next += 17;
  tcp_segment ack{peer4, self4, 80, port, 1016, our_next, tcp_flags::ack, 65535, {}, {}};
  net.input(build_tcp(ack));
  BOOST_CHECK_GE(r.writable, 1);
  BOOST_CHECK_EQUAL(c->unacked(), 0u);

  // Peer half-closes: we still may send; then we half-close.
  tcp_segment fin{peer4, self4, 80, port, 1016, our_next, tcp_flags::fin | tcp_flags::ack,
                  65535, {},    {}};
  net.input(build_tcp(fin));
  BOOST_CHECK_EQUAL(r.remote_closed, 1);
  BOOST_CHECK(c->remote_closed());
  sent.clear();
  BOOST_CHECK_EQUAL(c->write(bytes_of("after fin")), 9u);
  c->shutdown_write();
  bool saw_fin = false;
  while (!sent.empty()) {
    auto t = take_tcp();
    if (t.flags & tcp_flags::fin)
      saw_fin = true;
  }
  BOOST_CHECK(saw_fin);
}

BOOST_AUTO_TEST_CASE(rst_to_syn_is_refused) {
  recorder r;
  netstack_errc err{};
  auto c = net.connect({peer4, 81}, r, err);
  auto syn = take_tcp();
  tcp_segment rst{peer4, self4, 81, syn.src_port, 0, syn.seq + 1, tcp_flags::rst | tcp_flags::ack,
                  0,     {},    {}};
  net.input(build_tcp(rst));
  BOOST_REQUIRE(r.error.has_value());
  BOOST_CHECK(*r.error == netstack_errc::refused);
  BOOST_CHECK(c->current_state() == tcp_connection::state::closed);
}

BOOST_AUTO_TEST_CASE(rst_on_established_is_reset) {
  recorder r;
  std::uint32_t our_next = 0;
  auto c = establish(r, our_next);
  tcp_segment rst{peer4, self4, 80, c->local().port, 1001, 0, tcp_flags::rst, 0, {}, {}};
  net.input(build_tcp(rst));
  BOOST_REQUIRE(r.error.has_value());
  BOOST_CHECK(*r.error == netstack_errc::reset);
}

BOOST_AUTO_TEST_CASE(syn_is_retransmitted_on_the_virtual_clock) {
  recorder r;
  netstack_errc err{};
  auto c = net.connect({peer4, 80}, r, err);
  auto syn = take_tcp();
  advance(2000);
  BOOST_CHECK(sent.empty()); // initial RTO is 3 s (RFC 6298 §2.1 as lwIP implements it)
  advance(1500);
  BOOST_REQUIRE(!sent.empty());
  auto again = take_tcp();
  BOOST_CHECK_EQUAL(again.flags, tcp_flags::syn);
  BOOST_CHECK_EQUAL(again.seq, syn.seq);
}

BOOST_AUTO_TEST_CASE(slow_reader_closes_the_window_and_consume_reopens_it) {
  recorder r;
  std::uint32_t our_next = 0;
  auto c = establish(r, our_next, 1000, true);
  auto port = c->local().port;
  std::uint32_t seq = 1001;
  std::vector<std::uint8_t> chunk(1200, 0x42);
  // Push 64 segments without consuming: the advertised window must shrink.
  for (int i = 0; i < 64; ++i) {
    tcp_segment d{peer4, self4, 80, port, seq, our_next, tcp_flags::ack, 65535, {}, chunk};
    net.input(build_tcp(d));
    seq += 1200;
  }
  advance(500); // let delayed ACKs out
  std::uint16_t shrunk = 0;
  while (!sent.empty())
    shrunk = take_tcp().window;
  BOOST_CHECK_EQUAL(c->readable(), 64u * 1200);
  BOOST_CHECK_EQUAL(shrunk, (TCP_WND - 64u * 1200u) >> 6); // scaled by 2^6
  c->consume(c->readable());
  BOOST_CHECK_EQUAL(c->readable(), 0u);
  advance(500);
  std::uint16_t reopened = 0;
  while (!sent.empty())
    reopened = take_tcp().window;
  BOOST_CHECK_GT(reopened, shrunk); // a window update followed the consume
}

BOOST_AUTO_TEST_CASE(unread_data_is_bounded_by_the_window) {
  recorder r;
  std::uint32_t our_next = 0;
  auto c = establish(r, our_next, 1000, true);
  auto port = c->local().port;
  std::uint32_t seq = 1001;
  std::vector<std::uint8_t> chunk(1200, 0x42);
  // A peer ignoring our window sends 200 segments more than it at a reader that never reads:
  // lwIP drops what lies beyond the window (TCP_WND), so memory stays bounded.
  for (std::uint32_t i = 0; i < TCP_WND / 1200 + 200; ++i) {
    tcp_segment d{peer4, self4, 80, port, seq, our_next, tcp_flags::ack, 65535, {}, chunk};
    net.input(build_tcp(d));
    seq += 1200;
  }
  BOOST_CHECK_LE(c->readable(), std::size_t{TCP_WND});
  BOOST_CHECK_GT(c->readable(), std::size_t{TCP_WND} - 1200);
}

BOOST_AUTO_TEST_CASE(writer_is_held_back_by_the_send_buffer) {
  recorder r;
  std::uint32_t our_next = 0;
  auto c = establish(r, our_next);
  std::vector<std::uint8_t> big(4 * 1024 * 1024, 0x33);
  auto taken = c->write(big);
  BOOST_CHECK_LT(taken, big.size()); // no ACKs came back: the send buffer (1 MiB) limits it
  BOOST_CHECK_LE(taken, 1024u * 1024u);
  BOOST_CHECK_EQUAL(c->writable(), 0u);
}

BOOST_AUTO_TEST_CASE(a_batch_gets_one_event_and_one_ack) {
  recorder r;
  std::uint32_t our_next = 0;
  auto c = establish(r, our_next, 1000, true);
  auto port = c->local().port;
  std::uint32_t seq = 1001;
  std::vector<std::uint8_t> chunk(1200, 0x42);
  sent.clear();
  net.begin_batch();
  for (int i = 0; i < 10; ++i) {
    net.input(build_tcp({peer4, self4, 80, port, seq, our_next, tcp_flags::ack, 65535, {}, chunk}));
    seq += 1200;
  }
  // Inside the batch: the data is queued, but no event ran and no ACK left yet.
  BOOST_CHECK_EQUAL(c->readable(), 10u * 1200);
  BOOST_CHECK_EQUAL(r.readable, 0);
  BOOST_CHECK(sent.empty());
  net.end_batch();
  BOOST_CHECK_EQUAL(r.readable, 1);
  BOOST_REQUIRE_EQUAL(sent.size(), 1u); // one ACK for ten segments
  auto ack = take_tcp();
  BOOST_CHECK_EQUAL(ack.ack, seq);
  BOOST_CHECK(ack.payload.empty());
}

BOOST_AUTO_TEST_CASE(a_batch_consumed_in_its_event_sends_only_the_window_update) {
  // A reader that consumes in on_readable (what a splice does): the window update carries the
  // ACK, and the end of the batch adds no second one.
  struct reader : recorder {
    void on_readable(tcp_connection& c) override {
      recorder::on_readable(c);
      c.consume(c.readable());
    }
  } r;
  std::uint32_t our_next = 0;
  auto c = establish(r, our_next, 1000, true);
  auto port = c->local().port;
  std::uint32_t seq = 1001;
  std::vector<std::uint8_t> chunk(1200, 0x42);
  sent.clear();
  net.begin_batch();
  for (int i = 0; i < 10; ++i) {
    net.input(build_tcp({peer4, self4, 80, port, seq, our_next, tcp_flags::ack, 65535, {}, chunk}));
    seq += 1200;
  }
  net.end_batch();
  BOOST_CHECK_EQUAL(c->readable(), 0u);
  BOOST_REQUIRE_EQUAL(sent.size(), 1u);
  BOOST_CHECK_EQUAL(take_tcp().ack, seq);
}

BOOST_AUTO_TEST_CASE(a_gap_in_a_batch_is_answered_at_once) {
  recorder r;
  std::uint32_t our_next = 0;
  auto c = establish(r, our_next, 1000, true);
  auto port = c->local().port;
  std::vector<std::uint8_t> chunk(1200, 0x42);
  sent.clear();
  net.begin_batch();
  // The first segment is lost: the next one is out of order and needs a duplicate ACK with
  // SACK now, for the peer's fast retransmit, not at the end of the batch.
  net.input(
    build_tcp({peer4, self4, 80, port, 1001 + 1200, our_next, tcp_flags::ack, 65535, {}, chunk}));
  BOOST_REQUIRE_EQUAL(sent.size(), 1u);
  BOOST_CHECK_EQUAL(take_tcp().ack, 1001u);
  net.input(build_tcp({peer4, self4, 80, port, 1001, our_next, tcp_flags::ack, 65535, {}, chunk}));
  BOOST_CHECK(sent.empty());
  net.end_batch();
  BOOST_CHECK_EQUAL(r.readable, 1);
  BOOST_CHECK_EQUAL(c->readable(), 2u * 1200);
  // The filled gap is acknowledged at the end of the batch, not by the delayed-ACK timer.
  BOOST_REQUIRE_EQUAL(sent.size(), 1u);
  BOOST_CHECK_EQUAL(take_tcp().ack, 1001u + 2 * 1200);
}

BOOST_AUTO_TEST_CASE(a_connection_destroyed_with_events_pending_is_skipped) {
  recorder r;
  std::uint32_t our_next = 0;
  auto c = establish(r, our_next, 1000, true);
  auto port = c->local().port;
  net.begin_batch();
  net.input(
    build_tcp({peer4, self4, 80, port, 1001, our_next, tcp_flags::ack, 65535, {}, bytes_of("x")}));
  c.reset();
  net.end_batch(); // must not touch the destroyed connection
  BOOST_CHECK_EQUAL(r.readable, 0);
}

BOOST_AUTO_TEST_CASE(traffic_to_own_address_loops_back_inside) {
  recorder server_events, client_events;
  std::unique_ptr<tcp_connection> accepted;
  netstack_errc err{};
  auto listener = net.listen(
    7000,
    [&](std::unique_ptr<tcp_connection> c) {
      c->set_handler(&server_events);
      accepted = std::move(c);
    },
    err);
  BOOST_REQUIRE(listener);
  auto c = net.connect({self4, 7000}, client_events, err);
  BOOST_REQUIRE(c);
  for (int i = 0; i < 10 && net.next_poll_in_ms() == 0; ++i)
    net.poll();
  BOOST_CHECK_EQUAL(client_events.connected, 1);
  BOOST_REQUIRE(accepted);
  BOOST_CHECK(sent.empty()); // nothing left toward the tunnel
  c->write(bytes_of("ping"));
  net.poll();
  std::vector<std::uint8_t> buf(16);
  auto n = accepted->read(buf);
  BOOST_CHECK_EQUAL(std::string(buf.begin(), buf.begin() + n), "ping");
  BOOST_CHECK_GT(net.stats().looped_back, 0u);
}

BOOST_AUTO_TEST_CASE(udp_send_and_receive) {
  netstack_errc err{};
  auto u = net.udp_bind(0, err);
  BOOST_REQUIRE(u);
  std::string got;
  endpoint_address from;
  u->on_receive([&](const endpoint_address& f, std::span<const std::uint8_t> p) {
    from = f;
    got.assign(p.begin(), p.end());
  });
  auto msg = bytes_of("dns?");
  BOOST_REQUIRE(u->send_to({peer4, 53}, msg, err));
  BOOST_REQUIRE_EQUAL(sent.size(), 1u);
  auto ip = parse_ip(sent.front());
  BOOST_REQUIRE(ip && ip->protocol == proto_udp);
  auto udp = parse_udp(ip->payload);
  BOOST_REQUIRE(udp);
  BOOST_CHECK_EQUAL(udp->dst_port, 53);
  BOOST_CHECK_EQUAL(udp->src_port, u->port());

  auto reply = bytes_of("answer");
  net.input(build_udp(peer4, 53, self4, u->port(), reply));
  BOOST_CHECK_EQUAL(got, "answer");
  BOOST_CHECK(from.ip == peer4 && from.port == 53);
}

BOOST_AUTO_TEST_CASE(garbage_input_is_dropped_not_fatal) {
  std::vector<std::uint8_t> junk{0x45, 0, 0, 5};
  net.input(junk);
  net.input({});
  std::vector<std::uint8_t> v6junk(40, 0);
  v6junk[0] = 0x60;
  v6junk[5] = 200; // payload length beyond the buffer
  net.input(v6junk);
  BOOST_CHECK(sent.empty());
}

BOOST_AUTO_TEST_SUITE_END()
