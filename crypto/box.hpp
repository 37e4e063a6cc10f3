#pragma once
/// @file
/// NaCl box (curve25519-xsalsa20-poly1305) in the crypto_box_easy layout, tag then ciphertext:
/// the layout of Go's nacl/box.Seal used by DERP and disco (tailscale-protocol.md §1).

#include <optional>

#include "crypto/bytes.hpp"
#include "crypto/secret.hpp"

namespace tsnode::crypto {

inline constexpr std::size_t box_nonce_size = 24;
inline constexpr std::size_t box_mac_size = 16;
using box_nonce = byte_array<box_nonce_size>;

/// Returns crypto_box_easy(plaintext) for `recipient` from `sender`: MAC (16) || ciphertext.
/// Returns nullopt when the key pair yields a weak shared point.
std::optional<byte_buffer> box_seal(const box_nonce& nonce, const byte_array<32>& recipient,
                                    const secret<32>& sender, byte_view plaintext);

/// Opens a crypto_box_easy message; nullopt on a bad MAC, a short input or a weak key.
std::optional<byte_buffer> box_open(const box_nonce& nonce, const byte_array<32>& sender,
                                    const secret<32>& recipient, byte_view boxed);

/// Returns the precomputed box key (crypto_box_beforenm, Go's box.Precompute), or nullopt
/// for a weak shared point.
std::optional<key32> box_precompute(const byte_array<32>& peer, const secret<32>& self);

/// Seals with a precomputed key; same layout as box_seal.
byte_buffer box_seal_afternm(const box_nonce& nonce, const key32& shared, byte_view plaintext);

/// Opens with a precomputed key; nullopt on a bad MAC or a short input.
std::optional<byte_buffer> box_open_afternm(const box_nonce& nonce, const key32& shared,
                                            byte_view boxed);

} // namespace tsnode::crypto
