#pragma once
/// @file
/// A deterministic CAF 0.17.6 fixture for Boost.Test (dependencies.md §1 style 2, caf-asio.md §5):
/// the `testing` scheduler policy replaces the thread pool, jobs run only when the test says so,
/// and timers fire only on the virtual clock. Never call blocking CAF helpers under it.

#include <caf/all.hpp>
#include <caf/scheduler/test_coordinator.hpp>

#include <chrono>
#include <vector>

namespace tsnode::test {

struct deterministic_fixture {
  caf::actor_system_config cfg;
  caf::actor_system sys;
  caf::scheduler::test_coordinator& sched;
  caf::scoped_actor self;
  std::vector<caf::actor> spawned;

  static caf::actor_system_config& prepare(caf::actor_system_config& c) {
    c.set("scheduler.policy", caf::atom("testing"));
    c.set("logger.console", caf::atom("none"));
    return c;
  }

  deterministic_fixture()
    : sys(prepare(cfg))
    , sched(dynamic_cast<caf::scheduler::test_coordinator&>(sys.scheduler()))
    , self(sys, true) {
    // nop
  }

  /// Kills every tracked actor: without this ~actor_system waits forever for actors kept alive
  /// by re-arming timers or parked promises (caf-asio.md §5).
  ~deterministic_fixture() {
    for (auto& a : spawned)
      caf::anon_send_exit(a, caf::exit_reason::kill);
    run();
  }

  /// Remembers `h` so the destructor can kill it; returns it unchanged.
  template <class Handle>
  Handle track(Handle h) {
    spawned.push_back(caf::actor_cast<caf::actor>(h));
    return h;
  }

  /// Runs every pending job (not timers). Returns the number of jobs run.
  std::size_t run() { return sched.run(); }

  /// Advances the virtual clock by `d`, firing due timeouts, then runs the resulting jobs.
  /// Returns the number of timeouts fired.
  std::size_t advance(caf::timespan d) {
    auto fired = sched.advance_time(d);
    run();
    return fired;
  }

  /// Returns the state of a stateful actor (Base is `typed_actor<...>::base` for typed ones).
  template <class State, class Base = caf::event_based_actor, class Handle>
  State& state_of(const Handle& h) {
    auto* p = caf::actor_cast<caf::abstract_actor*>(h);
    return dynamic_cast<caf::stateful_actor<State, Base>&>(*p).state;
  }
};

} // namespace tsnode::test
