#pragma once
/// @file
/// WireGuard's protocol constants (WireGuard paper §6.1, Table: "Rekey-After-Messages" ...; the
/// same values as wireguard-go device/constants.go and Linux drivers/net/wireguard/messages.h)
/// and the time vocabulary of the core: `now` and the wall clock are always parameters.

#include <chrono>
#include <cstddef>
#include <cstdint>

namespace tsnode::wireguard {

// -- time vocabulary ---------------------------------------------------------------------------

/// Monotonic time as the shell reads it; the core only ever receives values of this type.
using time_point = std::chrono::steady_clock::time_point;
/// A span of monotonic time.
using duration = std::chrono::steady_clock::duration;
/// Wall-clock time, used only for the TAI64N timestamp of handshake initiations (paper §5.1).
using wall_time = std::chrono::system_clock::time_point;

// -- identifiers -------------------------------------------------------------------------------

/// A small integer naming a configured peer inside one endpoint; never reused.
using peer_id = std::uint32_t;

// -- message limits (paper §6.1) ---------------------------------------------------------------

/// After this many messages a keypair asks for a new handshake.
inline constexpr std::uint64_t rekey_after_messages = std::uint64_t{1} << 60;
/// After this many messages a keypair is no longer used, to stay well clear of nonce reuse.
inline constexpr std::uint64_t reject_after_messages
  = ~std::uint64_t{0} - (std::uint64_t{1} << 13); // 2^64 - 2^13 - 1

// -- timers (paper §6.1, §6.2, §6.5) -----------------------------------------------------------

using std::chrono::milliseconds;
using std::chrono::seconds;

inline constexpr seconds rekey_after_time{120};
inline constexpr seconds reject_after_time{180};
inline constexpr seconds rekey_attempt_time{90};
inline constexpr seconds rekey_timeout{5};
inline constexpr seconds keepalive_timeout{10};
inline constexpr seconds cookie_refresh_time{120};
/// Retransmissions of an initiation before giving up: REKEY_ATTEMPT_TIME / REKEY_TIMEOUT.
inline constexpr std::uint32_t max_timer_handshakes = 90 / 5;
/// The exclusive upper bound of the retransmission jitter, in milliseconds (paper §6.1: "plus
/// jitter"; wireguard-go RekeyTimeoutJitterMaxMs = 334, i.e. 0..333 ms).
inline constexpr std::uint32_t rekey_timeout_jitter_max_ms = 334;
/// Initiations from one peer closer together than this are dropped as a flood (wireguard-go
/// HandshakeInitationRate = 1 s / 50).
inline constexpr milliseconds handshake_initiation_rate{20};

// -- packets -----------------------------------------------------------------------------------

/// Plaintext is zero-padded to a multiple of this (paper §5.4.6).
inline constexpr std::size_t padding_multiple = 16;
/// Packets waiting for a session, per peer (wireguard-go QueueStagedSize).
inline constexpr std::size_t max_staged_packets = 128;
/// The largest inner packet accepted from the local stack.
inline constexpr std::size_t max_inner_packet_size = 65535;

} // namespace tsnode::wireguard
