#include "crypto/tai64n.hpp"

#include <algorithm>

namespace tsnode::crypto {

tai64n make_tai64n(std::int64_t unix_seconds, std::uint32_t nanoseconds) noexcept {
  // 2^62 marks the TAI64 epoch; +10 is the TAI-UTC offset at 1970 (both WireGuard
  // implementations add 0x400000000000000a).
  constexpr std::uint64_t base = 0x400000000000000aULL;
  constexpr std::uint32_t whitener = 0x1000000; // 2^24 ns
  tai64n out;
  store_be64(out.data(), base + static_cast<std::uint64_t>(unix_seconds));
  store_be32(out.data() + 8, nanoseconds / whitener * whitener);
  return out;
}

bool tai64n_after(const tai64n& a, const tai64n& b) noexcept {
  return std::lexicographical_compare(b.begin(), b.end(), a.begin(), a.end());
}

} // namespace tsnode::crypto
