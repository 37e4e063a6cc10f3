#pragma once
/// @file
/// The control actor (messages/control_actor.hpp): makes tsnode a node of a Tailscale tailnet
/// (headscale or the SaaS). It drives the sans-I/O core of control/ as control/README.md "How the
/// shell drives it" describes: the engine thread owns the socket (actors/control/connection.hpp),
/// the actor owns the decisions. In order (tailscale-protocol.md §2-§4):
///  1. `GET /key?v=130` (TLS verified for https), `POST /ts2021`, Noise IK, records, the early
///     payload stripped, HTTP/2 with prior knowledge;
///  2. `POST /machine/register`: with the auth key, or interactive (the AuthURL is logged and
///     shown in control_status, and the request is resent with Followup until approved);
///     HTTP 200 with Error, and HTTP 4xx/5xx, land in control_status.last_error with the
///     server's words (trap #12); NodeKeyExpired rotates the node key (persisted, OldNodeKey);
///  3. `POST /machine/map` with Stream and KeepAlive, a fresh map_session per stream, every
///     change published complete as `netmap_atom, tailnet_map` to the tracker (generation 1, 2,
///     ...); no message for 120 s, a lost connection or a failed RPC -> reconnect after a
///     jittered exponential backoff capped at 30 s (actors/control/policy.hpp).

#include <caf/actor_system.hpp>

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <memory>
#include <optional>
#include <string>

#include "actors/control/state_store.hpp"
#include "actors/engine/engine.hpp"
#include "crypto/keys.hpp"
#include "crypto/random.hpp"
#include "messages/control_actor.hpp"
#include "messages/peer_tracker_actor.hpp"

namespace tsnode {

/// Timings of the control actor; the defaults are Go's (tailscale-protocol.md §4.2).
struct control_timing {
  std::chrono::milliseconds connect_timeout{15000};    ///< resolve + TCP + TLS + /key + upgrade
  std::chrono::milliseconds rpc_timeout{60000};        ///< a register RPC (not a Followup)
  std::chrono::milliseconds keepalive_timeout{120000}; ///< map stream silent -> reconnect
  std::chrono::milliseconds backoff_base{1000};        ///< first reconnect delay (before jitter)
  std::chrono::milliseconds backoff_cap{30000};        ///< longest reconnect delay
};

/// What the control actor needs, all given at spawn.
struct control_config {
  /// "http://host:port" or "https://host[:port]" (no path); ts2021 uses the URL's own scheme
  /// and port (tailscale-protocol.md §2.2 table, last line).
  std::string server_url;
  /// Machine and node keys (load_or_create_state). The node key is the WireGuard static key;
  /// the actor replaces it when the server says it expired (see state_dir).
  control::node_state keys;
  /// Where the keys live: a rotated node key is saved there (save_state) before it is
  /// registered. Empty: rotations are not persisted.
  std::filesystem::path state_dir;
  /// True when the keys were made this start (load_or_create_state's `created`): the first
  /// RegisterRequest then carries the auth key; otherwise the node logs in with its known key
  /// first and sends the auth key only if the server asks for a login.
  bool new_identity = false;
  /// The disco key: fresh each start (crypto::disco_private::generate). nullopt: the actor makes
  /// one. MapRequest.DiscoKey must be non-zero (trap #7).
  std::optional<crypto::disco_private> disco;
  std::string hostname; ///< Hostinfo.Hostname: headscale names the node after it
  std::string auth_key; ///< pre-auth key; "" = interactive login (AuthURL)
  /// Hostinfo.NetInfo.PreferredDERP (trap #8). 0: the actor picks the lowest usable region of
  /// the DERPMap (control_policy::choose_home_derp) and reports it with a lite map update.
  int preferred_derp = 0;
  bool ephemeral = false; ///< RegisterRequest.Ephemeral
  /// The engine whose io_context runs the connection; it must outlive the actor.
  engine::engine* eng = nullptr;
  /// Receives `netmap_atom, tailnet_map` on every change. May be invalid (nobody listens).
  peer_tracker_actor tracker;
  /// Wall time for map_session::apply (PeerSeenChange, key expiry). Default: system_clock.
  std::function<std::chrono::system_clock::time_point()> wall_clock;
  /// Randomness for the disco key, node key rotation, the Noise ephemeral (on the engine
  /// thread) and the backoff jitter (on the actor's): must be thread-safe and outlive the actor.
  /// Default (nullptr): crypto::system_random::instance().
  crypto::random_source* rng = nullptr;
  control_timing timing;
};

/// Spawns the control actor; it starts connecting at once. It stops (closing the connection on
/// the engine thread) when it receives an exit message; it never exits on its own, not even when
/// registration fails for good (state "failed" in control_status).
control_actor spawn_control(caf::actor_system& sys, control_config cfg);

} // namespace tsnode
