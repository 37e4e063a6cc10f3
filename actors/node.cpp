#include "actors/node.hpp"

#include <caf/all.hpp>
#include <spdlog/spdlog.h>

#include <future>

#include "actors/resolver.hpp"

namespace tsnode {

node::node(caf::actor_system& sys, node_config cfg)
  : sys_(sys) {
  for (auto& a : cfg.core.addresses)
    addresses_.push_back(a.address.to_string());
  eng_.start();
  std::promise<void> up;
  eng_.post([&] {
    try {
      core_ = std::make_unique<engine::node_core>(
        eng_.io(), std::move(cfg.core), [](const wireguard::endpoint_event& e) {
          spdlog::info("wireguard: peer {} {}", e.peer, wireguard::to_string(e.kind));
        });
      core_->start();
      up.set_value();
    } catch (...) {
      up.set_exception(std::current_exception());
    }
  });
  try {
    up.get_future().get();
  } catch (...) {
    eng_.stop();
    throw;
  }
  bridge_ = sys_.spawn(netstack_bridge, &eng_, &core_->net());
  netstack_ = bridge_;
  resolver_ = sys_.spawn(static_resolver, std::move(cfg.hosts));
}

node::~node() {
  caf::anon_send_exit(bridge_, caf::exit_reason::user_shutdown);
  caf::anon_send_exit(resolver_, caf::exit_reason::user_shutdown);
  // The node core owns lwIP and the sockets: destroy it on the engine thread, then stop.
  std::promise<void> down;
  eng_.post([&] {
    core_.reset();
    down.set_value();
  });
  down.get_future().wait();
  eng_.stop();
}

std::unique_ptr<loopback_handle> node::loopback(listener_config cfg, std::string credential) {
  return start_loopback(sys_, eng_, resolver_, netstack_, std::move(cfg), std::move(credential));
}

bool node::update_peer(wireguard::peer_config cfg) {
  std::promise<bool> ok;
  eng_.post([&] { ok.set_value(!core_->wg().endpoint().update_peer(std::move(cfg))); });
  return ok.get_future().get();
}

node_status node::status() {
  std::promise<node_status> p;
  eng_.post([&] {
    node_status s;
    s.listen_port = core_->wg().port();
    s.addresses = addresses_;
    s.peers = core_->wg().peer_status();
    s.dataplane = core_->wg().stats();
    s.overlay = core_->net().stats();
    p.set_value(std::move(s));
  });
  return p.get_future().get();
}

} // namespace tsnode
