#pragma once
/// @file
/// Error enums of the proxy core, one per protocol (style.md §5.12). Each starts at 1 and has a
/// `to_string`; the shells convert them (CAF error codes, log lines). Toward the client, failures
/// are already encoded as reply bytes in the action that carries the enum.

#include <cstdint>
#include <string_view>
#include <variant>

namespace tsnode::proxy {

/// Why a SOCKS5 session closed (RFC 1928, RFC 1929).
enum class socks5_errc : std::uint8_t {
  bad_version = 1,            ///< greeting VER is not 0x05: closed without a reply
  no_acceptable_method,       ///< the greeting does not offer 0x02: `05 FF`
  bad_auth_version,           ///< RFC 1929 VER is not 0x01: closed without a reply
  empty_password,             ///< PLEN 0: `01 01`
  auth_failed,                ///< wrong user or password: `01 01`
  bad_request_version,        ///< request VER is not 0x05: reply 07, as loopback.rs does
  command_not_supported,      ///< BIND or an unknown CMD: reply 07
  address_type_not_supported, ///< unknown ATYP: reply 08
  bad_domain,                 ///< empty, non-UTF-8 or control characters in a name: reply 01
  dial_failed,                ///< the caller reported a failed dial: reply from dial_error
  socks4_request,             ///< first byte 0x04: SOCKS4 "request rejected" (91), then close
  out_of_order,               ///< the caller reported an event the session did not wait for
  closed,                     ///< input after the session had closed
};

/// Why an HTTP CONNECT session closed (RFC 9110, RFC 9112).
enum class http_errc : std::uint8_t {
  malformed_request = 1, ///< 400: bad request line, header line, obs-fold, bare CR or NUL
  method_not_allowed,    ///< 405: a method other than CONNECT
  version_not_supported, ///< 505: HTTP/x.y other than 1.0 and 1.1
  bad_target,            ///< 400: not `host:port`, or port 0, or a bad `[IPv6]`
  headers_too_large,     ///< 431: the request head exceeds the limit
  auth_required,         ///< 407: no Proxy-Authorization header
  auth_failed,           ///< 407: wrong scheme, bad base64, wrong user or password
  dial_failed,           ///< 502, 504 or 403 from dial_error
  out_of_order,          ///< the caller reported an event the session did not wait for
  closed,                ///< input after the session had closed
};

/// Why a SOCKS5 UDP datagram was dropped (RFC 1928 §7). Datagrams are dropped silently.
enum class udp_errc : std::uint8_t {
  too_short = 1,              ///< shorter than its header
  fragmented,                 ///< FRAG != 0: fragmentation is not implemented (allowed by §7)
  address_type_not_supported, ///< unknown ATYP
  bad_domain,                 ///< empty or invalid name
  too_large,                  ///< DATA exceeds the overlay payload limit
  wrong_source,               ///< not from the associating client's address and port
};

/// Returns the enumerator's name, e.g. "auth_failed".
std::string_view to_string(socks5_errc x) noexcept;
/// Returns the enumerator's name, e.g. "headers_too_large".
std::string_view to_string(http_errc x) noexcept;
/// Returns the enumerator's name, e.g. "fragmented".
std::string_view to_string(udp_errc x) noexcept;

/// Why a session closed, whichever protocol it spoke.
using close_reason = std::variant<socks5_errc, http_errc>;

/// Returns the name of the enumerator held by `x`.
std::string_view to_string(const close_reason& x) noexcept;

} // namespace tsnode::proxy
