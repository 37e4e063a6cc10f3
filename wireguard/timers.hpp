#pragma once
/// @file
/// The per-peer timers of WireGuard (WireGuard paper §6.1-§6.5; Linux drivers/net/wireguard/
/// timers.c; wireguard-go device/timers.go) as deadlines instead of kernel timers: each hook
/// that Linux and wireguard-go call ("after X happened") updates deadlines here from the `now` it
/// is given, and the endpoint runs the expiry handlers from dispatch_events(now). No clock is
/// read; the retransmission jitter comes from the injected random source.

#include <cstdint>
#include <optional>

#include "crypto/random.hpp"
#include "wireguard/constants.hpp"

namespace tsnode::wireguard {

/// The five timers of a peer, their counters, and the hooks that arm and disarm them.
struct peer_timers {
  // -- deadlines (nullopt: not pending) -----------------------------------------------------

  /// Resend the initiation: REKEY_TIMEOUT + jitter after one was sent (paper §6.4).
  std::optional<time_point> retransmit_handshake;
  /// Send a keepalive: KEEPALIVE_TIMEOUT after data arrived with nothing sent back (§6.5).
  std::optional<time_point> send_keepalive;
  /// Start a new handshake: data was sent but nothing came back for KEEPALIVE_TIMEOUT +
  /// REKEY_TIMEOUT (§6.2).
  std::optional<time_point> new_handshake;
  /// Wipe all keys: 3 x REJECT_AFTER_TIME after the last session was derived (§6.3).
  std::optional<time_point> zero_key_material;
  /// The persistent keepalive (§6.5, "persistent-keepalive" of wg(8)).
  std::optional<time_point> persistent_keepalive;

  // -- state --------------------------------------------------------------------------------

  /// Retransmissions of the current handshake attempt.
  std::uint32_t handshake_attempts = 0;
  /// Data arrived while send_keepalive was pending: send another after this one.
  bool need_another_keepalive = false;
  /// The initiator already asked for a new session close to REJECT_AFTER_TIME.
  bool sent_last_minute_handshake = false;

  // -- hooks (names from wireguard-go timers.go / Linux timers.c) ------------------------------

  /// Should be called after an authenticated data packet is sent.
  void on_data_sent(time_point now, crypto::random_source& rng);
  /// Should be called after an authenticated data packet is received.
  void on_data_received(time_point now);
  /// Should be called after any authenticated packet is sent: keepalive, data, or handshake.
  void on_any_authenticated_packet_sent() noexcept { send_keepalive.reset(); }
  /// Should be called after any authenticated packet is received: keepalive, data, or handshake.
  void on_any_authenticated_packet_received() noexcept { new_handshake.reset(); }
  /// Should be called after a handshake initiation message is sent.
  void on_handshake_initiated(time_point now, crypto::random_source& rng);
  /// Should be called after a handshake response is consumed, or after key confirmation by the
  /// first data message with the responder's new keypair.
  void on_handshake_complete() noexcept;
  /// Should be called after a session is derived: before sending a response, or after
  /// consuming one.
  void on_session_derived(time_point now) noexcept;
  /// Should be called before an authenticated packet is sent or after one is received, with the
  /// peer's persistent keepalive interval (zero: off).
  void on_any_authenticated_packet_traversal(time_point now, seconds keepalive_interval) noexcept;

  /// Disarms every timer and resets the counters.
  void stop() noexcept;

  /// Returns the earliest pending deadline.
  std::optional<time_point> earliest() const noexcept;
};

/// Returns REKEY_TIMEOUT plus a jitter of 0..333 ms drawn from `rng` (paper §6.1).
duration rekey_timeout_with_jitter(crypto::random_source& rng);

} // namespace tsnode::wireguard
