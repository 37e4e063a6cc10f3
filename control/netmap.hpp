#pragma once
/// @file
/// MapResponse decoding and the netmap model (tailscale-protocol.md §4.3, §4.4, §5.3, §8; Go
/// tailcfg/tailcfg.go, tailcfg/derpmap.go, control/controlclient/map.go). Two steps, both pure:
/// decode_map_response() turns one message's JSON into a map_response that says what was
/// present; map_session::apply() folds it into the per-stream netmap by Go's delta rules.
/// Nothing here throws: malformed input comes back as a control_error, and a failed message
/// leaves the netmap untouched.

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <variant>
#include <vector>

#include "control/errors.hpp"
#include "control/ip.hpp"
#include "control/wall_time.hpp"
#include "crypto/keys.hpp"

namespace tsnode::control {

/// tailcfg.NodeID.
using node_id = std::int64_t;

/// Capability name -> raw JSON of its argument list ("null" when none), from Node.CapMap and
/// the deprecated Node.Capabilities (which Go folds into CapMap the same way).
using cap_map = std::map<std::string, std::string>;

/// The tailcfg.Node fields a node needs (§4.4).
struct node {
  node_id id = 0;
  std::string stable_id;
  std::string name; ///< MagicDNS FQDN with the trailing dot
  std::int64_t user = 0;
  crypto::node_public key;             ///< WireGuard public key, DERP address
  std::optional<wall_time> key_expiry; ///< absent (or Go's zero time) = never
  crypto::machine_public machine;
  crypto::disco_public disco_key;     ///< zero: unusable as a peer (trap #7)
  std::vector<ip_prefix> addresses;   ///< the node's own tailnet IPs
  std::vector<ip_prefix> allowed_ips; ///< absent/null -> same as addresses (cap 112)
  std::vector<ip_port> endpoints;     ///< UDP candidates for disco
  int home_derp = 0;                  ///< HomeDERP, or the region of legacy DERP "127.3.3.40:N"
  std::string hostname;               ///< Hostinfo.Hostname
  std::string os;                     ///< Hostinfo.OS
  int cap = 0;                        ///< the node's capability version
  std::vector<std::string> tags;
  std::vector<ip_prefix> primary_routes;
  std::optional<wall_time> last_seen;
  std::optional<bool> online; ///< null = unknown
  bool machine_authorized = false;
  bool expired = false; ///< Go skips expired peers
  bool is_wireguard_only = false;
  cap_map caps;

  friend bool operator==(const node&, const node&) = default;
};

/// tailcfg.DERPNode (§5.3).
struct derp_node {
  std::string name;
  int region_id = 0;
  std::string host_name;
  std::string cert_name;
  std::string ipv4; ///< literal, "" = use DNS, "none" = disabled
  std::string ipv6;
  int stun_port = 0; ///< 0 -> 3478, -1 -> disabled
  bool stun_only = false;
  int derp_port = 0; ///< 0 -> 443
  bool insecure_for_tests = false;
  std::string stun_test_ip;
  bool can_port80 = false;

  friend bool operator==(const derp_node&, const derp_node&) = default;
};

/// tailcfg.DERPRegion.
struct derp_region {
  int region_id = 0;
  std::string region_code;
  std::string region_name;
  double latitude = 0;
  double longitude = 0;
  bool avoid = false;
  bool no_measure_no_home = false;
  std::vector<derp_node> nodes; ///< in priority order

  friend bool operator==(const derp_region&, const derp_region&) = default;
};

/// tailcfg.DERPMap.
struct derp_map {
  std::map<int, derp_region> regions;
  bool omit_default_regions = false;
  std::map<int, double> region_score; ///< HomeParams.RegionScore

  friend bool operator==(const derp_map&, const derp_map&) = default;
};

/// dnstype.Resolver.
struct dns_resolver {
  std::string addr; ///< IP, ip:port, https://… (DoH) or tls://…
  std::vector<std::string> bootstrap_resolution;
  bool use_with_exit_node = false;

  friend bool operator==(const dns_resolver&, const dns_resolver&) = default;
};

/// tailcfg.DNSRecord.
struct dns_record {
  std::string name;
  std::string type; ///< "A", "AAAA" or "" (by the value)
  std::string value;

  friend bool operator==(const dns_record&, const dns_record&) = default;
};

/// tailcfg.DNSConfig (§8).
struct dns_config {
  std::vector<dns_resolver> resolvers;
  std::map<std::string, std::vector<dns_resolver>> routes; ///< empty list = answer locally
  std::vector<dns_resolver> fallback_resolvers;
  std::vector<std::string> domains; ///< search domains, no trailing dot
  bool proxied = false;             ///< true = MagicDNS on
  std::vector<std::string> nameservers;
  std::vector<std::string> cert_domains;
  std::vector<dns_record> extra_records;
  std::vector<std::string> exit_node_filtered_set;

  friend bool operator==(const dns_config&, const dns_config&) = default;
};

/// tailcfg.PortRange.
struct port_range {
  std::uint16_t first = 0;
  std::uint16_t last = 0;
  friend bool operator==(const port_range&, const port_range&) = default;
};

/// tailcfg.NetPortRange: IP is an address, CIDR, range "a-b" or "*" (kept as text; matching is
/// the packet filter's job).
struct net_port_range {
  std::string ip;
  std::optional<int> bits; ///< legacy
  port_range ports;
  friend bool operator==(const net_port_range&, const net_port_range&) = default;
};

/// tailcfg.FilterRule (§4.4).
struct filter_rule {
  std::vector<std::string> src_ips;
  std::vector<int> src_bits; ///< legacy
  std::vector<net_port_range> dst_ports;
  std::vector<int> ip_proto;  ///< empty = TCP, UDP, ICMPv4, ICMPv6
  std::string cap_grant_json; ///< raw CapGrant, "" when absent
  friend bool operator==(const filter_rule&, const filter_rule&) = default;
};

/// tailcfg.UserProfile.
struct user_profile {
  std::int64_t id = 0;
  std::string login_name;
  std::string display_name;
  std::string profile_pic_url;
  friend bool operator==(const user_profile&, const user_profile&) = default;
};

/// tailcfg.PingRequest: with empty `types`, the shell sends an HTTP HEAD to `url` (over Noise
/// when url_is_noise) (§4.3).
struct ping_request {
  std::string url;
  bool url_is_noise = false;
  bool log = false;
  std::string types;
  std::string ip;
  std::string payload; ///< base64 as sent
  friend bool operator==(const ping_request&, const ping_request&) = default;
};

/// tailcfg.PeerChange: absent (or zero DERPRegion/Cap) fields mean unchanged.
struct peer_change {
  node_id id = 0;
  int derp_region = 0;
  int cap = 0;
  std::optional<std::vector<ip_port>> endpoints;
  std::optional<crypto::node_public> key;
  std::optional<crypto::disco_public> disco_key;
  std::optional<bool> online;
  std::optional<wall_time> last_seen;
  std::optional<wall_time> key_expiry;
  std::optional<cap_map> caps;
};

/// A DERPMap as sent: absent Regions (or HomeParams) mean "keep the previous ones" (§4.3).
struct derp_map_update {
  std::optional<std::map<int, derp_region>> regions; ///< null regions entries already dropped
  bool omit_default_regions = false;
  std::optional<std::map<int, double>> region_score;
};

/// One decoded MapResponse: which fields were present and what they said.
struct map_response {
  bool keep_alive = false;
  std::optional<node> self;
  std::vector<node> peers; ///< non-empty = the full peer list
  std::vector<node> peers_changed;
  std::vector<node_id> peers_removed;
  std::vector<peer_change> peers_changed_patch;
  std::vector<std::pair<node_id, bool>> peer_seen_change;
  std::vector<std::pair<node_id, bool>> online_change;
  std::optional<derp_map_update> derp;
  std::optional<dns_config> dns;
  std::optional<std::vector<filter_rule>> packet_filter; ///< legacy, replaces "base"
  /// PacketFilters in message order; nullopt rules = delete that name ("*" = delete all).
  std::optional<std::vector<std::pair<std::string, std::optional<std::vector<filter_rule>>>>>
    packet_filters;
  std::vector<user_profile> user_profiles;
  std::string domain;
  std::optional<wall_time> control_time;
  std::optional<ping_request> ping;
  std::string pop_browser_url;
};

/// Nesting deeper than this is refused before parsing (the DOM is destroyed recursively).
inline constexpr std::size_t max_json_depth = 64;

/// Returns the decoded message. Fails with bad_json (not JSON, too deep, not an object),
/// bad_field (wrong JSON type, bad address or time; detail = the field path) or bad_key (a key
/// that is "" or not prefix + 64 hex: trap #9; JSON null keys are ignored). Unknown fields are
/// ignored. Legacy forms are upgraded as Go's upgradeNode does: DERP "127.3.3.40:N" -> HomeDERP
/// when HomeDERP is 0; null AllowedIPs -> Addresses.
std::variant<map_response, control_error> decode_map_response(std::string_view json);

/// The state a map stream has built up.
struct netmap {
  std::optional<node> self;
  std::map<node_id, node> peers; ///< sorted by ID, as Go sorts them
  derp_map derp;
  dns_config dns;
  std::map<std::string, std::vector<filter_rule>> named_packet_filters;
  std::vector<filter_rule> packet_filter; ///< named filters concatenated in name order
  std::map<std::int64_t, user_profile> user_profiles;
  std::string domain; ///< headscale puts its server host here: not the DNS suffix
  std::optional<wall_time> control_time;

  /// Returns the MagicDNS suffix: the self node's name minus its first label and trailing dot
  /// (Go MagicDNSSuffixOfNodeName), e.g. "tailnet.test"; "" without a dotted self name.
  std::string magic_dns_suffix() const;
};

/// What one applied message changed.
struct map_update {
  enum class kind : std::uint8_t {
    keepalive, ///< only control_time/ping/pop_browser_url are taken (§4.2)
    full,      ///< the first message of the stream: the netmap was reset (trap #18)
    delta,     ///< a later message
  };
  kind what = kind::keepalive;
  bool self_changed = false;
  bool peers_changed = false;
  bool derp_changed = false;
  bool dns_changed = false;
  bool packet_filter_changed = false;
  std::size_t peers_added = 0;
  std::size_t peers_removed = 0;
  std::size_t peers_updated = 0;
  std::optional<ping_request> ping;
  std::string pop_browser_url;
};

/// The netmap of one map stream. Make a new one for every stream: peer state starts empty per
/// stream (§4.3), and the first non-keepalive message is a full state (trap #18).
class map_session {
public:
  /// Decodes `json` and applies it; `now` is the wall time PeerSeenChange=true records.
  /// On error the netmap is unchanged.
  std::variant<map_update, control_error> apply(std::string_view json, wall_time now);

  /// Applies a decoded message. Fails only with missing_self_node (the first non-keepalive
  /// message lacks Node), leaving the netmap unchanged.
  std::variant<map_update, control_error> apply(map_response msg, wall_time now);

  const netmap& current() const noexcept { return map_; }
  /// Returns whether a full (first non-keepalive) message has been applied.
  bool has_netmap() const noexcept { return started_; }

private:
  netmap map_;
  bool started_ = false;
};

} // namespace tsnode::control
