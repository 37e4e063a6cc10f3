#pragma once
/// @file
/// The node façade (design.md "Actors and messages"): spawns and wires the engine (WireGuard
/// data plane + netstack), the netstack bridge and the resolver inside an application's
/// caf::actor_system, and offers the loopback proxy. Shutdown follows caf-asio.md §6: actors
/// exit, then the engine stops, then the application destroys its actor system.

#include <caf/actor_system.hpp>

#include <map>
#include <memory>
#include <string>
#include <vector>

#include "actors/engine/engine.hpp"
#include "actors/engine/node_core.hpp"
#include "actors/listener.hpp"
#include "actors/netstack.hpp"
#include "messages/netstack_actor.hpp"
#include "messages/resolver_actor.hpp"

namespace tsnode {

struct node_config {
  engine::node_core_config core;
  /// Names the resolver answers (static-WireGuard mode's MagicDNS stand-in).
  std::map<std::string, std::vector<std::string>> hosts;
};

/// A snapshot for `status`.
struct node_status {
  std::uint16_t listen_port = 0;
  std::vector<std::string> addresses;
  std::vector<wireguard::peer_status> peers;
  engine::dataplane_stats dataplane;
  engine::overlay_stats overlay;
};

class node {
public:
  /// Starts the engine and the actors. Throws std::system_error / std::invalid_argument when
  /// the configuration cannot be brought up (port taken, bad peer).
  node(caf::actor_system& sys, node_config cfg);
  /// Stops the loopback proxies, the actors and the engine, in that order.
  ~node();
  node(const node&) = delete;
  node& operator=(const node&) = delete;

  /// Starts a loopback proxy; destroy the handle to stop accepting.
  std::unique_ptr<loopback_handle> loopback(listener_config cfg, std::string credential = {});

  resolver_actor resolver() const noexcept { return resolver_; }
  netstack_actor netstack() const noexcept { return netstack_; }
  /// Replaces a peer's settings (found by public key), its endpoint included when set; sessions
  /// are kept. Returns false when no such peer exists or the settings are refused.
  bool update_peer(wireguard::peer_config cfg);
  /// Returns a snapshot (blocks briefly for the engine thread).
  node_status status();
  engine::engine& engine_ref() noexcept { return eng_; }

private:
  caf::actor_system& sys_;
  engine::engine eng_;
  std::unique_ptr<engine::node_core> core_;
  std::vector<std::string> addresses_;
  netstack_bridge_actor bridge_;
  netstack_actor netstack_;
  resolver_actor resolver_;
};

} // namespace tsnode
