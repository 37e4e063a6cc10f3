#pragma once
/// @file
/// The engine-side node: WireGuard data plane + overlay netstack, wired together on the engine
/// thread. Packets from lwIP go to the data plane; decrypted packets go to lwIP; a destination
/// no peer covers fails closed before a SYN is ever sent.

#include <asio/io_context.hpp>

#include <functional>
#include <memory>

#include "actors/engine/dataplane.hpp"
#include "actors/engine/overlay.hpp"

namespace tsnode::engine {

struct node_core_config {
  dataplane_config wireguard;
  /// The node's overlay addresses (wg-quick Address, or the tailnet addresses).
  std::vector<netstack::ip_prefix> addresses;
};

class node_core {
public:
  /// Builds both halves and binds the UDP port; throws like dataplane's constructor.
  /// Must run on the engine thread (lwIP is owned by it).
  node_core(asio::io_context& io, node_core_config cfg, dataplane::event_fn events = {});
  ~node_core();

  /// Starts receiving and the WireGuard timers.
  void start();

  overlay& net() noexcept { return *overlay_; }
  dataplane& wg() noexcept { return *dataplane_; }

private:
  std::unique_ptr<overlay> overlay_;
  std::unique_ptr<dataplane> dataplane_;
};

} // namespace tsnode::engine
