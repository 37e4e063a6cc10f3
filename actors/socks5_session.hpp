#pragma once
/// @file
/// One proxy client (SOCKS5 or HTTP CONNECT on the same port): drives the pure
/// proxy::proxy_session core, asks the resolver for names and the netstack for the overlay
/// connection, then hands the client socket over to be spliced and waits for the splice to end.

#include <caf/typed_actor.hpp>

#include <memory>
#include <optional>
#include <vector>

#include "actors/engine/client_conn.hpp"
#include "actors/engine/engine.hpp"
#include "messages/netstack_actor.hpp"
#include "messages/resolver_actor.hpp"
#include "proxy/credentials.hpp"
#include "proxy/session.hpp"

namespace tsnode {

using socks5_session_actor
  = caf::typed_actor<caf::reacts_to<bytes_atom, std::vector<std::uint8_t>>,
                     caf::reacts_to<eof_atom>, caf::reacts_to<released_atom, fd_handle>,
                     caf::reacts_to<deadline_atom>>;

struct session_config {
  /// The whole negotiation (greeting to dialed) must finish within this (reference: 30 s). A
  /// lookup or dial still running then is answered as a timeout (SOCKS5 06, HTTP 504).
  caf::timespan handshake_timeout = std::chrono::seconds(30);
  /// How long a dial into the overlay may take.
  caf::timespan dial_timeout = std::chrono::seconds(15);
};

/// What a session reports to whoever watches it (tests, logs).
enum class session_phase : std::uint8_t {
  negotiating,
  resolving,
  dialing,
  splicing,
  relaying, ///< UDP ASSOCIATE: the relay runs until the TCP connection ends (RFC 1928 §7)
  done
};

struct socks5_session_state {
  std::shared_ptr<engine::client_conn> conn;
  std::optional<proxy::proxy_session> core;
  std::vector<std::uint8_t> early; ///< client bytes after the request, sent first
  std::optional<dial_result> dialed;
  bool dial_pending = false; ///< a dial request has not been answered yet
  session_phase phase = session_phase::negotiating;
  std::string target;                    ///< host:port, for logs
  std::string client_ip;                 ///< the TCP peer's address (empty on a Unix socket)
  std::optional<std::uint64_t> relay_id; ///< the UDP ASSOCIATE relay, once open
  static inline const char* name = "socks5_session";
};

/// Spawns-a-session behavior for the accepted socket `fd`.
socks5_session_actor::behavior_type
socks5_session(socks5_session_actor::stateful_pointer<socks5_session_state> self,
               engine::engine* eng, fd_handle fd, resolver_actor resolver, netstack_actor net,
               proxy::credentials creds, session_config cfg);

} // namespace tsnode
