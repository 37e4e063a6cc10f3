#pragma once
/// @file
/// What a proxy session tells its caller to do next (style.md §5.10): the sessions parse bytes and
/// return one action at a time; the session actor performs it (writes, dials, closes).

#include <cstdint>
#include <string_view>
#include <variant>

#include "proxy/address.hpp"
#include "proxy/errors.hpp"

namespace tsnode::proxy {

/// Nothing to do until more bytes arrive from the client (or until the caller reports a dial
/// outcome, when a request is pending).
struct need_more {};

/// Write these bytes to the client, then call `next()` again: more pipelined input may be waiting.
struct reply {
  byte_buffer bytes;
};

/// Dial `dst` into the overlay, then report `on_connected` or `on_dial_failed`. `early_payload`
/// holds the bytes the client sent after its request (optimistic data, anchors.md §4.3 item 4):
/// send them upstream once the dial succeeds, drop them if it fails.
struct connect_request {
  destination dst;
  byte_buffer early_payload;
};

/// Open a UDP relay for this client (SOCKS5 UDP ASSOCIATE, RFC 1928 §7), then report
/// `on_udp_ready` or `on_dial_failed`. `client` is the DST.ADDR/DST.PORT of the request: the
/// address the client expects to send from, often all zeros when it does not know yet.
struct udp_associate_request {
  destination client;
};

/// Application data from the client after its request: send it upstream (after the dial succeeds).
struct payload {
  byte_buffer bytes;
};

/// Write these bytes (possibly none), then close the connection.
struct close_with {
  byte_buffer bytes;
  close_reason reason;
};

/// One step of a proxy session.
using action
  = std::variant<need_more, reply, connect_request, udp_associate_request, payload, close_with>;

/// Why a dial into the overlay failed, as the session actor learns it from the resolver and the
/// netstack. Mapped to reply codes by `to_socks5_reply` and `to_http_status`.
enum class dial_error : std::uint8_t {
  no_such_host = 1, ///< the name is not in the tailnet (MagicDNS NXDOMAIN) or the peer is offline
  no_route,         ///< no peer's allowed IPs cover the address
  refused,          ///< RST in reply to SYN
  timeout,          ///< the connect did not complete in time
  unreachable,      ///< ICMP unreachable, handshake never completed
  policy,           ///< blocked by the destination policy (host loopback, ACL)
  general,          ///< anything else (out of memory, stack error)
};

/// Returns the enumerator's name, e.g. "no_route".
std::string_view to_string(dial_error x) noexcept;

} // namespace tsnode::proxy
