#include "api/sync_node.hpp"

#include <caf/all.hpp>
#include <spdlog/sinks/stdout_color_sinks.h>
#include <spdlog/spdlog.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <mutex>
#include <sys/socket.h>
#include <thread>
#include <unistd.h>

#include "actors/node.hpp"
#include "api/wg_config.hpp"
#include "crypto/base64.hpp"
#include "messages/errors.hpp"
#include "messages/type_ids.hpp"

namespace tsnode {

namespace {

/// How long a lookup may take (the static resolver answers at once; a tailnet one may wait for
/// its first netmap).
constexpr auto resolve_timeout = std::chrono::seconds(10);

api_error fail(api_errc code, std::string message) {
  return api_error{code, std::move(message)};
}

/// Maps a resolver or netstack error to an api_error whose message starts with `what`.
api_error from_caf(const caf::error& e, const std::string& what, caf::actor_system& sys) {
  using netstack::netstack_errc;
  if (e.category() == caf::atom("resolve")) {
    auto x = static_cast<resolve_errc>(e.code());
    if (x == resolve_errc::no_such_host)
      return fail(api_errc::no_such_host,
                  what + ": no such host in the overlay (the host's DNS is never asked)");
    return fail(api_errc::timeout, what + ": " + std::string{to_string(x)});
  }
  if (e.category() == caf::atom("netstack")) {
    auto x = static_cast<netstack_errc>(e.code());
    auto text = what + ": " + std::string{netstack::to_string(x)};
    switch (x) {
      case netstack_errc::refused:
        return fail(api_errc::refused, text);
      case netstack_errc::timeout:
        return fail(api_errc::timeout, text);
      case netstack_errc::no_route:
      case netstack_errc::bad_address:
        return fail(api_errc::no_route, text);
      case netstack_errc::unreachable:
        return fail(api_errc::unreachable, text);
      default:
        return fail(api_errc::dial_failed, text);
    }
  }
  if (e == caf::sec::request_timeout)
    return fail(api_errc::timeout, what + ": timed out");
  return fail(api_errc::dial_failed, what + ": " + sys.render(e));
}

/// Splits "host:port" or "[v6]:port"; false when malformed.
bool split_host_port(std::string_view in, std::string& host, std::uint16_t& port) {
  auto colon = in.rfind(':');
  if (colon == std::string_view::npos || colon == 0 || colon + 1 == in.size())
    return false;
  auto h = in.substr(0, colon);
  auto p = in.substr(colon + 1);
  if (h.front() == '[') {
    if (h.size() < 3 || h.back() != ']')
      return false;
    h = h.substr(1, h.size() - 2);
  } else if (h.find(':') != std::string_view::npos) {
    return false; // an IPv6 literal needs brackets
  }
  if (p.size() > 5 || p.find_first_not_of("0123456789") != std::string_view::npos)
    return false;
  auto v = std::stoul(std::string{p});
  if (v == 0 || v > 65535)
    return false;
  host = std::string{h};
  port = static_cast<std::uint16_t>(v);
  return true;
}

/// Keeps the node's logs off the application's stdout: when the application has not installed
/// a default spdlog logger of its own (the stock one has an empty name), the node's go to
/// stderr at `level` (TSNODE_LOG_LEVEL overrides it).
void route_logs(const std::string& level) {
  static std::mutex mtx;
  std::lock_guard lk{mtx};
  auto current = spdlog::default_logger();
  if (current && !current->name().empty() && current->name() != "tsnode")
    return; // the application's own
  auto log = spdlog::get("tsnode");
  if (!log)
    log = spdlog::stderr_color_mt("tsnode");
  spdlog::set_default_logger(log);
  const char* env = std::getenv("TSNODE_LOG_LEVEL");
  spdlog::set_level(spdlog::level::from_str(env != nullptr ? env : level));
}

class embed_config : public caf::actor_system_config {
public:
  embed_config() {
    add_message_types<caf::id_block::tsnode>();
    set("scheduler.max-threads", size_t{2});
    set("logger.console", caf::atom("none"));
  }
};

} // namespace

std::string_view to_string(api_errc x) noexcept {
  switch (x) {
    case api_errc::ok:
      return "ok";
    case api_errc::bad_argument:
      return "bad_argument";
    case api_errc::bad_state:
      return "bad_state";
    case api_errc::config:
      return "config";
    case api_errc::not_built:
      return "not_built";
    case api_errc::start_failed:
      return "start_failed";
    case api_errc::no_such_host:
      return "no_such_host";
    case api_errc::refused:
      return "refused";
    case api_errc::timeout:
      return "timeout";
    case api_errc::no_route:
      return "no_route";
    case api_errc::unreachable:
      return "unreachable";
    case api_errc::dial_failed:
      return "dial_failed";
    case api_errc::system:
      return "system";
    case api_errc::internal:
      return "internal";
  }
  return "unknown";
}

/// What a running node owns. Members are destroyed bottom-up: the proxy, the node (actors, then
/// the engine), then the actor system (caf-asio.md §6).
struct sync_node::impl {
  embed_config cfg;
  caf::actor_system sys{cfg};
  std::unique_ptr<node> n;
  std::chrono::milliseconds dial_timeout;
  std::mutex proxy_mtx;
  std::unique_ptr<loopback_handle> proxy;

  std::size_t node_actors = 0; ///< actors running once the node is up, before any proxy

  impl(node_config nc, std::chrono::milliseconds dt)
    : n(std::make_unique<node>(sys, std::move(nc)))
    , dial_timeout(dt) {
    node_actors = sys.registry().running();
  }

  ~impl() {
    if (proxy) {
      auto listener = proxy->actor();
      proxy.reset(); // stop accepting
      caf::anon_send_exit(listener, caf::exit_reason::user_shutdown);
      // The listener and its sessions post to the engine on their way out: they must be gone
      // before the node and its engine are (caf-asio.md §6). The actor system is ours alone,
      // so every actor beyond the node's own is one of them.
      auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(5);
      while (sys.registry().running() > node_actors && std::chrono::steady_clock::now() < deadline)
        std::this_thread::sleep_for(std::chrono::milliseconds(1));
      if (sys.registry().running() > node_actors)
        spdlog::warn("sync_node: loopback sessions still running 5 s after stop");
    }
    n.reset();
  }
};

sync_node::sync_node() = default;

sync_node::~sync_node() {
  stop();
}

/// Tailnet mode: the node_config of a control server, an identity directory and an auth key,
/// with tsnet's defaults (tsnet.Server: Dir, Hostname = the program's name).
static std::variant<node_config, api_error> tailnet_node_config(const sync_config& cfg) {
  tailnet_options t;
  t.control_url
    = cfg.control_url.empty() ? std::string{"https://controlplane.tailscale.com"} : cfg.control_url;
  if (!(t.control_url.starts_with("http://") || t.control_url.starts_with("https://")))
    return fail(api_errc::bad_argument,
                "control URL " + t.control_url + ": want an http:// or https:// URL");
  std::string prog = program_invocation_short_name ? program_invocation_short_name : "tsnode";
  t.hostname = cfg.hostname.empty() ? prog : cfg.hostname;
  if (!cfg.state_dir.empty()) {
    t.state_dir = cfg.state_dir;
  } else {
    // tsnet: os.UserConfigDir()/tsnet-<program>.
    auto* xdg = std::getenv("XDG_CONFIG_HOME");
    auto* home = std::getenv("HOME");
    if (xdg && *xdg)
      t.state_dir = std::string{xdg} + "/tsnode-" + prog;
    else if (home && *home)
      t.state_dir = std::string{home} + "/.config/tsnode-" + prog;
    else
      return fail(api_errc::bad_argument,
                  "no state directory: set one (sync_config::state_dir, tsnode_set_dir)");
  }
  t.auth_key = cfg.auth_key;
  // With a key, registration is a matter of seconds; without one a human must approve the
  // login URL (logged), so start() waits as tsnet's Up does.
  t.up_timeout = cfg.auth_key.empty() ? std::chrono::milliseconds{0} : cfg.up_timeout;
  node_config nc;
  nc.core.wireguard.mtu = 1280; // Tailscale's tunnel MTU (wgengine DefaultMTU)
  nc.tailnet = std::move(t);
  return nc;
}

api_error sync_node::start(sync_config cfg) {
  try {
    std::unique_lock lk{mtx_};
    if (impl_)
      return fail(api_errc::bad_state, "already started");
    route_logs(cfg.log_level);
    node_config nc;
    if (cfg.wg_config.empty()) {
      auto t = tailnet_node_config(cfg);
      if (auto* e = std::get_if<api_error>(&t))
        return *e;
      nc = std::move(std::get<node_config>(t));
    } else {
      if (!cfg.auth_key.empty() || !cfg.control_url.empty())
        return fail(api_errc::bad_argument,
                    "both a WireGuard configuration and tailnet settings (auth key, control URL) "
                    "are set: choose one mode");
      for (auto& [name, ips] : cfg.hosts)
        for (auto& ip : ips)
          if (!netstack::ip_address::parse(ip))
            return fail(api_errc::bad_argument, "host " + name + "=" + ip + ": not an IP address");
      auto loaded = api::node_config_from_wg_quick(cfg.wg_config);
      if (auto* why = std::get_if<std::string>(&loaded))
        return fail(api_errc::config, *why);
      nc = std::move(std::get<node_config>(loaded));
      nc.hosts = std::move(cfg.hosts);
    }
    try {
      impl_ = std::make_unique<impl>(std::move(nc), cfg.dial_timeout);
    } catch (const std::invalid_argument& e) {
      return fail(api_errc::config, cfg.wg_config + ": " + e.what());
    } catch (const std::exception& e) {
      return fail(api_errc::start_failed, std::string{"cannot start: "} + e.what());
    }
    return {};
  } catch (const std::exception& e) {
    return fail(api_errc::internal, std::string{"start: "} + e.what());
  } catch (...) {
    return fail(api_errc::internal, "start: unknown exception");
  }
}

api_error sync_node::loopback(loopback_info& out) {
  try {
    std::shared_lock lk{mtx_};
    if (!impl_ || stopping_)
      return fail(api_errc::bad_state, "loopback: the node is not running (call start first)");
    std::lock_guard plk{impl_->proxy_mtx};
    if (!impl_->proxy)
      impl_->proxy = impl_->n->loopback(listener_config{});
    out.address = impl_->proxy->address();
    out.credential = impl_->proxy->credential();
    out.socks5_url = impl_->proxy->socks5_url();
    out.http_url = impl_->proxy->http_url();
    return {};
  } catch (const std::exception& e) {
    return fail(api_errc::system, std::string{"loopback: "} + e.what());
  } catch (...) {
    return fail(api_errc::internal, "loopback: unknown exception");
  }
}

api_error sync_node::dial(std::string_view network, std::string_view address, int& fd_out) {
  fd_out = -1;
  try {
    if (network != "tcp" && network != "tcp4" && network != "tcp6")
      return fail(api_errc::bad_argument,
                  "dial: network \"" + std::string{network} + "\": want tcp, tcp4 or tcp6");
    std::string host;
    std::uint16_t port = 0;
    if (!split_host_port(address, host, port))
      return fail(api_errc::bad_argument,
                  "dial: \"" + std::string{address} + "\": want host:port or [v6]:port");
    std::shared_lock lk{mtx_};
    if (!impl_ || stopping_)
      return fail(api_errc::bad_state, "dial: the node is not running (call start first)");
    auto& im = *impl_;
    auto what = "dial " + std::string{address};
    caf::scoped_actor self{im.sys};
    std::optional<api_error> err;
    // 1. the name, through the node's resolver (IP literals pass through)
    std::vector<std::string> addrs;
    self->request(im.n->resolver(), resolve_timeout, resolve_atom_v, host)
      .receive([&](resolve_result& r) { addrs = std::move(r.addresses); },
               [&](caf::error& e) { err = from_caf(e, what, im.sys); });
    if (err)
      return *err;
    std::string ip;
    for (auto& a : addrs) {
      bool v6 = a.find(':') != std::string::npos;
      if (network == "tcp" || (network == "tcp6") == v6) {
        ip = a;
        break;
      }
    }
    if (ip.empty())
      return fail(api_errc::no_such_host,
                  what + ": no " + std::string{network == "tcp6" ? "IPv6" : "IPv4"} + " address");
    // 2. the overlay TCP connection
    auto timeout = caf::timespan{im.dial_timeout};
    dial_result dialed;
    self
      ->request(im.n->netstack(), timeout + std::chrono::seconds(2), dial_atom_v, ip, port, timeout)
      .receive([&](dial_result& r) { dialed = r; },
               [&](caf::error& e) { err = from_caf(e, what + " (" + ip + ")", im.sys); });
    if (err)
      return *err;
    // 3. a socketpair: the engine splices one end with the connection, the caller gets the other
    int sv[2];
    if (::socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) != 0) {
      auto why = std::string{std::strerror(errno)};
      caf::anon_send(im.n->netstack(), close_atom_v, dialed.conn_id);
      return fail(api_errc::system, what + ": socketpair: " + why);
    }
    // The splice's answer (when it ends) goes nowhere: the caller sees EOF on its end.
    caf::anon_send(im.n->netstack(), splice_atom_v, dialed.conn_id, make_fd_handle(sv[0]),
                   std::vector<std::uint8_t>{});
    fd_out = sv[1];
    return {};
  } catch (const std::exception& e) {
    return fail(api_errc::internal, std::string{"dial: "} + e.what());
  } catch (...) {
    return fail(api_errc::internal, "dial: unknown exception");
  }
}

api_error sync_node::resolve(std::string_view name, std::vector<std::string>& out) {
  out.clear();
  try {
    if (name.empty())
      return fail(api_errc::bad_argument, "resolve: empty name");
    std::shared_lock lk{mtx_};
    if (!impl_ || stopping_)
      return fail(api_errc::bad_state, "resolve: the node is not running (call start first)");
    caf::scoped_actor self{impl_->sys};
    std::optional<api_error> err;
    self->request(impl_->n->resolver(), resolve_timeout, resolve_atom_v, std::string{name})
      .receive(
        [&](resolve_result& r) { out = std::move(r.addresses); },
        [&](caf::error& e) { err = from_caf(e, "resolve " + std::string{name}, impl_->sys); });
    return err ? *err : api_error{};
  } catch (const std::exception& e) {
    return fail(api_errc::internal, std::string{"resolve: "} + e.what());
  } catch (...) {
    return fail(api_errc::internal, "resolve: unknown exception");
  }
}

api_error sync_node::status(sync_status& out) {
  try {
    std::shared_lock lk{mtx_};
    if (!impl_ || stopping_)
      return fail(api_errc::bad_state, "status: the node is not running (call start first)");
    auto s = impl_->n->status();
    out = sync_status{};
    out.listen_port = s.listen_port;
    out.addresses = s.addresses;
    for (auto& p : s.peers) {
      sync_peer_status ps;
      ps.public_key = crypto::key_to_base64(p.public_key.bytes);
      ps.endpoint = p.endpoint ? p.endpoint->to_string() : std::string{};
      ps.last_handshake = p.last_handshake;
      ps.rx_bytes = p.rx_bytes;
      ps.tx_bytes = p.tx_bytes;
      out.peers.push_back(std::move(ps));
    }
    out.dials = s.overlay.dials;
    out.dial_failures = s.overlay.dial_failures;
    out.splices_active = s.overlay.splices_active;
    out.bytes_to_overlay = s.overlay.bytes_to_overlay;
    out.bytes_to_host = s.overlay.bytes_to_host;
    return {};
  } catch (const std::exception& e) {
    return fail(api_errc::internal, std::string{"status: "} + e.what());
  } catch (...) {
    return fail(api_errc::internal, "status: unknown exception");
  }
}

void sync_node::stop() noexcept {
  try {
    stopping_ = true; // new calls fail at once; stop waits only for those in progress
    std::unique_lock lk{mtx_};
    impl_.reset();
    stopping_ = false;
  } catch (...) {
    // std::system_error from the lock: nothing sensible to do in a noexcept stop
  }
}

bool sync_node::running() const noexcept {
  try {
    std::shared_lock lk{mtx_};
    return impl_ != nullptr;
  } catch (...) {
    return false;
  }
}

} // namespace tsnode
