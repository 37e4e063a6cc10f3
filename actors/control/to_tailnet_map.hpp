#pragma once
/// @file
/// control::netmap (the control core's model) -> tsnode::tailnet_map (what crosses mailboxes,
/// messages/tailnet.hpp). Pure, so the texts are tested without a server: MagicDNS names
/// lowercase without the trailing dot, addresses without prefix length and IPv4 first, keys in
/// their `nodekey:`/`discokey:` text forms (a zero disco key becomes ""), peers sorted by id.

#include "control/netmap.hpp"
#include "messages/tailnet.hpp"

namespace tsnode {

/// Returns one node as the node's actors see it.
tailnet_node to_tailnet_node(const control::node& n);

/// Returns the whole map with `generation` 0 (the control actor numbers what it publishes). The
/// domain is the MagicDNS suffix of the self node's name (netmap::magic_dns_suffix), not
/// MapResponse.Domain (headscale puts its server host there).
tailnet_map to_tailnet_map(const control::netmap& nm);

} // namespace tsnode
