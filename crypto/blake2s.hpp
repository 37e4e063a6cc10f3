#pragma once
/// @file
/// BLAKE2s (RFC 7693) over libb2, HMAC-BLAKE2s (RFC 2104 with a 64-byte block; libb2 has none)
/// and the HKDF-style KDF1/KDF2/KDF3 of the WireGuard paper §5.4 and the Noise spec §4.3.

#include <initializer_list>

#include "crypto/bytes.hpp"
#include "crypto/secret.hpp"

namespace tsnode::crypto {

inline constexpr std::size_t blake2s_size = 32;
using hash32 = byte_array<blake2s_size>;

/// Returns BLAKE2s-256 of the concatenation of `parts`.
hash32 blake2s(std::initializer_list<byte_view> parts) noexcept;

/// Returns BLAKE2s-256 of `x`.
inline hash32 blake2s(byte_view x) noexcept {
  return blake2s({x});
}

/// Returns keyed BLAKE2s with a 16-byte output of the concatenation of `parts`: WireGuard's
/// MAC(key, input) for mac1 and mac2 (WireGuard paper §5.4.4). `key` is 1..32 bytes.
byte_array<16> blake2s_mac16(byte_view key, std::initializer_list<byte_view> parts) noexcept;

/// Returns HMAC-BLAKE2s(key, concatenation of `parts`).
hash32 hmac_blake2s(byte_view key, std::initializer_list<byte_view> parts) noexcept;

/// Returns KDF1(ck, input): one 32-byte output.
key32 kdf1(const key32& chaining_key, byte_view input) noexcept;

/// Two outputs of KDF2.
struct kdf2_result {
  key32 first;
  key32 second;
};
/// Returns KDF2(ck, input).
kdf2_result kdf2(const key32& chaining_key, byte_view input) noexcept;

/// Three outputs of KDF3.
struct kdf3_result {
  key32 first;
  key32 second;
  key32 third;
};
/// Returns KDF3(ck, input) (WireGuard's pre-shared key mixing).
kdf3_result kdf3(const key32& chaining_key, byte_view input) noexcept;

} // namespace tsnode::crypto
