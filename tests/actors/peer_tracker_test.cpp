// The peer tracker and the MagicDNS resolver under the deterministic scheduler (style.md §5.18):
// lookups by name, IP and key; requests parked until the first netmap; subscribers; MagicDNS
// rules (short names, FQDN with or without the dot, any case, the self node, failing closed).
// The netmap is written from headscale's naming: given names under base_domain "tsnode.test",
// addresses from its default prefixes 100.64.0.0/10 and fd7a:115c:a1e0::/48.
#include <boost/test/unit_test.hpp>

#include <optional>
#include <string>
#include <vector>

#include "actors/magicdns.hpp"
#include "actors/peer_tracker.hpp"
#include "messages/errors.hpp"
#include "tests/support/deterministic_fixture.hpp"

using namespace tsnode;
using namespace std::chrono_literals;

namespace {

tailnet_node make_node(std::int64_t id, std::string name, std::string ip4, std::string ip6) {
  tailnet_node n;
  n.id = id;
  n.name = std::move(name);
  n.addresses = {ip4, ip6};
  n.allowed_ips = {ip4 + "/32", ip6 + "/128"};
  n.node_key = "nodekey:" + std::string(62, '0') + (id < 10 ? "0" : "") + std::to_string(id);
  return n;
}

tailnet_map sample_map(std::uint64_t generation = 1) {
  tailnet_map m;
  m.domain = "tsnode.test";
  m.magic_dns = true;
  m.generation = generation;
  m.self = make_node(1, "tsproxy.tsnode.test", "100.64.0.1", "fd7a:115c:a1e0::1");
  m.peers.push_back(make_node(2, "peer1.tsnode.test", "100.64.0.2", "fd7a:115c:a1e0::2"));
  m.peers.push_back(make_node(3, "peer2.tsnode.test", "100.64.0.3", "fd7a:115c:a1e0::3"));
  // A name outside the MagicDNS suffix has no short name.
  m.peers.push_back(make_node(4, "db.elsewhere.example", "100.64.0.4", "fd7a:115c:a1e0::4"));
  return m;
}

template <class T>
struct outcome {
  std::optional<T> result;
  std::optional<caf::error> error;
};

template <class T>
struct asker_state {
  outcome<T> seen;
};

/// Sends one request to `h` and records the answer.
template <class T, class Handle, class... Ts>
caf::behavior asker(caf::stateful_actor<asker_state<T>>* self, Handle h, Ts... xs) {
  self->request(h, std::chrono::seconds(30), xs...)
    .then([=](const T& x) { self->state.seen.result = x; },
          [=](caf::error& e) { self->state.seen.error = std::move(e); });
  return {[](caf::unit_t) {}};
}

struct subscriber_state {
  std::vector<tailnet_map> seen;
};

caf::behavior subscriber(caf::stateful_actor<subscriber_state>* self) {
  return {[=](netmap_atom, const tailnet_map& m) { self->state.seen.push_back(m); }};
}

struct tracker_fixture : test::deterministic_fixture {
  peer_tracker_actor tracker;

  tracker_fixture() {
    tracker = track(sys.spawn(peer_tracker, std::size_t{8}));
    run();
  }

  void publish(tailnet_map m) {
    self->send(tracker, netmap_atom_v, std::move(m));
    run();
  }

  template <class Atom>
  caf::actor ask(Atom a, std::string what) {
    return track(sys.spawn(asker<tailnet_node, peer_tracker_actor, Atom, std::string>, tracker, a,
                           std::move(what)));
  }

  outcome<tailnet_node>& seen(const caf::actor& a) {
    return state_of<asker_state<tailnet_node>>(a).seen;
  }

  template <class Atom>
  outcome<tailnet_node> lookup(Atom a, std::string what) {
    auto x = ask(a, std::move(what));
    run();
    return seen(x);
  }

  void expect_node(const outcome<tailnet_node>& o, std::int64_t id) {
    BOOST_REQUIRE_MESSAGE(o.result.has_value(), "no node; error: " << (o.error ? "yes" : "none"));
    BOOST_CHECK_EQUAL(o.result->id, id);
  }

  void expect_no_such_peer(const outcome<tailnet_node>& o) {
    BOOST_CHECK(!o.result);
    BOOST_REQUIRE(o.error.has_value());
    BOOST_CHECK(*o.error == caf::make_error(tailnet_errc::no_such_peer));
  }
};

} // namespace

BOOST_FIXTURE_TEST_SUITE(actor_peer_tracker, tracker_fixture)

BOOST_AUTO_TEST_CASE(lookups_by_name_ip_and_key) {
  publish(sample_map());
  expect_node(lookup(lookup_name_atom_v, "peer1.tsnode.test"), 2);
  expect_node(lookup(lookup_name_atom_v, "PEER1.TSNODE.TEST."), 2);
  expect_node(lookup(lookup_name_atom_v, "peer2"), 3);
  expect_node(lookup(lookup_name_atom_v, "Peer2."), 3);
  expect_node(lookup(lookup_name_atom_v, "tsproxy"), 1); // the self node
  expect_node(lookup(lookup_name_atom_v, "db.elsewhere.example"), 4);
  expect_no_such_peer(lookup(lookup_name_atom_v, "db"));
  expect_no_such_peer(lookup(lookup_name_atom_v, "peer3"));
  expect_no_such_peer(lookup(lookup_name_atom_v, "tsnode.test"));
  expect_no_such_peer(lookup(lookup_name_atom_v, "peer1.tsnode.test.evil.com"));
  expect_no_such_peer(lookup(lookup_name_atom_v, "peer1.."));
  expect_no_such_peer(lookup(lookup_name_atom_v, ""));
  expect_node(lookup(lookup_ip_atom_v, "100.64.0.3"), 3);
  expect_node(lookup(lookup_ip_atom_v, "FD7A:115C:A1E0:0:0:0:0:2"), 2);
  expect_no_such_peer(lookup(lookup_ip_atom_v, "100.64.0.9"));
  expect_no_such_peer(lookup(lookup_ip_atom_v, "not-an-ip"));
  expect_node(lookup(lookup_key_atom_v, sample_map().peers[1].node_key), 3);
  expect_no_such_peer(lookup(lookup_key_atom_v, "nodekey:" + std::string(64, 'f')));
}

BOOST_AUTO_TEST_CASE(requests_before_the_first_netmap_are_parked_then_answered) {
  auto by_name = ask(lookup_name_atom_v, "peer1");
  auto by_ip = ask(lookup_ip_atom_v, "100.64.0.3");
  auto missing = ask(lookup_name_atom_v, "peer9");
  auto whole
    = track(sys.spawn(asker<tailnet_map, peer_tracker_actor, netmap_atom>, tracker, netmap_atom_v));
  run();
  BOOST_CHECK(!seen(by_name).result && !seen(by_name).error);
  BOOST_CHECK(!seen(by_ip).result && !seen(by_ip).error);
  BOOST_CHECK(!state_of<asker_state<tailnet_map>>(whole).seen.result);
  publish(sample_map(7));
  expect_node(seen(by_name), 2);
  expect_node(seen(by_ip), 3);
  expect_no_such_peer(seen(missing));
  auto& m = state_of<asker_state<tailnet_map>>(whole).seen;
  BOOST_REQUIRE(m.result.has_value());
  BOOST_CHECK_EQUAL(m.result->generation, 7u);
  BOOST_CHECK_EQUAL(m.result->peers.size(), 3u);
}

BOOST_AUTO_TEST_CASE(parking_is_bounded) {
  std::vector<caf::actor> askers;
  for (int i = 0; i < 8; ++i)
    askers.push_back(ask(lookup_name_atom_v, "peer1"));
  auto late = ask(lookup_name_atom_v, "peer1");
  run();
  BOOST_REQUIRE(seen(late).error.has_value());
  BOOST_CHECK(*seen(late).error == caf::make_error(tailnet_errc::not_ready));
  publish(sample_map());
  for (auto& a : askers)
    expect_node(seen(a), 2);
}

BOOST_AUTO_TEST_CASE(a_new_netmap_replaces_the_old_one) {
  publish(sample_map(1));
  auto m = sample_map(2);
  m.peers.erase(m.peers.begin()); // peer1 removed
  m.peers[0].addresses = {"100.64.0.33", "fd7a:115c:a1e0::33"};
  publish(m);
  expect_no_such_peer(lookup(lookup_name_atom_v, "peer1"));
  expect_no_such_peer(lookup(lookup_ip_atom_v, "100.64.0.3"));
  expect_node(lookup(lookup_ip_atom_v, "100.64.0.33"), 3);
}

BOOST_AUTO_TEST_CASE(subscribers_get_the_current_and_every_later_netmap) {
  auto early = track(sys.spawn(subscriber));
  self->send(tracker, subscribe_atom_v, early);
  run();
  BOOST_CHECK(state_of<subscriber_state>(early).seen.empty());
  publish(sample_map(1));
  auto late = track(sys.spawn(subscriber));
  self->send(tracker, subscribe_atom_v, late);
  run();
  publish(sample_map(2));
  auto& e = state_of<subscriber_state>(early).seen;
  auto& l = state_of<subscriber_state>(late).seen;
  BOOST_REQUIRE_EQUAL(e.size(), 2u);
  BOOST_CHECK_EQUAL(e[0].generation, 1u);
  BOOST_CHECK_EQUAL(e[1].generation, 2u);
  BOOST_REQUIRE_EQUAL(l.size(), 2u); // the current one at once, then the next
  BOOST_CHECK_EQUAL(l[0].generation, 1u);
  // A subscriber that exits is forgotten (no sends to a dead actor pile up).
  caf::anon_send_exit(late, caf::exit_reason::kill);
  run();
  auto& st = state_of<peer_tracker_state, peer_tracker_actor::base>(tracker);
  BOOST_CHECK_EQUAL(st.subscribers.size(), 1u);
}

BOOST_AUTO_TEST_SUITE_END()

namespace {

struct magicdns_fixture : tracker_fixture {
  resolver_actor resolver;

  magicdns_fixture() {
    resolver = track(sys.spawn(magicdns_resolver, tracker, caf::timespan{5s}));
    run();
  }

  caf::actor ask_name(std::string name) {
    return track(sys.spawn(asker<resolve_result, resolver_actor, resolve_atom, std::string>,
                           resolver, resolve_atom_v, std::move(name)));
  }

  outcome<resolve_result>& answer(const caf::actor& a) {
    return state_of<asker_state<resolve_result>>(a).seen;
  }

  void expect(const std::string& name, const std::string& canonical,
              const std::vector<std::string>& addrs) {
    auto a = ask_name(name);
    run();
    auto& o = answer(a);
    BOOST_REQUIRE_MESSAGE(o.result.has_value(), name << " did not resolve");
    BOOST_CHECK_EQUAL(o.result->name, canonical);
    BOOST_CHECK(o.result->addresses == addrs);
  }

  void expect_error(const std::string& name, resolve_errc code) {
    auto a = ask_name(name);
    run();
    auto& o = answer(a);
    BOOST_CHECK_MESSAGE(!o.result, name << " resolved");
    BOOST_REQUIRE_MESSAGE(o.error.has_value(), name << ": no answer");
    BOOST_CHECK(*o.error == caf::make_error(code));
  }
};

} // namespace

BOOST_FIXTURE_TEST_SUITE(actor_magicdns, magicdns_fixture)

BOOST_AUTO_TEST_CASE(magicdns_names_resolve_from_the_netmap) {
  publish(sample_map());
  std::vector<std::string> p1{"100.64.0.2", "fd7a:115c:a1e0::2"};
  expect("peer1", "peer1.tsnode.test", p1);
  expect("peer1.tsnode.test", "peer1.tsnode.test", p1);
  expect("PEER1.TSNODE.TEST.", "peer1.tsnode.test", p1);
  expect("tsproxy", "tsproxy.tsnode.test", {"100.64.0.1", "fd7a:115c:a1e0::1"});
  expect("100.64.0.77", "100.64.0.77", {"100.64.0.77"}); // literals pass through
  expect_error("example.com", resolve_errc::no_such_host);
  expect_error("peer1.tsnode.test.example.com", resolve_errc::no_such_host);
  expect_error("localhost", resolve_errc::no_such_host);
}

BOOST_AUTO_TEST_CASE(a_name_asked_before_the_netmap_waits_for_it) {
  auto a = ask_name("peer2");
  run();
  BOOST_CHECK(!answer(a).result && !answer(a).error);
  publish(sample_map());
  BOOST_REQUIRE(answer(a).result.has_value());
  BOOST_CHECK_EQUAL(answer(a).result->addresses.front(), "100.64.0.3");
}

BOOST_AUTO_TEST_CASE(without_a_netmap_the_wait_ends_with_not_ready) {
  auto a = ask_name("peer2");
  run();
  advance(6s);
  BOOST_REQUIRE(answer(a).error.has_value());
  BOOST_CHECK(*answer(a).error == caf::make_error(resolve_errc::not_ready));
}

BOOST_AUTO_TEST_SUITE_END()
