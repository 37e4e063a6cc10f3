#pragma once
/// @file
/// A mock netstack actor with exactly the netstack_actor interface, for listener and session
/// tests: an overlay address the test routes "dials" a local TCP server on 127.0.0.1, a splice
/// copies between the client socket and that host socket (one thread per direction, half-close
/// passed on), and everything is counted. Plus a mock resolver over a fixed name table.
///
/// The mock delivers its promises on its own thread only: splice threads report with anon_send
/// to the mock, which then delivers (caf-asio.md §1, idiom B).

#include <caf/actor_system.hpp>

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "messages/netstack_actor.hpp"
#include "messages/resolver_actor.hpp"

namespace tsnode::test {

/// What the mock has done so far.
struct mock_counters {
  std::uint64_t dials = 0;         ///< dial requests received
  std::uint64_t dial_failures = 0; ///< answered with an error
  std::uint64_t closes = 0;        ///< close_atom for a dialed connection
  std::uint64_t splices = 0;       ///< splice requests received
  std::uint64_t splices_done = 0;  ///< splice threads finished
  std::uint64_t held = 0;          ///< splices waiting for release() right now
  std::uint64_t active = 0;        ///< splices copying right now
  std::uint64_t peak_active = 0;   ///< most splices held or copying at once
  std::uint64_t open_conns = 0;    ///< dialed connections neither spliced nor closed
  std::uint64_t bytes_to_overlay = 0, bytes_to_host = 0;
};

/// The test's remote control of the mock (thread-safe); owns the splice threads.
class mock_netstack_control {
public:
  mock_netstack_control() = default;
  /// Calls shutdown().
  ~mock_netstack_control();
  mock_netstack_control(const mock_netstack_control&) = delete;
  mock_netstack_control& operator=(const mock_netstack_control&) = delete;

  /// Dials to `overlay_ip` (any port) connect to 127.0.0.1:host_port, after `delay`.
  void route(const std::string& overlay_ip, std::uint16_t host_port,
             std::chrono::milliseconds delay = {});
  /// Dials to `overlay_ip` fail with `e`, after `delay`. Unknown addresses fail with no_route.
  void fail(const std::string& overlay_ip, netstack::netstack_errc e,
            std::chrono::milliseconds delay = {});
  /// While on, a splice takes its sockets and moves nothing; turning it off releases them all.
  void hold(bool on);
  /// Waits until `n` splices are held; returns the number held then.
  std::size_t wait_held(std::size_t n, std::chrono::milliseconds timeout);
  mock_counters counters() const;
  /// Shuts every spliced socket down and joins the splice threads.
  void shutdown();

  // -- used by the mock actor --------------------------------------------------------------------

  struct route_entry {
    std::uint16_t host_port = 0;
    std::optional<netstack::netstack_errc> error;
    std::chrono::milliseconds delay{0};
  };
  /// Returns the route for `overlay_ip`, if any.
  std::optional<route_entry> lookup(const std::string& overlay_ip) const;
  /// Runs a splice of `client` and `host` on its own thread; `done` gets the summary.
  void start_splice(int client, int host, std::vector<std::uint8_t> leftover,
                    std::function<void(splice_summary)> done);
  /// Counter updates.
  void count(std::uint64_t mock_counters::*field, std::int64_t delta = 1);

private:
  void run_splice(int client, int host, const std::vector<std::uint8_t>& leftover,
                  const std::function<void(splice_summary)>& done);
  std::uint64_t pump(int from, int to, std::uint64_t mock_counters::*field, bool& failed);

  mutable std::mutex mtx_;
  std::condition_variable cv_;
  std::map<std::string, route_entry> routes_;
  bool hold_ = false;
  bool stopping_ = false;
  mock_counters counters_;
  std::set<int> live_fds_;
  std::vector<std::thread> threads_;
};

using mock_netstack_ptr = std::shared_ptr<mock_netstack_control>;

/// Spawns the mock netstack driven by `ctl`.
netstack_actor spawn_mock_netstack(caf::actor_system& sys, mock_netstack_ptr ctl);

/// Spawns a resolver that answers `names` exactly as given (name -> addresses) and fails
/// anything else with resolve_errc::no_such_host.
resolver_actor spawn_mock_resolver(caf::actor_system& sys,
                                   std::map<std::string, std::vector<std::string>> names);

} // namespace tsnode::test
