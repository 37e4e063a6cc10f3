#pragma once
/// @file
/// The synchronous façade (design.md "It is used three ways", 2): a node for applications
/// without actors. A sync_node owns everything it needs: its own caf::actor_system (two
/// scheduler threads), the engine thread and the node's actors. Every call blocks until it has
/// an answer and reports failure as an api_error (a code and a readable message); no exception
/// leaves this interface. An application that already runs a CAF actor_system uses
/// tsnode::node (actors/node.hpp) inside it instead.
///
/// Thread safety: every member function may be called from any thread at any time. start()
/// and stop() wait for calls in progress (a dial waits at most its timeout).

#include <atomic>
#include <chrono>
#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <shared_mutex>
#include <string>
#include <string_view>
#include <vector>

namespace tsnode {

/// Why a sync_node (or C API) call failed.
enum class api_errc : std::uint8_t {
  ok = 0,
  bad_argument, ///< a missing or malformed argument
  bad_state,    ///< not started, already started, or stopped
  config,       ///< the configuration is unreadable or invalid
  not_built,    ///< the requested mode is not built yet (tailnet mode)
  start_failed, ///< the node could not come up (UDP port taken, ...)
  no_such_host, ///< not a name of the overlay (never asked of the host's DNS)
  refused,      ///< the target answered with a reset
  timeout,      ///< no answer in time
  no_route,     ///< no peer's allowed IPs cover the target (fail closed)
  unreachable,  ///< an ICMP unreachable came back
  dial_failed,  ///< any other dial failure
  system,       ///< an OS call failed (socketpair, ...)
  internal,     ///< an unexpected exception: a bug
};

/// Returns the enumerator's name, e.g. "no_such_host".
std::string_view to_string(api_errc x) noexcept;

/// The outcome of a call: `code == ok` on success, else a code and a message for people.
struct api_error {
  api_errc code = api_errc::ok;
  std::string message;

  /// Returns whether this is an error (`if (auto e = n.start(cfg)) ...`).
  explicit operator bool() const noexcept { return code != api_errc::ok; }
};

/// What start() brings up. Static WireGuard mode when `wg_config` is set; otherwise tailnet
/// mode (control server + auth key; names from MagicDNS).
struct sync_config {
  /// A wg-quick file: [Interface] Address and PrivateKey, one [Peer] per WireGuard peer.
  std::string wg_config;
  /// Names the resolver answers in WireGuard mode (MagicDNS stand-in): name => IP literals.
  std::map<std::string, std::vector<std::string>> hosts;
  // -- tailnet mode (libtailscale's tsnet.Server fields) -------------------------------------
  std::string state_dir;   ///< keys (0600); empty: $XDG_CONFIG_HOME or ~/.config/tsnode-<prog>
  std::string hostname;    ///< the node's name in the tailnet; empty: the program's name
  std::string auth_key;    ///< a pre-authorised key (empty: interactive login, start() waits)
  std::string control_url; ///< empty: https://controlplane.tailscale.com
  /// With an auth key: how long start() waits for registration and the first netmap.
  std::chrono::milliseconds up_timeout{60000};
  // -- tuning ----------------------------------------------------------------------------------
  /// How long dial() waits for the overlay TCP handshake.
  std::chrono::milliseconds dial_timeout{15000};
  /// The node logs with spdlog's default logger. Unless the application installed its own
  /// (a named one), start() points it at stderr at this level ("trace" ... "off"; the
  /// environment variable TSNODE_LOG_LEVEL overrides it), so stdout stays the application's.
  std::string log_level = "warn";
};

/// The loopback proxy of a running node.
struct loopback_info {
  std::string address;    ///< "127.0.0.1:PORT"
  std::string credential; ///< 32 hex digits; the user name is "tsnet"
  std::string socks5_url; ///< socks5h://tsnet:CRED@ADDRESS (ALL_PROXY)
  std::string http_url;   ///< http://tsnet:CRED@ADDRESS (HTTP(S)_PROXY)
};

/// A WireGuard peer as status() reports it.
struct sync_peer_status {
  std::string public_key; ///< base64
  std::string endpoint;   ///< "ip:port", empty until known
  std::optional<std::chrono::system_clock::time_point> last_handshake;
  std::uint64_t rx_bytes = 0;
  std::uint64_t tx_bytes = 0;
};

/// A snapshot of a running node.
struct sync_status {
  std::uint16_t listen_port = 0;      ///< the WireGuard UDP port
  std::vector<std::string> addresses; ///< the node's overlay addresses
  std::vector<sync_peer_status> peers;
  std::uint64_t dials = 0, dial_failures = 0, splices_active = 0;
  std::uint64_t bytes_to_overlay = 0, bytes_to_host = 0;
};

class sync_node {
public:
  sync_node();
  /// Stops the node (as stop()).
  ~sync_node();
  sync_node(const sync_node&) = delete;
  sync_node& operator=(const sync_node&) = delete;

  /// Brings the node up and blocks until it runs or fails: reads the configuration, binds the
  /// WireGuard UDP port, starts the engine and the actors. Errors: bad_state (already started),
  /// config (unreadable or invalid file), bad_argument, start_failed (e.g. no netmap within
  /// up_timeout, a corrupt state file).
  api_error start(sync_config cfg);

  /// Starts the loopback SOCKS5/HTTP proxy on 127.0.0.1 (once; later calls return the same
  /// one) and returns its address and credential. It runs until stop().
  api_error loopback(loopback_info& out);

  /// Connects to `address` ("host:port", "[v6]:port") in the overlay and returns in `fd_out`
  /// one end of a socketpair whose other end is spliced with the overlay TCP connection: the
  /// caller owns it and closes it when done; it works with any event loop. Names go to the
  /// node's resolver first (never the host's DNS). `network` is "tcp", "tcp4" or "tcp6".
  /// `fd_out` is -1 on error.
  api_error dial(std::string_view network, std::string_view address, int& fd_out);

  /// Resolves a name (or IP literal) to overlay addresses, IPv4 first.
  api_error resolve(std::string_view name, std::vector<std::string>& out);

  /// Returns a snapshot of the WireGuard peers and counters.
  api_error status(sync_status& out);

  /// Stops the loopback proxy, the actors, the engine and the actor system, in that order.
  /// Idempotent; the node may be started again afterwards.
  void stop() noexcept;

  /// Returns whether start() succeeded and stop() has not been called since.
  bool running() const noexcept;

private:
  struct impl;
  mutable std::shared_mutex mtx_;     ///< shared: calls on a running node; unique: start/stop
  std::atomic<bool> stopping_{false}; ///< stop() has begun: calls fail instead of queueing
  std::unique_ptr<impl> impl_;
};

} // namespace tsnode
