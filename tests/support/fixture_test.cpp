// Proves the deterministic fixture: a typed request is answered, and a request to an actor
// that never answers times out on the virtual clock, not the wall clock.
#include <boost/test/unit_test.hpp>

#include <optional>
#include <string>

#include "tests/support/deterministic_fixture.hpp"

namespace {

using echo_atom = caf::atom_constant<caf::atom("echo")>;
using count_atom = caf::atom_constant<caf::atom("count")>;

using echo_actor = caf::typed_actor<caf::replies_to<echo_atom, std::string>::with<std::string>,
                                    caf::replies_to<count_atom>::with<int>>;

struct echo_state {
  int served = 0;
  static inline const char* name = "echo";
};

echo_actor::behavior_type echo(echo_actor::stateful_pointer<echo_state> self) {
  return {
    [=](echo_atom, const std::string& x) {
      ++self->state.served;
      return "echo:" + x;
    },
    [=](count_atom) { return self->state.served; },
  };
}

/// Parks every request forever: the peer that never answers.
echo_actor::behavior_type silent(echo_actor::pointer self) {
  return {
    [=](echo_atom, const std::string&) { return self->make_response_promise<std::string>(); },
    [=](count_atom) { return self->make_response_promise<int>(); },
  };
}

/// Asks `target` with a 5 s timeout and records the outcome in its state.
struct client_state {
  std::optional<std::string> reply;
  std::optional<caf::error> failure;
};
caf::behavior client(caf::stateful_actor<client_state>* self, echo_actor target) {
  self->request(target, std::chrono::seconds(5), echo_atom::value, std::string{"hi"})
    .then([=](const std::string& r) { self->state.reply = r; },
          [=](caf::error& e) { self->state.failure = std::move(e); });
  return {[](caf::unit_t) {}};
}

} // namespace

BOOST_FIXTURE_TEST_SUITE(support_deterministic_fixture, tsnode::test::deterministic_fixture)

BOOST_AUTO_TEST_CASE(typed_request_is_answered) {
  auto e = track(sys.spawn(echo));
  auto c = track(sys.spawn(client, e));
  run();
  auto& st = state_of<client_state>(c);
  BOOST_REQUIRE(st.reply.has_value());
  BOOST_CHECK_EQUAL(*st.reply, "echo:hi");
  BOOST_CHECK(!st.failure);
  BOOST_CHECK_EQUAL((state_of<echo_state, echo_actor::base>(e).served), 1);
}

BOOST_AUTO_TEST_CASE(timeout_fires_on_the_virtual_clock) {
  auto s = track(sys.spawn(silent));
  auto c = track(sys.spawn(client, s));
  run();
  auto& st = state_of<client_state>(c);
  BOOST_CHECK(!st.reply && !st.failure);
  BOOST_CHECK(sched.clock().has_pending_timeout());
  BOOST_CHECK_EQUAL(advance(std::chrono::seconds(4)), 0u); // not yet
  BOOST_CHECK(!st.failure);
  BOOST_CHECK_EQUAL(advance(std::chrono::seconds(1)), 1u); // the 5 s request timeout
  BOOST_REQUIRE(st.failure.has_value());
  BOOST_CHECK(*st.failure == caf::sec::request_timeout);
  BOOST_CHECK(!st.reply);
}

BOOST_AUTO_TEST_SUITE_END()
