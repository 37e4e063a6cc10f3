#pragma once
/// @file
/// Injected randomness (style.md §5.3): cores take a random_source&, shells pass system_random,
/// tests pass a deterministic source.

#include <cstdint>
#include <span>

namespace tsnode::crypto {

/// Something that fills buffers with random bytes.
class random_source {
public:
  virtual ~random_source() = default;
  /// Fills `out` with random bytes.
  virtual void fill(std::span<std::uint8_t> out) = 0;
  /// Returns a uniformly random value in [0, upper_bound); upper_bound must be > 0.
  std::uint32_t uniform(std::uint32_t upper_bound);
};

/// libsodium's CSPRNG (randombytes_buf). Thread-safe.
class system_random final : public random_source {
public:
  void fill(std::span<std::uint8_t> out) override;
  /// Returns the process-wide instance.
  static system_random& instance();
};

} // namespace tsnode::crypto
