#pragma once
/// @file
/// A fixed-size secret that is move-only and wipes itself (style.md §5.13).

#include <algorithm>
#include <cstddef>
#include <cstdint>

#include "crypto/bytes.hpp"

namespace tsnode::crypto {

/// Overwrites `n` bytes at `p` with zeros in a way the compiler may not elide.
void wipe(void* p, std::size_t n) noexcept;

/// Holds N secret bytes; zeroed on destruction, on move-from and by clear().
template <std::size_t N>
class secret {
public:
  secret() noexcept = default;
  explicit secret(const byte_array<N>& x) noexcept
    : bytes_(x) {
    // nop
  }
  secret(const secret&) = delete;
  secret& operator=(const secret&) = delete;
  secret(secret&& other) noexcept
    : bytes_(other.bytes_) {
    other.clear();
  }
  secret& operator=(secret&& other) noexcept {
    if (this != &other) {
      bytes_ = other.bytes_;
      other.clear();
    }
    return *this;
  }
  ~secret() { clear(); }

  /// Returns a copy with the same bytes; explicit so that secrets are never copied by accident.
  secret clone() const noexcept {
    secret out;
    out.bytes_ = bytes_;
    return out;
  }
  /// Zeroes the bytes.
  void clear() noexcept { wipe(bytes_.data(), N); }
  const byte_array<N>& bytes() const noexcept { return bytes_; }
  byte_array<N>& bytes() noexcept { return bytes_; }
  const std::uint8_t* data() const noexcept { return bytes_.data(); }
  std::uint8_t* data() noexcept { return bytes_.data(); }
  static constexpr std::size_t size() noexcept { return N; }
  byte_view view() const noexcept { return {bytes_.data(), N}; }

private:
  byte_array<N> bytes_{};
};

/// A 32-byte symmetric key (AEAD keys, chaining keys).
using key32 = secret<32>;

} // namespace tsnode::crypto
