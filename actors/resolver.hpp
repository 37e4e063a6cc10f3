#pragma once
/// @file
/// A resolver over a fixed name table: tsproxy's `--host NAME=IP` in static-WireGuard mode,
/// and the mock MagicDNS of tests. Names are compared canonically (lowercase, no trailing dot);
/// a short name (one label) also finds the one FQDN it begins, as MagicDNS short names do;
/// IP literals resolve to themselves; anything else fails closed (no host DNS, ever).

#include <map>
#include <string>
#include <vector>

#include "messages/resolver_actor.hpp"

namespace tsnode {

struct static_resolver_state {
  std::map<std::string, std::vector<std::string>> hosts; ///< canonical name -> addresses
  /// First label of each FQDN -> that FQDN; "" when two FQDNs share it (ambiguous: fails closed).
  std::map<std::string, std::string> short_names;
  static inline const char* name = "resolver";
};

/// Returns `name` lowercased without one trailing dot (tailscale net/tsdial/dnsmap.go).
std::string canonical_name(std::string_view name);

/// Returns the behavior of a resolver over `hosts` (keys in any case, with or without dot).
resolver_actor::behavior_type
static_resolver(resolver_actor::stateful_pointer<static_resolver_state> self,
                std::map<std::string, std::vector<std::string>> hosts);

} // namespace tsnode
