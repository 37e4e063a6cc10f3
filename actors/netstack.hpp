#pragma once
/// @file
/// The netstack actor: a thin bridge between mailboxes and the overlay on the engine thread
/// (caf-asio.md §1 idiom B). Requests become asio::post()s; the engine answers with anon_send
/// to the bridge, which alone delivers the response promises and fails them on exit.

#include <caf/typed_actor.hpp>
#include <caf/typed_response_promise.hpp>

#include <unordered_map>

#include "actors/engine/engine.hpp"
#include "actors/engine/overlay.hpp"
#include "actors/engine/udp_relay.hpp"
#include "messages/netstack_actor.hpp"

namespace tsnode {

/// A relay travelling from the engine to the bridge (process-local).
using udp_relay_ptr = std::shared_ptr<engine::udp_relay>;

} // namespace tsnode

CAF_ALLOW_UNSAFE_MESSAGE_TYPE(tsnode::udp_relay_ptr)

namespace tsnode {

/// The bridge's full interface: the public one plus the engine's completions.
using netstack_bridge_actor
  = netstack_actor::extend<caf::reacts_to<dialed_atom, std::uint64_t, dial_result>,
                           caf::reacts_to<dialed_atom, std::uint64_t, caf::error>,
                           caf::reacts_to<spliced_atom, std::uint64_t, splice_summary>,
                           caf::reacts_to<status_atom, std::uint64_t, netstack_status>,
                           caf::reacts_to<udp_associate_atom, std::uint64_t, udp_relay_ptr>>;

struct netstack_state {
  engine::engine* eng = nullptr;
  engine::overlay* net = nullptr;
  std::uint64_t next_request = 1;
  std::unordered_map<std::uint64_t, caf::typed_response_promise<dial_result>> dials;
  std::unordered_map<std::uint64_t, caf::typed_response_promise<splice_summary>> splices;
  std::unordered_map<std::uint64_t, caf::typed_response_promise<netstack_status>> statuses;
  /// Relays by id. Only the pointer lives here: the relay is used, stopped and destroyed on the
  /// engine thread (posted lambdas hold the last reference).
  std::unordered_map<std::uint64_t, std::shared_ptr<engine::udp_relay>> relays;
  std::unordered_map<std::uint64_t, caf::typed_response_promise<udp_relay_info>> associates;
  static inline const char* name = "netstack";
};

/// Returns the bridge's behavior. `net` lives on `eng`'s thread and must outlive the actor.
netstack_bridge_actor::behavior_type
netstack_bridge(netstack_bridge_actor::stateful_pointer<netstack_state> self, engine::engine* eng,
                engine::overlay* net);

} // namespace tsnode
