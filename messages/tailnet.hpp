#pragma once
/// @file
/// What the control actor publishes and the peer tracker serves: a tailnet as value types that
/// cross mailboxes (design.md "Actors and messages"). Built by the control shell from
/// control::netmap (control/netmap.hpp); texts use the forms Go prints, so logs, `tsproxy
/// status` and tests compare them with headscale's and tailscale's output directly.

#include <caf/meta/type_name.hpp>

#include <cstdint>
#include <string>
#include <vector>

namespace tsnode {

/// One node of the tailnet (the self node or a peer), tailcfg.Node reduced to what the node's
/// actors use.
struct tailnet_node {
  std::int64_t id = 0;                  ///< tailcfg.NodeID
  std::string name;                     ///< MagicDNS FQDN: lowercase, no trailing dot; "" none
  std::string hostname;                 ///< Hostinfo.Hostname
  std::string os;                       ///< Hostinfo.OS
  std::vector<std::string> addresses;   ///< tailnet IPs without prefix length, IPv4 first
  std::vector<std::string> allowed_ips; ///< prefixes ("100.64.0.2/32"): WireGuard allowed IPs
  std::string node_key;                 ///< "nodekey:<64 hex>": the WireGuard static key
  std::string disco_key;                ///< "discokey:<64 hex>"; "" when zero (unusable peer)
  std::vector<std::string> endpoints;   ///< UDP candidates "ip:port" / "[ip6]:port"
  std::int32_t home_derp = 0;           ///< DERP region id, 0 = none
  bool online_known = false;            ///< false: the server did not say (Online null)
  bool online = false;
  std::int64_t key_expiry_unix_ms = 0; ///< 0 = never expires
  bool expired = false;                ///< the server says the key has expired
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, tailnet_node& x) {
  return f(caf::meta::type_name("tailnet_node"), x.id, x.name, x.hostname, x.os, x.addresses,
           x.allowed_ips, x.node_key, x.disco_key, x.endpoints, x.home_derp, x.online_known,
           x.online, x.key_expiry_unix_ms, x.expired);
}

/// The whole netmap as the node's actors see it: always complete (deltas are applied by the
/// control actor before publishing), so a subscriber replaces its copy.
struct tailnet_map {
  tailnet_node self;
  std::vector<tailnet_node> peers; ///< sorted by id
  std::string domain;              ///< the MagicDNS suffix ("tsnode.test"), no trailing dot
  bool magic_dns = false;          ///< DNSConfig.Proxied
  std::uint64_t generation = 0;    ///< 1 for the first netmap a control actor publishes
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, tailnet_map& x) {
  return f(caf::meta::type_name("tailnet_map"), x.self, x.peers, x.domain, x.magic_dns,
           x.generation);
}

/// Where the control actor is, for `status`.
struct control_status {
  /// "starting", "needs_login" (see auth_url), "registering", "connected" (map stream up),
  /// "reconnecting" (backing off; see last_error) or "failed" (will not retry; see last_error).
  std::string state;
  std::string server_url;
  std::string auth_url;           ///< the interactive login URL while state is "needs_login"
  std::string last_error;         ///< the most recent failure, "" when none
  std::uint64_t map_streams = 0;  ///< map streams opened (1 + reconnects)
  std::uint64_t map_messages = 0; ///< map messages applied, keep-alives included
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, control_status& x) {
  return f(caf::meta::type_name("control_status"), x.state, x.server_url, x.auth_url, x.last_error,
           x.map_streams, x.map_messages);
}

} // namespace tsnode
