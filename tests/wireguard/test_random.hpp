#pragma once
/// @file
/// Deterministic random sources for wireguard/ tests (style.md §5.3): a scripted source that
/// hands out given bytes first, then a splitmix64 stream from a seed.

#include <cstdint>
#include <deque>
#include <span>

#include "crypto/bytes.hpp"
#include "crypto/random.hpp"

namespace tsnode::test {

/// Returns queued bytes first (pushed with script()), then splitmix64(seed) bytes.
class deterministic_random final : public crypto::random_source {
public:
  explicit deterministic_random(std::uint64_t seed = 1)
    : state_(seed) {
    // nop
  }

  /// Makes the next fills start with `bytes` (e.g. a fixed ephemeral key).
  void script(byte_view bytes) { scripted_.insert(scripted_.end(), bytes.begin(), bytes.end()); }

  void fill(std::span<std::uint8_t> out) override {
    for (auto& b : out) {
      if (!scripted_.empty()) {
        b = scripted_.front();
        scripted_.pop_front();
        continue;
      }
      if (left_ == 0) {
        word_ = next();
        left_ = 8;
      }
      b = static_cast<std::uint8_t>(word_);
      word_ >>= 8;
      --left_;
    }
  }

private:
  std::uint64_t next() {
    std::uint64_t z = (state_ += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
  }

  std::uint64_t state_;
  std::uint64_t word_ = 0;
  int left_ = 0;
  std::deque<std::uint8_t> scripted_;
};

} // namespace tsnode::test
