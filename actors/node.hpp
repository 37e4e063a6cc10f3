#pragma once
/// @file
/// The node façade (design.md "Actors and messages"): spawns and wires the engine (WireGuard
/// data plane + netstack), the netstack bridge and the resolver inside an application's
/// caf::actor_system, and offers the loopback proxy. Two modes:
/// - static WireGuard (a wg-quick file): peers and addresses come from the configuration, names
///   from `hosts`;
/// - tailnet (`tailnet` set): the control actor joins the tailnet, the peer tracker holds the
///   netmap, the MagicDNS resolver answers from it, and every netmap re-programs the WireGuard
///   peer table; the engine starts with the first netmap (the node's addresses come from it).
/// Shutdown follows caf-asio.md §6: actors exit, then the engine stops, then the application
/// destroys its actor system.

#include <caf/actor_system.hpp>

#include <chrono>
#include <filesystem>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "actors/engine/engine.hpp"
#include "actors/engine/node_core.hpp"
#include "actors/listener.hpp"
#include "actors/netstack.hpp"
#include "messages/control_actor.hpp"
#include "messages/netstack_actor.hpp"
#include "messages/peer_tracker_actor.hpp"
#include "messages/resolver_actor.hpp"

namespace tsnode {

/// What joining a tailnet takes (tailnet mode).
struct tailnet_options {
  std::string control_url; ///< "https://controlplane.tailscale.com", "http://127.0.0.1:8080"
  std::filesystem::path state_dir; ///< machine + node keys (created 0700/0600 on first start)
  std::string hostname;            ///< the name the node asks for (its MagicDNS short name)
  std::string auth_key;            ///< pre-auth key; "" = interactive login (AuthURL is logged)
  bool ephemeral = false;          ///< register as an ephemeral node
  /// How long the constructor waits for the first netmap; zero waits without limit (an
  /// interactive login may take a human minutes).
  std::chrono::milliseconds up_timeout{60000};
};

struct node_config {
  /// Static mode: the WireGuard key, port, MTU, peers and addresses. Tailnet mode: the port and
  /// MTU only (key, peers and addresses come from the state directory and the netmap).
  engine::node_core_config core;
  /// Names the resolver answers (static-WireGuard mode's MagicDNS stand-in).
  std::map<std::string, std::vector<std::string>> hosts;
  /// Set: tailnet mode.
  std::optional<tailnet_options> tailnet;
};

/// A snapshot for `status`.
struct node_status {
  std::uint16_t listen_port = 0;
  std::vector<std::string> addresses;
  std::vector<wireguard::peer_status> peers;
  engine::dataplane_stats dataplane;
  engine::overlay_stats overlay;
  std::optional<tailnet_map> tailnet;    ///< tailnet mode: the newest netmap
  std::optional<control_status> control; ///< tailnet mode: the control actor's view
};

class node {
public:
  /// Starts the engine and the actors; in tailnet mode waits for the first netmap. Throws
  /// std::system_error / std::invalid_argument when the configuration cannot be brought up
  /// (port taken, bad peer), std::runtime_error with a whole sentence when the state directory
  /// is unusable or no netmap came within tailnet_options::up_timeout.
  node(caf::actor_system& sys, node_config cfg);
  /// Stops the loopback proxies, the actors and the engine, in that order.
  ~node();
  node(const node&) = delete;
  node& operator=(const node&) = delete;

  /// Starts a loopback proxy; destroy the handle to stop accepting. The node may go first: its
  /// destructor stops every listener and waits for their sessions before the engine stops.
  std::unique_ptr<loopback_handle> loopback(listener_config cfg, std::string credential = {});

  resolver_actor resolver() const noexcept { return resolver_; }
  netstack_actor netstack() const noexcept { return netstack_; }
  /// Tailnet mode only (invalid handles otherwise).
  peer_tracker_actor peer_tracker() const noexcept { return tracker_; }
  control_actor control() const noexcept { return control_; }
  /// Replaces a peer's settings (found by public key), its endpoint included when set; sessions
  /// are kept. Returns false when no such peer exists or the settings are refused.
  bool update_peer(wireguard::peer_config cfg);
  /// Returns a snapshot (blocks briefly for the engine thread and the control actor).
  node_status status();
  engine::engine& engine_ref() noexcept { return eng_; }

private:
  struct tailnet_glue;

  void start_core(engine::node_core_config cfg);
  void start_tailnet(node_config& cfg);
  void apply_netmap(const tailnet_map& m);
  void stop_actors() noexcept;

  caf::actor_system& sys_;
  engine::engine eng_;
  std::unique_ptr<engine::node_core> core_;
  std::vector<std::string> addresses_;
  netstack_bridge_actor bridge_;
  netstack_actor netstack_;
  resolver_actor resolver_;
  peer_tracker_actor tracker_;
  control_actor control_;
  netmap_subscriber sink_;
  std::shared_ptr<tailnet_glue> glue_;
  std::mutex listeners_mtx_;
  std::vector<caf::actor> listeners_; ///< every loopback's listener: stopped before the engine
};

} // namespace tsnode
