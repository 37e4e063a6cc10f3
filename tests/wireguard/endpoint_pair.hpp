#pragma once
/// @file
/// An in-memory two-endpoint harness (style.md §5.17): endpoints A and B, the datagrams in flight
/// each way, the packets each delivered to its local stack, and a virtual clock. Tests read like
/// sequence diagrams:
///
///   endpoint_pair p;
///   p.send_from_a(packet);            // A has no session: it stages the packet and initiates
///   p.expect_a_to_b({shape::initiation});
///   p.deliver_to_b();
///   p.expect_b_to_a({shape::response});
///
/// Nothing moves unless the test says so: datagrams stay in flight until delivered or lost, and
/// timers fire only inside advance().

#include <boost/test/unit_test.hpp>

#include <chrono>
#include <deque>
#include <sstream>
#include <string>
#include <vector>

#include "tests/support/hex.hpp"
#include "tests/wireguard/packets.hpp"
#include "tests/wireguard/print.hpp"
#include "tests/wireguard/test_random.hpp"
#include "wireguard/endpoint.hpp"

namespace tsnode::test {

using namespace std::chrono_literals;
using wireguard::endpoint;
using wireguard::endpoint_event;
using wireguard::endpoint_result;
using wireguard::event_kind;
using wireguard::outbound_datagram;
using wireguard::peer_id;
using wireguard::time_point;
using wireguard::udp_address;
using wireguard::wall_time;

/// The kind of a datagram on the wire.
enum class shape { initiation, response, cookie_reply, keepalive, data, other };

inline std::ostream& operator<<(std::ostream& os, shape s) {
  const char* names[] = {"initiation", "response", "cookie_reply", "keepalive", "data", "other"};
  return os << names[static_cast<int>(s)];
}

/// Returns the shape of a datagram.
inline shape shape_of(byte_view d) {
  if (d.size() < 4 || d[1] != 0 || d[2] != 0 || d[3] != 0)
    return shape::other;
  switch (d[0]) {
    case 1:
      return d.size() == 148 ? shape::initiation : shape::other;
    case 2:
      return d.size() == 92 ? shape::response : shape::other;
    case 3:
      return d.size() == 64 ? shape::cookie_reply : shape::other;
    case 4:
      return d.size() == 32 ? shape::keepalive : d.size() > 32 ? shape::data : shape::other;
    default:
      return shape::other;
  }
}

/// A virtual monotonic clock with a wall clock that moves with it.
struct test_clock {
  time_point now = time_point{} + std::chrono::hours{1};
  wall_time wall_base = wall_time{} + std::chrono::seconds{1700000000};
  time_point start = now;

  wall_time wall() const {
    return wall_base + std::chrono::duration_cast<wall_time::duration>(now - start);
  }
};

/// Settings of one side of the pair.
struct side_options {
  std::chrono::seconds persistent_keepalive{0};
  bool knows_endpoint = true;
};

/// Two endpoints that know each other, with datagrams in flight between them.
class endpoint_pair {
public:
  static constexpr std::string_view a_ip = "10.0.0.1";
  static constexpr std::string_view b_ip = "10.0.0.2";

  explicit endpoint_pair(side_options at_a = {}, side_options at_b = {},
                         crypto::key32 psk = crypto::key32{})
    : rng_a(101)
    , rng_b(202)
    , a(crypto::node_private{filled<32>(0x11)}, rng_a)
    , b(crypto::node_private{filled<32>(0x22)}, rng_b) {
    a_addr = *udp_address::parse("192.0.2.1:51820");
    b_addr = *udp_address::parse("[2001:db8::2]:51821");
    b_at_a = add(a, b.public_key(), at_a, b_addr, "10.0.0.2/32", psk.clone());
    a_at_b = add(b, a.public_key(), at_b, a_addr, "10.0.0.1/32", psk.clone());
  }

  // -- actions --------------------------------------------------------------------------------

  /// A's local stack sends `ip`; whatever A emits goes in flight.
  void send_from_a(byte_view ip) { collect(a.send(clock.now, clock.wall(), ip), a_side()); }
  void send_from_b(byte_view ip) { collect(b.send(clock.now, clock.wall(), ip), b_side()); }

  /// Delivers every datagram in flight from A to B (as sent from `source`, A's address unless
  /// given), then collects what B emits.
  void deliver_to_b(std::optional<udp_address> source = {}) {
    deliver(a_to_b, b, source.value_or(a_addr), b_side());
  }
  void deliver_to_a(std::optional<udp_address> source = {}) {
    deliver(b_to_a, a, source.value_or(b_addr), a_side());
  }

  /// Loses everything in flight.
  void lose_a_to_b() { a_to_b.clear(); }
  void lose_b_to_a() { b_to_a.clear(); }

  /// Delivers back and forth until nothing is in flight (at most `rounds` rounds).
  void exchange(int rounds = 10) {
    for (int i = 0; i < rounds && (!a_to_b.empty() || !b_to_a.empty()); ++i) {
      deliver_to_b();
      deliver_to_a();
    }
  }

  /// Advances the virtual clock by `d`, running each endpoint's timers at their deadlines.
  /// Datagrams emitted by timers stay in flight; when `lose` is set they are lost instead.
  void advance(std::chrono::steady_clock::duration d, bool lose = false) {
    const auto target = clock.now + d;
    for (int guard = 0; guard < 100000; ++guard) {
      std::optional<time_point> next;
      for (auto* e : {&a, &b}) {
        auto t = e->next_deadline();
        if (t && (!next || *t < *next))
          next = t;
      }
      if (!next || *next > target)
        break;
      clock.now = std::max(clock.now, *next);
      collect(a.dispatch_events(clock.now, clock.wall()), a_side());
      collect(b.dispatch_events(clock.now, clock.wall()), b_side());
      if (lose) {
        lose_a_to_b();
        lose_b_to_a();
      }
    }
    clock.now = target;
  }

  /// Runs a full handshake started by A sending `ip` (which B then receives).
  void handshake_from_a(byte_view ip) {
    send_from_a(ip);
    exchange();
  }

  // -- expectations ---------------------------------------------------------------------------

  static std::string shapes(const std::deque<outbound_datagram>& q) {
    std::ostringstream os;
    for (const auto& d : q)
      os << (os.tellp() > 0 ? "," : "") << shape_of(d.bytes);
    return os.str();
  }
  static std::string shapes(const std::vector<shape>& v) {
    std::ostringstream os;
    for (auto s : v)
      os << (os.tellp() > 0 ? "," : "") << s;
    return os.str();
  }
  /// Checks the shapes of the datagrams in flight from A to B, in order.
  void expect_a_to_b(const std::vector<shape>& want) const {
    BOOST_TEST(shapes(a_to_b) == shapes(want));
  }
  void expect_b_to_a(const std::vector<shape>& want) const {
    BOOST_TEST(shapes(b_to_a) == shapes(want));
  }

  wireguard::peer_status status_at_a() const { return *a.status(b_at_a); }
  wireguard::peer_status status_at_b() const { return *b.status(a_at_b); }

  /// Counts events of `kind` seen at A or B.
  static std::size_t count(const std::vector<endpoint_event>& evs, event_kind kind) {
    return static_cast<std::size_t>(
      std::count_if(evs.begin(), evs.end(), [kind](auto& e) { return e.kind == kind; }));
  }

  // -- state ----------------------------------------------------------------------------------

  test_clock clock;
  deterministic_random rng_a;
  deterministic_random rng_b;
  endpoint a;
  endpoint b;
  udp_address a_addr;
  udp_address b_addr;
  peer_id b_at_a = 0;
  peer_id a_at_b = 0;
  std::deque<outbound_datagram> a_to_b;
  std::deque<outbound_datagram> b_to_a;
  std::vector<byte_buffer> delivered_at_a;
  std::vector<byte_buffer> delivered_at_b;
  std::vector<endpoint_event> events_a;
  std::vector<endpoint_event> events_b;
  /// Drop reasons of the datagrams delivered to each side, in order.
  std::vector<wireguard::wg_errc> drops_at_a;
  std::vector<wireguard::wg_errc> drops_at_b;

private:
  struct side {
    std::deque<outbound_datagram>& outbox;
    std::vector<byte_buffer>& delivered;
    std::vector<endpoint_event>& events;
    std::vector<wireguard::wg_errc>& drops;
  };
  side a_side() { return {a_to_b, delivered_at_a, events_a, drops_at_a}; }
  side b_side() { return {b_to_a, delivered_at_b, events_b, drops_at_b}; }

  static peer_id add(endpoint& e, const crypto::node_public& key, const side_options& opt,
                     const udp_address& where, std::string_view allowed, crypto::key32 psk) {
    wireguard::peer_config cfg;
    cfg.public_key = key;
    cfg.preshared_key = std::move(psk);
    if (opt.knows_endpoint)
      cfg.endpoint = where;
    cfg.allowed_ips.push_back(*wireguard::ip_prefix::parse(allowed));
    cfg.persistent_keepalive = opt.persistent_keepalive;
    auto r = e.add_peer(std::move(cfg));
    BOOST_REQUIRE(std::holds_alternative<peer_id>(r));
    return std::get<peer_id>(r);
  }

  void collect(const endpoint_result& r, side s) {
    for (const auto& d : r.to_network)
      s.outbox.push_back(d);
    for (const auto& p : r.to_local)
      s.delivered.push_back(p.bytes);
    s.events.insert(s.events.end(), r.events.begin(), r.events.end());
    if (r.dropped)
      s.drops.push_back(*r.dropped);
  }

  void deliver(std::deque<outbound_datagram>& q, endpoint& to, const udp_address& source, side s) {
    auto batch = std::move(q);
    q.clear();
    for (const auto& d : batch)
      collect(to.recv(clock.now, clock.wall(), source, d.bytes), s);
  }
};

} // namespace tsnode::test
