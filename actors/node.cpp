#include "actors/node.hpp"

#include <caf/all.hpp>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <future>
#include <stdexcept>

#include "actors/control.hpp"
#include "actors/control/state_store.hpp"
#include "actors/magicdns.hpp"
#include "actors/netmap_sink.hpp"
#include "actors/peer_tracker.hpp"
#include "actors/resolver.hpp"

namespace tsnode {

/// What the netmap sink (an actor thread) and the engine thread share with the node.
struct node::tailnet_glue {
  std::mutex mtx;
  bool alive = true;                 ///< false once the node is being destroyed
  std::optional<tailnet_map> latest; ///< for status()
  engine::node_core_config pending;  ///< the core's settings until the first netmap
  std::promise<void> first;          ///< set when the first netmap started the core
  bool first_done = false;           ///< engine thread only
  std::string wireguard_key;         ///< "nodekey:…" the engine runs with (engine thread)
};

namespace {

/// How long status() waits for the control actor.
constexpr auto status_wait = std::chrono::seconds(2);

void log_wireguard_event(const wireguard::endpoint_event& e) {
  spdlog::info("wireguard: peer {} {}", e.peer, wireguard::to_string(e.kind));
}

std::string join(const std::vector<std::string>& xs) {
  std::string out;
  for (auto& x : xs)
    out += (out.empty() ? "" : " ") + x;
  return out;
}

} // namespace

node::node(caf::actor_system& sys, node_config cfg)
  : sys_(sys) {
  eng_.start();
  try {
    if (cfg.tailnet) {
      start_tailnet(cfg);
    } else {
      for (auto& a : cfg.core.addresses)
        addresses_.push_back(a.address.to_string());
      start_core(std::move(cfg.core));
      resolver_ = sys_.spawn(static_resolver, std::move(cfg.hosts));
    }
  } catch (...) {
    stop_actors();
    eng_.stop();
    throw;
  }
  bridge_ = sys_.spawn(netstack_bridge, &eng_, &core_->net());
  netstack_ = bridge_;
}

void node::start_core(engine::node_core_config cfg) {
  std::promise<void> up;
  eng_.post([&] {
    try {
      core_ = std::make_unique<engine::node_core>(eng_.io(), std::move(cfg), log_wireguard_event);
      core_->start();
      up.set_value();
    } catch (...) {
      up.set_exception(std::current_exception());
    }
  });
  up.get_future().get();
}

void node::start_tailnet(node_config& cfg) {
  auto& t = *cfg.tailnet;
  auto loaded = load_or_create_state(t.state_dir);
  if (auto* err = std::get_if<std::string>(&loaded))
    throw std::runtime_error(*err);
  auto& st = std::get<loaded_state>(loaded);
  spdlog::info("tailnet: {} identity in {}", st.created ? "new" : "existing", st.file.string());
  glue_ = std::make_shared<tailnet_glue>();
  glue_->pending = std::move(cfg.core);
  glue_->pending.wireguard.private_key = st.keys.node.clone();
  glue_->wireguard_key = st.keys.node.public_key().to_text();
  glue_->pending.addresses.clear();
  glue_->pending.wireguard.peers.clear();
  auto first = glue_->first.get_future();
  tracker_ = sys_.spawn(tsnode::peer_tracker, std::size_t{4096});
  resolver_ = sys_.spawn(magicdns_resolver, tracker_, caf::timespan{std::chrono::seconds(10)});
  // The sink runs on an actor thread: it only copies the map and posts to the engine, under the
  // glue's lock so that nothing is posted once the destructor has begun.
  sink_ = sys_.spawn(netmap_sink, [this, glue = glue_](const tailnet_map& m) {
    std::lock_guard<std::mutex> guard{glue->mtx};
    if (!glue->alive)
      return;
    glue->latest = m;
    eng_.post([this, m] { apply_netmap(m); });
  });
  caf::anon_send(tracker_, subscribe_atom_v, caf::actor_cast<caf::actor>(sink_));
  control_config cc;
  cc.server_url = t.control_url;
  cc.keys = st.keys.clone();
  cc.state_dir = t.state_dir;
  cc.new_identity = st.created;
  cc.hostname = t.hostname;
  cc.auth_key = t.auth_key;
  cc.ephemeral = t.ephemeral;
  cc.eng = &eng_;
  cc.tracker = tracker_;
  control_ = spawn_control(sys_, std::move(cc));
  spdlog::info("tailnet: joining via {} as {:?}", t.control_url, t.hostname);
  if (t.up_timeout.count() == 0) {
    first.get();
    return;
  }
  if (first.wait_for(t.up_timeout) != std::future_status::ready) {
    std::string why;
    caf::scoped_actor self{sys_};
    self->request(control_, status_wait, status_atom_v)
      .receive(
        [&](const control_status& s) {
          why = s.state + (s.last_error.empty() ? "" : ": " + s.last_error);
        },
        [&](const caf::error& e) { why = to_string(e); });
    throw std::runtime_error("no network map from " + t.control_url + " within "
                             + std::to_string(t.up_timeout.count() / 1000) + " s (control: " + why
                             + ")");
  }
  first.get();
}

void node::apply_netmap(const tailnet_map& m) {
  // Engine thread.
  std::vector<std::string> skipped;
  auto peers = wireguard_peers(m, &skipped);
  for (auto& s : skipped)
    spdlog::debug("tailnet: peer {} not programmed", s);
  if (!glue_->first_done) {
    glue_->first_done = true;
    auto cfg = std::move(glue_->pending);
    cfg.addresses = overlay_addresses(m.self);
    cfg.wireguard.peers = std::move(peers);
    for (auto& a : cfg.addresses)
      addresses_.push_back(a.address.to_string());
    try {
      if (cfg.addresses.empty())
        throw std::runtime_error("the netmap gives this node no address");
      core_ = std::make_unique<engine::node_core>(eng_.io(), std::move(cfg), log_wireguard_event);
      core_->start();
      spdlog::info("tailnet: up as {} ({}), {} peers", m.self.name, join(m.self.addresses),
                   m.peers.size());
      glue_->first.set_value();
    } catch (...) {
      glue_->first.set_exception(std::current_exception());
    }
    return;
  }
  if (!core_)
    return;
  if (!m.self.node_key.empty() && m.self.node_key != glue_->wireguard_key) {
    // The control actor rotated the node key (expiry, tailscale-protocol.md §3); the endpoint
    // has no re-key operation yet, so peers reach this node again after a restart.
    spdlog::error("tailnet: the node key is now {} but WireGuard runs with {}: restart to use it",
                  m.self.node_key, glue_->wireguard_key);
    glue_->wireguard_key = m.self.node_key;
  }
  auto& ep = core_->wg().endpoint();
  auto have = core_->wg().peer_status();
  for (auto& h : have) {
    auto keep = std::any_of(peers.begin(), peers.end(),
                            [&](const auto& p) { return p.public_key == h.public_key; });
    if (!keep)
      ep.remove_peer(h.id);
  }
  for (auto& p : peers) {
    auto known = std::any_of(have.begin(), have.end(),
                             [&](const auto& h) { return h.public_key == p.public_key; });
    if (known) {
      // Keep the endpoint the peer roamed to: only the netmap's allowed IPs are replaced.
      p.endpoint.reset();
      if (auto err = ep.update_peer(std::move(p)))
        spdlog::warn("tailnet: peer update refused: {}", wireguard::to_string(*err));
    } else if (auto r = ep.add_peer(std::move(p)); std::holds_alternative<wireguard::wg_errc>(r)) {
      spdlog::warn("tailnet: peer refused: {}",
                   wireguard::to_string(std::get<wireguard::wg_errc>(r)));
    }
  }
  auto addrs = overlay_addresses(m.self);
  std::vector<std::string> now;
  for (auto& a : addrs)
    now.push_back(a.address.to_string());
  if (now != addresses_)
    spdlog::warn("tailnet: the control server changed this node's addresses to {} (kept {} "
                 "until restart)",
                 join(now), join(addresses_));
}

void node::stop_actors() noexcept {
  if (glue_) {
    std::lock_guard<std::mutex> guard{glue_->mtx};
    glue_->alive = false;
  }
  for (auto a : {caf::actor_cast<caf::actor>(control_), caf::actor_cast<caf::actor>(sink_),
                 caf::actor_cast<caf::actor>(tracker_), caf::actor_cast<caf::actor>(resolver_),
                 caf::actor_cast<caf::actor>(bridge_)})
    if (a)
      caf::anon_send_exit(a, caf::exit_reason::user_shutdown);
}

node::~node() {
  // Listeners and their sessions post to the engine on their way out: wait for them (bounded)
  // while the engine still runs (caf-asio.md §6).
  {
    std::vector<caf::actor> ls;
    {
      std::lock_guard<std::mutex> guard{listeners_mtx_};
      ls.swap(listeners_);
    }
    caf::scoped_actor self{sys_};
    for (auto& l : ls) {
      self->monitor(l);
      self->send_exit(l, caf::exit_reason::user_shutdown);
    }
    for (std::size_t i = 0; i < ls.size(); ++i)
      self->receive([](const caf::down_msg&) {},
                    caf::after(std::chrono::seconds(5)) >>
                      [] { spdlog::warn("node: a loopback listener did not stop within 5 s"); });
  }
  stop_actors();
  // The node core owns lwIP and the sockets: destroy it on the engine thread, then stop. The
  // control actor's connection lives on the engine too; it closes when its actor exits.
  std::promise<void> down;
  eng_.post([&] {
    core_.reset();
    down.set_value();
  });
  down.get_future().wait();
  eng_.stop();
}

std::unique_ptr<loopback_handle> node::loopback(listener_config cfg, std::string credential) {
  auto h = start_loopback(sys_, eng_, resolver_, netstack_, std::move(cfg), std::move(credential));
  std::lock_guard<std::mutex> guard{listeners_mtx_};
  listeners_.push_back(caf::actor_cast<caf::actor>(h->actor()));
  return h;
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
  auto s = p.get_future().get();
  if (glue_) {
    {
      std::lock_guard<std::mutex> guard{glue_->mtx};
      s.tailnet = glue_->latest;
    }
    caf::scoped_actor self{sys_};
    self->request(control_, status_wait, status_atom_v)
      .receive([&](const control_status& c) { s.control = c; }, [](const caf::error&) {});
  }
  return s;
}

} // namespace tsnode
