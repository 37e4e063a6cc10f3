#pragma once
/// @file
/// The one error enum of wireguard/ (style.md §5.12). Most values are drop reasons: WireGuard
/// stays silent toward the network, so a bad datagram only bumps a counter and is reported to the
/// shell, which may log it at debug level.

#include <cstdint>
#include <string_view>

namespace tsnode::wireguard {

/// Why a datagram or packet was dropped, or why a configuration call failed.
enum class wg_errc : std::uint8_t {
  // -- framing of datagrams from the network
  unknown_type = 1, ///< the first four bytes are not a known message type
  bad_length,       ///< the length does not match the message type
  // -- handshake messages
  bad_mac1,         ///< mac1 does not authenticate the message to our static key
  cookie_sent,      ///< under load and mac2 missing or wrong: answered with a cookie reply
  bad_handshake,    ///< a handshake field did not decrypt or a DH result was zero
  unknown_peer,     ///< the initiator's static key belongs to no configured peer
  stale_timestamp,  ///< the initiation is not newer than the last one accepted (replay)
  handshake_flood,  ///< initiations from one peer arrive faster than 50 per second
  unknown_index,    ///< no handshake or keypair has this receiver index
  bad_cookie_reply, ///< a cookie reply that does not decrypt or answers nothing we sent
  // -- transport data
  expired_keypair,   ///< the keypair is older than REJECT_AFTER_TIME
  bad_tag,           ///< the transport payload did not authenticate
  replayed,          ///< the counter was seen before or is outside the window
  bad_inner_packet,  ///< the decrypted packet is not a well-formed IPv4/IPv6 packet
  disallowed_source, ///< the inner source address is not an allowed IP of the sending peer
  // -- the send path
  bad_ip_packet,     ///< the local packet is not a well-formed IPv4/IPv6 packet
  packet_too_large,  ///< the local packet is larger than max_inner_packet_size
  no_route,          ///< no peer's allowed IPs contain the destination
  no_endpoint,       ///< the peer has no known UDP address yet
  staged_overflow,   ///< the staging queue was full: its oldest packet was dropped
  counter_exhausted, ///< the current keypair reached REJECT_AFTER_MESSAGES
  gave_up,           ///< the handshake did not complete within REKEY_ATTEMPT_TIME
  // -- configuration
  duplicate_peer, ///< a peer with this public key exists already
  no_such_peer,   ///< no peer has this id or public key
  invalid_key,    ///< the key is our own, or X25519 with it gives zero
  bad_prefix,     ///< an allowed-IP prefix length exceeds the address size
};

/// The number of wg_errc values plus one (index 0 is unused), for counter arrays.
inline constexpr std::size_t wg_errc_count = static_cast<std::size_t>(wg_errc::bad_prefix) + 1;

/// Returns a short English description of `x`.
std::string_view to_string(wg_errc x) noexcept;

} // namespace tsnode::wireguard

namespace tsnode {
/// The spelling messages/errors.hpp registers with CAF (style.md §5.12).
using wireguard::wg_errc;
} // namespace tsnode
