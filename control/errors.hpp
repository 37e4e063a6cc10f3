#pragma once
/// @file
/// The one error enum of control/ (style.md §5.12) and the error value the cores return: a code
/// plus an optional detail text (the server's own words for a ts2021 type-3 message or a
/// RegisterResponse.Error, or the JSON path of a field that did not decode).

#include <cstdint>
#include <string>
#include <string_view>

namespace tsnode::control {

/// Why a control-protocol step failed.
enum class control_errc : std::uint8_t {
  // -- noise_ik: the ts2021 handshake (tailscale-protocol.md §2.3)
  bad_server_key = 1,    ///< X25519 with the server's key (or the server's ephemeral) is zero
  bad_handshake_message, ///< the response is neither type 2 with length 48 nor a type-3 error
  handshake_failed,      ///< the response did not authenticate (wrong server key, tampering)
  server_error,          ///< the server sent a type-3 error message (detail = its text)
  finished,              ///< the handshake already completed or failed; nothing more is read
  // -- record: transport framing (§2.4)
  record_too_large,       ///< a record header announces more than 4096 bytes on the wire
  unexpected_record_type, ///< a record after the handshake is not type 4
  bad_record,             ///< a record did not authenticate or is shorter than its tag
  counter_exhausted,      ///< the nonce counter would reach 2^64-1: reconnect
  direction_dead,         ///< an earlier error killed this direction for good
  // -- early_payload (§2.5)
  early_payload_too_large, ///< the early payload announces more than 10 MiB
  bad_early_payload,       ///< the early payload is not a JSON object of the expected shape
  // -- h2_client (§2.6)
  http2_init_failed, ///< nghttp2 could not create the session
  http2_protocol,    ///< the peer broke HTTP/2 (or nghttp2 refused our bytes)
  http2_submit,      ///< a request could not be submitted (bad header, too many streams)
  http2_closed,      ///< the session has ended (GOAWAY received or a fatal error)
  // -- map_stream (§4.2)
  map_message_too_large, ///< a length prefix or a decompressed body exceeds the bound
  empty_map_message,     ///< a length prefix of zero
  bad_zstd,              ///< the zstd body did not decompress, or ended mid-frame
  // -- netmap / requests: JSON (§3, §4)
  bad_json,           ///< not JSON, nested too deeply, or not an object at the top
  bad_field,          ///< a field has the wrong JSON type or an invalid value (detail = path)
  bad_key,            ///< a key field is "" or not prefix + 64 hex digits (trap #9)
  missing_self_node,  ///< the first non-keepalive message of a stream has no Node (§4.3)
  zero_disco_key,     ///< a MapRequest with an all-zero DiscoKey (trap #7)
  registration_error, ///< RegisterResponse.Error set, even with HTTP 200 (trap #12)
  // -- upgrade: the HTTP/1.1 switch to ts2021 (§2.2)
  upgrade_refused,      ///< not `101` with `Upgrade: tailscale-control-protocol` (detail: status)
  bad_upgrade_response, ///< not an HTTP/1.x response head, or a head larger than 16 KiB
};

/// Returns the enumerator's name, e.g. "bad_record".
std::string_view to_string(control_errc x) noexcept;

/// A failed step: the code, and a detail text that may be empty.
struct control_error {
  control_errc code{};
  std::string detail;

  friend bool operator==(const control_error&, const control_error&) = default;
};

/// Returns "code" or "code: detail".
std::string to_string(const control_error& x);

} // namespace tsnode::control

namespace tsnode {
/// The spelling messages/errors.hpp registers with CAF (style.md §5.12).
using control::control_errc;
} // namespace tsnode
