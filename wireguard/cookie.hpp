#pragma once
/// @file
/// mac1, mac2 and cookie replies: WireGuard's DoS mitigation (WireGuard paper §5.3, §5.4.4,
/// §5.4.7; wireguard-go device/cookie.go; Linux drivers/net/wireguard/cookie.c).
///
/// The responder side (cookie_checker) checks mac1 on every handshake message; under load it also
/// requires mac2, keyed with a cookie that binds the sender's UDP address to a secret rotated every
/// two minutes, and answers a missing or wrong mac2 with an XChaCha20-Poly1305 sealed cookie. The
/// initiator side (cookie_generator, one per peer) adds both macs to what it sends and remembers
/// the last cookie it was given.

#include <optional>

#include "crypto/bytes.hpp"
#include "crypto/random.hpp"
#include "crypto/secret.hpp"
#include "wireguard/constants.hpp"
#include "wireguard/messages.hpp"

namespace tsnode::wireguard {

/// The two keys derived from a static public key for messages sent *to* its owner: HASH(LABEL_MAC1
/// || S_pub) and HASH(LABEL_COOKIE || S_pub) (paper §5.4.4, §5.4.7). Neither is secret.
struct mac_keys {
  byte_array<32> mac1_key{};
  crypto::key32 cookie_key;

  /// Returns the keys for messages addressed to the owner of `static_public`.
  static mac_keys derive(const byte_array<32>& static_public) noexcept;
};

/// Checks macs on handshake messages sent to us and makes cookie replies.
class cookie_checker {
public:
  /// Prepares the checker for messages addressed to `local_public`.
  explicit cookie_checker(const byte_array<32>& local_public) noexcept;

  /// Returns whether mac1 of the handshake message `msg` is right.
  /// @pre msg is a whole initiation or response.
  bool check_mac1(byte_view msg) const noexcept;

  /// Returns whether mac2 of `msg` is right for a sender at `source` (an encoded UDP address).
  /// Always false when no cookie secret younger than COOKIE_REFRESH_TIME exists.
  bool check_mac2(byte_view msg, byte_view source, time_point now) const noexcept;

  /// Returns a cookie reply for `msg` from `source`, addressed to the message's sender index.
  /// Draws a new cookie secret first when the current one is missing or older than two minutes.
  cookie_reply make_reply(byte_view msg, byte_view source, time_point now,
                          crypto::random_source& rng);

private:
  byte_array<mac_size> cookie_for(byte_view source) const noexcept;

  mac_keys keys_;
  crypto::key32 secret_;
  std::optional<time_point> secret_set_;
};

/// Adds macs to the handshake messages we send to one peer and keeps that peer's cookie.
class cookie_generator {
public:
  /// Prepares macs for messages addressed to `remote_public`.
  explicit cookie_generator(const byte_array<32>& remote_public) noexcept;

  /// Writes mac1 and mac2 (zeros unless a cookie younger than COOKIE_REFRESH_TIME is held) into
  /// the handshake message `msg`. @pre msg is a whole initiation or response.
  void add_macs(std::span<std::uint8_t> msg, time_point now) noexcept;

  /// Opens a cookie reply against the mac1 we sent last; returns false when it does not
  /// authenticate (or nothing was sent yet), keeping the previous cookie.
  bool consume_reply(const cookie_reply& reply, time_point now) noexcept;

  /// Returns whether a usable cookie is held at `now`.
  bool has_cookie(time_point now) const noexcept;

private:
  mac_keys keys_;
  byte_array<mac_size> cookie_{};
  std::optional<time_point> cookie_set_;
  std::optional<byte_array<mac_size>> last_mac1_;
};

} // namespace tsnode::wireguard
