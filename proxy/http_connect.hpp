#pragma once
/// @file
/// HTTP CONNECT (RFC 9110 §9.3.6, RFC 9112) on the SOCKS5 port, for clients that cannot
/// authenticate to SOCKS5 (Chromium, anchors.md §4.3 item 1): an incremental request-head parser
/// plus a session state machine with `Proxy-Authorization: Basic` (RFC 7617, user `tsnet`).
/// Pure like proxy/socks5.hpp: no sockets, no clocks, no resolver.

#include <cstddef>
#include <cstdint>
#include <string_view>

#include "proxy/action.hpp"
#include "proxy/address.hpp"
#include "proxy/credentials.hpp"
#include "proxy/errors.hpp"

namespace tsnode::proxy {

/// What a connection speaks, decided by its first byte (as Go's net/proxymux does).
enum class protocol : std::uint8_t {
  socks5 = 1, ///< first byte 0x05
  socks4,     ///< first byte 0x04: answered with a SOCKS4 rejection and closed
  http,       ///< anything else: HTTP CONNECT
};

/// Returns the protocol a connection speaks given its first byte: 0x05 SOCKS5, 0x04 SOCKS4,
/// anything else HTTP (an HTTP request starts with a method token, i.e. ASCII letters).
protocol detect_protocol(std::uint8_t first_byte) noexcept;

/// The default limit on the request head (request line, header lines and line ends).
inline constexpr std::size_t default_max_head_size = 16 * 1024;

/// The HTTP statuses this proxy sends.
enum class http_status : std::uint16_t {
  ok = 200,                      ///< "Connection established"
  bad_request = 400,             ///< malformed request or target
  forbidden = 403,               ///< dial_error::policy
  method_not_allowed = 405,      ///< any method but CONNECT
  proxy_auth_required = 407,     ///< missing or wrong Proxy-Authorization
  header_fields_too_large = 431, ///< RFC 6585 §5: the head exceeds the limit
  bad_gateway = 502,             ///< any other dial failure
  gateway_timeout = 504,         ///< dial_error::timeout
  version_not_supported = 505,   ///< HTTP/x.y other than 1.0 and 1.1
};

/// Returns the complete response head for `status`. 200 is `HTTP/1.1 200 Connection
/// established` with no headers (the tunnel starts right after it); every error carries
/// `Content-Length: 0` and `Connection: close` (the caller closes after writing it); 407 adds
/// `Proxy-Authenticate: Basic realm="tsnode"` (RFC 9110 §11.7.1) and 405 adds `Allow: CONNECT`.
byte_buffer make_http_response(http_status status);

/// Returns the status for a dial failure: timeout 504, policy 403, anything else 502.
http_status to_http_status(dial_error e) noexcept;

/// Where an HTTP CONNECT session stands.
enum class http_state : std::uint8_t {
  request_line = 1, ///< waiting for `CONNECT host:port HTTP/1.1`
  headers,          ///< reading header lines up to the empty line
  connecting,       ///< returned connect_request; waiting for on_connected / on_dial_failed
  established,      ///< 200 sent: further input is payload
  closed,           ///< a close_with was returned
};

/// One HTTP CONNECT conversation, driven like socks5_session: `on_bytes`, then the dial outcome.
/// Errors in the request line or headers are answered only once the whole head has arrived, so the
/// client has finished writing when the connection closes; only an oversized head (431) is
/// answered at once. Memory is bounded by the head limit plus the last chunk given.
class http_connect_session {
public:
  /// Starts in `request_line`; `check` decides the Basic credentials (called at most once).
  explicit http_connect_session(credential_check check,
                                std::size_t max_head_size = default_max_head_size);

  /// Appends client bytes and returns the next action. Once the head is complete the result is
  /// `connect_request` (with the bytes after the head as `early_payload`) or `close_with` an error
  /// response. In `connecting` and `established` input comes back as `payload`.
  action on_bytes(byte_view in);

  /// Returns the next action from bytes already buffered (same as `on_bytes({})`).
  action next() { return on_bytes({}); }

  /// Called when the overlay connection is up; returns `200 Connection established`.
  action on_connected();

  /// Called when the dial failed; returns `close_with` 502, 504 or 403.
  action on_dial_failed(dial_error e);

  /// Returns the current state.
  http_state state() const noexcept { return state_; }

private:
  action close(http_errc why, http_status status);
  action finish_head();
  void on_request_line(std::string_view line);
  void on_header_line(std::string_view line);
  void fail(http_errc why, http_status status) noexcept;

  credential_check check_;
  std::size_t max_head_size_;
  http_state state_ = http_state::request_line;
  http_errc closed_reason_ = http_errc::closed;
  byte_buffer buf_;
  std::size_t pos_ = 0;  ///< start of the unparsed line
  std::size_t scan_ = 0; ///< where the search for '\n' resumes
  std::size_t head_size_ = 0;
  // What the head said so far.
  destination target_;
  bool has_error_ = false;
  http_errc error_ = http_errc::malformed_request;
  http_status error_status_ = http_status::bad_request;
  bool has_auth_ = false;
  bool auth_ok_ = false;
};

/// Returns the name of a state, e.g. "headers".
std::string_view to_string(http_state x) noexcept;

} // namespace tsnode::proxy
