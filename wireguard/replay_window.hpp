#pragma once
/// @file
/// The receive-side anti-replay filter of a keypair (WireGuard paper §5.4.6, RFC 6479): a bitmap
/// of 8192 bits kept as a ring of 64-bit blocks, as in Linux (drivers/net/wireguard/receive.c,
/// counter_validate) and wireguard-go (replay/replay.go). The window is 8192 - 64 = 8128
/// counters: one block is always being recycled.

#include <array>
#include <cstddef>
#include <cstdint>

#include "wireguard/constants.hpp"

namespace tsnode::wireguard {

/// Accepts each counter at most once, and none more than window_size behind the largest seen.
/// A default-constructed window is empty and ready. Not thread-safe. Validate only counters of
/// messages that have already authenticated: an unauthenticated counter would move the window.
class replay_window {
public:
  static constexpr std::size_t block_bits = 64;
  static constexpr std::size_t ring_blocks = 128; // a power of two
  static constexpr std::size_t total_bits = block_bits * ring_blocks;
  /// How far behind the largest accepted counter a counter may still be accepted.
  static constexpr std::uint64_t window_size = total_bits - block_bits;
  static_assert(window_size >= 2048, "issue #3 asks for at least 2048 packets");

  /// Returns whether `counter` is new and below `limit`, and records it if so.
  bool validate(std::uint64_t counter, std::uint64_t limit = reject_after_messages) noexcept;

  /// Forgets every counter.
  void reset() noexcept;

private:
  std::uint64_t last_ = 0;
  std::array<std::uint64_t, ring_blocks> ring_{};
};

} // namespace tsnode::wireguard
