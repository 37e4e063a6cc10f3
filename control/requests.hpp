#pragma once
/// @file
/// The JSON bodies of the control RPCs (tailscale-protocol.md §2.1, §3, §4.1; Go
/// tailcfg/tailcfg.go, control/controlclient/direct.go): the `/key` answer, RegisterRequest and
/// RegisterResponse with the client's decision logic (doLogin), and MapRequest. Pure builders
/// and parsers; the shell sends them as HTTP/2 bodies (h2_client.hpp).

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "control/errors.hpp"
#include "control/ip.hpp"
#include "control/map_stream.hpp"
#include "control/wall_time.hpp"
#include "crypto/keys.hpp"

namespace tsnode::control {

/// The capability version we claim: in the Noise header and prologue (trap #2), `/key?v=`,
/// RegisterRequest.Version and MapRequest.Version (§3 "Capability version to claim").
///
/// Why 130:
/// - headscale v0.29 refuses anything below 113 (v1.80, MinSupportedCapabilityVersion) by
///   closing the socket after the initiation (trap #2), so we need at least 113.
/// - Claiming N promises that we understand every semantic change up to N. The ones from 113
///   on are optional node attributes we may ignore, and 130 is what tailscale-rs (Tailscale's
///   own minimal, DERP-only non-Go client) claims against the SaaS and headscale: a server is
///   known to serve a minimal client correctly at this level.
/// - It stays below what we do not implement: 144+ (newer than v1.102.3's 142) makes Go peers
///   expect TSMP disco-key advertisements (trap #17).
/// - The deterministic handshake vectors (../shared/vectors/ts2021-derp-disco.txt) use 130, so
///   the exact prologue we send is covered byte for byte.
inline constexpr std::uint16_t capability_version = 130;

/// Returns the path of the server-key fetch: "/key?v=<version>" (§2.1).
std::string key_request_path(std::uint16_t version = capability_version);

/// Returns the server's Noise public key from the `/key` body: `publicKey` of the JSON
/// OverTLSPublicKeyResponse, or the bare untyped hex string very old servers sent (§2.1).
/// A zero or missing key is bad_key.
std::variant<crypto::machine_public, control_error>
parse_server_key_response(std::string_view body);

/// Hostinfo.NetInfo (the part a minimal node reports).
struct net_info {
  int preferred_derp = 0;                     ///< our home region (trap #8)
  std::map<std::string, double> derp_latency; ///< {"<region>-v4": seconds}
  std::optional<bool> working_udp;
  std::optional<bool> working_ipv6;
};

/// tailcfg.Hostinfo: what we tell control about ourselves; empty fields are omitted (omitzero).
struct hostinfo {
  std::string hostname; ///< headscale derives the node name from it
  std::string os = "linux";
  std::string os_version;
  std::string ipn_version;
  std::string app;
  std::string go_arch; ///< optional; Go sends runtime.GOARCH
  std::string backend_log_id;
  bool userspace = false;
  std::vector<ip_prefix> routable_ips;
  std::vector<std::string> request_tags;
  std::optional<net_info> net; ///< headscale keeps the previous one when absent
};

/// tailcfg.RegisterRequest (§3).
struct register_request {
  std::uint16_t version = capability_version;
  crypto::node_public node_key;     ///< the key being registered
  crypto::node_public old_node_key; ///< the previous key when rotating, else zero
  std::string auth_key;             ///< pre-auth key; "" sends no Auth object (interactive)
  /// nullopt = Go's zero time (default expiry); a time in the past = logout (Go uses Unix 123).
  std::optional<wall_time> expiry;
  std::string followup; ///< the AuthURL of a previous response: long-poll until login ends
  hostinfo info;
  bool ephemeral = false;
};

/// Returns the RegisterRequest JSON. A zero node_key is bad_key (nothing to register).
std::variant<std::string, control_error> to_json(const register_request& r);

/// tailcfg.MapRequest (§4.1).
struct map_request {
  std::uint16_t version = capability_version;
  crypto::node_public node_key;
  crypto::disco_public disco_key; ///< must be non-zero (trap #7)
  bool stream = false;            ///< true: the long-lived map poll (headscale needs it: trap #11)
  bool keep_alive = false;
  bool omit_peers = false; ///< with stream false: a "lite update" of endpoints/hostinfo
  map_compression compress = map_compression::none; ///< none omits Compress (trap #6)
  hostinfo info;
  std::vector<ip_port> endpoints;
  std::vector<int> endpoint_types; ///< parallel to endpoints; empty = omitted
};

/// Returns the MapRequest JSON. Fails with zero_disco_key (trap #7) or bad_key (zero node key).
std::variant<std::string, control_error> to_json(const map_request& r);

/// tailcfg.RegisterResponse (§3).
struct register_response {
  std::int64_t user_id = 0;
  std::string user_display_name;
  std::int64_t login_id = 0;
  std::string login_provider;
  std::string login_name;
  std::string login_display_name;
  bool node_key_expired = false;
  bool machine_authorized = false;
  std::string auth_url;
  std::string error;
};

/// Returns the decoded RegisterResponse (unknown fields ignored), or bad_json/bad_field.
std::variant<register_response, control_error> parse_register_response(std::string_view json);

/// Registered: start the map poll.
struct registered {};
/// Interactive login: show `auth_url`, then resend the same request with Followup = auth_url.
struct needs_login {
  std::string auth_url;
};
/// The node key expired: make a new one and resend with OldNodeKey = the previous key.
struct needs_new_node_key {};
/// Registered but waiting for an admin to authorize the machine.
struct needs_machine_auth {};

/// What to do after a RegisterResponse (Go doLogin's order).
using register_outcome
  = std::variant<registered, needs_login, needs_new_node_key, needs_machine_auth, control_error>;

/// Returns the next step: Error set -> registration_error with the server's text, even though
/// the HTTP status was 200 (trap #12); then NodeKeyExpired; then AuthURL; then
/// MachineAuthorized.
register_outcome classify(const register_response& r);

} // namespace tsnode::control
