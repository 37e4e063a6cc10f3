#include "wireguard/errors.hpp"

namespace tsnode::wireguard {

std::string_view to_string(wg_errc x) noexcept {
  switch (x) {
    case wg_errc::unknown_type:
      return "unknown message type";
    case wg_errc::bad_length:
      return "message length does not match its type";
    case wg_errc::bad_mac1:
      return "invalid mac1";
    case wg_errc::cookie_sent:
      return "under load without a valid mac2: cookie reply sent";
    case wg_errc::bad_handshake:
      return "handshake message did not authenticate";
    case wg_errc::unknown_peer:
      return "handshake from an unknown static key";
    case wg_errc::stale_timestamp:
      return "handshake initiation replay (timestamp not newer)";
    case wg_errc::handshake_flood:
      return "handshake initiation flood";
    case wg_errc::unknown_index:
      return "unknown receiver index";
    case wg_errc::bad_cookie_reply:
      return "invalid cookie reply";
    case wg_errc::expired_keypair:
      return "keypair older than REJECT_AFTER_TIME";
    case wg_errc::bad_tag:
      return "transport data did not authenticate";
    case wg_errc::replayed:
      return "replayed or too old counter";
    case wg_errc::bad_inner_packet:
      return "malformed inner IP packet";
    case wg_errc::disallowed_source:
      return "inner source address not allowed for this peer";
    case wg_errc::bad_ip_packet:
      return "malformed IP packet to send";
    case wg_errc::packet_too_large:
      return "IP packet too large";
    case wg_errc::no_route:
      return "no peer for the destination address";
    case wg_errc::no_endpoint:
      return "peer has no known endpoint";
    case wg_errc::staged_overflow:
      return "staging queue full: oldest packet dropped";
    case wg_errc::counter_exhausted:
      return "keypair counter exhausted";
    case wg_errc::gave_up:
      return "handshake did not complete in REKEY_ATTEMPT_TIME";
    case wg_errc::duplicate_peer:
      return "peer already configured";
    case wg_errc::no_such_peer:
      return "no such peer";
    case wg_errc::invalid_key:
      return "invalid public key";
    case wg_errc::bad_prefix:
      return "invalid allowed-IP prefix";
  }
  return "unknown wg_errc";
}

} // namespace tsnode::wireguard
