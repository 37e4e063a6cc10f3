#include "tools/tsproxy/options.hpp"

#include <charconv>
#include <cstdlib>
#include <unistd.h>

namespace tsnode::tools {

const char* const usage_text
  = R"(tsproxy - reach tailnet or WireGuard peers from 127.0.0.1: no root, no TUN

USAGE
  tsproxy --control-url URL [--authkey KEY] [options]
                                          run: join a Tailscale/headscale tailnet, serve the proxy
  tsproxy --wg-config FILE [options]      run: join a plain WireGuard network, serve the proxy
  tsproxy status [--json] [--status-socket PATH]
                                          ask a running tsproxy for peers and counters
  tsproxy --self-check | --version | --help

Every connection a client makes through the proxy is dialed inside the overlay by tsproxy's
own userspace TCP/IP stack, never from the host. The proxy speaks SOCKS5 (RFC 1928, user/
password RFC 1929) and HTTP CONNECT on the same port; the user is `tsnet`, the password a
random 32-hex credential printed at start (or kept in --credential-file).

TAILNET OPTIONS
  --control-url URL         the control server, e.g. https://controlplane.tailscale.com or
                            http://127.0.0.1:8080 for a local headscale (alias --login-server)
  --authkey KEY             a pre-auth key (also from $TS_AUTHKEY); without one tsproxy logs
                            the login URL to open in a browser and waits until it is approved
  --authkey-file PATH       read the pre-auth key from a file (keeps it out of `ps`)
  --hostname NAME           the node's name in the tailnet (default: this host's name)
  --state-dir DIR           machine and node keys, kept across restarts so the node keeps its
                            identity and IPs (default: /var/lib/tsproxy as root, else
                            $XDG_STATE_HOME/tsproxy or ~/.local/state/tsproxy)
  --ephemeral               register as an ephemeral node (removed when it goes offline)
  --up-timeout S            give up (exit 1) if no network map arrived within S seconds
                            (default 0: wait, e.g. for an interactive login)
  Peers are found by MagicDNS name (short or full) or tailnet IP; other names fail with SOCKS
  reply 04, and the host's DNS is never asked.

RUN OPTIONS
  --wg-config FILE          wg-quick configuration: [Interface] PrivateKey|PrivateKeyFile,
                            Address, ListenPort, MTU; [Peer] PublicKey, PresharedKey,
                            Endpoint (host names are resolved at start), AllowedIPs,
                            PersistentKeepalive. DNS and Pre/PostUp lines are ignored.
  --host NAME=IP            a name the proxy resolves (repeatable; several IPs: repeat NAME).
                            Names not given here fail with SOCKS reply 04: tsproxy never asks
                            the host's DNS. IP literals always work.
  --listen IP:PORT          proxy address (default 127.0.0.1:0 = a free port); loopback only
  --listen-unix PATH        serve the proxy on a Unix socket (created 0600) instead
  --credential-file PATH    keep the credential here (created 0600; reused if it exists, so a
                            restart keeps the same proxy URL)
  --max-conns N             sessions in flight at most (default 256); more clients wait
  --status-socket PATH      where `tsproxy status` connects (default: $XDG_RUNTIME_DIR/
                            tsproxy.sock, /run/tsproxy.sock as root, /tmp/tsproxy-UID.sock)
  --grace SECONDS           on SIGINT/SIGTERM, how long in-flight sessions may finish (10)
  --handshake-timeout S     SOCKS/HTTP negotiation deadline per client (30)
  --dial-timeout S          overlay connect timeout (15)
  --log-level LEVEL         trace, debug, info (default), warn, error, off

STATUS OPTIONS
  --json                    machine-readable output
  --status-socket PATH      as above

EXIT STATUS
  0 success (also after a clean SIGINT/SIGTERM), 1 a runtime failure (e.g. the port is taken),
  2 a bad command line or configuration.

EXAMPLES
  tsproxy --login-server http://127.0.0.1:8080 --authkey-file key --hostname proxy
  curl --socks5-hostname 127.0.0.1:PORT --proxy-user tsnet:CRED http://peer1:8080/
  tsproxy --wg-config wg0.conf --host web=10.99.0.2
  curl --socks5-hostname 127.0.0.1:PORT --proxy-user tsnet:CRED http://web:8080/
)";

namespace {

template <class T>
bool parse_number(const std::string& s, T& out, T min, T max) {
  long long v = 0;
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc{} || p != s.data() + s.size() || v < static_cast<long long>(min)
      || v > static_cast<long long>(max))
    return false;
  out = static_cast<T>(v);
  return true;
}

} // namespace

std::string default_status_socket() {
  if (const char* d = std::getenv("XDG_RUNTIME_DIR"); d != nullptr && *d != '\0')
    return std::string{d} + "/tsproxy.sock";
  if (::geteuid() == 0)
    return "/run/tsproxy.sock";
  return "/tmp/tsproxy-" + std::to_string(::geteuid()) + ".sock";
}

std::string default_state_dir() {
  if (auto* d = std::getenv("STATE_DIRECTORY"); d && *d)
    return d;
  if (::geteuid() == 0)
    return "/var/lib/tsproxy";
  if (auto* x = std::getenv("XDG_STATE_HOME"); x && *x)
    return std::string{x} + "/tsproxy";
  if (auto* h = std::getenv("HOME"); h && *h)
    return std::string{h} + "/.local/state/tsproxy";
  return "/tmp/tsproxy-state-" + std::to_string(::geteuid());
}

std::variant<options, std::string> parse_options(const std::vector<std::string>& args) {
  options o;
  std::size_t i = 0;
  if (!args.empty() && args[0] == "status") {
    o.cmd = command::status;
    i = 1;
  }
  std::string v, err;
  // Takes the value after flag args[i] into v; false (with err set) when there is none.
  auto take = [&]() {
    if (i + 1 >= args.size()) {
      err = args[i] + " needs a value";
      return false;
    }
    v = args[++i];
    return true;
  };
  for (; i < args.size(); ++i) {
    const std::string a = args[i];
    if (a == "--help" || a == "-h") {
      o.cmd = command::help;
      return o;
    } else if (a == "--version") {
      o.cmd = command::version;
      return o;
    } else if (a == "--self-check") {
      o.cmd = command::self_check;
      return o;
    } else if (a == "--json" && o.cmd == command::status) {
      o.json = true;
    } else if (a == "--status-socket") {
      if (!take())
        return err;
      o.status_socket = v;
    } else if (o.cmd == command::status) {
      return "unknown argument for status: '" + a + "' (see tsproxy --help)";
    } else if (a == "--wg-config") {
      if (!take())
        return err;
      o.wg_config = v;
    } else if (a == "--control-url" || a == "--login-server") {
      if (!take())
        return err;
      if (!(v.starts_with("http://") || v.starts_with("https://")) || v.size() <= 8)
        return a + " wants an http:// or https:// URL, got '" + v + "'";
      while (v.size() > 8 && v.back() == '/')
        v.pop_back();
      o.control_url = v;
    } else if (a == "--authkey") {
      if (!take())
        return err;
      if (v.empty())
        return "--authkey wants a key, got an empty value";
      o.authkey = v;
    } else if (a == "--authkey-file") {
      if (!take())
        return err;
      o.authkey_file = v;
    } else if (a == "--hostname") {
      if (!take())
        return err;
      if (v.empty() || v.size() > 63 || v.find_first_of(" \t/") != std::string::npos)
        return "--hostname wants a name of 1 to 63 characters without spaces, got '" + v + "'";
      o.hostname = v;
    } else if (a == "--state-dir") {
      if (!take())
        return err;
      if (v.empty())
        return "--state-dir wants a directory";
      o.state_dir = v;
    } else if (a == "--ephemeral") {
      o.ephemeral = true;
    } else if (a == "--up-timeout") {
      if (!take())
        return err;
      if (!parse_number<int>(v, o.up_timeout_seconds, 0, 86400))
        return "--up-timeout wants seconds from 0 to 86400, got '" + v + "'";
    } else if (a == "--host") {
      if (!take())
        return err;
      auto eq = v.find('=');
      if (eq == std::string::npos || eq == 0 || eq + 1 == v.size())
        return "--host wants NAME=IP, got '" + v + "'";
      o.hosts[v.substr(0, eq)].push_back(v.substr(eq + 1));
    } else if (a == "--listen") {
      if (!take())
        return err;
      auto colon = v.rfind(':');
      if (colon == std::string::npos)
        return "--listen wants IP:PORT, got '" + v + "'";
      auto ip = v.substr(0, colon);
      if (ip.size() > 2 && ip.front() == '[' && ip.back() == ']')
        ip = ip.substr(1, ip.size() - 2);
      if (!parse_number<std::uint16_t>(v.substr(colon + 1), o.listen_port, 0, 65535))
        return "--listen: bad port in '" + v + "'";
      o.listen_ip = ip;
    } else if (a == "--listen-unix") {
      if (!take())
        return err;
      o.listen_unix = v;
    } else if (a == "--credential-file") {
      if (!take())
        return err;
      o.credential_file = v;
    } else if (a == "--max-conns") {
      if (!take())
        return err;
      if (!parse_number<std::size_t>(v, o.max_conns, 1, 100000))
        return "--max-conns wants a number from 1 to 100000, got '" + v + "'";
    } else if (a == "--log-level") {
      if (!take())
        return err;
      if (v != "trace" && v != "debug" && v != "info" && v != "warn" && v != "error" && v != "off")
        return "--log-level wants trace, debug, info, warn, error or off, got '" + v + "'";
      o.log_level = v;
    } else if (a == "--grace") {
      if (!take())
        return err;
      if (!parse_number<int>(v, o.grace_seconds, 0, 3600))
        return "--grace wants seconds from 0 to 3600, got '" + v + "'";
    } else if (a == "--handshake-timeout") {
      if (!take())
        return err;
      if (!parse_number<int>(v, o.handshake_timeout_seconds, 1, 3600))
        return "--handshake-timeout wants seconds from 1 to 3600, got '" + v + "'";
    } else if (a == "--dial-timeout") {
      if (!take())
        return err;
      if (!parse_number<int>(v, o.dial_timeout_seconds, 1, 600))
        return "--dial-timeout wants seconds from 1 to 600, got '" + v + "'";
    } else {
      return "unknown argument '" + a + "' (see tsproxy --help)";
    }
  }
  if (o.cmd != command::run)
    return o;
  if (o.wg_config.empty() && o.control_url.empty())
    return "nothing to join: give --control-url URL (a tailnet) or --wg-config FILE (see "
           "tsproxy --help)";
  if (!o.wg_config.empty() && !o.control_url.empty())
    return "--wg-config and --control-url exclude each other: one network per tsproxy";
  if (o.authkey && o.authkey_file)
    return "--authkey and --authkey-file exclude each other";
  bool tailnet_flag = o.authkey || o.authkey_file || o.hostname || o.state_dir || o.ephemeral
                      || o.up_timeout_seconds != 0;
  if (!o.wg_config.empty() && tailnet_flag)
    return "--authkey, --authkey-file, --hostname, --state-dir, --ephemeral and --up-timeout "
           "need --control-url";
  if (!o.control_url.empty() && !o.hosts.empty())
    return "--host is for --wg-config; a tailnet's names come from MagicDNS";
  return o;
}

} // namespace tsnode::tools
