// The static resolver under the deterministic scheduler (style.md §5.18): MagicDNS short names,
// FQDNs with or without the trailing dot, any case, IP literals, and failing closed.
#include <boost/test/unit_test.hpp>

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "actors/resolver.hpp"
#include "messages/errors.hpp"
#include "tests/support/deterministic_fixture.hpp"

using namespace tsnode;

namespace {

/// One lookup's outcome, as a requester saw it.
struct outcome {
  std::optional<resolve_result> result;
  std::optional<caf::error> error;
};

struct asker_state {
  outcome seen;
};

/// Asks `r` for `name` once and records the answer.
caf::behavior asker(caf::stateful_actor<asker_state>* self, resolver_actor r, std::string name) {
  self->request(r, std::chrono::seconds(5), resolve_atom_v, name)
    .then([=](const resolve_result& x) { self->state.seen.result = x; },
          [=](caf::error& e) { self->state.seen.error = std::move(e); });
  return {[](caf::unit_t) {}};
}

struct resolver_fixture : test::deterministic_fixture {
  resolver_actor r;

  resolver_fixture() {
    r = track(
      sys.spawn(static_resolver, std::map<std::string, std::vector<std::string>>{
                                   {"peer1.tail1234.ts.net", {"100.64.0.1", "fd7a:115c:a1e0::1"}},
                                   {"Peer2.Tail1234.TS.net.", {"100.64.0.2"}},
                                   {"db.tail1234.ts.net", {"100.64.0.3"}},
                                   {"db.other.ts.net", {"100.64.0.4"}},
                                   {"router", {"100.64.0.5"}},
                                 }));
    run();
  }

  /// Resolves `name` through the actor and returns what came back.
  outcome lookup(const std::string& name) {
    auto a = track(sys.spawn(asker, r, name));
    run();
    return state_of<asker_state>(a).seen;
  }

  /// Checks that `name` resolves to `canonical` with `addrs`.
  void expect(const std::string& name, const std::string& canonical,
              const std::vector<std::string>& addrs) {
    auto o = lookup(name);
    BOOST_REQUIRE_MESSAGE(o.result.has_value(), name << " did not resolve");
    BOOST_CHECK_EQUAL(o.result->name, canonical);
    BOOST_CHECK(o.result->addresses == addrs);
  }

  void expect_no_such_host(const std::string& name) {
    auto o = lookup(name);
    BOOST_CHECK_MESSAGE(!o.result, name << " resolved");
    BOOST_REQUIRE_MESSAGE(o.error.has_value(), name << ": no answer");
    BOOST_CHECK(*o.error == caf::make_error(resolve_errc::no_such_host));
  }
};

} // namespace

BOOST_FIXTURE_TEST_SUITE(actor_resolver, resolver_fixture)

BOOST_AUTO_TEST_CASE(fqdn_with_and_without_the_trailing_dot_in_any_case) {
  std::vector<std::string> p1{"100.64.0.1", "fd7a:115c:a1e0::1"};
  expect("peer1.tail1234.ts.net", "peer1.tail1234.ts.net", p1);
  expect("peer1.tail1234.ts.net.", "peer1.tail1234.ts.net", p1);
  expect("PEER1.Tail1234.TS.NET.", "peer1.tail1234.ts.net", p1);
  // A table key written in mixed case with a dot is canonical too.
  expect("peer2.tail1234.ts.net", "peer2.tail1234.ts.net", {"100.64.0.2"});
  expect("PEER2.TAIL1234.TS.NET.", "peer2.tail1234.ts.net", {"100.64.0.2"});
}

BOOST_AUTO_TEST_CASE(short_names_find_their_fqdn) {
  expect("peer1", "peer1.tail1234.ts.net", {"100.64.0.1", "fd7a:115c:a1e0::1"});
  expect("Peer2", "peer2.tail1234.ts.net", {"100.64.0.2"});
  expect("peer2.", "peer2.tail1234.ts.net", {"100.64.0.2"});
  // A name given short in the table is found as it is.
  expect("router", "router", {"100.64.0.5"});
  expect("ROUTER.", "router", {"100.64.0.5"});
}

BOOST_AUTO_TEST_CASE(an_ambiguous_short_name_fails_closed) {
  // "db" is the first label of two FQDNs in different domains: no guessing.
  expect_no_such_host("db");
  expect("db.other.ts.net", "db.other.ts.net", {"100.64.0.4"});
}

BOOST_AUTO_TEST_CASE(ip_literals_pass_through_canonically) {
  expect("100.64.0.9", "100.64.0.9", {"100.64.0.9"});
  expect("fd7a:115c:a1e0:0:0:0:0:9", "fd7a:115c:a1e0::9", {"fd7a:115c:a1e0::9"});
  expect("FD7A:115C:A1E0::9", "fd7a:115c:a1e0::9", {"fd7a:115c:a1e0::9"});
}

BOOST_AUTO_TEST_CASE(unknown_names_fail_closed_with_no_such_host) {
  expect_no_such_host("example.com");
  expect_no_such_host("peer3");
  expect_no_such_host("peer1.tail1234.ts.net.evil.com");
  expect_no_such_host("tail1234.ts.net");
  expect_no_such_host("");
  expect_no_such_host(".");
  expect_no_such_host("peer1..");
}

BOOST_AUTO_TEST_SUITE_END()
