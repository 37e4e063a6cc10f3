#pragma once
/// @file
/// The peer tracker (design.md "Actors and messages"): holds the newest complete netmap the
/// control actor published and answers lookups by MagicDNS name, tailnet IP and node key.
/// Requests that arrive before the first netmap are parked (response promises, at most
/// `max_parked`; past that they fail with tailnet_errc::not_ready) and answered when it comes.
/// Subscribers get every netmap it accepts.

#include <caf/typed_event_based_actor.hpp>

#include <cstddef>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "messages/peer_tracker_actor.hpp"

namespace tsnode {

/// The name, address and key indexes of one netmap, built once per netmap.
struct tailnet_index {
  std::map<std::string, std::size_t> by_name; ///< canonical FQDN and short name -> node
  std::map<std::string, std::size_t> by_ip;   ///< canonical IP text -> node
  std::map<std::string, std::size_t> by_key;  ///< "nodekey:<hex>" -> node
  std::vector<const tailnet_node*> nodes;     ///< self first, then the peers

  /// Indexes `m` (which must outlive the index). A short name is the FQDN without the MagicDNS
  /// suffix (Go net/tsdial/dnsmap.go); a name two nodes share maps to nothing (fails closed).
  static tailnet_index build(const tailnet_map& m);

  /// The node with this name (any case, trailing dot or not), IP (any text form) or key.
  const tailnet_node* find_name(std::string_view name) const;
  const tailnet_node* find_ip(std::string_view ip) const;
  const tailnet_node* find_key(std::string_view key) const;
};

/// A lookup waiting for the first netmap.
struct parked_lookup {
  enum kind_t { name, ip, key } kind;
  std::string what;
  caf::typed_response_promise<tailnet_node> rp;
};

struct peer_tracker_state {
  std::optional<tailnet_map> map;
  tailnet_index index;
  std::vector<parked_lookup> parked;
  std::vector<caf::typed_response_promise<tailnet_map>> parked_maps;
  std::vector<caf::actor> subscribers;
  std::size_t max_parked = 4096;
  static inline const char* name = "peer_tracker";
};

/// Returns the behavior of a peer tracker. `max_parked` bounds requests parked before the
/// first netmap.
peer_tracker_actor::behavior_type
peer_tracker(peer_tracker_actor::stateful_pointer<peer_tracker_state> self,
             std::size_t max_parked = 4096);

} // namespace tsnode
