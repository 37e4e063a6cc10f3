#pragma once
/// @file
/// The MagicDNS resolver of tailnet mode (design.md "Actors and messages"): answers the
/// resolver_actor interface from the peer tracker's netmap. Short names, FQDNs with or without
/// the trailing dot, any case, the self node; IP literals pass through; every other name fails
/// closed with resolve_errc::no_such_host (the host's DNS is never asked, tailscale-protocol.md
/// §8). A name asked before the first netmap waits up to `wait`, then fails with not_ready.

#include <caf/typed_event_based_actor.hpp>

#include "messages/peer_tracker_actor.hpp"
#include "messages/resolver_actor.hpp"

namespace tsnode {

struct magicdns_state {
  static inline const char* name = "magicdns";
};

resolver_actor::behavior_type
magicdns_resolver(resolver_actor::stateful_pointer<magicdns_state> self, peer_tracker_actor tracker,
                  caf::timespan wait);

} // namespace tsnode
