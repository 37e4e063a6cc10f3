#pragma once
/// @file
/// ChaCha20-Poly1305 (RFC 8439, IETF 96-bit nonce) and XChaCha20-Poly1305 over libsodium.
/// The caller builds the nonce, so WireGuard's little-endian counter (WireGuard paper §5.4.6)
/// and ts2021's big-endian one (tailscale-protocol.md §0.1) are each one call.

#include <cstdint>

#include "crypto/bytes.hpp"
#include "crypto/secret.hpp"

namespace tsnode::crypto {

inline constexpr std::size_t aead_tag_size = 16;
inline constexpr std::size_t aead_nonce_size = 12;
inline constexpr std::size_t xaead_nonce_size = 24;

using aead_nonce = byte_array<aead_nonce_size>;
using xaead_nonce = byte_array<xaead_nonce_size>;

/// Returns 4 zero bytes then the counter little-endian: WireGuard's transport nonce.
aead_nonce nonce_le64(std::uint64_t counter) noexcept;

/// Returns 4 zero bytes then the counter big-endian: ts2021's record nonce.
aead_nonce nonce_be64(std::uint64_t counter) noexcept;

/// Seals `plaintext` with associated data `ad` into `out` (ciphertext then 16-byte tag).
/// @pre out.size() == plaintext.size() + aead_tag_size; `out` may alias `plaintext` exactly.
void seal(const key32& key, const aead_nonce& nonce, byte_view ad, byte_view plaintext,
          std::span<std::uint8_t> out) noexcept;

/// Opens `ciphertext` (with its trailing tag) into `out`. Returns false on a bad tag or a
/// ciphertext shorter than the tag; `out` is then unspecified.
/// @pre out.size() == ciphertext.size() - aead_tag_size when ciphertext.size() >= the tag.
[[nodiscard]] bool open(const key32& key, const aead_nonce& nonce, byte_view ad,
                        byte_view ciphertext, std::span<std::uint8_t> out) noexcept;

/// Returns the sealed bytes of `plaintext` (allocating convenience form of seal()).
byte_buffer seal(const key32& key, const aead_nonce& nonce, byte_view ad, byte_view plaintext);

/// XChaCha20-Poly1305 seal (WireGuard cookie reply). Same layout and precondition as seal().
void xseal(const key32& key, const xaead_nonce& nonce, byte_view ad, byte_view plaintext,
           std::span<std::uint8_t> out) noexcept;

/// XChaCha20-Poly1305 open. Same contract as open().
[[nodiscard]] bool xopen(const key32& key, const xaead_nonce& nonce, byte_view ad,
                         byte_view ciphertext, std::span<std::uint8_t> out) noexcept;

} // namespace tsnode::crypto
