#include "crypto/random.hpp"

#include "crypto/bytes.hpp"

#include <cstdlib>
#include <sodium.h>

namespace tsnode::crypto {

std::uint32_t random_source::uniform(std::uint32_t upper_bound) {
  // Rejection sampling: drop the top sliver of the range that would bias the result.
  const std::uint32_t limit = static_cast<std::uint32_t>(-upper_bound) % upper_bound;
  for (;;) {
    std::uint8_t b[4];
    fill(b);
    std::uint32_t v = tsnode::load_le32(b);
    if (v >= limit)
      return v % upper_bound;
  }
}

void system_random::fill(std::span<std::uint8_t> out) {
  randombytes_buf(out.data(), out.size());
}

system_random& system_random::instance() {
  static system_random* r = [] {
    // sodium_init fails only when no entropy source exists at all: nothing can proceed then.
    if (sodium_init() < 0)
      std::abort();
    return new system_random;
  }();
  return *r;
}

} // namespace tsnode::crypto
