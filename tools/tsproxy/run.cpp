#include "tools/tsproxy/run.hpp"

#include <caf/all.hpp>
#include <nlohmann/json.hpp>
#include <spdlog/sinks/stdout_color_sinks.h>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <csignal>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <future>
#include <netdb.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <thread>
#include <unistd.h>

#include "actors/node.hpp"
#include "api/wg_config.hpp"
#include "crypto/base64.hpp"
#include "messages/type_ids.hpp"
#include "wireguard/wg_quick.hpp"

namespace tsnode::tools {

using api::resolve_endpoint;
using api::to_net;

namespace {

/// Exit statuses (usage_text "EXIT STATUS").
constexpr int exit_runtime = 1;
constexpr int exit_config = 2;

/// Returns the credential kept in `path`, creating the file (0600) with a fresh one when it
/// does not exist. Empty on error (logged).
std::string load_or_create_credential(const std::string& path) {
  std::ifstream in{path};
  if (in) {
    std::string cred;
    std::getline(in, cred);
    bool ok = cred.size() == 32 && cred.find_first_not_of("0123456789abcdef") == std::string::npos;
    if (!ok) {
      spdlog::error("{}: not a tsproxy credential (want 32 lowercase hex digits)", path);
      return {};
    }
    struct stat st {};
    if (::stat(path.c_str(), &st) == 0 && (st.st_mode & 077) != 0)
      spdlog::warn("{}: readable by group or others; chmod 600 it", path);
    spdlog::info("reusing the credential in {}", path);
    return cred;
  }
  auto cred = make_credential();
  auto old = ::umask(0077);
  std::ofstream out{path, std::ios::trunc};
  ::umask(old);
  if (!out) {
    spdlog::error("{}: cannot create: {}", path, std::strerror(errno));
    return {};
  }
  out << cred << "\n";
  out.close();
  ::chmod(path.c_str(), 0600);
  spdlog::info("wrote a new credential to {} (0600)", path);
  return cred;
}

std::string human_bytes(std::uint64_t n) {
  const char* units[] = {"B", "KiB", "MiB", "GiB", "TiB"};
  double v = static_cast<double>(n);
  int u = 0;
  while (v >= 1024 && u < 4) {
    v /= 1024;
    ++u;
  }
  char buf[32];
  std::snprintf(buf, sizeof buf, u == 0 ? "%.0f %s" : "%.1f %s", v, units[u]);
  return buf;
}

/// Returns the status as JSON (also the source of the text form).
nlohmann::json status_json(node& n, const loopback_handle& h, caf::actor_system& sys) {
  auto s = n.status();
  nlohmann::json j;
  j["mode"] = s.tailnet || s.control ? "tailnet" : "wireguard";
  j["listen_port"] = s.listen_port;
  j["addresses"] = s.addresses;
  j["proxy"] = h.address();
  auto now = std::chrono::system_clock::now();
  j["peers"] = nlohmann::json::array();
  for (auto& p : s.peers) {
    nlohmann::json pj;
    pj["public_key"] = crypto::key_to_base64(p.public_key.bytes);
    pj["endpoint"] = p.endpoint ? p.endpoint->to_string() : "";
    std::vector<std::string> allowed;
    for (auto& a : p.allowed_ips)
      allowed.push_back(a.to_string());
    pj["allowed_ips"] = allowed;
    if (p.last_handshake)
      pj["last_handshake_seconds_ago"]
        = std::chrono::duration_cast<std::chrono::seconds>(now - *p.last_handshake).count();
    else
      pj["last_handshake_seconds_ago"] = nullptr;
    pj["rx_bytes"] = p.rx_bytes;
    pj["tx_bytes"] = p.tx_bytes;
    pj["has_session"] = p.has_session;
    pj["persistent_keepalive"] = p.persistent_keepalive.count();
    j["peers"].push_back(pj);
  }
  caf::scoped_actor self{sys};
  listener_status ls;
  self->request(h.actor(), std::chrono::seconds(2), status_atom_v)
    .receive([&](const listener_status& x) { ls = x; }, [](caf::error&) {});
  j["sessions"] = {
    {"in_flight", ls.in_flight}, {"accepted", ls.accepted}, {"peak_in_flight", ls.peak_in_flight}};
  j["dataplane"] = {{"datagrams_in", s.dataplane.datagrams_in},
                    {"datagrams_out", s.dataplane.datagrams_out},
                    {"send_errors", s.dataplane.send_errors},
                    {"packets_to_stack", s.dataplane.packets_to_stack},
                    {"packets_from_stack", s.dataplane.packets_from_stack},
                    {"no_route", s.dataplane.no_route}};
  if (s.control)
    j["control"] = {{"state", s.control->state},
                    {"server_url", s.control->server_url},
                    {"auth_url", s.control->auth_url},
                    {"last_error", s.control->last_error},
                    {"map_streams", s.control->map_streams},
                    {"map_messages", s.control->map_messages}};
  if (s.tailnet) {
    auto node_json = [](const tailnet_node& x) {
      nlohmann::json nj
        = {{"name", x.name},           {"hostname", x.hostname}, {"os", x.os},
           {"addresses", x.addresses}, {"node_key", x.node_key}, {"endpoints", x.endpoints},
           {"home_derp", x.home_derp}, {"expired", x.expired}};
      nj["online"] = x.online_known ? nlohmann::json(x.online) : nlohmann::json(nullptr);
      return nj;
    };
    j["tailnet"] = {{"domain", s.tailnet->domain},
                    {"magic_dns", s.tailnet->magic_dns},
                    {"generation", s.tailnet->generation},
                    {"self", node_json(s.tailnet->self)},
                    {"peers", nlohmann::json::array()}};
    for (auto& p : s.tailnet->peers)
      j["tailnet"]["peers"].push_back(node_json(p));
  }
  j["overlay"] = {{"dials", s.overlay.dials},
                  {"dial_failures", s.overlay.dial_failures},
                  {"splices_active", s.overlay.splices_active},
                  {"bytes_to_overlay", s.overlay.bytes_to_overlay},
                  {"bytes_to_host", s.overlay.bytes_to_host}};
  return j;
}

/// The tailnet part of `tsproxy status` (text): the self node, then one line per peer.
std::string tailnet_text(const nlohmann::json& j) {
  std::string out;
  auto ips = [](const nlohmann::json& n) {
    std::string s;
    for (auto& a : n["addresses"])
      s += (s.empty() ? "" : ", ") + a.get<std::string>();
    return s;
  };
  auto online = [](const nlohmann::json& n) -> std::string {
    if (n["online"].is_null())
      return "-";
    return n["online"].get<bool>() ? "online" : "offline";
  };
  if (j.contains("control")) {
    auto& c = j["control"];
    out += "control: " + c["server_url"].get<std::string>() + " (" + c["state"].get<std::string>()
           + ")";
    if (!c["auth_url"].get<std::string>().empty())
      out += " log in at " + c["auth_url"].get<std::string>();
    if (!c["last_error"].get<std::string>().empty())
      out += " last error: " + c["last_error"].get<std::string>();
    out += "\n";
  }
  if (!j.contains("tailnet"))
    return out + "no network map yet\n";
  auto& t = j["tailnet"];
  out += "self:    " + t["self"]["name"].get<std::string>() + "  " + ips(t["self"]) + "\n";
  for (auto& p : t["peers"]) {
    char line[512];
    std::snprintf(line, sizeof line, "peer:    %-40s %-45s %s%s\n",
                  p["name"].get<std::string>().c_str(), ips(p).c_str(), online(p).c_str(),
                  p["expired"].get<bool>() ? " (key expired)" : "");
    out += line;
  }
  return out;
}

std::string status_text(const nlohmann::json& j) {
  std::string out;
  if (j["mode"] == "tailnet")
    out += tailnet_text(j);
  out += std::string{"tsproxy: "} + (j["mode"] == "tailnet" ? "tailnet" : "WireGuard")
         + " mode, UDP port " + std::to_string(j["listen_port"].get<int>());
  out += ", overlay addresses";
  for (auto& a : j["addresses"])
    out += " " + a.get<std::string>();
  out += "\nproxy: " + j["proxy"].get<std::string>() + " (SOCKS5 and HTTP CONNECT)\n";
  out += "sessions: " + std::to_string(j["sessions"]["in_flight"].get<std::uint64_t>())
         + " in flight, " + std::to_string(j["sessions"]["accepted"].get<std::uint64_t>())
         + " accepted\n";
  for (auto& p : j["peers"]) {
    out += "peer " + p["public_key"].get<std::string>() + "\n";
    auto ep = p["endpoint"].get<std::string>();
    out += "  endpoint:       " + (ep.empty() ? std::string{"(none yet)"} : ep) + "\n";
    out += "  allowed ips:    ";
    bool first = true;
    for (auto& a : p["allowed_ips"]) {
      out += (first ? "" : ", ") + a.get<std::string>();
      first = false;
    }
    out += "\n  last handshake: ";
    if (p["last_handshake_seconds_ago"].is_null())
      out += "never";
    else
      out += std::to_string(p["last_handshake_seconds_ago"].get<long long>()) + " s ago";
    out += "\n  transfer:       " + human_bytes(p["rx_bytes"].get<std::uint64_t>()) + " received, "
           + human_bytes(p["tx_bytes"].get<std::uint64_t>()) + " sent\n";
  }
  return out;
}

/// Serves `tsproxy status` on a Unix socket (0600) from its own thread: one request line
/// ("text" or "json"), one answer, close.
class status_server {
public:
  status_server(std::string path, std::function<std::string(bool json)> answer)
    : path_(std::move(path))
    , answer_(std::move(answer)) {
    fd_ = ::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    sockaddr_un sa{};
    sa.sun_family = AF_UNIX;
    if (path_.size() >= sizeof sa.sun_path)
      throw std::invalid_argument("status socket path too long: " + path_);
    std::strcpy(sa.sun_path, path_.c_str());
    ::unlink(path_.c_str());
    auto old = ::umask(0177);
    int rc = ::bind(fd_, reinterpret_cast<sockaddr*>(&sa), sizeof sa);
    ::umask(old);
    if (rc != 0 || ::listen(fd_, 16) != 0)
      throw std::system_error(errno, std::generic_category(), "status socket " + path_);
    thread_ = std::thread([this] { loop(); });
  }
  ~status_server() {
    stop_ = true;
    ::shutdown(fd_, SHUT_RDWR);
    ::close(fd_);
    if (thread_.joinable())
      thread_.join();
    ::unlink(path_.c_str());
  }

private:
  void loop() {
    while (!stop_) {
      int c = ::accept4(fd_, nullptr, nullptr, SOCK_CLOEXEC);
      if (c < 0) {
        if (stop_)
          return;
        continue;
      }
      timeval tv{2, 0};
      ::setsockopt(c, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
      char buf[64] = {};
      auto n = ::read(c, buf, sizeof buf - 1);
      bool json = n > 0 && std::strncmp(buf, "json", 4) == 0;
      std::string reply;
      try {
        reply = answer_(json);
      } catch (const std::exception& e) {
        reply = std::string{"error: "} + e.what() + "\n";
      }
      std::size_t off = 0;
      while (off < reply.size()) {
        auto k = ::send(c, reply.data() + off, reply.size() - off, MSG_NOSIGNAL);
        if (k <= 0)
          break;
        off += static_cast<std::size_t>(k);
      }
      ::close(c);
    }
  }

  std::string path_;
  std::function<std::string(bool)> answer_;
  int fd_ = -1;
  std::atomic<bool> stop_{false};
  std::thread thread_;
};

class tsproxy_config : public caf::actor_system_config {
public:
  tsproxy_config() {
    add_message_types<caf::id_block::tsnode>();
    set("scheduler.max-threads", size_t{2});
    set("logger.console", caf::atom("none"));
  }
};

/// A peer whose Endpoint is a name: re-resolved while its handshakes keep failing.
struct named_peer {
  wireguard::wg_quick_endpoint endpoint;
  crypto::node_public public_key;
  std::optional<crypto::key32> psk;
  std::vector<wireguard::ip_prefix> allowed_ips;
  std::uint16_t keepalive = 0;
  std::optional<wireguard::udp_address> current;
};

/// Static-WireGuard mode: fills `cfg` from the wg-quick file and --host flags. Returns 0 or the
/// exit status.
int static_config(const options& o, node_config& cfg, std::vector<named_peer>& named) {
  // The flags first: a bad --host fails before the config is read and Endpoint names resolved.
  for (auto& [name, ips] : o.hosts)
    for (auto& ip : ips)
      if (!netstack::ip_address::parse(ip)) {
        std::fprintf(stderr, "tsproxy: --host %s=%s: not an IP address\n", name.c_str(),
                     ip.c_str());
        return exit_config;
      }
  auto loaded = wireguard::load_wg_quick(o.wg_config);
  if (auto* e = std::get_if<wireguard::wg_quick_error>(&loaded)) {
    std::fprintf(stderr, "tsproxy: %s\n", e->to_string().c_str());
    return exit_config;
  }
  auto& wg = std::get<wireguard::wg_quick_config>(loaded);
  for (auto& n : wg.notices)
    spdlog::warn("{}", n.to_string());
  if (wg.addresses.empty()) {
    std::fprintf(stderr, "tsproxy: %s: [Interface] needs an Address: the proxy dials from it\n",
                 o.wg_config.c_str());
    return exit_config;
  }
  for (auto& a : wg.addresses)
    cfg.core.addresses.push_back(netstack::ip_prefix{to_net(a.address), a.bits});
  auto ep = wireguard::to_endpoint_config(wg);
  cfg.core.wireguard.mtu = ep.mtu;
  cfg.core.wireguard.listen_port = wg.listen_port.value_or(0);
  cfg.core.wireguard.private_key = std::move(*wg.private_key);
  for (auto& p : wg.peers) {
    std::optional<wireguard::udp_address> resolved;
    if (p.endpoint && !p.endpoint->address) {
      std::string why;
      resolved = resolve_endpoint(*p.endpoint, why);
      if (!resolved) {
        spdlog::error("{}:{}: cannot resolve Endpoint {}: {}", o.wg_config, p.line,
                      p.endpoint->host, why);
        return exit_runtime;
      }
      spdlog::info("resolved endpoint {} to {}", p.endpoint->host, resolved->to_string());
    }
    if (resolved) {
      named.push_back(
        {*p.endpoint, p.public_key,
         p.preshared_key ? std::optional<crypto::key32>{p.preshared_key->clone()} : std::nullopt,
         p.allowed_ips, p.persistent_keepalive, resolved});
    }
    auto pc = wireguard::to_peer_config(p, resolved);
    if (!pc) {
      std::fprintf(stderr, "tsproxy: %s:%d: peer incomplete\n", o.wg_config.c_str(), p.line);
      return exit_config;
    }
    spdlog::info("peer {} endpoint {} allowed ips {}", crypto::key_to_base64(p.public_key.bytes),
                 pc->endpoint ? pc->endpoint->to_string() : "(learnt when it calls)", [&] {
                   std::string s;
                   for (auto& a : pc->allowed_ips)
                     s += (s.empty() ? "" : ", ") + a.to_string();
                   return s;
                 }());
    cfg.core.wireguard.peers.push_back(std::move(*pc));
  }
  cfg.hosts = o.hosts;

  return 0;
}

/// Reads the auth key: --authkey, --authkey-file, else $TS_AUTHKEY; "" for an interactive login.
/// Returns false (after saying why) when the file cannot be read.
bool read_authkey(const options& o, std::string& key) {
  if (o.authkey) {
    key = *o.authkey;
  } else if (o.authkey_file) {
    std::ifstream in{*o.authkey_file};
    if (!in || !std::getline(in, key)) {
      std::fprintf(stderr, "tsproxy: --authkey-file %s: cannot read it: %s\n",
                   o.authkey_file->c_str(), std::strerror(errno));
      return false;
    }
    while (!key.empty() && (key.back() == '\r' || key.back() == ' ' || key.back() == '\t'))
      key.pop_back();
    if (key.empty()) {
      std::fprintf(stderr, "tsproxy: --authkey-file %s: the file is empty\n",
                   o.authkey_file->c_str());
      return false;
    }
  } else if (auto* env = std::getenv("TS_AUTHKEY"); env && *env) {
    key = env;
  }
  return true;
}

/// Tailnet mode: the control server, identity and key. Returns 0 or the exit status.
int tailnet_config(const options& o, node_config& cfg) {
  tailnet_options t;
  t.control_url = o.control_url;
  t.state_dir = o.state_dir.value_or(default_state_dir());
  if (o.hostname) {
    t.hostname = *o.hostname;
  } else {
    char host[256] = {};
    ::gethostname(host, sizeof host - 1);
    t.hostname = host[0] ? host : "tsproxy";
  }
  if (!read_authkey(o, t.auth_key))
    return exit_config;
  t.ephemeral = o.ephemeral;
  t.up_timeout = std::chrono::seconds(o.up_timeout_seconds);
  // Tailscale's MTU inside the tunnel (tailscale-protocol.md: wgengine's DefaultMTU 1280).
  cfg.core.wireguard.mtu = 1280;
  cfg.tailnet = std::move(t);
  spdlog::info("tailnet mode: control {}, hostname {}, state {}{}", o.control_url,
               cfg.tailnet->hostname, cfg.tailnet->state_dir.string(),
               cfg.tailnet->auth_key.empty() ? ", no auth key (interactive login)" : "");
  return 0;
}

} // namespace

int run_proxy(const options& o) {
  auto log = spdlog::stderr_color_mt("tsproxy");
  spdlog::set_default_logger(log);
  spdlog::set_level(spdlog::level::from_str(o.log_level));
  spdlog::set_pattern("%Y-%m-%d %H:%M:%S.%e %^%l%$ %v");

  // -- configuration ------------------------------------------------------------------------
  node_config cfg;
  std::vector<named_peer> named;
  if (int rc = o.control_url.empty() ? static_config(o, cfg, named) : tailnet_config(o, cfg))
    return rc;

  std::string credential;
  if (o.credential_file) {
    credential = load_or_create_credential(*o.credential_file);
    if (credential.empty())
      return exit_config;
  }

  // -- signals: blocked everywhere, taken by sigwait below -----------------------------------
  sigset_t sigs;
  sigemptyset(&sigs);
  sigaddset(&sigs, SIGINT);
  sigaddset(&sigs, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &sigs, nullptr);
  std::signal(SIGPIPE, SIG_IGN);
  // One thread takes the signals from the start: joining a tailnet may wait for a human to log
  // in, and Ctrl-C must work then too (nothing to tear down yet: the state file is written
  // atomically). Shared by pointer: the thread outlives an early return.
  struct signal_watch {
    std::atomic<bool> up{false};
    std::promise<int> taken;
  };
  auto watch = std::make_shared<signal_watch>();
  std::thread([watch, sigs] {
    int sg = 0;
    sigwait(&sigs, &sg);
    if (!watch->up.load()) {
      std::fprintf(stderr, "tsproxy: %s before the node came up: stopping\n", strsignal(sg));
      std::_Exit(0);
    }
    watch->taken.set_value(sg);
  }).detach();

  // -- bring up -------------------------------------------------------------------------------
  tsproxy_config caf_cfg;
  caf::actor_system sys{caf_cfg};
  std::unique_ptr<node> n;
  std::unique_ptr<loopback_handle> proxy;
  std::unique_ptr<status_server> status;
  try {
    n = std::make_unique<node>(sys, std::move(cfg));
    listener_config lc;
    lc.where.ip = o.listen_ip;
    lc.where.port = o.listen_port;
    lc.where.unix_path = o.listen_unix;
    lc.max_sessions = o.max_conns;
    lc.session.handshake_timeout = std::chrono::seconds(o.handshake_timeout_seconds);
    lc.session.dial_timeout = std::chrono::seconds(o.dial_timeout_seconds);
    proxy = n->loopback(lc, credential);
    auto st = n->status();
    std::string addrs;
    for (auto& a : st.addresses)
      addrs += (addrs.empty() ? "" : ", ") + a;
    spdlog::info("WireGuard on UDP port {}; overlay addresses {}", st.listen_port, addrs);
    auto status_path = o.status_socket.value_or(default_status_socket());
    status = std::make_unique<status_server>(status_path, [&](bool json) {
      auto j = status_json(*n, *proxy, sys);
      return json ? j.dump(2) + "\n" : status_text(j);
    });
    spdlog::info("status: tsproxy status --status-socket {}", status_path);
    watch->up = true;
  } catch (const std::invalid_argument& e) {
    std::fprintf(stderr, "tsproxy: %s\n", e.what());
    return exit_config;
  } catch (const std::exception& e) {
    std::fprintf(stderr, "tsproxy: cannot start: %s\n", e.what());
    return exit_runtime;
  }

  // Lines a user can paste (stdout; the logs go to stderr).
  if (o.listen_unix) {
    std::printf("SOCKS5/HTTP proxy on unix:%s  user tsnet  password %s\n", proxy->address().c_str(),
                proxy->credential().c_str());
  } else {
    std::printf("ALL_PROXY=%s\n", proxy->socks5_url().c_str());
    std::printf("HTTPS_PROXY=%s\n", proxy->http_url().c_str());
    std::printf("HTTP_PROXY=%s\n", proxy->http_url().c_str());
  }
  std::fflush(stdout);

  // -- Endpoint names: resolved again while handshakes keep failing -----------------------------
  // As wg-quick's reresolve-dns.sh does: a peer without a handshake for 135 s (REKEY_TIMEOUT +
  // REKEY_ATTEMPT_TIME + jitter bound) whose name now resolves elsewhere gets the new address.
  std::atomic<bool> stopping{false};
  std::thread reresolver;
  if (!named.empty()) {
    reresolver = std::thread([&] {
      for (int tick = 0; !stopping; ++tick) {
        std::this_thread::sleep_for(std::chrono::milliseconds(500));
        if (tick % 30 != 29) // every 15 s
          continue;
        auto st = n->status();
        auto now = std::chrono::system_clock::now();
        for (auto& np : named) {
          auto it = std::find_if(st.peers.begin(), st.peers.end(),
                                 [&](auto& p) { return p.public_key == np.public_key; });
          if (it == st.peers.end())
            continue;
          bool stale = !it->last_handshake || now - *it->last_handshake > std::chrono::seconds(135);
          if (!stale)
            continue;
          std::string why;
          auto fresh = resolve_endpoint(np.endpoint, why);
          if (!fresh || fresh == np.current)
            continue;
          wireguard::peer_config pc;
          pc.public_key = np.public_key;
          if (np.psk)
            pc.preshared_key = np.psk->clone();
          pc.endpoint = fresh;
          pc.allowed_ips = np.allowed_ips;
          pc.persistent_keepalive = std::chrono::seconds(np.keepalive);
          if (n->update_peer(std::move(pc))) {
            spdlog::info("endpoint {} now resolves to {} (was {}): updated", np.endpoint.host,
                         fresh->to_string(), np.current ? np.current->to_string() : "none");
            np.current = fresh;
          }
        }
      }
    });
  }

  // -- run until a signal ---------------------------------------------------------------------
  int sig = watch->taken.get_future().get();
  stopping = true;
  if (reresolver.joinable())
    reresolver.join();
  spdlog::info("{}: no new connections; {} s for the sessions in flight", strsignal(sig),
               o.grace_seconds);
  auto listener = proxy->actor();
  proxy.reset(); // stop accepting
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(o.grace_seconds);
  caf::scoped_actor self{sys};
  for (;;) {
    std::uint64_t left = 0;
    self->request(listener, std::chrono::seconds(1), status_atom_v)
      .receive([&](const listener_status& x) { left = x.in_flight; }, [](caf::error&) {});
    if (left == 0)
      break;
    if (std::chrono::steady_clock::now() >= deadline) {
      spdlog::warn("{} session(s) still open after the grace period: closing them", left);
      break;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  status.reset();
  caf::anon_send_exit(listener, caf::exit_reason::user_shutdown);
  n.reset();
  spdlog::info("stopped");
  return 0;
}

int run_status(const options& o) {
  auto path = o.status_socket.value_or(default_status_socket());
  int fd = ::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
  sockaddr_un sa{};
  sa.sun_family = AF_UNIX;
  std::strncpy(sa.sun_path, path.c_str(), sizeof sa.sun_path - 1);
  if (::connect(fd, reinterpret_cast<sockaddr*>(&sa), sizeof sa) != 0) {
    std::fprintf(stderr, "tsproxy status: cannot reach a running tsproxy at %s: %s\n", path.c_str(),
                 std::strerror(errno));
    ::close(fd);
    return exit_runtime;
  }
  std::string req = o.json ? "json\n" : "text\n";
  [[maybe_unused]] auto w = ::write(fd, req.data(), req.size());
  char buf[4096];
  ssize_t n;
  while ((n = ::read(fd, buf, sizeof buf)) > 0)
    std::fwrite(buf, 1, static_cast<std::size_t>(n), stdout);
  ::close(fd);
  return 0;
}

} // namespace tsnode::tools
