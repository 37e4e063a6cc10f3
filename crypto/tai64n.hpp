#pragma once
/// @file
/// TAI64N timestamps as WireGuard puts them in handshake initiations (WireGuard paper §5.1,
/// §5.4.2): 8 bytes big-endian 2^62 + 10 + seconds, then 4 bytes big-endian nanoseconds.

#include <cstdint>

#include "crypto/bytes.hpp"

namespace tsnode::crypto {

inline constexpr std::size_t tai64n_size = 12;
using tai64n = byte_array<tai64n_size>;

/// Returns the TAI64N label for a UNIX time. `nanoseconds` is rounded down to a multiple of
/// 2^24 ns (about 16.8 ms), as wireguard-go and Linux do, so that the timestamp does not leak a
/// fine-grained clock to the peer. @pre nanoseconds < 1'000'000'000.
tai64n make_tai64n(std::int64_t unix_seconds, std::uint32_t nanoseconds) noexcept;

/// Returns whether `a` is strictly later than `b` (big-endian byte order is time order).
bool tai64n_after(const tai64n& a, const tai64n& b) noexcept;

} // namespace tsnode::crypto
