#pragma once
/// @file
/// One accepted connection on the loopback listener, whatever it speaks: the first byte picks
/// SOCKS5, SOCKS4 (rejected) or HTTP CONNECT (detect_protocol), then the chosen session runs.
/// The session actor can drive this one type for every connection.

#include <cstddef>
#include <cstdint>
#include <optional>
#include <variant>

#include "proxy/action.hpp"
#include "proxy/credentials.hpp"
#include "proxy/http_connect.hpp"
#include "proxy/socks5.hpp"

namespace tsnode::proxy {

/// A SOCKS5-or-HTTP session: the same calls as socks5_session, dispatched after the first byte.
class proxy_session {
public:
  /// `check` authenticates both protocols; `max_head_size` limits an HTTP request head.
  explicit proxy_session(credential_check check, std::size_t max_head_size = default_max_head_size);

  /// Appends client bytes and returns the next action (see socks5_session::on_bytes and
  /// http_connect_session::on_bytes). The first non-empty call picks the protocol; a SOCKS4
  /// client gets `close_with` a SOCKS4 rejection.
  action on_bytes(byte_view in);

  /// Returns the next action from bytes already buffered.
  action next() { return on_bytes({}); }

  /// Called when the overlay connection is up; `bound` is its local overlay address (SOCKS5
  /// BND.ADDR/PORT; HTTP ignores it).
  action on_connected(const ip_address& bound, std::uint16_t bound_port);

  /// Called when the UDP relay is ready (SOCKS5 only).
  action on_udp_ready(const ip_address& relay, std::uint16_t relay_port);

  /// Called when the dial failed.
  action on_dial_failed(dial_error e);

  /// Returns the protocol, once the first byte has arrived.
  std::optional<protocol> detected() const noexcept;

private:
  struct undecided {};
  struct rejected {};
  credential_check check_;
  std::size_t max_head_size_;
  std::variant<undecided, socks5_session, http_connect_session, rejected> impl_;
};

} // namespace tsnode::proxy
