#pragma once
/// @file
/// Standard base64 (RFC 4648 §4: `A–Z a–z 0–9 + /`, padded with `=`), the text form of WireGuard
/// keys in wg(8) and wg-quick files: 32 bytes are 44 characters ending in one `=`.
///
/// Decoding is strict: no whitespace or line breaks, the length is a multiple of 4, `=` appears
/// only as one or two trailing pad characters, and the pad bits of the last digit are zero
/// (RFC 4648 §3.5), so every byte string has exactly one accepted text. The digits are mapped
/// without branches or table lookups on their values, as wg(8)'s encoding.c does, because the
/// text is often a private key. Pure: no I/O.

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>

#include "crypto/bytes.hpp"

namespace tsnode::crypto {

/// Returns the length of the base64 text of `n` bytes: 4 * ceil(n / 3).
constexpr std::size_t base64_encoded_size(std::size_t n) noexcept {
  return (n + 2) / 3 * 4;
}

/// Returns the standard base64 text of `x`, padded.
std::string base64_encode(byte_view x);

/// Returns the bytes of the standard base64 text `text`, or nullopt when it is not strict
/// base64 (see the file comment). The empty text decodes to no bytes.
std::optional<byte_buffer> base64_decode(std::string_view text);

/// Decodes `text` into `out` without allocating. Returns whether `text` is the strict base64 of
/// exactly `out.size()` bytes; on false `out` is zeroed. Use it to decode secrets in place.
bool base64_decode_exact(std::string_view text, std::span<std::uint8_t> out) noexcept;

/// Returns the 32 bytes of a WireGuard key in base64 (44 characters, one `=`), or nullopt.
std::optional<byte_array<32>> key_from_base64(std::string_view text);

/// Returns the base64 text of a WireGuard key, as `wg genkey` and `wg pubkey` print it.
std::string key_to_base64(const byte_array<32>& key);

} // namespace tsnode::crypto
