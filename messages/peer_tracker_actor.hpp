#pragma once
/// @file
/// The typed interface of the peer tracker: the node's database of the tailnet (design.md
/// "Actors and messages"). The control actor feeds it complete netmaps; everyone else asks it.
/// Requests that arrive before the first netmap are parked (response promises) until one
/// arrives, not failed.

#include <caf/actor.hpp>
#include <caf/typed_actor.hpp>

#include "messages/type_ids.hpp"

namespace tsnode {

/// Receives every netmap the tracker accepts (the node's wiring of WireGuard peers and the
/// netstack's addresses is one).
using netmap_subscriber = caf::typed_actor<caf::reacts_to<netmap_atom, tailnet_map>>;

using peer_tracker_actor = caf::typed_actor<
  /// A new complete netmap from the control actor (replaces the previous one).
  caf::reacts_to<netmap_atom, tailnet_map>,
  /// The current netmap (parked until the first one).
  caf::replies_to<netmap_atom>::with<tailnet_map>,
  /// The node (self or peer) with this MagicDNS name: short name or FQDN, any case, with or
  /// without the trailing dot. Error: tailnet_errc::no_such_peer.
  caf::replies_to<lookup_name_atom, std::string>::with<tailnet_node>,
  /// The node owning this tailnet address (an IP literal, v4 or v6).
  caf::replies_to<lookup_ip_atom, std::string>::with<tailnet_node>,
  /// The node with this node key ("nodekey:<hex>").
  caf::replies_to<lookup_key_atom, std::string>::with<tailnet_node>,
  /// Sends `netmap_atom, tailnet_map` to the subscriber (a netmap_subscriber) now, when a netmap
  /// is known, and on every change; the subscription ends when the subscriber exits.
  caf::reacts_to<subscribe_atom, caf::actor>>;

} // namespace tsnode
