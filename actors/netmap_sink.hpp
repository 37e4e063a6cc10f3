#pragma once
/// @file
/// How a tailnet netmap becomes the engine's configuration (issue 7: "the WireGuard peer table
/// follows the netmap (node key = WireGuard static key; allowed IPs), and the netstack takes the
/// node's tailnet addresses"), and the actor that receives netmaps from the peer tracker and
/// hands each to the node's apply function.

#include <caf/typed_event_based_actor.hpp>

#include <functional>
#include <string>
#include <vector>

#include "messages/peer_tracker_actor.hpp"
#include "netstack/ip.hpp"
#include "wireguard/endpoint.hpp"

namespace tsnode {

/// The WireGuard peers of a netmap: one per peer with a valid node key, allowed IPs from
/// AllowedIPs, the first IPv4 endpoint (else the first one) as the initial endpoint. Skipped,
/// as Go's wgcfg/nmcfg.go does: expired peers and peers without a disco key (they cannot talk
/// to us). `skipped` (optional) receives "name: why" for each.
std::vector<wireguard::peer_config> wireguard_peers(const tailnet_map& m,
                                                    std::vector<std::string>* skipped = nullptr);

/// The node's own overlay addresses (host prefixes /32 and /128) from the self node.
std::vector<netstack::ip_prefix> overlay_addresses(const tailnet_node& self);

struct netmap_sink_state {
  static inline const char* name = "netmap_sink";
};

/// Returns a subscriber that calls `apply` with every netmap (on its own thread: `apply` must
/// only post work, e.g. to the engine).
netmap_subscriber::behavior_type
netmap_sink(netmap_subscriber::stateful_pointer<netmap_sink_state> self,
            std::function<void(const tailnet_map&)> apply);

} // namespace tsnode
