#include "wireguard/replay_window.hpp"

namespace tsnode::wireguard {

bool replay_window::validate(std::uint64_t counter, std::uint64_t limit) noexcept {
  constexpr std::uint64_t block_mask = ring_blocks - 1;
  constexpr std::uint64_t bit_mask = block_bits - 1;
  if (counter >= limit)
    return false;
  const std::uint64_t block = counter / block_bits;
  if (counter > last_) {
    // Moving forward: clear the blocks the window slides over (at most the whole ring), so that
    // their stale bits never reject a new counter.
    const std::uint64_t current = last_ / block_bits;
    std::uint64_t diff = block - current;
    if (diff > ring_blocks)
      diff = ring_blocks;
    for (std::uint64_t i = 1; i <= diff; ++i)
      ring_[(current + i) & block_mask] = 0;
    last_ = counter;
  } else if (last_ - counter > window_size) {
    return false; // behind the window
  }
  auto& word = ring_[block & block_mask];
  const std::uint64_t bit = std::uint64_t{1} << (counter & bit_mask);
  const bool fresh = (word & bit) == 0;
  word |= bit;
  return fresh;
}

void replay_window::reset() noexcept {
  last_ = 0;
  ring_.fill(0);
}

} // namespace tsnode::wireguard
