#pragma once
/// @file
/// SOCKS5 server side as an incremental parser plus a session state machine (RFC 1928 with
/// RFC 1929 username/password). Like Tailscale's net/socks5, this "handles the SOCKS5 protocol
/// details and not any integration with Tailscale internals": it never resolves, dials, reads a
/// clock or touches a socket. The caller feeds bytes, performs the returned action, and reports
/// dial outcomes; see proxy/README.md.

#include <cstddef>
#include <cstdint>

#include "proxy/action.hpp"
#include "proxy/address.hpp"
#include "proxy/credentials.hpp"
#include "proxy/errors.hpp"

namespace tsnode::proxy {

// -- wire constants (RFC 1928, RFC 1929) --------------------------------------------------------

inline constexpr std::uint8_t socks5_version = 0x05;    ///< VER of greeting, request and reply
inline constexpr std::uint8_t method_no_auth = 0x00;    ///< never selected: auth is required
inline constexpr std::uint8_t method_user_pass = 0x02;  ///< RFC 1929
inline constexpr std::uint8_t method_none = 0xff;       ///< "no acceptable methods"
inline constexpr std::uint8_t auth_version = 0x01;      ///< RFC 1929 sub-negotiation VER
inline constexpr std::uint8_t auth_success = 0x00;      ///< RFC 1929 STATUS
inline constexpr std::uint8_t auth_failure = 0x01;      ///< any non-zero STATUS is a failure
inline constexpr std::uint8_t cmd_connect = 0x01;       ///< RFC 1928 §4
inline constexpr std::uint8_t cmd_bind = 0x02;          ///< not supported: reply 07
inline constexpr std::uint8_t cmd_udp_associate = 0x03; ///< RFC 1928 §7

/// Request header: VER CMD RSV ATYP.
inline constexpr std::size_t socks5_request_header_size = 4;
/// The smallest reply: VER REP RSV ATYP + IPv4 BND.ADDR + BND.PORT.
inline constexpr std::size_t socks5_reply_v4_size = 10;
static_assert(4 + 4 + 2 == socks5_reply_v4_size);
/// A reply with an IPv6 BND.ADDR.
inline constexpr std::size_t socks5_reply_v6_size = 22;
static_assert(4 + 16 + 2 == socks5_reply_v6_size);

/// RFC 1928 §6 reply codes.
enum class socks5_reply : std::uint8_t {
  succeeded = 0x00,
  general_failure = 0x01,
  not_allowed = 0x02, ///< connection not allowed by ruleset
  network_unreachable = 0x03,
  host_unreachable = 0x04,
  connection_refused = 0x05,
  ttl_expired = 0x06, ///< used for connect timeouts (Dante's convention)
  command_not_supported = 0x07,
  address_type_not_supported = 0x08,
};

/// Returns the bytes of a reply: VER REP RSV ATYP BND.ADDR BND.PORT (RFC 1928 §6). Failures are
/// sent with the default 0.0.0.0:0 (anchors.md §4.4: a well-formed placeholder); success carries
/// the overlay connection's local address (CONNECT) or the UDP relay's address (UDP ASSOCIATE).
byte_buffer make_socks5_reply(socks5_reply code, const ip_address& bound = {},
                              std::uint16_t bound_port = 0);

/// Returns the reply code for a dial failure (design.md, "Failure and bad input"): no_such_host
/// and unreachable 04, no_route 03, refused 05, timeout 06, policy 02, general 01.
socks5_reply to_socks5_reply(dial_error e) noexcept;

/// Returns the SOCKS4 reply "request rejected or failed" (VN 0, CD 91, zero port and address), for
/// a client whose first byte says SOCKS4: it gets an answer it understands rather than a hang.
byte_buffer make_socks4_rejection();

/// Where a SOCKS5 session stands.
enum class socks5_state : std::uint8_t {
  greeting = 1,   ///< waiting for VER NMETHODS METHODS
  auth,           ///< waiting for the RFC 1929 request
  request,        ///< waiting for VER CMD RSV ATYP DST.ADDR DST.PORT
  connecting,     ///< returned connect_request; waiting for on_connected / on_dial_failed
  udp_setup,      ///< returned udp_associate_request; waiting for on_udp_ready / on_dial_failed
  established,    ///< CONNECT succeeded: further input is payload
  udp_associated, ///< UDP ASSOCIATE succeeded: the TCP connection only keeps it alive
  closed,         ///< a close_with was returned
};

/// One SOCKS5 server-side conversation. Feed client bytes with `on_bytes`; after a `reply`, call
/// `next()` until it returns something else, since a pipelining client may have sent the greeting,
/// auth and request in one segment (anchors.md §4.3 item 4). Memory is bounded: the session buffers
/// at most one unparsed message (< 520 bytes) plus the last chunk it was given.
class socks5_session {
public:
  /// Starts in `greeting`; `check` decides the RFC 1929 user/password (called at most once).
  explicit socks5_session(credential_check check);

  /// Appends client bytes and returns the next action. In `connecting` and `established` the
  /// bytes are returned as `payload`; in `udp_associated` they are discarded (RFC 1928 §7: the
  /// TCP connection only keeps the association alive); in `closed` the result is an empty
  /// `close_with`.
  action on_bytes(byte_view in);

  /// Returns the next action from bytes already buffered (same as `on_bytes({})`).
  action next() { return on_bytes({}); }

  /// Called when the overlay connection is up; returns the success reply with BND = `bound`.
  /// Outside `connecting` this returns `close_with` (out_of_order).
  action on_connected(const ip_address& bound, std::uint16_t bound_port);

  /// Called when the UDP relay is ready at `relay`; returns the success reply with BND = `relay`
  /// (a real address such as 127.0.0.1:port, never 0.0.0.0: anchors.md §4.5).
  action on_udp_ready(const ip_address& relay, std::uint16_t relay_port);

  /// Called when the dial (or the relay set-up) failed; returns `close_with` the mapped reply.
  action on_dial_failed(dial_error e);

  /// Returns the current state.
  socks5_state state() const noexcept { return state_; }

private:
  action step();
  action close(socks5_errc why, byte_buffer bytes = {});
  action close(socks5_errc why, socks5_reply code);
  action parse_greeting();
  action parse_auth();
  action parse_request();
  std::size_t available() const noexcept { return buf_.size() - pos_; }
  const std::uint8_t* cursor() const noexcept { return buf_.data() + pos_; }
  void consume(std::size_t n);
  byte_buffer take_rest();

  credential_check check_;
  socks5_state state_ = socks5_state::greeting;
  socks5_errc closed_reason_ = socks5_errc::closed;
  byte_buffer buf_;
  std::size_t pos_ = 0;
};

/// Returns the name of a state, e.g. "connecting".
std::string_view to_string(socks5_state x) noexcept;

} // namespace tsnode::proxy
