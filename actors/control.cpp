#include "actors/control.hpp"

#include <caf/all.hpp>

#include <spdlog/spdlog.h>

#include "actors/control/connection.hpp"
#include "actors/control/policy.hpp"
#include "actors/control/to_tailnet_map.hpp"
#include "control/netmap.hpp"
#include "control/requests.hpp"

namespace tsnode {

namespace {

/// An event of the engine's connection, travelling to the actor (process-local).
using conn_event_ptr = std::shared_ptr<const control_io::conn_event>;

} // namespace

} // namespace tsnode

CAF_ALLOW_UNSAFE_MESSAGE_TYPE(tsnode::conn_event_ptr)

namespace tsnode {

namespace {

// Atoms private to the actor and its engine-side connection (never sent by anyone else).
using ctl_event_atom = caf::atom_constant<caf::atom("ctlevent")>;
using ctl_retry_atom = caf::atom_constant<caf::atom("ctlretry")>;
using ctl_watch_atom = caf::atom_constant<caf::atom("ctlwatch")>;
using ctl_rpc_deadline_atom = caf::atom_constant<caf::atom("ctlrpcdl")>;

/// The actor's full interface: the public one plus its own timers and the engine's events,
/// each tagged with the connection generation so late ones from an old connection are dropped.
using control_impl_actor
  = control_actor::extend<caf::reacts_to<ctl_event_atom, std::uint64_t, conn_event_ptr>,
                          caf::reacts_to<ctl_retry_atom, std::uint64_t>,
                          caf::reacts_to<ctl_watch_atom, std::uint64_t>,
                          caf::reacts_to<ctl_rpc_deadline_atom, std::uint64_t, std::uint64_t>>;

struct control_state {
  std::shared_ptr<control_config> cfg;
  control_io::server_url url;
  crypto::random_source* rng = nullptr;
  std::optional<crypto::disco_private> disco;
  control_status status;

  std::uint64_t gen = 0; ///< the current connection's generation (0 = none)
  std::shared_ptr<control_io::connection> conn;
  std::chrono::steady_clock::time_point attempt_started;
  bool connected = false;     ///< conn_up seen for `gen`
  bool registered = false;    ///< the current node key is registered (this process)
  bool send_auth_key = false; ///< put the auth key into the next RegisterRequest
  std::string followup;       ///< the AuthURL being waited on
  std::uint64_t rpc_seq = 0;
  std::uint64_t pending_rpc = 0; ///< the register RPC in flight, 0 = none
  std::uint64_t lite_rpc = 0;    ///< the lite map update in flight, 0 = none
  int home_derp = 0;             ///< reported as PreferredDERP
  bool auto_home_derp = false;   ///< chosen from the DERPMap (config said 0)

  std::optional<control::map_session> session; ///< the current map stream's netmap
  std::chrono::steady_clock::time_point last_map_message;
  bool announced = false;       ///< "registered as" logged since the last registration
  std::uint64_t generation = 0; ///< of the netmaps published
  unsigned failures = 0;        ///< consecutive failed attempts (backoff exponent)
  std::optional<std::chrono::steady_clock::time_point> last_rotation; ///< of the node key

  ~control_state() { drop_connection(); }

  /// Closes the connection on the engine thread (the posted lambda holds the last reference).
  void drop_connection() {
    if (conn && cfg && cfg->eng)
      cfg->eng->post([c = std::move(conn)] { c->close(); });
    conn.reset();
    connected = false;
    pending_rpc = 0;
    session.reset();
  }

  static inline const char* name = "control";
};

using self_ptr = control_impl_actor::stateful_pointer<control_state>;

control::wall_time wall_now(const control_state& st) {
  auto t = st.cfg->wall_clock ? st.cfg->wall_clock() : std::chrono::system_clock::now();
  return std::chrono::time_point_cast<std::chrono::milliseconds>(t);
}

control::hostinfo make_hostinfo(const control_state& st) {
  control::hostinfo h;
  h.hostname = st.cfg->hostname;
  h.os = "linux";
  h.app = "tsnode";
  h.ipn_version = "tsnode-0.1.0";
  h.userspace = true;
  control::net_info ni;
  ni.preferred_derp = st.home_derp;
  h.net = ni;
  return h;
}

std::string join(const std::vector<std::string>& v) {
  std::string out;
  for (auto& s : v)
    out += (out.empty() ? "" : " ") + s;
  return out;
}

std::string seconds_text(std::chrono::milliseconds d) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.1fs", static_cast<double>(d.count()) / 1000.0);
  return buf;
}

void connect(self_ptr self);

/// Ends the current connection and tries again after the backoff (or `delay` when given).
void retry(self_ptr self, const std::string& why,
           std::optional<std::chrono::milliseconds> delay = std::nullopt) {
  auto& st = self->state;
  st.drop_connection();
  ++st.gen; // late events of the old connection and its timers are ignored from now on
  ++st.failures;
  auto& t = st.cfg->timing;
  auto d = delay
             ? *delay
             : control_policy::reconnect_delay(st.failures, t.backoff_base, t.backoff_cap, *st.rng);
  st.status.state = "reconnecting";
  st.status.last_error = why;
  spdlog::warn("control: reconnecting in {}: {}", seconds_text(d), why);
  self->delayed_send(self, d, ctl_retry_atom::value, st.gen);
}

/// Stops for good: the server refused us in a way retrying will not change.
void give_up(self_ptr self, const std::string& why) {
  auto& st = self->state;
  st.drop_connection();
  ++st.gen;
  st.status.state = "failed";
  st.status.last_error = why;
  spdlog::error("control: {} (not retrying)", why);
}

void send_register(self_ptr self) {
  auto& st = self->state;
  control::register_request r;
  r.node_key = st.cfg->keys.node.public_key();
  if (st.cfg->keys.old_node)
    r.old_node_key = *st.cfg->keys.old_node;
  if (st.send_auth_key)
    r.auth_key = st.cfg->auth_key;
  r.followup = st.followup;
  r.info = make_hostinfo(st);
  r.ephemeral = st.cfg->ephemeral;
  auto body = control::to_json(r);
  if (auto* e = std::get_if<control::control_error>(&body))
    return give_up(self, "register: " + control::to_string(*e));
  st.status.state = st.followup.empty() ? "registering" : "needs_login";
  auto id = ++st.rpc_seq;
  st.pending_rpc = id;
  spdlog::debug("control: POST /machine/register ({}{})",
                r.auth_key.empty() ? "no auth key" : "auth key",
                r.followup.empty() ? "" : ", followup");
  st.cfg->eng->post([c = st.conn, id, b = std::move(std::get<std::string>(body))] {
    c->rpc(id, "/machine/register", b);
  });
  // A Followup long-polls until a human logs in: no deadline for it.
  if (st.followup.empty())
    self->delayed_send(self, st.cfg->timing.rpc_timeout, ctl_rpc_deadline_atom::value, st.gen, id);
}

void open_map(self_ptr self) {
  auto& st = self->state;
  control::map_request r;
  r.node_key = st.cfg->keys.node.public_key();
  r.disco_key = st.disco->public_key();
  r.stream = true;
  r.keep_alive = true;
  r.compress = control::map_compression::zstd;
  r.info = make_hostinfo(st);
  auto body = control::to_json(r);
  if (auto* e = std::get_if<control::control_error>(&body))
    return give_up(self, "map request: " + control::to_string(*e));
  st.session.emplace();
  ++st.status.map_streams;
  st.last_map_message = std::chrono::steady_clock::now();
  st.cfg->eng->post([c = st.conn, b = std::move(std::get<std::string>(body))] {
    c->open_map(b, control::map_compression::zstd);
  });
  self->delayed_send(self, st.cfg->timing.keepalive_timeout, ctl_watch_atom::value, st.gen);
}

/// Returns whether the node key was replaced less than a minute ago: a server (or a clock) that
/// keeps calling new keys expired must not make the actor rotate and re-register in a tight loop.
bool rotated_recently(const control_state& st) {
  return st.last_rotation
         && std::chrono::steady_clock::now() - *st.last_rotation < std::chrono::minutes{1};
}

/// Replaces the node key (the server said it expired) and keeps the old one for OldNodeKey.
void rotate_node_key(self_ptr self) {
  auto& st = self->state;
  st.last_rotation = std::chrono::steady_clock::now();
  auto& keys = st.cfg->keys;
  auto old = keys.node.public_key();
  if (!keys.old_node) // an unfinished rotation keeps the key the server still knows
    keys.old_node = old;
  keys.node = crypto::node_private::generate(*st.rng);
  st.registered = false;
  st.send_auth_key = !st.cfg->auth_key.empty();
  spdlog::warn("control: node key {} expired; registering the new key {} (the WireGuard static "
               "key changes)",
               old.to_text(), keys.node.public_key().to_text());
  if (!st.cfg->state_dir.empty())
    if (auto err = save_state(st.cfg->state_dir, keys))
      spdlog::error("control: could not save the new node key: {}", *err);
}

void on_register_reply(self_ptr self, const control_io::rpc_done& r) {
  auto& st = self->state;
  st.pending_rpc = 0;
  if (!r.error.empty())
    return retry(self, "register: " + r.error);
  if (r.status != 200) {
    auto why = "register: HTTP " + std::to_string(r.status) + ": " + r.body.substr(0, 300);
    if (r.status == 429 || r.status == 408 || r.status >= 500) {
      std::optional<std::chrono::milliseconds> d;
      if (int s = std::atoi(r.retry_after.c_str()); s > 0)
        d = std::chrono::milliseconds{std::min(s, 3600) * 1000};
      return retry(self, why, d);
    }
    return give_up(self, why);
  }
  auto parsed = control::parse_register_response(r.body);
  if (auto* e = std::get_if<control::control_error>(&parsed))
    return retry(self, "register: " + control::to_string(*e));
  auto outcome = control::classify(std::get<control::register_response>(parsed));
  if (std::holds_alternative<control::registered>(outcome)) {
    st.registered = true;
    st.followup.clear();
    st.status.auth_url.clear();
    st.status.state = "registering"; // until the first netmap
    st.announced = false;            // "registered as" with the first netmap
    if (st.cfg->keys.old_node) {     // the rotation is complete: forget the old key
      st.cfg->keys.old_node.reset();
      if (!st.cfg->state_dir.empty())
        if (auto err = save_state(st.cfg->state_dir, st.cfg->keys))
          spdlog::error("control: could not save the state: {}", *err);
    }
    spdlog::debug("control: registered {}", st.cfg->keys.node.public_key().to_text());
    return open_map(self);
  }
  if (auto* login = std::get_if<control::needs_login>(&outcome)) {
    if (!st.send_auth_key && !st.cfg->auth_key.empty() && st.followup.empty()) {
      st.send_auth_key = true; // the known key is not enough: log in with the auth key
      return send_register(self);
    }
    if (st.send_auth_key)
      return give_up(
        self, "register: the server asks for an interactive login although an auth key was sent: "
                + login->auth_url);
    st.followup = login->auth_url;
    st.status.state = "needs_login";
    st.status.auth_url = login->auth_url;
    spdlog::warn("control: to log in, visit {}", login->auth_url);
    return send_register(self);
  }
  if (std::holds_alternative<control::needs_new_node_key>(outcome)) {
    if (rotated_recently(st))
      return retry(self, "register: the server says a node key made a moment ago has expired");
    rotate_node_key(self);
    return send_register(self);
  }
  if (std::holds_alternative<control::needs_machine_auth>(outcome))
    return retry(self, "registered, waiting for an administrator to authorize this machine",
                 std::chrono::milliseconds{10000});
  auto& err = std::get<control::control_error>(outcome);
  give_up(self, "register: " + (err.detail.empty() ? control::to_string(err) : err.detail));
}

void publish(self_ptr self) {
  auto& st = self->state;
  auto m = to_tailnet_map(st.session->current());
  m.generation = ++st.generation;
  if (!st.announced) {
    st.announced = true;
    spdlog::info("control: registered as {} {}", m.self.name, join(m.self.addresses));
  }
  spdlog::debug("control: netmap {} with {} peers", m.generation, m.peers.size());
  if (st.cfg->tracker)
    caf::anon_send(st.cfg->tracker, netmap_atom::value, std::move(m));
}

/// Picks the home DERP region when the config left it to us, and tells the server with a lite
/// update (Stream false, OmitPeers true; tailscale-protocol.md §4.1): Go peers reach a node
/// only through its home region (trap #8).
void update_home_derp(self_ptr self) {
  auto& st = self->state;
  if (!st.auto_home_derp || !st.session)
    return;
  auto& derp = st.session->current().derp;
  if (st.home_derp != 0 && derp.regions.count(st.home_derp))
    return;
  int home = control_policy::choose_home_derp(derp);
  if (home == 0 || home == st.home_derp)
    return;
  st.home_derp = home;
  spdlog::info("control: home DERP region {} ({})", home, derp.regions.at(home).region_code);
  control::map_request r;
  r.node_key = st.cfg->keys.node.public_key();
  r.disco_key = st.disco->public_key();
  r.omit_peers = true;
  r.info = make_hostinfo(st);
  auto body = control::to_json(r);
  if (auto* e = std::get_if<control::control_error>(&body)) {
    spdlog::warn("control: lite map update: {}", control::to_string(*e));
    return;
  }
  auto id = ++st.rpc_seq;
  st.lite_rpc = id;
  st.cfg->eng->post([c = st.conn, id, b = std::move(std::get<std::string>(body))] {
    c->rpc(id, "/machine/map", b);
  });
}

void on_map_message(self_ptr self, const std::string& json) {
  auto& st = self->state;
  if (!st.session)
    return;
  ++st.status.map_messages;
  st.last_map_message = std::chrono::steady_clock::now();
  auto now = wall_now(st);
  auto r = st.session->apply(json, now);
  if (auto* e = std::get_if<control::control_error>(&r))
    return retry(self, "map message: " + control::to_string(*e));
  auto& u = std::get<control::map_update>(r);
  if (u.ping)
    // Answering needs an HTTP HEAD to its URL (over Noise when url_is_noise); headscale only
    // sends PingRequests on an operator's demand. Not implemented: logged.
    spdlog::info("control: PingRequest for {} not answered (not implemented)", u.ping->url);
  if (!u.pop_browser_url.empty())
    spdlog::warn("control: the server asks to open {}", u.pop_browser_url);
  if (u.what == control::map_update::kind::keepalive)
    return;
  if (u.what == control::map_update::kind::full) {
    auto took = std::chrono::duration_cast<std::chrono::milliseconds>(
      std::chrono::steady_clock::now() - st.attempt_started);
    st.failures = 0;
    st.status.state = "connected";
    st.status.last_error.clear();
    spdlog::info("control: map stream up ({} peers, {} after connecting)",
                 st.session->current().peers.size(), seconds_text(took));
  }
  if (u.what == control::map_update::kind::full || u.derp_changed)
    update_home_derp(self);
  publish(self);
  // Key expiry (ours): re-register with a new node key and OldNodeKey.
  auto& me = st.session->current().self;
  if (me
      && (me->expired
          || (me->key_expiry && *me->key_expiry != control::go_zero_time
              && *me->key_expiry <= now))) {
    if (rotated_recently(st))
      return retry(self, "the node key made a moment ago is already expired (clock skew?)");
    rotate_node_key(self);
    retry(self, "the node key expired", std::chrono::milliseconds{0});
  }
}

void on_event(self_ptr self, const control_io::conn_event& ev) {
  auto& st = self->state;
  std::visit(
    [&](const auto& e) {
      using T = std::decay_t<decltype(e)>;
      if constexpr (std::is_same_v<T, control_io::conn_up>) {
        st.connected = true;
        spdlog::debug("control: ts2021 connection to {} up in {}", st.url.text,
                      seconds_text(e.took));
        if (st.registered)
          open_map(self);
        else
          send_register(self);
      } else if constexpr (std::is_same_v<T, control_io::rpc_done>) {
        if (e.id == st.pending_rpc) {
          on_register_reply(self, e);
        } else if (e.id == st.lite_rpc) {
          st.lite_rpc = 0;
          if (!e.error.empty() || e.status != 200)
            spdlog::warn("control: lite map update: {}",
                         e.error.empty() ? "HTTP " + std::to_string(e.status) : e.error);
        }
      } else if constexpr (std::is_same_v<T, control_io::map_message>) {
        on_map_message(self, e.json);
      } else if constexpr (std::is_same_v<T, control_io::map_closed>) {
        // A refused map request (headscale: the node was deleted, or its key is unknown) is
        // answered by registering again on the next connection.
        if (e.status >= 400 && e.status < 500)
          st.registered = false;
        retry(self, e.why);
      } else if constexpr (std::is_same_v<T, control_io::conn_down>) {
        retry(self, e.why);
      }
    },
    ev);
}

void connect(self_ptr self) {
  auto& st = self->state;
  st.drop_connection();
  auto g = ++st.gen;
  st.attempt_started = std::chrono::steady_clock::now();
  control_impl_actor hdl{self};
  st.conn = std::make_shared<control_io::connection>(
    st.cfg->eng->io(), st.url, st.cfg->keys.machine.clone(), *st.rng,
    st.cfg->timing.connect_timeout, [hdl, g](control_io::conn_event ev) {
      caf::anon_send(hdl, ctl_event_atom::value, g,
                     std::make_shared<const control_io::conn_event>(std::move(ev)));
    });
  st.cfg->eng->post([c = st.conn] { c->start(); });
}

control_impl_actor::behavior_type control_actor_fn(self_ptr self,
                                                   std::shared_ptr<control_config> cfg) {
  auto& st = self->state;
  st.cfg = std::move(cfg);
  st.rng = st.cfg->rng ? st.cfg->rng : &crypto::system_random::instance();
  st.disco = st.cfg->disco ? std::move(st.cfg->disco)
                           : std::optional{crypto::disco_private::generate(*st.rng)};
  st.send_auth_key = st.cfg->new_identity && !st.cfg->auth_key.empty();
  st.home_derp = st.cfg->preferred_derp;
  st.auto_home_derp = st.cfg->preferred_derp == 0;
  st.status.server_url = st.cfg->server_url;
  st.status.state = "starting";
  if (auto u = control_io::parse_server_url(st.cfg->server_url); !u) {
    give_up(self, "bad control URL '" + st.cfg->server_url
                    + "': want http://host[:port] or https://host[:port]");
  } else if (!st.cfg->eng) {
    give_up(self, "no engine");
  } else {
    st.url = *u;
    connect(self);
  }
  return {
    [self](status_atom) -> control_status { return self->state.status; },
    [self](ctl_event_atom, std::uint64_t g, const conn_event_ptr& ev) {
      if (g == self->state.gen && ev)
        on_event(self, *ev);
    },
    [self](ctl_retry_atom, std::uint64_t g) {
      if (g == self->state.gen)
        connect(self);
    },
    [self](ctl_watch_atom, std::uint64_t g) {
      auto& st = self->state;
      if (g != st.gen || !st.session)
        return;
      auto now = std::chrono::steady_clock::now();
      auto timeout = st.cfg->timing.keepalive_timeout;
      if (control_policy::stream_silent(st.last_map_message, now, timeout))
        return retry(self, "no map message for " + seconds_text(timeout));
      auto left = std::chrono::duration_cast<std::chrono::milliseconds>(st.last_map_message
                                                                        + timeout - now);
      self->delayed_send(self, left + std::chrono::milliseconds{1}, ctl_watch_atom::value, g);
    },
    [self](ctl_rpc_deadline_atom, std::uint64_t g, std::uint64_t id) {
      auto& st = self->state;
      if (g == st.gen && id == st.pending_rpc)
        retry(self, "register: no answer within " + seconds_text(st.cfg->timing.rpc_timeout));
    },
  };
}

} // namespace

control_actor spawn_control(caf::actor_system& sys, control_config cfg) {
  auto p = std::make_shared<control_config>(std::move(cfg));
  return caf::actor_cast<control_actor>(sys.spawn(control_actor_fn, std::move(p)));
}

} // namespace tsnode
