#pragma once
/// @file
/// The loopback proxy listener (reference: seed/loopback.rs): owns the acceptor on 127.0.0.1
/// (or a 0600 Unix socket), the random 32-hex credential (user `tsnet`) and the session cap;
/// spawns one socks5_session per accepted connection. At the cap the acceptor stops accepting
/// until a session ends (back-pressure, never refusal). A loopback_handle stops accepting when
/// destroyed while in-flight sessions finish on their own.

#include <caf/typed_actor.hpp>

#include <memory>
#include <string>

#include "actors/engine/acceptor.hpp"
#include "actors/engine/engine.hpp"
#include "actors/socks5_session.hpp"
#include "messages/netstack_actor.hpp"
#include "messages/resolver_actor.hpp"

namespace tsnode {

struct listener_status {
  std::uint64_t accepted = 0;
  std::uint64_t in_flight = 0;
  std::uint64_t peak_in_flight = 0;
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, listener_status& x) {
  return f(caf::meta::type_name("listener_status"), x.accepted, x.in_flight, x.peak_in_flight);
}

using listener_actor = caf::typed_actor<caf::reacts_to<accepted_atom, fd_handle, std::string>,
                                        caf::replies_to<status_atom>::with<listener_status>,
                                        caf::reacts_to<stop_atom>>;

struct listener_config {
  engine::listen_address where;
  std::size_t max_sessions = 256;
  session_config session;
};

/// Returns a fresh 32-hex-digit credential from libsodium's CSPRNG (128 bits).
std::string make_credential();

/// The running proxy: its address and credential, and accepting until destroyed.
class loopback_handle {
public:
  loopback_handle(engine::engine* eng, std::shared_ptr<engine::acceptor> acc, listener_actor l,
                  std::string address, std::string credential);
  /// Stops accepting; in-flight sessions finish on their own.
  ~loopback_handle();
  loopback_handle(const loopback_handle&) = delete;
  loopback_handle& operator=(const loopback_handle&) = delete;

  /// "127.0.0.1:PORT", or the Unix socket path.
  const std::string& address() const noexcept { return address_; }
  const std::string& credential() const noexcept { return credential_; }
  const listener_actor& actor() const noexcept { return listener_; }
  /// Returns `socks5h://tsnet:<cred>@<address>` (TCP listeners only).
  std::string socks5_url() const;
  /// Returns `http://tsnet:<cred>@<address>` (TCP listeners only).
  std::string http_url() const;

private:
  engine::engine* eng_;
  std::shared_ptr<engine::acceptor> acceptor_;
  listener_actor listener_;
  std::string address_, credential_;
};

/// Binds the listening socket (on the engine thread; blocks until bound), spawns the listener
/// actor and returns the handle. Throws std::system_error / std::invalid_argument on bad
/// addresses. `credential` empty: a fresh one is made.
std::unique_ptr<loopback_handle> start_loopback(caf::actor_system& sys, engine::engine& eng,
                                                resolver_actor resolver, netstack_actor net,
                                                listener_config cfg, std::string credential = {});

} // namespace tsnode
