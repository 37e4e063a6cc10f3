// The embed_actor example's own actor (tools/examples/fetch_actor.hpp) against mock resolver
// and netstack actors of the node's typed interfaces, under the deterministic scheduler
// (style.md §5.18): the request reaches the "overlay", the reply comes back, and every failure
// (unknown name, refused dial, silent netstack) ends with a message, in virtual time.
#include <boost/test/unit_test.hpp>

#include <string>
#include <unistd.h>
#include <vector>

#include "messages/errors.hpp"
#include "messages/netstack_actor.hpp"
#include "messages/resolver_actor.hpp"
#include "tests/support/deterministic_fixture.hpp"
#include "tools/examples/fetch_actor.hpp"

using namespace tsnode;

namespace {

resolver_actor::behavior_type mock_resolver() {
  return {[](resolve_atom, const std::string& name) -> caf::result<resolve_result> {
    if (name == "web")
      return resolve_result{"web", {"100.64.0.9"}};
    return caf::make_error(resolve_errc::no_such_host);
  }};
}

struct mock_net_state {
  std::vector<std::string> dials; ///< "ip:port" of every dial
  std::string request;            ///< what the fetcher sent into the spliced connection
  bool silent = false;            ///< park every dial forever
  std::vector<caf::typed_response_promise<dial_result>> parked;
  static inline const char* name = "mock_netstack";
};

/// Dials 100.64.0.9:80 only (connection 7); splicing answers `reply` and closes.
netstack_actor::behavior_type mock_netstack(netstack_actor::stateful_pointer<mock_net_state> self,
                                            std::string reply, bool silent) {
  self->state.silent = silent;
  return {
    [=](dial_atom, const std::string& ip, std::uint16_t port,
        caf::timespan) -> caf::result<dial_result> {
      self->state.dials.push_back(ip + ":" + std::to_string(port));
      if (self->state.silent) {
        auto rp = self->make_response_promise<dial_result>();
        self->state.parked.push_back(rp);
        return rp;
      }
      if (ip == "100.64.0.9" && port == 80)
        return dial_result{7, "100.64.0.1", 40000};
      return caf::make_error(netstack::netstack_errc::refused);
    },
    [=](splice_atom, std::uint64_t conn, const fd_handle& fd,
        const std::vector<std::uint8_t>&) -> caf::result<splice_summary> {
      BOOST_CHECK_EQUAL(conn, 7u);
      int f = fd->take();
      // The request is in the socket buffer already: read it up to the blank line.
      char buf[4096];
      while (self->state.request.find("\r\n\r\n") == std::string::npos) {
        auto n = ::read(f, buf, sizeof buf);
        if (n <= 0)
          break;
        self->state.request.append(buf, static_cast<std::size_t>(n));
      }
      auto w = ::write(f, reply.data(), reply.size());
      ::close(f);
      return splice_summary{self->state.request.size(), static_cast<std::uint64_t>(w), false};
    },
    [](udp_associate_atom, const std::string&, std::uint16_t) -> caf::result<udp_relay_info> {
      return caf::make_error(netstack::netstack_errc::bad_address);
    },
    [](udp_release_atom, std::uint64_t) {},
    [](close_atom, std::uint64_t) {},
    [](status_atom) { return netstack_status{}; },
  };
}

struct report {
  bool ok = false;
  std::string text;
};

struct collector_state {
  std::vector<report> reports;
};

/// Stands in for the application: keeps what the fetcher reports.
caf::behavior collector(caf::stateful_actor<collector_state>* self) {
  return {[=](bool ok, const std::string& text) { self->state.reports.push_back({ok, text}); }};
}

struct fetch_fixture : test::deterministic_fixture {
  std::string reply = "HTTP/1.0 200 OK\r\nContent-Length: 5\r\n\r\nhello";
  resolver_actor resolver = track(sys.spawn(mock_resolver));
  caf::actor app = track(sys.spawn(collector));

  netstack_actor make_net(bool silent = false) {
    return track(sys.spawn(mock_netstack, reply, silent));
  }

  /// Runs a fetch of host:port to completion (polls advance in 5 ms virtual steps).
  report fetch(netstack_actor net, const std::string& host, std::uint16_t port) {
    track(sys.spawn(examples::fetcher, resolver, net, host, port,
                    std::string{"GET / HTTP/1.0\r\n\r\n"}, app,
                    caf::timespan{std::chrono::seconds(30)}));
    run();
    auto& reports = state_of<collector_state>(app).reports;
    for (int i = 0; i < 7000 && reports.empty(); ++i)
      advance(std::chrono::milliseconds(5));
    BOOST_REQUIRE_EQUAL(reports.size(), 1u);
    return reports.back();
  }
};

} // namespace

BOOST_FIXTURE_TEST_SUITE(examples_fetch_actor, fetch_fixture)

BOOST_AUTO_TEST_CASE(fetches_through_resolver_and_netstack) {
  auto net = make_net();
  auto r = fetch(net, "web", 80);
  BOOST_CHECK(r.ok);
  BOOST_CHECK_EQUAL(r.text, reply);
  auto& ns = state_of<mock_net_state, netstack_actor::base>(net);
  BOOST_REQUIRE_EQUAL(ns.dials.size(), 1u);
  BOOST_CHECK_EQUAL(ns.dials[0], "100.64.0.9:80");
  BOOST_CHECK_EQUAL(ns.request, "GET / HTTP/1.0\r\n\r\n");
}

BOOST_AUTO_TEST_CASE(unknown_name_fails_without_dialing) {
  auto net = make_net();
  auto r = fetch(net, "elsewhere", 80);
  BOOST_CHECK(!r.ok);
  BOOST_CHECK_EQUAL(r.text,
                    "resolve elsewhere: " + std::string{to_string(resolve_errc::no_such_host)});
  auto& ns = state_of<mock_net_state, netstack_actor::base>(net);
  BOOST_CHECK(ns.dials.empty());
}

BOOST_AUTO_TEST_CASE(refused_dial_is_reported) {
  auto net = make_net();
  auto r = fetch(net, "web", 81);
  BOOST_CHECK(!r.ok);
  BOOST_CHECK_EQUAL(r.text, "dial 100.64.0.9:81: "
                              + std::string{netstack::to_string(netstack::netstack_errc::refused)});
}

BOOST_AUTO_TEST_CASE(silent_netstack_times_out_in_virtual_time) {
  auto net = make_net(true);
  auto r = fetch(net, "web", 80);
  BOOST_CHECK(!r.ok);
  BOOST_CHECK_MESSAGE(r.text.find("timed out") != std::string::npos, r.text);
}

BOOST_AUTO_TEST_SUITE_END()
